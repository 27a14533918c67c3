"""API of the problem list 问题清单 (router mounted at /api/problems).

Reads come through `Problem.objects.restrict(user)`: a problem raised in the user's subtree or
escalated to a level inside it (404 alike for missing and forbidden). Raising needs
RAISE_PROBLEMS; assigning, changing status, closing and reopening need RESOLVE_PROBLEMS (403).
The services' refusals answer 422 naming the field. `/close` takes a JSON note;
`/close-with-evidence` takes the note and an optional evidence file as a multipart form (one
operation cannot take both bodies). Both call the same `services.close`; the download links of
evidence files are in a problem's history (`problems:evidence`, scoped like the problem).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from epigrid.areas.access import root_area_for
from epigrid.areas.api import visible_area
from epigrid.areas.models import Area
from epigrid.core.access import Capability
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
    require,
)
from epigrid.problems import queries, services
from epigrid.problems.access import RELATED
from epigrid.problems.closure import closure_rates
from epigrid.problems.models import Category, Problem, ProblemEvent, Urgency
from epigrid.problems.models import Status as ProblemStatus

router = Router(tags=["problems"])
T = TypeVar("T")
# The services name model fields; the API's inputs name ids.
API_NAMES = {"assignee": "assignee_id", "area": "area_id"}


# --- schemas -----------------------------------------------------------------------------------

class ProblemOut(Schema):
    id: int
    area_id: int
    area_name: str
    level_area_id: int = Field(description="The level handling it now (its area until "
                                           "escalated).")
    level_area_name: str
    escalations: int
    title: str
    description: str
    category: Category
    urgency: Urgency
    assignee_unit: str
    assignee_id: int | None
    assignee_username: str | None
    due_on: datetime.date
    overdue: bool
    status: ProblemStatus
    raised_by: str | None
    raised_at: datetime.datetime
    closed_at: datetime.datetime | None
    close_note: str

    @staticmethod
    def resolve_area_name(obj: Problem) -> str:
        return obj.area.name

    @staticmethod
    def resolve_level_area_name(obj: Problem) -> str:
        return obj.level_area.name

    @staticmethod
    def resolve_assignee_username(obj: Problem) -> str | None:
        return obj.assignee.get_username() if obj.assignee else None

    @staticmethod
    def resolve_overdue(obj: Problem) -> bool:
        return queries.is_overdue(obj, timezone.localdate())

    @staticmethod
    def resolve_raised_by(obj: Problem) -> str | None:
        return obj.raised_by.get_username() if obj.raised_by else None


class EventOut(Schema):
    step: str
    by: str | None
    at: datetime.datetime
    note: str
    status: ProblemStatus
    assignee_unit: str
    assignee_id: int | None
    level_area_id: int | None
    due_on: datetime.date | None = Field(description="The due date an assignment set.")
    evidence_name: str
    evidence_url: str | None

    @staticmethod
    def resolve_by(obj: ProblemEvent) -> str | None:
        return obj.by.get_username() if obj.by else None

    @staticmethod
    def resolve_evidence_url(obj: ProblemEvent) -> str | None:
        return (reverse("problems:evidence", args=[obj.problem_id, obj.pk])
                if obj.evidence else None)


class ProblemDetailOut(ProblemOut):
    history: list[EventOut] = Field(description="Every step, oldest first.")

    @staticmethod
    def resolve_history(obj: Problem) -> list[ProblemEvent]:
        return list(ProblemEvent.objects.filter(problem=obj).select_related("by"))


class Filters(InSchema):
    status: ProblemStatus | None = None
    urgency: Urgency | None = None
    category: Category | None = None
    overdue: bool = Field(False, description="Only those open past their due date.")
    where: str | None = Field(None, pattern="^(raised|escalated)$",
                              description="`raised`: raised in your area; `escalated`: "
                                          "escalated to a level in your area.")
    area: int | None = Field(None, description="Only those raised in this area id's subtree.")


class RaiseIn(InSchema):
    area_id: int
    title: str = Field(max_length=200)
    description: str = ""
    category: Category
    urgency: Urgency = Urgency.NORMAL
    due_on: datetime.date = Field(description="Today or later.")
    assignee_unit: str = Field("", max_length=200)
    assignee_id: int | None = Field(None, description="A user who sees the area.")


class AssignIn(InSchema):
    assignee_unit: str = Field("", max_length=200)
    assignee_id: int | None = None
    note: str = Field("", max_length=1000)
    due_on: datetime.date | None = Field(None, description="A new due date, today or later; "
                                                           "left out, the due date stays.")


class StatusIn(InSchema):
    status: str = Field(pattern="^(open|in_progress)$", description="Close with /close.")
    note: str = Field("", max_length=1000)


class NoteIn(InSchema):
    note: str = Field("", max_length=2000)


class CloseForm(InSchema):
    """The fields of the multipart close; the file comes beside them as `evidence`."""

    note: str = Field("", max_length=2000, description="How the problem was solved (required).")


class RateOut(Schema):
    area_id: int
    area_name: str
    day: datetime.date
    open_at_start: int
    raised: int
    closed: int
    rate: float | None = Field(description="closed / (open_at_start + raised); null when "
                                           "both are 0.")


class RateFilters(InSchema):
    area: int | None = Field(None, description="This area and its children (default: yours).")
    day: datetime.date | None = Field(None, description="Default: today.")


# --- helpers -----------------------------------------------------------------------------------

def _problem(request: HttpRequest, pk: int) -> Problem:
    return get_object_for_user(Problem.objects.select_related(*RELATED), api_user(request), pk)


def _service(call: Callable[[], T]) -> T:
    """Run a service; its refusals come back under the API's field names."""
    try:
        return call()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise field_errors({API_NAMES.get(name, name): messages
                            for name, messages in error.message_dict.items()}) from None


