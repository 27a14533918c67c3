"""Security-matrix entries of the quarantine and follow-up pages and API (merged into the matrix).

`prepare` makes town A's records once (people of its own, so other parts' cases do not collide):
Feng Matrix's home quarantine (grid A1-2, started today), a close contact of grid A2-1 waiting
for one, and a quarantine site of town A with a room. The
insider's writes are refused as bad input (too early to release, an empty form), so no call
changes what the next one sees; outsiders get 404 before any rule is looked at.
"""

from __future__ import annotations

from django.utils import timezone

from epigrid.areas.models import Facility
from epigrid.cases import quarantine as q
from epigrid.cases import services
from epigrid.cases.models import Case, Quarantine, QuarantineRoom
from epigrid.cases.states import State
from epigrid.registry import services as registry
from tests.base import World
from tests.security.matrix import Entry, obj, page

SITE_CODE = "QS-A-MX1"
CONTACT = "Qian Matrix"
QUARANTINED = "Feng Matrix"
REFUSED_PAGE = frozenset({400})
REFUSED_API = frozenset({422})


def prepare(w: World) -> None:
    quarantined = registry.create_person(grid=w.grid_a1_2, name=QUARANTINED)
    case = services.open_case(quarantined, State.CLOSE_CONTACT, reason="matrix contact")
    q.start_quarantine(case, Quarantine.Kind.HOME, starts_on=timezone.localdate(), by=w.alice)
    person = registry.create_person(grid=w.grid_a2_1, name=CONTACT)
    services.open_case(person, State.CLOSE_CONTACT, reason="matrix contact")
    site = Facility.objects.create(area=w.village_a2, code=SITE_CODE,
                                   name="Dongcheng Matrix Inn",
                                   kind=Facility.Kind.QUARANTINE_SITE)
    q.create_room(site, "A1", 2)


def _quarantine(w: World) -> Quarantine:
    return Quarantine.objects.get(case__person__name=QUARANTINED, ended_on__isnull=True)


def _waiting_case(w: World) -> Case:
    return Case.objects.get(person__name=CONTACT, is_open=True)


def _site(w: World) -> Facility:
    return Facility.objects.get(code=SITE_CODE)


def _room(w: World) -> QuarantineRoom:
    return QuarantineRoom.objects.get(site__code=SITE_CODE)


PAGES: dict[str, Entry] = {
    "cases:quarantine_list": page(queries=("", "?area={town_a}", "?status=open", "?due=on",
                                           "?kind=home")),
    "cases:quarantine_detail": obj(_quarantine),
    "cases:quarantine_release": obj(_quarantine, methods=("post",), data={"on": ""},
                                    insider_ok=REFUSED_PAGE),
    "cases:quarantine_extend": obj(_quarantine, methods=("post",),
                                   data={"exposure_date": "2020-01-01", "reason": "matrix"},
                                   insider_ok=REFUSED_PAGE),
    "cases:quarantine_start": obj(_waiting_case, methods=("get", "post"),
                                  data={"kind": "", "starts_on": ""},
                                  insider_ok=frozenset({200, 400})),
    "cases:quarantine_site_rooms": obj(_site, methods=("get", "post"),
                                       data={"number": "", "capacity": ""},
                                       insider_ok=frozenset({200, 400})),
    # A refused edit is reported as a message after the redirect.
    "cases:quarantine_room_edit": obj(_room, methods=("post",), data={"capacity": "0"},
                                      insider_ok=frozenset({302})),
    "cases:followup_today": page(),
    "cases:followup_worker": page(shows_a=False),  # a script: names no record
    "cases:followup_record": obj(_quarantine, methods=("post",), data={"slot": "am"},
                                 insider_ok=REFUSED_PAGE),
}

API: dict[str, Entry] = {
    "GET /api/quarantine": page(queries=("", "?area={town_a}", "?status=open", "?kind=home")),
    "GET /api/quarantine/today": page(),
    "GET /api/quarantine/{id}": obj(_quarantine),
    # The case is named in the body, which the matrix cannot fill with a town-A id: no one
    # finds case 0. Town B starting town A's case is refused in tests/cases/test_quarantine_api.
    "POST /api/quarantine": page(methods=("post",), data={"case_id": 0, "kind": "home"},
                                 insider_ok=frozenset({404}), shows_a=False),
    "POST /api/quarantine/{id}/release": obj(_quarantine, methods=("post",), data={},
                                             insider_ok=REFUSED_API),
    "POST /api/quarantine/{id}/extend": obj(
        _quarantine, methods=("post",), data={"exposure_date": "2020-01-01", "reason": "matrix"},
        insider_ok=REFUSED_API),
    "POST /api/quarantine/{id}/follow-ups": obj(
        _quarantine, methods=("post",), data={"slot": "am", "temperature": "50.0"},
        insider_ok=REFUSED_API),
}
