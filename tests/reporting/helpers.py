"""Records of today from each app, on the test World, for the daily figure tests.

Counted by hand (the test World already has the Wangs and Sun Li in town A, the Zhaos in town B):
- registry: households: town A 1, town B 1; persons: grid A1-1 2, grid A1-2 1, town B 1.
  A district campaign running yesterday to tomorrow: the Wangs visited today (Wang Jun normal,
  Wang Lei sent to the fever clinic), the Zhaos visited yesterday.
- checkpoints (East Road, village A1): today 3 persons in (one persuaded to turn back, one
  fever), a car in with 3 people, 2 persons out; West Gate (village B1): one person in.
- care: beds — Dongcheng People's Hospital (village A1) ICU 10, 4 occupied, 1 reserved: 5 free;
  the hotel of town A 20 quarantine rooms, 5 occupied: 15 free; Xihe Quarantine Hotel (town B)
  8 quarantine rooms, all occupied. Waiting for a bed: Wang Jun (grid A1-1) for 30 h, Zhou Yan
  (grid A2-1) for 2 h, Zhao Min (town B) for 50 h; Sun Li (grid A1-2) admitted today.
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.care.models import AdmissionRequest, BedType, Transfer, TransferPlan
from epigrid.cases.models import Case
from epigrid.cases.states import State
from epigrid.checkpoints.models import Decision, Direction, Passage
from epigrid.registry import services as registry
from epigrid.registry.models import HouseholdVisit, Outcome, PersonScreening, ScreeningCampaign
from tests.base import World
from tests.care.bed_helpers import hospital, hotel, hours_ago, open_case, stock
from tests.checkpoints.figure_helpers import at, passage, store


def screening_today(w: World) -> ScreeningCampaign:
    today = timezone.localdate()
    ScreeningCampaign.objects.bulk_create([ScreeningCampaign(
        area=w.district, area_path=w.district.path, name="Daily round",
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=1))])
    campaign = ScreeningCampaign.objects.get(name="Daily round")
    for household, day, outcomes in (
            (w.household_a, today, {w.person_a: Outcome.NORMAL,
                                    w.person_a2: Outcome.FEVER_CLINIC}),
            (w.household_b, today - datetime.timedelta(days=1), {w.person_b: Outcome.NORMAL})):
        visit = HouseholdVisit.objects.create(
            campaign=campaign, household=household, area_path=household.area_path,
            visited_on=day, visited_at=at(day, 9), idempotency_key=uuid.uuid4())
        for person, outcome in outcomes.items():
            PersonScreening.objects.create(visit=visit, person=person, outcome=outcome)
    return campaign


def passages_today(w: World) -> None:
    today = timezone.localdate()
    east, west = w.checkpoint_a, w.checkpoint_b
    store([
        passage(east, at(today, 0, 5)),
        passage(east, at(today, 0, 10), decision=Decision.TURNED_BACK),
        passage(east, at(today, 0, 20), decision=Decision.FEVER),
        passage(east, at(today, 0, 30), kind=Passage.Kind.VEHICLE, passengers=3),
        passage(east, at(today, 0, 40), direction=Direction.OUT),
        passage(east, at(today, 0, 50), direction=Direction.OUT),
        passage(west, at(today, 0, 15)),
        # Yesterday's passage counts on yesterday only.
        passage(east, at(today - datetime.timedelta(days=1), 23, 50)),
    ])


def _waiting(case: Case, grid: Area, hours: float) -> AdmissionRequest:
    return AdmissionRequest.objects.create(case=case, area_path=case.area_path, pickup_area=grid,
                                           waiting_since=hours_ago(hours))


def care_today(w: World) -> None:
    stock(hospital(w), BedType.ICU, 10, occupied=4, reserved=1)
    stock(hotel(w), BedType.QUARANTINE, 20, occupied=5)
    stock(w.facility_b, BedType.QUARANTINE, 8, occupied=8)
    zhou = registry.create_person(grid=w.grid_a2_1, name="Zhou Yan")
    _waiting(open_case(w.person_a, State.CONFIRMED), w.grid_a1_1, 30)
    _waiting(open_case(zhou, State.SUSPECTED), w.grid_a2_1, 2)
    _waiting(open_case(w.person_b, State.CONFIRMED), w.grid_b1_1, 50)
    sun = open_case(w.visitor_a, State.CONFIRMED)
    admitted = _waiting(sun, w.grid_a1_2, 5)
    admitted.status = AdmissionRequest.Status.ADMITTED
    admitted.save()
    plan = TransferPlan.objects.create(area=w.district, area_path=w.district.path,
                                       day=timezone.localdate())
    Transfer.objects.create(plan=plan, request=admitted, area_path=admitted.area_path,
                            facility=w.facility_a, bed_type=BedType.ISOLATION, distance_km=2,
                            status=Transfer.Status.ADMITTED,
                            status_at=timezone.now())


def more_areas(parent: Area, count: int) -> list[Area]:
    """`count` more grids (or villages) under `parent`, for the query-count guards."""
    from tests.base import make_area

    level = parent.level + 1
    return [make_area(parent, level, f"{parent.code}-X{n:02d}", f"Extra {n}")
            for n in range(count)]
