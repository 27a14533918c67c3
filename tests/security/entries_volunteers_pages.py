"""Security-matrix entries of the volunteers app's pages: volunteers, projects and the hours
served on them (merged into the matrix).

Alice has registered two volunteers in village A1 ten days ago, one of whom the insider records
as leaving; and she has opened two projects of town A, one the insider closes, the other with
two records of the first volunteer's hours, one of which the insider withdraws. Each target is
put back in the state its call needs whatever a call before did, without a write the audit log
would count. The forms to create are posted empty, and the hours form without a volunteer: the
insider, past the 403, is refused by the form (400), and nothing is written.

Self-service 我的志愿服务: Alice is a volunteer herself (her account linked to the first
volunteer, unless another part linked her already), the insider of `/volunteers/me/`: she signs
up to a project of town A of her own (signed off again before each call), her enrolling is
refused (enrolled already) and her empty claim too (400). The first volunteer is signed up to
the first project (the sign-up the insider withdraws, put back) and has two claims of hours, one
to confirm and one to decline (each put back to waiting, its record gone, before each call).
Outsiders are no volunteers and have no phone on their accounts: their sign-up answers 404,
their enrolling 400, writing nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from epigrid.volunteers import certificates, self_service, services
from epigrid.volunteers.models import (
    Certificate,
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Signup,
    Volunteer,
)
from tests.base import World
from tests.security.matrix import Entry, Target, obj, page

VOLUNTEER, TO_LEAVE = "Matrix Pages Volunteer", "Matrix Pages Volunteer to leave"
PROJECT, TO_CLOSE = "Matrix Pages Deliveries", "Matrix Pages Project to close"
NOTE_TO_WITHDRAW = "Matrix: typed wrongly"
TO_SIGN_UP, CLAIMED = "Matrix Pages Project to sign up to", "Matrix Pages claim"
# A day the volunteers and projects were already there, and not in the future, when calls run.
YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def prepare(w: World) -> None:
    volunteer = services.register(w.village_a1, by=w.alice, name=VOLUNTEER,
                                  phone="17700071001", registered_on=_ago(10),
                                  skills="driving", party_member=True)
    services.register(w.village_a1, by=w.alice, name=TO_LEAVE, phone="17700071002",
                      registered_on=_ago(10))
    project = services.open_project(w.town_a, by=w.alice, kind=ProjectKind.DELIVERY,
                                    name=PROJECT, starts_on=_ago(10), volunteers_needed=5)
    services.open_project(w.town_a, by=w.alice, kind=ProjectKind.PUBLICITY, name=TO_CLOSE,
                          starts_on=_ago(10))
    services.record_hours(project, volunteer, by=w.alice, served_on=_ago(9), hours="3")
    services.record_hours(project, volunteer, by=w.alice, served_on=_ago(8), hours="2",
                          note=NOTE_TO_WITHDRAW)
    _self_service(w, volunteer, project)
    certificates.issue_certificate(volunteer, by=w.alice)


def _self_service(w: World, volunteer: Volunteer, project: Project) -> None:
    """Alice as a volunteer, a project she signs up to; the first volunteer's sign-up and
    claims (made as their own: the claims' rules are the self-service tests')."""
    if self_service.volunteer_of(w.alice) is None:  # one serving record an account
        Volunteer.objects.filter(pk=volunteer.pk).update(account=w.alice)
    services.open_project(w.town_a, by=w.alice, kind=ProjectKind.CARE, name=TO_SIGN_UP,
                          starts_on=_ago(10))
    self_service.sign_up(project, volunteer, by=w.alice)
    for day in (_ago(6), _ago(5)):
        HoursClaim.objects.create(project=project, volunteer=volunteer, served_on=day,
                                  hours=Decimal(2), note=CLAIMED)


def _volunteer(w: World) -> Volunteer:
    return Volunteer.objects.get(name=VOLUNTEER)


def _certificate(w: World) -> Certificate:
    found = Certificate.objects.filter(volunteer__name=VOLUNTEER).order_by("pk").first()
    assert found is not None  # noqa: S101 - issued by prepare
    return found


def _to_leave(w: World) -> Volunteer:
    """The volunteer the insider records as leaving, serving again whatever a call did."""
    volunteer = Volunteer.objects.get(name=TO_LEAVE)
    Volunteer.objects.filter(pk=volunteer.pk).update(left_on=None)
    return volunteer


def _project(w: World) -> Project:
    return Project.objects.get(name=PROJECT)


def _to_close(w: World) -> Project:
    """The project the insider closes, open again whatever a call before did."""
    project = Project.objects.get(name=TO_CLOSE)
    Project.objects.filter(pk=project.pk).update(closed_on=None)
    return project


def _to_withdraw(w: World) -> ServiceRecord:
    """The record the insider withdraws, there again whatever a call before did (a bulk
    create: no audit entry, so the matrix's count of writes is the calls' own)."""
    found = ServiceRecord.objects.filter(note=NOTE_TO_WITHDRAW).first()
    if found is None:
        found, = ServiceRecord.objects.bulk_create([ServiceRecord(
            project=_project(w), volunteer=_volunteer(w), served_on=_ago(8),
            hours=Decimal(2), note=NOTE_TO_WITHDRAW, recorded_by=w.alice)])
    return found


def _to_sign_up(w: World) -> Project:
    """The project the insider signs up to, her sign-up withdrawn whatever a call did."""
    project = Project.objects.get(name=TO_SIGN_UP)
    Signup.objects.filter(project=project, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now())
    return project


def _signup(w: World) -> Signup:
    """The first volunteer's sign-up the insider withdraws, active again whatever a call did."""
    signup = Signup.objects.get(project__name=PROJECT, volunteer__name=VOLUNTEER)
    Signup.objects.filter(pk=signup.pk).update(withdrawn_at=None)
    return signup