def _assignee(request: HttpRequest, pk: int | None, area: Area) -> Any:
    """The user `pk`; unknown or blind to the area answer the same 422 (ids leak nothing)."""
    if pk is None:
        return None
    found = get_user_model().objects.filter(pk=pk).select_related("home_area").first()
    if found is None or not services.sees_area(found, area.path):
        raise field_errors({"assignee_id": [_("No user %(id)s who can see %(area)s.")
                                            % {"id": pk, "area": area.name}]})
    return found


# --- routes ------------------------------------------------------------------------------------

@router.get("", response=Page[ProblemOut], summary="Problems raised in or escalated to your area")
def list_problems(request: HttpRequest, filters: Query[Filters],
                  page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    area = visible_area(user, filters.area, "area") if filters.area is not None else None
    rows = queries.apply(user, queries.visible(user), queries.Filters(
        status=filters.status or "", urgency=filters.urgency or "",
        category=filters.category or "", overdue=filters.overdue, where=filters.where or "",
        area=area))
    return keyset_page(rows, page)


@router.get("/closure-rates", response=list[RateOut],
            summary="Daily closure rate of an area and its children")
def rates(request: HttpRequest, filters: Query[RateFilters]) -> list[dict[str, Any]]:
    user = api_user(request)
    home = (visible_area(user, filters.area, "area") if filters.area is not None
            else root_area_for(user))
    if home is None:
        return []
    children = list(Area.objects.restrict(user).filter(parent=home).order_by("name"))
    day = filters.day or timezone.localdate()
    return [{"area_id": rate.area.pk, "area_name": rate.area.name, "day": rate.day,
             "open_at_start": rate.open_at_start, "raised": rate.raised, "closed": rate.closed,
             "rate": rate.rate} for rate in closure_rates([home, *children], day)]


@router.get("/{int:id}", response=ProblemDetailOut, summary="One problem with its history")
def get_problem(request: HttpRequest, id: int) -> Problem:
    return _problem(request, id)


@router.post("", response={201: ProblemDetailOut}, summary="Raise a problem")
def raise_problem(request: HttpRequest, payload: RaiseIn) -> Status[Any]:
    user = api_user(request)
    area: Area = get_object_for_user(Area, user, payload.area_id)
    require(user, Capability.RAISE_PROBLEMS)
    assignee = _assignee(request, payload.assignee_id, area)
    problem = _service(lambda: services.raise_problem(
        area, by=user, title=payload.title, description=payload.description,
        category=payload.category, urgency=payload.urgency, due_on=payload.due_on,
        assignee_unit=payload.assignee_unit, assignee=assignee))
    return Status(201, _problem(request, problem.pk))


@router.post("/{int:id}/assign", response=ProblemDetailOut, summary="Assign a problem")
def assign(request: HttpRequest, id: int, payload: AssignIn) -> Problem:
    user = api_user(request)
    problem = _problem(request, id)
    require(user, Capability.RESOLVE_PROBLEMS)
    assignee = _assignee(request, payload.assignee_id, problem.area)
    _service(lambda: services.assign(problem, by=user, assignee_unit=payload.assignee_unit,
                                     assignee=assignee, note=payload.note,
                                     due_on=payload.due_on))
    return _problem(request, id)


@router.post("/{int:id}/status", response=ProblemDetailOut,
             summary="Mark a problem open or in progress")
def change_status(request: HttpRequest, id: int, payload: StatusIn) -> Problem:
    user = api_user(request)
    problem = _problem(request, id)
    require(user, Capability.RESOLVE_PROBLEMS)
    _service(lambda: services.change_status(problem, payload.status, by=user,
                                            note=payload.note))
    return _problem(request, id)


@router.post("/{int:id}/close", response=ProblemDetailOut,
             summary="Close a problem (a note is required)")
def close(request: HttpRequest, id: int, payload: NoteIn) -> Problem:
    user = api_user(request)
    problem = _problem(request, id)
    require(user, Capability.RESOLVE_PROBLEMS)
    _service(lambda: services.close(problem, by=user, note=payload.note))
    return _problem(request, id)


@router.post("/{int:id}/close-with-evidence", response=ProblemDetailOut,
             summary="Close a problem with an evidence file (multipart form: note, evidence)")
def close_with_evidence(request: HttpRequest, id: int, form: Form[CloseForm],
                        evidence: File[UploadedFile | None] = None) -> Problem:
    # The note has a default so that a missing one is the service's refusal (422 on `note`),
    # said after the 404 and the 403, as /close does. `evidence` (optional): up to 10 MB.
    user = api_user(request)
    problem = _problem(request, id)
    require(user, Capability.RESOLVE_PROBLEMS)
    _service(lambda: services.close(problem, by=user, note=form.note, evidence=evidence))
    return _problem(request, id)


@router.post("/{int:id}/reopen", response=ProblemDetailOut,
             summary="Reopen a closed problem (a note is required)")
def reopen(request: HttpRequest, id: int, payload: NoteIn) -> Problem:
    user = api_user(request)
    problem = _problem(request, id)
    require(user, Capability.RESOLVE_PROBLEMS)
    _service(lambda: services.reopen(problem, by=user, note=payload.note))
    return _problem(request, id)
