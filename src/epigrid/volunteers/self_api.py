"""API of volunteer self-service 我的志愿服务 (mounted into the volunteers router, under
/api/volunteers): a signed-in volunteer's own record, the projects open to them, their sign-ups
报名 and their claims of hours 时长申报; and the keepers' side of it: the claims waiting for an
answer, confirmed (recorded as hours served) or declined, and a project's sign-ups.

`/me...` is the caller's serving volunteer record (`self_service.volunteer_of`): 404 saying so
for one who has not enrolled. A volunteer reaches the projects of their own area and the areas
above it (`projects_open_to`), which their home area's subtree does not hold: their own sign-ups
and claims are found through their record, not through `restrict()`. A sign-up is withdrawn by
the volunteer or the project's keepers; a claim and a project's sign-ups are read through the
project's area (`restrict()`: 404 out of sight, missing alike), a claim is answered by its
keepers (`access.may_manage`, 403 for a reader). Every write goes through self_service.py; its
refusals answer 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from epigrid.areas.models import ancestor_paths
from epigrid.core.api import (
    Page,
    PageParams,
    api_user,
    call_service,
    fetch,
    keyset_page,
    named,
    not_found,
)
from epigrid.core.days import local_day
from epigrid.volunteers import access, self_service
from epigrid.volunteers.models import (
    HoursClaim,
    Project,
    Signup,
    Volunteer,
)
from epigrid.volunteers.self_api_schemas import (
    ClaimFilters,
    ClaimIn,
    ClaimOut,
    DeclineIn,
    EnrolIn,
    MeOut,
    MyClaimFilters,
    OpenProjectOut,
    SignupFilters,
    SignupIn,
    SignupOut,
)

router = Router(tags=["volunteers"])


# --- helpers -----------------------------------------------------------------------------------

def _me(request: HttpRequest) -> Volunteer:
    """The caller's serving volunteer record; 404 saying how to become one."""
    volunteer = self_service.volunteer_of(api_user(request))
    if volunteer is None:
        raise HttpError(404, _("You are not registered as a volunteer: enrol first "
                               "(POST /api/volunteers/me)."))
    return volunteer


def _keeper_or_403(user: Any, path: str) -> None:
    if not access.may_manage(user, path):
        raise HttpError(403, _("Only the project's officers answer its sign-ups and claims."))


def _signups(rows: QuerySet[Signup]) -> QuerySet[Signup]:
    return rows.select_related("project__area", "volunteer__area")


def _with_status(rows: QuerySet[Signup], status: str) -> QuerySet[Signup]:
    if status == "active":
        return rows.filter(withdrawn_at__isnull=True)
    if status == "withdrawn":
        return rows.filter(withdrawn_at__isnull=False)
    return rows


def _claims(rows: QuerySet[HoursClaim], state: str) -> QuerySet[HoursClaim]:
    rows = rows.select_related("project__area", "volunteer__area", "decided_by")
    return rows if state == "any" else rows.filter(state=state)


def _claim(request: HttpRequest, pk: int) -> HoursClaim:
    """A claim of a project the caller sees (404 alike for missing and out of sight)."""
    found = (_claims(HoursClaim.objects.restrict(api_user(request)), "any")
             .filter(pk=pk).first())
    if found is None:
        raise not_found()
    return found


def _own_or_seen_signup(user: Any, pk: int) -> Signup:
    """A sign-up of the caller's own (whatever the project's area: a district's project lies
    above a village volunteer's sight), or one of a project they see; 404 else."""
    found = (_signups(Signup.objects.filter(pk=pk, volunteer__account=user)).first()
             or _signups(Signup.objects.restrict(user).filter(pk=pk)).first())
    if found is None:
        raise not_found()
    return found


# --- the caller's record -----------------------------------------------------------------------

@router.get("/me", response=MeOut,
            summary="Your own volunteer record (我的志愿服务), with your hours; 404 when you "
                    "have not enrolled")
def get_me(request: HttpRequest) -> Volunteer:
    return _me(request)


@router.post("/me", response={201: MeOut},
             summary="Enrol as a volunteer in your home area, with your account's phone (a "
                     "record the officers kept of that phone becomes yours)")
def enrol(request: HttpRequest, payload: EnrolIn) -> Status[Any]:
    user = api_user(request)
    made = call_service(lambda: self_service.enrol(user, skills=payload.skills,
                                                   party_member=payload.party_member))
    return Status(201, Volunteer.objects.select_related("area").get(pk=made.pk))


@router.get("/me/projects", response=Page[OpenProjectOut],
            summary="The projects open to you (of your area and the areas above it, neither "
                    "closed nor ended), with their sign-ups and yours")
