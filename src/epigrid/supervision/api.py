"""API of supervision 督查 (router mounted at /api/supervision): documents received 收文, their
routing 分办, circulation 传阅 and archiving; supervised tasks 督办事项; inspections 督导检查 and
their findings (api_inspections.py).

A document is read through the receiving desk's subtree or the areas it was routed to, a task
through the area that handles it or the desk that set it, an inspection through the inspected
area's subtree; one out of sight answers 404 as a missing one (an area, a site or a user named
in a body, out of sight or missing alike: 422 on its field). Registering documents, setting
tasks and recording inspections need SUPERVISE (403); routing, circulating and archiving a
document SUPERVISE on the receiving desk's side (`access.may_manage_document`: a town reads a
district's document routed to it, it does not manage it); reporting a task done is the
handling area's (HANDLE_TASKS, `access.may_handle`), and so is handing it down 分解下达 to the
areas below; accepting, sending back and withdrawing it the setting desk's (`access.may_decide`:
for a part handed down, whoever handles the task it came from). Every write goes through the
services (services.py, documents.py, handing.py, inspections.py); their refusals answer 422
naming the field (a routing's as `routings.<index>.<field>`, the index in the body's list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from epigrid.areas.access import root_area_for
from epigrid.areas.api import visible_area
from epigrid.areas.models import Area
from epigrid.core.access import Capability, subtree_q
from epigrid.core.api import (
    Page,
    PageParams,
    api_user,
    call_service,
    field_errors,
    get_object_for_user,
    keyset_page,
    require,
)
from epigrid.core.days import local_day
from epigrid.supervision import access, documents, handing, services
from epigrid.supervision.api_inspections import router as inspections_router
from epigrid.supervision.api_schemas import (
    CirculateIn,
    DocumentDetailOut,
    DocumentFilters,
    DocumentIn,
    DocumentOut,
    HandDownIn,
    NoteIn,
    ReaderOut,
    ReadIn,
    ReportIn,
    RouteIn,
    RoutingIn,
    SendBackIn,
    TaskDetailOut,
    TaskFilters,
    TaskIn,
    TaskOut,
)
from epigrid.supervision.models import (
    PENDING,
    Document,
    Task,
    TaskQuerySet,
    overdue_tasks_q,
)

router = Router(tags=["supervision"])
R = TypeVar("R", Document, Task)
router.add_router("", inspections_router)


# --- helpers -----------------------------------------------------------------------------------

def _documents(rows: QuerySet[Document]) -> QuerySet[Document]:
    return rows.select_related("area", "registered_by")


def _document(request: HttpRequest, pk: int) -> Document:
    found: Document = get_object_for_user(_documents(Document.objects.all()), api_user(request),
                                          pk)
    return found


def _tasks(rows: TaskQuerySet) -> TaskQuerySet:
    return rows.select_related("area", "issuer_area", "created_by",
                               "parent__area").with_parts_done()


def _task(request: HttpRequest, pk: int) -> Task:
    found: Task = get_object_for_user(_tasks(Task.objects.all()), api_user(request), pk)
    return found


def _allowed(check: Callable[[Any, R], None], user: Any, record: R) -> None:
    """An `access.require_may_*` check, answered 403 with its reason."""
    try:
        check(user, record)
    except PermissionDenied as refusal:
        raise HttpError(403, str(refusal)) from None


def _routings(user: Any, given: list[RoutingIn]) -> list[documents.Routing]:
    """The body's rows with their areas; an area out of sight or missing: 422 on its row."""
    areas = Area.objects.restrict(user).in_bulk([routing.area for routing in given])
    missing = {f"routings.{index}.area": [_("No area %(id)s among the areas you may see.")
                                          % {"id": routing.area}]
               for index, routing in enumerate(given) if routing.area not in areas}
    if missing:
        raise field_errors(missing)
    return [documents.Routing(area=areas[routing.area], due_on=routing.due_on,
                              part=routing.part, instructions=routing.instructions)
            for routing in given]


