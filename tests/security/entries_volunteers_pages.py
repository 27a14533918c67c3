"""Security-matrix entries of the volunteers app's pages: volunteers, projects and the hours
served on them (merged into the matrix).

Alice has registered two volunteers in village A1 ten days ago, one of whom the insider records
as leaving; and she has opened two projects of town A, one the insider closes, the other with
two records of the first volunteer's hours, one of which the insider withdraws. Each target is
put back in the state its call needs whatever a call before did, without a write the audit log
would count. The forms to create are posted empty, and the hours form without a volunteer: the
insider, past the 403, is refused by the form (400), and nothing is written.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from epigrid.volunteers import services
from epigrid.volunteers.models import Project, ProjectKind, ServiceRecord, Volunteer
from tests.base import World
from tests.security.matrix import Entry, obj, page

VOLUNTEER, TO_LEAVE = "Matrix Pages Volunteer", "Matrix Pages Volunteer to leave"
PROJECT, TO_CLOSE = "Matrix Pages Deliveries", "Matrix Pages Project to close"
NOTE_TO_WITHDRAW = "Matrix: typed wrongly"
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


def _volunteer(w: World) -> Volunteer:
    return Volunteer.objects.get(name=VOLUNTEER)


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


EMPTY_FORM = frozenset({200, 400})  # the GET, and an empty form refused (nothing written)
DONE = frozenset({302})
PAGES: dict[str, Entry] = {
    "volunteers:index": page(insider_ok=DONE, shows_a=False),  # redirects to the volunteers
    "volunteers:volunteers": page(queries=("", "?status=any", "?status=left", "?q=Matrix",
                                           "?skills=driving", "?area={town_a}")),
    "volunteers:volunteer_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "volunteers:volunteer": obj(_volunteer),
    "volunteers:volunteer_leave": obj(_to_leave, methods=("post",), data={"on": YESTERDAY},
                                      insider_ok=DONE),
    "volunteers:projects": page(queries=("", "?status=any", "?status=closed", "?q=Matrix",
                                         "?kind=delivery", "?area={town_a}")),
    "volunteers:project_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "volunteers:project": obj(_project),
    "volunteers:project_hours": obj(_project, methods=("post",),
                                    data={"served_on": YESTERDAY, "hours": "2"},
                                    insider_ok=frozenset({400})),
    "volunteers:project_close": obj(_to_close, methods=("post",), data={"on": YESTERDAY},
                                    insider_ok=DONE),
    "volunteers:hours_withdraw": obj(_to_withdraw, methods=("post",), insider_ok=DONE),
}

API: dict[str, Entry] = {}
