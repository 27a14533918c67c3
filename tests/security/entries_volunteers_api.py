"""Security-matrix entries of the volunteers API (merged into the matrix).

Alice has registered two volunteers in Village A1 (one to leave, put back whenever the insider
has made them leave) and opened two projects of town A (one to close, likewise put back), and
recorded hours of the first volunteer on the first project (put back whenever the insider has
withdrawn them). Writes whose body must name an id the matrix cannot know (an area, a
volunteer) use id 0, missing for everyone: the insider, past the 404 and the 403, is refused on
it (422).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.volunteers import services
from epigrid.volunteers.models import Project, ProjectKind, ServiceRecord, Volunteer
from tests.base import World
from tests.security.matrix import Entry, obj, page

VOLUNTEER, TO_LEAVE = "Matrix API Volunteer", "Matrix API To Leave"
PROJECT, TO_CLOSE = "Matrix API: Dongcheng deliveries", "Matrix API: to close"
NOTE = "Matrix API hours"
AGO = timezone.localdate() - datetime.timedelta(days=3)


def prepare(w: World) -> None:
    for name, phone in ((VOLUNTEER, "13755501001"), (TO_LEAVE, "13755501002")):
        services.register(w.village_a1, by=w.alice, name=name, phone=phone, registered_on=AGO,
                          skills="driving")
    for name in (PROJECT, TO_CLOSE):
        services.open_project(w.town_a, by=w.alice, kind=ProjectKind.DELIVERY, name=name,
                              starts_on=AGO)
    _record_hours(w)


def _record_hours(w: World) -> ServiceRecord:
    return services.record_hours(Project.objects.get(name=PROJECT),
                                 Volunteer.objects.get(name=VOLUNTEER), by=w.alice,
                                 served_on=AGO, hours="2", note=NOTE)


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


BASE = "/api/volunteers"
PAGES: dict[str, Entry] = {}
API: dict[str, Entry] = {
    f"GET {BASE}/volunteers": page(queries=("", "?status=any", "?area={town_a}", "?q=Matrix",
                                            "?skills=driving")),
    f"POST {BASE}/volunteers": page(methods=("post",), data={
        "area": 0, "name": "Matrix", "phone": "13755501009"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/volunteers/{{volunteer_id}}": obj(_volunteer),
    f"POST {BASE}/volunteers/{{volunteer_id}}/leave": obj(_to_leave, methods=("post",)),
    f"GET {BASE}/projects": page(queries=("", "?status=any", "?area={town_a}",
                                          "?kind=delivery")),
    f"POST {BASE}/projects": page(methods=("post",), data={
        "area": 0, "kind": "delivery", "name": "Matrix"},
        insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/projects/{{project_id}}": obj(_project),
    f"POST {BASE}/projects/{{project_id}}/close": obj(_to_close, methods=("post",)),
    # The records name their volunteers' village.
    f"GET {BASE}/projects/{{project_id}}/hours": obj(_project),
    f"POST {BASE}/projects/{{project_id}}/hours": obj(
        _project, methods=("post",), data={"volunteer": 0, "served_on": AGO.isoformat(),
                                           "hours": "2"},
        insider_ok=frozenset({422})),
    f"DELETE {BASE}/hours/{{record_id}}": obj(_record, methods=("delete",),
                                              insider_ok=frozenset({204})),
}
