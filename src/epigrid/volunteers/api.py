"""API of volunteers 志愿服务 (router mounted at /api/volunteers): the volunteers 志愿者 of the
areas, the projects 志愿服务项目 they serve in, and the hours 服务时长 they served.

A volunteer, a project and a record of hours are read through their area's subtree; one out of
sight answers 404 as a missing one (an area or a volunteer named in a body, out of sight or
missing alike: 422 on its field). Registering a volunteer and opening a project need
MANAGE_VOLUNTEERS (403); a volunteer's leaving, a project's closing, hours recorded and
withdrawn need it over the area (`access.may_manage`). A phone is masked in every list, and on
a volunteer's record for who may not keep their area. Every write goes through services.py; its
refusals answer 422 naming the field. Hours are sums of the records, summed in the list's query.

Volunteer self-service 我的志愿服务 (self_api.py, mounted here): `/me` (one's own record;
enrolling), `/me/projects` (the projects open to one), `/me/signups` and `/signups/{id}/withdraw`
(sign-ups 报名), `/me/claims` (claims of hours 时长申报); the keepers' `/claims` with their
`confirm` and `decline`, and `/projects/{id}/signups`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from epigrid.areas.api import visible_area
from epigrid.core.access import Capability, subtree_q
from epigrid.core.api import (
    Page,
    PageParams,
    api_user,
    call_service,
    fetch,
    keyset_page,
    named,
    not_found,
    patched,
    require,
)
from epigrid.core.days import local_day
from epigrid.volunteers import access, services
from epigrid.volunteers.api_schemas import (
    DayIn,
    HoursIn,
    ProjectChangeIn,
    ProjectFilters,
    ProjectIn,
    ProjectOut,
    RecordOut,
    VolunteerChangeIn,
    VolunteerDetailOut,
    VolunteerFilters,
    VolunteerIn,
    VolunteerOut,
)
from epigrid.volunteers.certificate_api import router as certificate_router
from epigrid.volunteers.models import (
    Project,
    ServiceRecord,
    Volunteer,
    hours_served,
    listed_projects,
    project_closed_q,
    project_open_q,
    serving_q,
    with_claims_waiting_q,
)
from epigrid.volunteers.self_api import router as self_router

router = Router(tags=["volunteers"])
router.add_router("", self_router)
router.add_router("", certificate_router)


# --- helpers -----------------------------------------------------------------------------------

def may_manage_or_403(user: Any, path: str) -> None:
    if not access.may_manage(user, path):
        raise HttpError(403, _("Only the area's officers keep its volunteers and projects."))


def _volunteers(rows: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """With their hours summed in the same query."""
    return rows.select_related("area").annotate(hours=hours_served())


def _volunteer(request: HttpRequest, pk: int) -> Volunteer:
    return fetch(access.get_volunteer_for_user, request, pk)


def _projects(rows: QuerySet[Project]) -> QuerySet[Project]:
    """With their figures counted in the same query, as the page's (`listed_projects`)."""
    return listed_projects(rows).select_related("created_by")


def _project(request: HttpRequest, pk: int) -> Project:
    return fetch(access.get_project_for_user, request, pk)


# --- volunteers --------------------------------------------------------------------------------

@router.get("/volunteers", response=Page[VolunteerOut],
            summary="Volunteers (志愿者) of your areas (default: those serving), with their hours; "
                    "phones masked")
