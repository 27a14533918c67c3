"""Security-matrix entries of the bed part of care (merged into the matrix).

Town A has the World's fever clinic with isolation rooms entered, and two patients of grid A1-1
awaiting a bed: a confirmed one (whose request the insider may cancel: it is made again when
needed) and a suspected one (never cancelled, so lists always name town A); a close contact
without a request is the case a bed is asked for.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from epigrid.care.models import AdmissionRequest, BedStock
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence
from epigrid.cases.states import State
from epigrid.registry import services as registry
from epigrid.registry.models import Person
from tests.base import World
from tests.security.matrix import Entry, obj, page

CONFIRMED, SUSPECTED, CONTACT = "Matrix Bed Patient", "Matrix Bed Suspect", "Matrix Bed Contact"
COUNTS = {"isolation-total": "12", "isolation-occupied": "3", "isolation-reserved": "1"}


def prepare(w: World) -> None:
    BedStock.objects.create(facility=w.facility_a, bed_type="isolation", total=12, occupied=3,
                            reserved=1, updated_at=timezone.now())
    for name, state in ((CONFIRMED, State.CONFIRMED), (SUSPECTED, State.SUSPECTED),
                        (CONTACT, State.CLOSE_CONTACT)):
        person = registry.create_person(grid=w.grid_a1_1, name=name)
        case = services.open_case(person, state, reason="matrix", evidence=Evidence.TEST
                                  if state == State.CONFIRMED else "")
        if name != CONTACT:
            _request_of(case, w)


def _request_of(case: Case, w: World) -> AdmissionRequest:
    return AdmissionRequest.objects.create(case=case, area_path=case.area_path,
                                           pickup_area=w.grid_a1_1, waiting_since=timezone.now())


def _case(name: str) -> Case:
    return Case.objects.get(person=Person.objects.get(name=name), is_open=True)


def _cancellable(w: World) -> AdmissionRequest:
    """The confirmed patient's pending request; made again once the insider cancelled it."""
    case = _case(CONFIRMED)
    found = AdmissionRequest.objects.filter(case=case, status="waiting").first()
    return found or _request_of(case, w)


def _kept(w: World) -> AdmissionRequest:
    return AdmissionRequest.objects.get(case=_case(SUSPECTED), status="waiting")


def _stock(w: World) -> BedStock:
    return BedStock.objects.get(facility=w.facility_a, bed_type="isolation")


AREA_QUERIES = ("", "?area={town_a}")
PAGES: dict[str, Entry] = {
    "care:bed_index": page(insider_ok=frozenset({302}), shows_a=False),
    "care:bed_area": obj(lambda w: w.town_a, queries=("", "?stale=on", "?bed_type=isolation",
                                                      "?kind=fever_clinic&free=on")),
    "care:bed_have_xml": obj(lambda w: w.town_a),
    "care:bed_have_json": obj(lambda w: w.town_a),
    # Updating beds takes UPDATE_BEDS, which officers lack: the insider is a command user.
    "care:bed_facility": obj(lambda w: {"facility_id": w.facility_a.pk}, methods=("get", "post"),
                             data=COUNTS, insider="a_command", insider_ok=frozenset({200, 302})),
    "care:bed_awaiting": page(queries=(*AREA_QUERIES, "?over_24h=on", "?category=suspected")),
    # An empty form (no pick-up area) is refused: 400, so the matrix itself writes no request.
    "care:bed_request": obj(lambda w: {"case_id": _case(CONTACT).pk}, methods=("get", "post"),
                            insider_ok=frozenset({200, 400})),
    "care:bed_request_cancel": obj(lambda w: {"pk": _cancellable(w).pk}, methods=("post",),
                                   insider_ok=frozenset({302})),
    "care:dashboard_index": page(insider_ok=frozenset({302}), shows_a=False),
    "care:dashboard": obj(lambda w: w.town_a),
}

_PUT = {"total": 12, "occupied": 3, "reserved": 1}


def _facility(w: World) -> dict[str, Any]:
    return {"facility_id": w.facility_a.pk}


API: dict[str, Entry] = {
    "GET /api/beds/stocks": page(queries=(*AREA_QUERIES, "?stale=false",
                                          "?bed_type=isolation")),
    "GET /api/beds/stocks/{id}": obj(_stock),
    "PUT /api/beds/facilities/{facility_id}/{bed_type}": obj(
        lambda w: {**_facility(w), "bed_type": "isolation"}, methods=("put",), data=_PUT,
        insider="a_command", insider_ok=frozenset({200})),
    "POST /api/beds/facilities/{facility_id}": obj(
        _facility, methods=("post",), data={"beds": [{"bed_type": "isolation", **_PUT}]},
        insider="a_command", insider_ok=frozenset({200})),
    "GET /api/beds/totals": page(queries=AREA_QUERIES, shows_a=False),  # figures, no names
    "GET /api/beds/have.xml": page(queries=AREA_QUERIES),
    "GET /api/beds/have.json": page(queries=AREA_QUERIES),
    "GET /api/beds/requests": page(queries=(*AREA_QUERIES, "?over_24h=false",
                                            "?category=suspected")),
    "GET /api/beds/requests/figures": page(queries=AREA_QUERIES, shows_a=False),
    "GET /api/beds/requests/{id}": obj(_kept),
    # The matrix cannot name a case id when it is written: case 0 is missing for everyone
    # (creating a request is tested in tests/care/test_bed_api.py).
    "POST /api/beds/requests": page(methods=("post",), data={"case_id": 0},
                                    insider_ok=frozenset({404}), shows_a=False),
    "POST /api/beds/requests/{id}/cancel": obj(_cancellable, methods=("post",),
                                               insider_ok=frozenset({200})),
}