def _claim(day: datetime.date) -> Target:
    def waiting(w: World) -> HoursClaim:
        """The claim of `day`, waiting again whatever a call did (its record gone)."""
        claim = HoursClaim.objects.get(note=CLAIMED, served_on=day)
        HoursClaim.objects.filter(pk=claim.pk).update(
            state=ClaimState.PENDING, reason="", decided_by=None, decided_at=None, record=None)
        if claim.record_id is not None:  # confirmed: its record goes too
            ServiceRecord.objects.filter(pk=claim.record_id).delete()
        return claim
    return waiting


EMPTY_FORM = frozenset({200, 400})  # the GET, and an empty form refused (nothing written)
DONE = frozenset({302})
REFUSED = frozenset({400})  # a form refused: nothing written
PAGES: dict[str, Entry] = {
    "volunteers:index": page(insider_ok=DONE, shows_a=False),  # redirects to the volunteers
    "volunteers:volunteers": page(queries=("", "?status=any", "?status=left", "?q=Matrix",
                                           "?skills=driving", "?area={town_a}")),
    "volunteers:volunteer_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "volunteers:volunteer": obj(_volunteer),
    # The correction form posted empty: refused by the form (400), nothing written.
    "volunteers:volunteer_edit": obj(_volunteer, methods=("get", "post"),
                                     insider_ok=EMPTY_FORM),
    "volunteers:volunteer_leave": obj(_to_leave, methods=("post",), data={"on": YESTERDAY},
                                      insider_ok=DONE),
    "volunteers:projects": page(queries=("", "?status=any", "?status=closed", "?q=Matrix",
                                         "?kind=delivery", "?area={town_a}")),
    "volunteers:project_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "volunteers:project": obj(_project),
    "volunteers:project_hours": obj(_project, methods=("post",),
                                    data={"served_on": YESTERDAY, "hours": "2"},
                                    insider_ok=frozenset({400})),
    "volunteers:project_edit": obj(_project, methods=("get", "post"), insider_ok=EMPTY_FORM),
    "volunteers:project_close": obj(_to_close, methods=("post",), data={"on": YESTERDAY},
                                    insider_ok=DONE),
    "volunteers:hours_withdraw": obj(_to_withdraw, methods=("post",), insider_ok=DONE),
    # 我的志愿服务: Alice's own page as a volunteer of village A1.
    "volunteers:me": page(),
    "volunteers:me_enrol": page(methods=("post",), insider_ok=REFUSED),  # enrolled already
    "volunteers:me_claim": page(methods=("post",), insider_ok=REFUSED),
    "volunteers:project_sign_up": obj(_to_sign_up, methods=("post",), insider_ok=DONE),
    "volunteers:signup_withdraw": obj(_signup, methods=("post",), insider_ok=DONE),
    "volunteers:claim_confirm": obj(_claim(_ago(6)), methods=("post",), insider_ok=DONE),
    "volunteers:claim_decline": obj(_claim(_ago(5)), methods=("post",),
                                    data={"reason": "Matrix: not on the sheet"},
                                    insider_ok=DONE),
    # 志愿服务时长证明: issued (by Alice to herself, and to the first volunteer), printed,
    # looked up (an unknown number: refused on its field).
    "volunteers:my_certificate": page(methods=("post",), insider_ok=frozenset({302, 400})),
    "volunteers:certificate_issue": obj(_volunteer, methods=("post",),
                                        insider_ok=frozenset({302, 400})),
    "volunteers:certificate": obj(_certificate),
    "volunteers:certificate_lookup": page(queries=("", "?number=NOSUCH2345"), shows_a=False,
                                          insider_ok=frozenset({200, 400})),
}

API: dict[str, Entry] = {}