# --- documents ---------------------------------------------------------------------------------

@router.get("/documents", response=Page[DocumentOut],
            summary="Documents your desks received or your area was routed, the latest first")
def list_documents(request: HttpRequest, filters: Query[DocumentFilters],
                   page: Query[PageParams]) -> dict[str, Any]:
    rows = _documents(Document.objects.restrict(api_user(request)))
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.q:
        rows = rows.filter(Q(title__icontains=filters.q) | Q(issuer__icontains=filters.q)
                           | Q(reference__icontains=filters.q) | Q(serial__icontains=filters.q))
    return keyset_page(rows, page, newest_first=True)


@router.post("/documents", response={201: DocumentDetailOut},
             summary="Register a document received (收文登记)")
def register_document(request: HttpRequest, payload: DocumentIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.SUPERVISE)
    area: Area | None = (visible_area(user, payload.area, "area", where="body")
                         if payload.area is not None else root_area_for(user))
    if area is None:
        raise field_errors({"area": [_("Choose the area whose desk received it.")]})
    made = call_service(lambda: documents.register_document(
        area, by=user, title=payload.title, issuer=payload.issuer, kind=payload.kind,
        received_on=payload.received_on or local_day(), reference=payload.reference,
        urgency=payload.urgency, reply_by=payload.reply_by, summary=payload.summary))
    return Status(201, _document(request, made.pk))


@router.get("/documents/{int:document_id}", response=DocumentDetailOut,
            summary="One document with its tasks and its circulation")
def get_document(request: HttpRequest, document_id: int) -> Document:
    return _document(request, document_id)


@router.post("/documents/{int:document_id}/route", response=DocumentDetailOut,
             summary="Route a document (分办): a task for each area named")
def route_document(request: HttpRequest, document_id: int, payload: RouteIn) -> Document:
    user = api_user(request)
    document = _document(request, document_id)
    _allowed(access.require_may_manage_document, user, document)
    routings = _routings(user, payload.routings)
    call_service(lambda: documents.route(document, routings, by=user), {"areas": "routings"})
    return _document(request, document_id)


@router.post("/documents/{int:document_id}/circulate", response=DocumentDetailOut,
             summary="Pass a document to people to read (传阅); each is told")
def circulate_document(request: HttpRequest, document_id: int,
                       payload: CirculateIn) -> Document:
    user = api_user(request)
    document = _document(request, document_id)
    _allowed(access.require_may_manage_document, user, document)
    wanted = list(dict.fromkeys(payload.readers))
    readers = documents.readers_for(document).in_bulk(wanted)
    # A user who may not read it is refused as one who does not exist: ids leak nothing.
    if unknown := [pk for pk in wanted if pk not in readers]:
        raise field_errors({"readers": [_("No user %(id)s who may read this document.")
                                        % {"id": pk} for pk in unknown]})
    call_service(lambda: documents.circulate(document, [readers[pk] for pk in wanted],
                                             by=user))
    return _document(request, document_id)


@router.get("/documents/{int:document_id}/readers", response=list[ReaderOut],
            summary="Who a document may be passed to (the receiving desk's side)")
def list_readers(request: HttpRequest, document_id: int) -> list[Any]:
    user = api_user(request)
    document = _document(request, document_id)
    _allowed(access.require_may_manage_document, user, document)
    return list(documents.readers_for(document).select_related("home_area"))


@router.post("/documents/{int:document_id}/read", response=DocumentDetailOut,
             summary="Mark a document passed to you read, with your remarks (阅示)")
def read_document(request: HttpRequest, document_id: int, payload: ReadIn) -> Document:
    user = api_user(request)
    document = _document(request, document_id)
    call_service(lambda: documents.mark_read(document, by=user, remarks=payload.remarks))
    return _document(request, document_id)


@router.post("/documents/{int:document_id}/archive", response=DocumentDetailOut,
             summary="Archive a document (归档) once none of its tasks is in hand")
