"""API of mobilization 力量下沉 (router mounted at /api/mobilization): teams working in the areas,
the people sent down 下沉 to them, commendations 表彰; funds 慰问金 and their payments
(api_funds.py).

A team, a person sent down and a commendation are read through their area's subtree; one out of
sight answers 404 as a missing one (an area, a team or a person named in a body, out of sight or
missing alike: 422 on its field). Forming a team, sending a person down and commending need
MOBILIZE (403); standing a team down and recalling a person MOBILIZE over their area
(`access.may_mobilize`). A person's phone is masked in every list, and on their record for who
may not mobilize their area. Every write goes through the services (services.py, funds.py);
their refusals answer 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
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
    patched,
    require,
)
from epigrid.core.days import local_day
from epigrid.mobilization import access, services
from epigrid.mobilization.api_funds import router as funds_router
from epigrid.mobilization.api_schemas import (
    CommendationFilters,
    CommendationIn,
    CommendationOut,
    DayIn,
    DeploymentChangeIn,
    DeploymentDetailOut,
    DeploymentFilters,
    DeploymentIn,
    DeploymentOut,
    TeamChangeIn,
    TeamDetailOut,
    TeamFilters,
    TeamIn,
    TeamOut,
)
from epigrid.mobilization.models import (
    Commendation,
    Deployment,
    Team,
    TeamKind,
    deployment_status_q,
    on_duty_q,
    team_status_q,
)

router = Router(tags=["mobilization"])
router.add_router("", funds_router)


# --- helpers -----------------------------------------------------------------------------------

def refused(message: str) -> HttpError:
    return HttpError(403, message)


def may_mobilize_or_403(user: Any, path: str) -> None:
    if not access.may_mobilize(user, path):
        raise refused(_("Only the area's officers keep its teams and people sent down."))


def _teams(rows: QuerySet[Team]) -> QuerySet[Team]:
    """With their members on duty counted in the same query."""
    return rows.select_related("area", "created_by").annotate(
        members_on_duty=Count("members", filter=on_duty_q(local_day(), "members__")))


def _team(request: HttpRequest, pk: int) -> Team:
    return fetch(access.get_team_for_user, request, pk)


def _people(rows: QuerySet[Deployment]) -> QuerySet[Deployment]:
    return rows.select_related("area", "team", "created_by")


def _person(request: HttpRequest, pk: int) -> Deployment:
    return fetch(access.get_deployment_for_user, request, pk)


# --- teams -------------------------------------------------------------------------------------

@router.get("/teams", response=Page[TeamOut],
            summary="Teams in your areas (片区工作组, 突击队, 先锋岗, 医疗队); "
                    "default: those at work today")
def list_teams(request: HttpRequest, filters: Query[TeamFilters],
               page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _teams(Team.objects.restrict(user))
    # The page's filter too: a status word lists the same teams here and there.
    rows = rows.filter(team_status_q(filters.chosen_status(), local_day()))
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    return keyset_page(rows, page)


@router.post("/teams", response={201: TeamDetailOut}, summary="Form a team in an area")
def form_team(request: HttpRequest, payload: TeamIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.MOBILIZE)
    area = visible_area(user, payload.area, "area", where="body")
    made = call_service(lambda: services.form_team(
        area, by=user, kind=payload.kind, name=payload.name,
        formed_on=payload.formed_on or local_day(), batch=payload.batch,
        sent_by=payload.sent_by, duties=payload.duties))
    return Status(201, _team(request, made.pk))


@router.get("/teams/{int:team_id}", response=TeamDetailOut,
            summary="One team with its members (phones masked)")
def get_team(request: HttpRequest, team_id: int) -> Team:
    return _team(request, team_id)


@router.patch("/teams/{int:team_id}", response=TeamDetailOut,
              summary="Correct a team: the fields given change, the others stay")
def change_team(request: HttpRequest, team_id: int, payload: TeamChangeIn) -> Team:
    user = api_user(request)
    team = _team(request, team_id)
    may_mobilize_or_403(user, team.area.path)
    values = patched(team, payload, ("kind", "name", "formed_on", "batch", "sent_by", "duties"))
    if values["kind"] != TeamKind.MEDICAL and payload.batch is None:
        values["batch"] = None  # no longer a medical team: no batch
    call_service(lambda: services.change_team(team, by=user, **values))
    return _team(request, team_id)


@router.post("/teams/{int:team_id}/stand-down", response=TeamDetailOut,
             summary="Stand a team down (撤编): its members still on duty leave with it")
def stand_down_team(request: HttpRequest, team_id: int, payload: DayIn) -> Team:
    user = api_user(request)
    team = _team(request, team_id)
    may_mobilize_or_403(user, team.area.path)
    call_service(lambda: services.stand_down_team(team, by=user, on=payload.on or local_day()))
    return _team(request, team_id)


# --- people sent down --------------------------------------------------------------------------

@router.get("/people", response=Page[DeploymentOut],
            summary="People sent down to your areas (default: those on duty today); phones masked")
def list_people(request: HttpRequest, filters: Query[DeploymentFilters],
                page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _people(Deployment.objects.restrict(user))
    # The page's filter too: a status word lists the same people here and there.
    rows = rows.filter(deployment_status_q(filters.chosen_status(), local_day()))
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    if filters.team is not None:
        rows = rows.filter(team_id=filters.team)
    if filters.q:
        rows = rows.filter(Q(name__icontains=filters.q) | Q(unit__icontains=filters.q))
    return keyset_page(rows, page)


@router.post("/people", response={201: DeploymentDetailOut},
             summary="Record a person sent down (下沉) to an area")
def deploy(request: HttpRequest, payload: DeploymentIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.MOBILIZE)
    area = visible_area(user, payload.area, "area", where="body")
    team = named(Team.objects.restrict(user).select_related("area"), payload.team, "team",
                 _("No team %(id)s among those you may see."))
    made = call_service(lambda: services.deploy(
        area, by=user, name=payload.name, unit=payload.unit, phone=payload.phone,
        arrived_on=payload.arrived_on or local_day(), team=team, post=payload.post,
        party_member=payload.party_member, leader=payload.leader, duties=payload.duties))
    return Status(201, _person(request, made.pk))


@router.get("/people/{int:person_id}", response=DeploymentDetailOut,
            summary="One person sent down (the phone in full to who may mobilize the area)")
def get_person(request: HttpRequest, person_id: int) -> Deployment:
    return _person(request, person_id)


@router.patch("/people/{int:person_id}", response=DeploymentDetailOut,
              summary="Correct the record of a person sent down: the fields given change")
def change_person(request: HttpRequest, person_id: int,
                  payload: DeploymentChangeIn) -> Deployment:
    user = api_user(request)
    person = _person(request, person_id)
    may_mobilize_or_403(user, person.area.path)
    values = patched(person, payload, ("name", "unit", "post", "phone", "party_member",
                                       "duties", "arrived_on"))
    call_service(lambda: services.change_deployment(person, by=user, **values))
    return _person(request, person_id)


@router.post("/people/{int:person_id}/recall", response=DeploymentDetailOut,
             summary="Record that a person left the area (返岗)")
def recall(request: HttpRequest, person_id: int, payload: DayIn) -> Deployment:
    user = api_user(request)
    deployment = _person(request, person_id)
    may_mobilize_or_403(user, deployment.area.path)
    call_service(lambda: services.recall(deployment, by=user, on=payload.on or local_day()))
    return _person(request, person_id)


# --- commendations -----------------------------------------------------------------------------

@router.get("/commendations", response=Page[CommendationOut],
            summary="Commendations (表彰) in your areas, the latest recorded first")
def list_commendations(request: HttpRequest, filters: Query[CommendationFilters],
                       page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = Commendation.objects.restrict(user).select_related("area", "recorded_by")
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    return keyset_page(rows, page, newest_first=True)


@router.post("/commendations", response={201: CommendationOut},
             summary="Commend a person sent down, a team or someone named (表彰)")
def commend(request: HttpRequest, payload: CommendationIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.MOBILIZE)
    area = visible_area(user, payload.area, "area", where="body")
    deployment = named(Deployment.objects.restrict(user).select_related("area"),
                       payload.deployment, "deployment",
                       _("No person sent down %(id)s among those you may see."))
    team = named(Team.objects.restrict(user).select_related("area"), payload.team, "team",
                 _("No team %(id)s among those you may see."))
    made = call_service(lambda: services.commend(
        area, by=user, honour=payload.honour, awarded_on=payload.awarded_on or local_day(),
        awarded_by=payload.awarded_by, deployment=deployment, team=team,
        recipient=payload.recipient, citation=payload.citation))
    return Status(201, fetch(access.get_commendation_for_user, request, made.pk))
