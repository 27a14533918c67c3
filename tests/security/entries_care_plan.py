"""Security-matrix entries of the plan part of care (merged into the matrix).

Town A has a plan of its own made here (not computed, so the bed part's waiting patients stay
as they are): one planned transfer of a confirmed patient to a town-A hospital, one patient not
placed, and a progress snapshot. Computing is asked for village A2, which has no bed figures:
the insider is refused with a message and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from epigrid.areas.models import Facility
from epigrid.care.models import (
    AdmissionRequest,
    BedStock,
    ProgressSnapshot,
    Transfer,
    TransferPlan,
    Unplaced,
)
from epigrid.cases import services
from epigrid.cases.models import Evidence
from epigrid.cases.states import State
from epigrid.registry import services as registry
from tests.base import World
from tests.security.matrix import Entry, obj, page

HOSPITAL = "MX-PLAN-H"


def prepare(w: World) -> None:
    now = timezone.now()
    hospital = Facility.objects.create(area=w.town_a, code=HOSPITAL, name="Matrix Plan Hospital",
                                       kind=Facility.Kind.DESIGNATED_HOSPITAL,
                                       latitude=30.6, longitude=114.31)
    BedStock.objects.create(facility=hospital, bed_type="general", total=5, updated_at=now)
    plan = TransferPlan.objects.create(area=w.town_a, area_path=w.town_a.path,
                                       day=timezone.localdate(), patients=2, placed=1)
    for name, state, placed in (("Matrix Plan Patient", State.CONFIRMED, True),
                                ("Matrix Plan Waiting", State.SUSPECTED, False)):
        person = registry.create_person(grid=w.grid_a1_1, name=name)
        case = services.open_case(person, state, reason="matrix", severity="moderate",
                                  evidence=Evidence.TEST if state == State.CONFIRMED else "")
        request = AdmissionRequest.objects.create(
            case=case, area_path=case.area_path, pickup_area=w.grid_a1_1, waiting_since=now,
            status="planned" if placed else "waiting")
        if placed:
            Transfer.objects.create(plan=plan, request=request, area_path=case.area_path,
                                    facility=hospital, bed_type="general", distance_km=1.0,
                                    batch=1, status_at=now)
        else:
            Unplaced.objects.create(plan=plan, request=request, area_path=case.area_path,
                                    reason="no capable bed within reach")
    ProgressSnapshot.objects.create(area=w.town_a, area_path=w.town_a.path, at=now, awaiting=1)


def _plan(w: World) -> TransferPlan:
    return TransferPlan.objects.get(area=w.town_a)


def _transfer(w: World) -> Transfer:
    return Transfer.objects.get(plan__area=w.town_a)


def _override(w: World) -> dict[str, Any]:
    return {"facility": Facility.objects.get(code=HOSPITAL).pk, "bed_type": "general",
            "reason": "matrix"}


PAGES: dict[str, Entry] = {
    "care:plan_index": page(insider_ok=frozenset({302}), shows_a=False),
    "care:plan_area": obj(lambda w: w.town_a, queries=("", "?after=0")),
    "care:plan_compute": obj(lambda w: w.village_a2, methods=("post",),
                             data={"day": "2020-02-14"}, insider="a_command",
                             insider_ok=frozenset({302})),
    "care:plan_xlsx": obj(_plan, shows_a=False),
    "care:plan_docx": obj(_plan, shows_a=False),
    "care:plan_status": obj(_transfer, methods=("post",), data={"status": "arrived"},
                            insider="a_command", insider_ok=frozenset({302})),
    "care:plan_override": obj(_transfer, methods=("get", "post"), data={}, insider="a_command",
                              insider_ok=frozenset({200, 302, 400})),
}
API: dict[str, Entry] = {
    "POST /api/transfers/areas/{area_id}/plan": obj(
        lambda w: {"area_id": w.village_a2.pk}, methods=("post",), data={},
        insider="a_command", insider_ok=frozenset({422}), shows_a=False),
    "GET /api/transfers/areas/{area_id}/plan": obj(lambda w: {"area_id": w.town_a.pk},
                                                   shows_a=False),
    "GET /api/transfers/plans/{plan_id}/transfers": obj(lambda w: {"plan_id": _plan(w).pk}),
    "GET /api/transfers/plans/{plan_id}/unplaced": obj(lambda w: {"plan_id": _plan(w).pk},
                                                       shows_a=False),
    "POST /api/transfers/{transfer_id}/status": obj(
        lambda w: {"transfer_id": _transfer(w).pk}, methods=("post",),
        data={"status": "dispatched"}, insider="a_command",
        insider_ok=frozenset({200, 422})),
    "POST /api/transfers/{transfer_id}/override": obj(
        lambda w: {"transfer_id": _transfer(w).pk}, methods=("post",),
        data={"facility_id": 0, "bed_type": "general", "reason": "matrix"},
        insider="a_command", insider_ok=frozenset({200, 404, 422}), shows_a=False),
    "GET /api/transfers/areas/{area_id}/snapshots": obj(lambda w: {"area_id": w.town_a.pk},
                                                        shows_a=False),
}