def archive_document(request: HttpRequest, document_id: int, payload: NoteIn) -> Document:
    user = api_user(request)
    document = _document(request, document_id)
    _allowed(access.require_may_manage_document, user, document)
    call_service(lambda: documents.archive(document, by=user, note=payload.note))
    return _document(request, document_id)


# --- tasks -------------------------------------------------------------------------------------

@router.get("/tasks", response=Page[TaskOut],
            summary="Tasks your areas handle or your desks set (default: those pending)")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters],
               page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _tasks(Task.objects.restrict(user))
    if filters.status == "pending":
        rows = rows.filter(status__in=PENDING)
    elif filters.status == "overdue":
        rows = rows.filter(overdue_tasks_q(local_day()))
    elif filters.status != "any":
        rows = rows.filter(status=filters.status)
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    if filters.q:
        rows = rows.filter(title__icontains=filters.q)
    return keyset_page(rows, page)


@router.post("/tasks", response={201: TaskDetailOut},
             summary="Set an area a task (督办), due by a day")
def set_task(request: HttpRequest, payload: TaskIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.SUPERVISE)
    area = visible_area(user, payload.area, "area", where="body")
    made = call_service(lambda: services.set_task(
        area, by=user, title=payload.title, due_on=payload.due_on,
        instructions=payload.instructions))
    return Status(201, _task(request, made.pk))


@router.get("/tasks/{int:task_id}", response=TaskDetailOut, summary="One task with its history")
def get_task(request: HttpRequest, task_id: int) -> Task:
    return _task(request, task_id)


@router.post("/tasks/{int:task_id}/hand-down", response=TaskDetailOut,
             summary="Hand a task down (分解下达): a part for each area below its own")
def hand_down_task(request: HttpRequest, task_id: int, payload: HandDownIn) -> Task:
    user = api_user(request)
    task = _task(request, task_id)
    _allowed(access.require_may_handle, user, task)
    routings = _routings(user, payload.routings)
    call_service(lambda: handing.hand_down(task, routings, by=user), {"areas": "routings"})
    return _task(request, task_id)


@router.post("/tasks/{int:task_id}/report", response=TaskDetailOut,
             summary="Report a task done (报结): the handling area says what it did")
def report_task(request: HttpRequest, task_id: int, payload: ReportIn) -> Task:
    user = api_user(request)
    task = _task(request, task_id)
    _allowed(access.require_may_handle, user, task)
    call_service(lambda: services.report_done(task, by=user, report=payload.report))
    return _task(request, task_id)


@router.post("/tasks/{int:task_id}/accept", response=TaskDetailOut,
             summary="Accept a task reported done (办结): the desk that set it")
def accept_task(request: HttpRequest, task_id: int, payload: NoteIn) -> Task:
    user = api_user(request)
    task = _task(request, task_id)
    _allowed(access.require_may_decide, user, task)
    call_service(lambda: services.accept(task, by=user, note=payload.note))
    return _task(request, task_id)


@router.post("/tasks/{int:task_id}/send-back", response=TaskDetailOut,
             summary="Send a task reported done back (退回), saying why, by a new day if given")
def send_back_task(request: HttpRequest, task_id: int, payload: SendBackIn) -> Task:
    user = api_user(request)
    task = _task(request, task_id)
    _allowed(access.require_may_decide, user, task)
    call_service(lambda: services.send_back(task, by=user, note=payload.note,
                                            due_on=payload.due_on))
    return _task(request, task_id)


@router.post("/tasks/{int:task_id}/withdraw", response=TaskDetailOut,
             summary="Withdraw a task not yet completed (撤销), saying why")
def withdraw_task(request: HttpRequest, task_id: int, payload: NoteIn) -> Task:
    user = api_user(request)
    task = _task(request, task_id)
    _allowed(access.require_may_decide, user, task)
    call_service(lambda: services.withdraw(task, by=user, note=payload.note))
    return _task(request, task_id)