def list_volunteers(request: HttpRequest, filters: Query[VolunteerFilters],
                    page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _volunteers(Volunteer.objects.restrict(user))
    if filters.status == "serving":
        rows = rows.filter(serving_q(local_day()))
    elif filters.status == "left":
        rows = rows.filter(left_on__lt=local_day())
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    if filters.q:
        rows = rows.filter(name__icontains=filters.q)
    if filters.skills:
        rows = rows.filter(skills__icontains=filters.skills)
    return keyset_page(rows, page)


@router.post("/volunteers", response={201: VolunteerDetailOut},
             summary="Register a volunteer (登记) in an area")
def register(request: HttpRequest, payload: VolunteerIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.MANAGE_VOLUNTEERS)
    area = visible_area(user, payload.area, "area", where="body")
    made = call_service(lambda: services.register(
        area, by=user, name=payload.name, phone=payload.phone, skills=payload.skills,
        party_member=payload.party_member, registered_on=payload.registered_on or local_day()))
    return Status(201, _volunteer(request, made.pk))


@router.get("/volunteers/{int:volunteer_id}", response=VolunteerDetailOut,
            summary="One volunteer with their hours by project (the phone in full to who may "
                    "keep the area)")
def get_volunteer(request: HttpRequest, volunteer_id: int) -> Volunteer:
    return _volunteer(request, volunteer_id)


@router.patch("/volunteers/{int:volunteer_id}", response=VolunteerDetailOut,
              summary="Correct a volunteer's record: the fields given change, the others stay")
def change_volunteer(request: HttpRequest, volunteer_id: int,
                     payload: VolunteerChangeIn) -> Volunteer:
    user = api_user(request)
    volunteer = _volunteer(request, volunteer_id)
    may_manage_or_403(user, volunteer.area.path)
    values = patched(volunteer, payload, ("name", "phone", "skills", "party_member",
                                          "registered_on"))
    call_service(lambda: services.change_volunteer(volunteer, by=user, **values))
    return _volunteer(request, volunteer_id)


@router.post("/volunteers/{int:volunteer_id}/leave", response=VolunteerDetailOut,
             summary="Record that a volunteer left (退出): they serve no more after that day")
def leave(request: HttpRequest, volunteer_id: int, payload: DayIn) -> Volunteer:
    user = api_user(request)
    volunteer = _volunteer(request, volunteer_id)
    may_manage_or_403(user, volunteer.area.path)
    call_service(lambda: services.leave(volunteer, by=user, on=payload.on or local_day()))
    return _volunteer(request, volunteer_id)


# --- projects ----------------------------------------------------------------------------------

@router.get("/projects", response=Page[ProjectOut],
            summary="Volunteer projects (志愿服务项目) of your areas (default: open ones), with "
                    "hours served and volunteers")
def list_projects(request: HttpRequest, filters: Query[ProjectFilters],
                  page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _projects(Project.objects.restrict(user))
    if filters.status == "open":
        rows = rows.filter(project_open_q(local_day()))
    elif filters.status == "closed":
        rows = rows.filter(project_closed_q(local_day()))
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    if filters.claims == "waiting":
        rows = rows.filter(with_claims_waiting_q())
    return keyset_page(rows, page)


@router.post("/projects", response={201: ProjectOut},
             summary="Open a volunteer project in an area")
def open_project(request: HttpRequest, payload: ProjectIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.MANAGE_VOLUNTEERS)
    area = visible_area(user, payload.area, "area", where="body")
    made = call_service(lambda: services.open_project(
        area, by=user, kind=payload.kind, name=payload.name,
        starts_on=payload.starts_on or local_day(), ends_on=payload.ends_on,
        volunteers_needed=payload.volunteers_needed, description=payload.description))
    return Status(201, _project(request, made.pk))


@router.get("/projects/{int:project_id}", response=ProjectOut,
            summary="One volunteer project with its hours served and volunteers")
def get_project(request: HttpRequest, project_id: int) -> Project:
    return _project(request, project_id)


@router.patch("/projects/{int:project_id}", response=ProjectOut,
              summary="Correct a volunteer project: the fields given change, the others stay")
def change_project(request: HttpRequest, project_id: int, payload: ProjectChangeIn) -> Project:
    user = api_user(request)
    project = _project(request, project_id)
    may_manage_or_403(user, project.area.path)
    values = patched(project, payload, ("kind", "name", "description", "volunteers_needed",
                                        "starts_on", "ends_on"))
    if payload.open_ended:
        values["ends_on"] = None
    call_service(lambda: services.change_project(project, by=user, **values))
    return _project(request, project_id)


@router.post("/projects/{int:project_id}/close", response=ProjectOut,
             summary="Close a volunteer project: no hours are recorded after that day")
def close_project(request: HttpRequest, project_id: int, payload: DayIn) -> Project:
    user = api_user(request)
    project = _project(request, project_id)
    may_manage_or_403(user, project.area.path)
    call_service(lambda: services.close_project(project, by=user, on=payload.on or local_day()))
    return _project(request, project_id)


# --- hours served ------------------------------------------------------------------------------

@router.get("/projects/{int:project_id}/hours", response=Page[RecordOut],
            summary="The hours served (服务时长) on a project, the latest recorded first")
def list_hours(request: HttpRequest, project_id: int,
               page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    project = _project(request, project_id)
    # A volunteer of an area out of the caller's sight (recorded from above) is left out.
    rows = (ServiceRecord.objects.filter(project=project)
            .filter(volunteer__in=Volunteer.objects.restrict(user).values("pk"))
            .select_related("volunteer__area", "recorded_by"))
    return keyset_page(rows, page, newest_first=True)


@router.post("/projects/{int:project_id}/hours", response={201: RecordOut},
             summary="Record the hours a volunteer served a project on a day")
def record_hours(request: HttpRequest, project_id: int, payload: HoursIn) -> Status[Any]:
    user = api_user(request)
    project = _project(request, project_id)
    may_manage_or_403(user, project.area.path)
    volunteer = named(Volunteer.objects.restrict(user).select_related("area"), payload.volunteer,
                      "volunteer", _("No volunteer %(id)s among those you may see."))
    made = call_service(lambda: services.record_hours(
        project, volunteer, by=user, served_on=payload.served_on, hours=payload.hours,
        note=payload.note))
    return Status(201, ServiceRecord.objects.select_related("volunteer__area", "recorded_by")
                  .get(pk=made.pk))


@router.delete("/hours/{int:record_id}", response={204: None},
               summary="Withdraw hours recorded wrongly (the audit log keeps them)")
def withdraw_hours(request: HttpRequest, record_id: int) -> Status[None]:
    user = api_user(request)
    record = (ServiceRecord.objects.restrict(user).select_related("project__area")
              .filter(pk=record_id).first())
    if record is None:
        raise not_found()
    may_manage_or_403(user, record.project.area.path)
    call_service(lambda: services.withdraw_hours(record, by=user))
    return Status(204, None)
