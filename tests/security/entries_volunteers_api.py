"""Security-matrix entries of the volunteers API (merged into the matrix).

Alice has registered two volunteers in Village A1 (one to leave, put back whenever the insider
has made them leave) and opened two projects of town A (one to close, likewise put back), and
recorded hours of the first volunteer on the first project (put back whenever the insider has
withdrawn them). Writes whose body must name an id the matrix cannot know (an area, a
volunteer) use id 0, missing for everyone: the insider, past the 404 and the 403, is refused on
it (422).

Self-service 我的志愿服务: the first volunteer is Alice's own record (her account linked), so
that she is the insider of `/me...` too: signed up to both projects (the sign-up to the second
to withdraw, put back whenever withdrawn), with a claim of hours that stays waiting (the lists
show it) and another to confirm or decline (put back to waiting, its record gone, whenever the
insider answered it). Outsiders are no volunteers: their `/me...` answers 404, their enrolling
422 (no phone on their accounts), writing nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

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
from tests.security.matrix import Entry, obj, page

VOLUNTEER, TO_LEAVE = "Matrix API Volunteer", "Matrix API To Leave"
PROJECT, TO_CLOSE = "Matrix API: Dongcheng deliveries", "Matrix API: to close"
NOTE, CLAIMED = "Matrix API hours", "Matrix API claim"
AGO = timezone.localdate() - datetime.timedelta(days=3)
WAITING_ON, ANSWERED_ON = AGO + datetime.timedelta(days=1), AGO + datetime.timedelta(days=2)


def prepare(w: World) -> None:
    for name, phone in ((VOLUNTEER, "13755501001"), (TO_LEAVE, "13755501002")):
        services.register(w.village_a1, by=w.alice, name=name, phone=phone, registered_on=AGO,
                          skills="driving")
    for name in (PROJECT, TO_CLOSE):
        services.open_project(w.town_a, by=w.alice, kind=ProjectKind.DELIVERY, name=name,
                              starts_on=AGO)
    _record_hours(w)
    _self_service(w)
    certificates.issue_certificate(Volunteer.objects.get(name=VOLUNTEER), by=w.alice)


def _self_service(w: World) -> None:
    """Alice as a volunteer: her sign-ups and her claims."""
    # Unless another part made her a volunteer already: one serving record an account.
    if self_service.volunteer_of(w.alice) is None:
        Volunteer.objects.filter(name=VOLUNTEER).update(account=w.alice)
    mine = self_service.volunteer_of(w.alice)
    assert mine is not None  # noqa: S101 - linked just above
    for name in (PROJECT, TO_CLOSE):
        self_service.sign_up(Project.objects.get(name=name), mine, by=w.alice)
    for day in (WAITING_ON, ANSWERED_ON):
        self_service.claim_hours(Project.objects.get(name=PROJECT), mine, by=w.alice,
                                 served_on=day, hours="2", note=CLAIMED)


def _record_hours(w: World) -> ServiceRecord:
    return services.record_hours(Project.objects.get(name=PROJECT),
                                 Volunteer.objects.get(name=VOLUNTEER), by=w.alice,
                                 served_on=AGO, hours="2", note=NOTE)


def _certificate(w: World) -> dict[str, Any]:
    found = Certificate.objects.filter(volunteer__name=VOLUNTEER).order_by("pk").first()
    assert found is not None  # noqa: S101 - issued by prepare
    return {"number": found.number}


def _volunteer(w: World) -> dict[str, Any]:
    return {"volunteer_id": Volunteer.objects.get(name=VOLUNTEER).pk}


def _to_leave(w: World) -> dict[str, Any]:
    volunteer = Volunteer.objects.get(name=TO_LEAVE)
    if volunteer.left_on is not None:
        Volunteer.objects.filter(pk=volunteer.pk).update(left_on=None)
    return {"volunteer_id": volunteer.pk}


def _project(w: World) -> dict[str, Any]:
    return {"project_id": Project.objects.get(name=PROJECT).pk}


def _to_close(w: World) -> dict[str, Any]:
    project = Project.objects.get(name=TO_CLOSE)
    if project.closed_on is not None:
        Project.objects.filter(pk=project.pk).update(closed_on=None)
    return {"project_id": project.pk}


def _record(w: World) -> dict[str, Any]:
    record = ServiceRecord.objects.filter(note=NOTE).first() or _record_hours(w)
    return {"record_id": record.pk}


def _signup(w: World) -> dict[str, Any]:
    signup = Signup.objects.get(project__name=TO_CLOSE, volunteer__account=w.alice)
    if signup.withdrawn_at is not None:
        Signup.objects.filter(pk=signup.pk).update(withdrawn_at=None)
    return {"signup_id": signup.pk}


def _claim(w: World) -> dict[str, Any]:
    claim = HoursClaim.objects.get(served_on=ANSWERED_ON, note=CLAIMED)
    if claim.state != ClaimState.PENDING:
        HoursClaim.objects.filter(pk=claim.pk).update(
            state=ClaimState.PENDING, reason="", decided_by=None, decided_at=None, record=None)
        if claim.record_id is not None:  # confirmed: its record goes too
            ServiceRecord.objects.filter(pk=claim.record_id).delete()
    return {"claim_id": claim.pk}


BASE = "/api/volunteers"
PAGES: dict[str, Entry] = {}
API: dict[str, Entry] = {
    f"GET {BASE}/volunteers": page(queries=("", "?status=any", "?area={town_a}", "?q=Matrix",
                                            "?skills=driving")),
    f"POST {BASE}/volunteers": page(methods=("post",), data={
        "area": 0, "name": "Matrix", "phone": "13755501009"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/volunteers/{{volunteer_id}}": obj(_volunteer),
    # A correction that changes nothing (the skills as they are): 200, nothing written.
    f"PATCH {BASE}/volunteers/{{volunteer_id}}": obj(_volunteer, methods=("patch",),
                                                      data={"skills": "driving"}),
    f"POST {BASE}/volunteers/{{volunteer_id}}/leave": obj(_to_leave, methods=("post",)),
    f"GET {BASE}/projects": page(queries=("", "?status=any", "?area={town_a}",
                                          "?kind=delivery")),
    f"POST {BASE}/projects": page(methods=("post",), data={
        "area": 0, "kind": "delivery", "name": "Matrix"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/projects/{{project_id}}": obj(_project),
    # A correction of no field: 200, nothing written.
    f"PATCH {BASE}/projects/{{project_id}}": obj(_project, methods=("patch",)),
    f"POST {BASE}/projects/{{project_id}}/close": obj(_to_close, methods=("post",)),
    # The records name their volunteers' village.
    f"GET {BASE}/projects/{{project_id}}/hours": obj(_project),
    f"POST {BASE}/projects/{{project_id}}/hours": obj(
        _project, methods=("post",), data={"volunteer": 0, "served_on": AGO.isoformat(),
                                           "hours": "2"},
        insider_ok=frozenset({422})),
    f"DELETE {BASE}/hours/{{record_id}}": obj(_record, methods=("delete",),
                                              insider_ok=frozenset({204})),
    # Self-service: Alice is a volunteer of Village A1; nobody else of the matrix is one.
    f"GET {BASE}/me": page(),
    f"POST {BASE}/me": page(methods=("post",), data={"skills": "driving"},
                            insider_ok=frozenset({422}), shows_a=False),  # enrolled already
    f"GET {BASE}/me/projects": page(),
    f"GET {BASE}/me/signups": page(queries=("", "?status=any")),
    f"POST {BASE}/me/signups": page(methods=("post",), data={"project": 0},
                                    insider_ok=frozenset({422}), shows_a=False),
    f"POST {BASE}/signups/{{signup_id}}/withdraw": obj(_signup, methods=("post",)),
    f"GET {BASE}/projects/{{project_id}}/signups": obj(_project, queries=("", "?status=any")),
    f"GET {BASE}/me/claims": page(queries=("", "?state=pending")),
    f"POST {BASE}/me/claims": page(methods=("post",), data={
        "project": 0, "served_on": AGO.isoformat(), "hours": "2"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/claims": page(queries=("", "?state=any")),
    f"POST {BASE}/claims/{{claim_id}}/confirm": obj(_claim, methods=("post",)),
    f"POST {BASE}/claims/{{claim_id}}/decline": obj(_claim, methods=("post",),
                                                    data={"reason": "Not on the sheet"}),
    # Certificates of hours: Alice's own, and one of the first volunteer (hours recorded).
    f"POST {BASE}/me/certificates": page(methods=("post",),
                                         insider_ok=frozenset({201, 422})),
    f"POST {BASE}/volunteers/{{volunteer_id}}/certificates": obj(
        _volunteer, methods=("post",), insider_ok=frozenset({201, 422})),  # hours withdrawn
    f"GET {BASE}/certificates/{{number}}": obj(_certificate),
}