def my_projects(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(self_service.open_with_places(_me(request), local_day()), page)


# --- sign-ups ----------------------------------------------------------------------------------

@router.get("/me/signups", response=Page[SignupOut],
            summary="Your sign-ups (报名), the latest first (default: those not withdrawn)")
def my_signups(request: HttpRequest, filters: Query[SignupFilters],
               page: Query[PageParams]) -> dict[str, Any]:
    rows = _signups(Signup.objects.filter(volunteer=_me(request)))
    return keyset_page(_with_status(rows, filters.status), page, newest_first=True)


@router.post("/me/signups", response={201: SignupOut},
             summary="Sign up to a project open to you")
def sign_up(request: HttpRequest, payload: SignupIn) -> Status[Any]:
    user = api_user(request)
    volunteer = _me(request)
    project = named(self_service.projects_open_to(volunteer, local_day()), payload.project,
                    "project", _("No project %(id)s is open to you."))
    made = call_service(lambda: self_service.sign_up(project, volunteer, by=user))
    return Status(201, _signups(Signup.objects.all()).get(pk=made.pk))


@router.post("/signups/{int:signup_id}/withdraw", response=SignupOut,
             summary="Withdraw a sign-up: the volunteer themselves, or the project's officers")
def withdraw_signup(request: HttpRequest, signup_id: int) -> Signup:
    user = api_user(request)
    signup = _own_or_seen_signup(user, signup_id)
    if signup.volunteer.account_id != user.pk:
        _keeper_or_403(user, signup.project.area.path)
    call_service(lambda: self_service.withdraw_signup(signup, by=user))
    return _signups(Signup.objects.all()).get(pk=signup.pk)


@router.get("/projects/{int:project_id}/signups", response=Page[SignupOut],
            summary="A project's sign-ups, in the order they came (default: those not "
                    "withdrawn); phones masked")
def project_signups(request: HttpRequest, project_id: int, filters: Query[SignupFilters],
                    page: Query[PageParams]) -> dict[str, Any]:
    project = fetch(access.get_project_for_user, request, project_id)
    rows = _signups(Signup.objects.filter(project=project))
    return keyset_page(_with_status(rows, filters.status), page)


# --- claims of hours ---------------------------------------------------------------------------

@router.get("/me/claims", response=Page[ClaimOut],
            summary="Your claims of hours (时长申报), the latest first")
def my_claims(request: HttpRequest, filters: Query[MyClaimFilters],
              page: Query[PageParams]) -> dict[str, Any]:
    rows = _claims(HoursClaim.objects.filter(volunteer=_me(request)), filters.state)
    return keyset_page(rows, page, newest_first=True)


@router.post("/me/claims", response={201: ClaimOut},
             summary="Claim the hours you served a project you are signed up to on a day: "
                     "they count once its officers confirm them")
def claim_hours(request: HttpRequest, payload: ClaimIn) -> Status[Any]:
    user = api_user(request)
    volunteer = _me(request)
    # A project of their area or one above, open or not: a claim may follow its last day.
    theirs = Project.objects.filter(area__path__in=ancestor_paths(volunteer.area.path))
    project = named(theirs, payload.project, "project",
                    _("No project %(id)s among those of your areas."))
    made = call_service(lambda: self_service.claim_hours(
        project, volunteer, by=user, served_on=payload.served_on, hours=payload.hours,
        note=payload.note))
    return Status(201, _claims(HoursClaim.objects.all(), "any").get(pk=made.pk))


@router.get("/claims", response=Page[ClaimOut],
            summary="Claims of hours on the projects of your areas, the longest waiting first "
                    "(default: those waiting); phones masked")
def list_claims(request: HttpRequest, filters: Query[ClaimFilters],
                page: Query[PageParams]) -> dict[str, Any]:
    rows = _claims(HoursClaim.objects.restrict(api_user(request)), filters.state)
    if filters.project is not None:
        rows = rows.filter(project_id=filters.project)
    return keyset_page(rows, page)


@router.post("/claims/{int:claim_id}/confirm", response=ClaimOut,
             summary="Confirm a waiting claim: its hours are recorded, every rule of a record "
                     "applied (24 hours a day across projects)")
def confirm_claim(request: HttpRequest, claim_id: int) -> HoursClaim:
    user = api_user(request)
    claim = _claim(request, claim_id)
    _keeper_or_403(user, claim.project.area.path)
    call_service(lambda: self_service.confirm_claim(claim, by=user))
    return _claim(request, claim_id)


@router.post("/claims/{int:claim_id}/decline", response=ClaimOut,
             summary="Decline a waiting claim, saying why")
def decline_claim(request: HttpRequest, claim_id: int, payload: DeclineIn) -> HoursClaim:
    user = api_user(request)
    claim = _claim(request, claim_id)
    _keeper_or_403(user, claim.project.area.path)
    call_service(lambda: self_service.decline_claim(claim, by=user, reason=payload.reason))
    return _claim(request, claim_id)
