"""The transfer desk's day 转运收治 (SCENARIOS.md, 13:00): the beds of every hospital, fever
clinic and quarantine site as their staff entered them in the last hours, one clinic's gone
stale, and the open confirmed, asymptomatic and suspected cases waiting for a bed, the two found
first for over a day (when their cases are that old: no wait starts before its case was
opened). The transfer plan is then the desk's to compute, from the page or
`epigrid plan_transfers`.

Written in bulk like the rest of the demo (no audit entry a row); the demo has no facility
staff, so nobody is named as having entered the figures."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from epigrid.areas.models import Area, Facility
from epigrid.care.models import AdmissionRequest, BedStock, BedType
from epigrid.care.plan_progress import take_snapshot
from epigrid.cases.models import Case, Transition
from epigrid.cases.states import State

# The bed types a facility of each kind enters, with the range of its beds of that type.
BEDS: dict[str, tuple[tuple[str, int, int], ...]] = {
    Facility.Kind.DESIGNATED_HOSPITAL: ((BedType.ICU, 8, 20), (BedType.SEVERE, 30, 80),
                                        (BedType.GENERAL, 120, 300)),
    Facility.Kind.SHELTER_HOSPITAL: ((BedType.GENERAL, 500, 1200),),
    Facility.Kind.FEVER_CLINIC: ((BedType.ISOLATION, 6, 20),),
    # The asymptomatic go to quarantine rooms (care.rules): the sites enter theirs too.
    Facility.Kind.QUARANTINE_SITE: ((BedType.QUARANTINE, 40, 160),),
}
WAITING_STATES = (State.CONFIRMED, State.ASYMPTOMATIC, State.SUSPECTED)
LONG_WAITS = 2  # the patients waiting over 24 h: the "admit all" 应收尽收 alarm


def _stocks(facility: Facility, rng: random.Random, updated: datetime.datetime
            ) -> list[BedStock]:
    stocks = []
    for bed_type, least, most in BEDS[facility.kind]:
        total = rng.randint(least, most)
        occupied = round(total * rng.uniform(0.55, 0.92))
        reserved = min(total - occupied, rng.randint(0, 3))
        stocks.append(BedStock(facility=facility, bed_type=bed_type, total=total,
                               occupied=occupied, reserved=reserved, updated_at=updated))
    return stocks


def write_care(root: Area, seed: int, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Beds of the facilities under `root` and the waiting list of its cases; how many."""
    rng, now = random.Random(seed + 11), now or timezone.now()
    facilities = list(Facility.objects.filter(area__path__startswith=root.path,
                                              kind__in=list(BEDS), active=True).order_by("pk"))
    stale = next((f.pk for f in facilities if f.kind == Facility.Kind.FEVER_CLINIC), None)
    stocks: list[BedStock] = []
    for facility in facilities:
        age = (datetime.timedelta(hours=settings.BEDS_STALE_HOURS + 3) if facility.pk == stale
               else datetime.timedelta(minutes=rng.randrange(5, 180)))
        stocks += _stocks(facility, rng, now - age)
    BedStock.objects.bulk_create(stocks, batch_size=500)
    cases = list(Case.objects.filter(area_path__startswith=root.path, is_open=True,
                                     state__in=WAITING_STATES, state_since__lte=now))
    opened = dict(Transition.objects.filter(case__in=cases).order_by().values("case")
                  .annotate(first=Min("at")).values_list("case", "first"))
    cases.sort(key=lambda case: (opened.get(case.pk, case.state_since), case.pk))
    requests = []
    for index, case in enumerate(cases):
        hours = rng.uniform(25, 30) if index < LONG_WAITS else rng.uniform(0.5, 20)
        since = now - datetime.timedelta(hours=hours)
        requests.append(AdmissionRequest(
            case=case, area_path=case.area_path, pickup_area_id=case.grid_id,
            severity=case.severity, waiting_since=max(opened.get(case.pk, case.state_since),
                                                      since)))
    AdmissionRequest.objects.bulk_create(requests, batch_size=500)
    # The transfer progress as the beat stores it (care.tasks): the dashboards read it.
    snapshots = take_snapshot(root, now)
    return {"bed_stocks": len(stocks), "stale_facilities": int(stale is not None),
            "awaiting_admission": len(requests), "progress_snapshots": len(snapshots)}
