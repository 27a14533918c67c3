"""`epigrid bench reporting`: the 16:00 roll-up — recounting a day's figures of every area.

Builds the demo's area tree at the scale (tiny: 18 grids, the CI smoke test; district: 3,000
grids and 1,028 checkpoints, the default; city: 32,000 grids), then records of every family: the
demo's residents and its screening campaign (demo.registry_data: district 500,000 persons, city
11 million, which take the city's build about half an hour), cases walking the state machine
(the cases bench's builder: tiny 1,000, district 10,000, city 100,000, with their persons,
quarantines, follow-ups and tests), a day of hourly passage figures
for every checkpoint, bed figures for every facility and a waiting list — written in bulk. Then:

- `recompute_s`: median time of `reporting.services.recompute_day(today)`, the full recount of
  every metric of every area, stored (`recompute_rows` rows, `recompute_queries` queries);
- `baseline_cases_recompute_s`: the cases app's own recount of the same day in the same run
  (one family of four), and `recompute_ratio`;
- `figures_page_ms` / `_queries` / `_status`: the district's daily figure page, read from the
  stored figures, as a command user; `baseline_select_one_ms` (GET /healthz) and
  `figures_page_ratio`.
Everything is rolled back by the bench harness. With --reuse it measures the records already
there and builds nothing (the city: `epigrid demo-data --scale city` into a database of its own,
once; see benchmarks/README.md).
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from benchmarks import cases_figures
from benchmarks.harness import (
    BenchRefusedError,
    analyze,
    count_queries,
    measure_get,
    median_ms,
    url_or_none,
)
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Facility, Level
from epigrid.care.models import AdmissionRequest, BedStock, BedType
from epigrid.cases import figures as case_figures
from epigrid.cases.models import Case
from epigrid.checkpoints.figures import FIELDS, insert_rows
from epigrid.checkpoints.models import PassageHour
from epigrid.core import days
from epigrid.core.access import Role
from epigrid.demo.generator import generate
from epigrid.demo.registry_data import generate_residents
from epigrid.registry.models import HouseholdVisit, Person
from epigrid.reporting.models import DailyFigures
from epigrid.reporting.services import recompute_day

SCALES = ("tiny", "district", "city")
DEFAULT_SCALE = "district"
SEED = 2020


def _passage_hours(rng: random.Random, today: datetime.date) -> int:
    """Today's hour rows of every checkpoint, up to the current hour."""
    start, _end = days.day_bounds(today)
    hours = max(1, timezone.localtime().hour + 1)
    rows = []
    for checkpoint_id, path in Checkpoint.objects.values_list("id", "area__path"):
        for hour in range(hours):
            passed_in, passed_out = rng.randint(0, 40), rng.randint(0, 40)
            counts = (passed_in, passed_out, rng.randint(0, 10), passed_in + passed_out,
                      rng.randint(0, 3), rng.randint(0, 1), int(rng.random() < 0.02))
            rows.append((checkpoint_id, path, start + datetime.timedelta(hours=hour), *counts))
    return insert_rows(PassageHour, ("checkpoint_id", "area_path", "hour", *FIELDS), rows)


def _care(rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    stocks = []
    for facility_id in Facility.objects.values_list("id", flat=True):
        for bed_type in rng.sample(list(BedType.values), 2):
            total = rng.randint(10, 200)
            stocks.append(BedStock(facility_id=facility_id, bed_type=bed_type, total=total,
                                   occupied=rng.randint(0, total), updated_at=now))
    BedStock.objects.bulk_create(stocks, batch_size=2000)
    waiting = []
    cases = Case.objects.filter(is_open=True, state__in=["confirmed", "suspected"]).values_list(
        "id", "area_path", "grid_id")[:500]
    for case_id, path, grid_id in cases:
        waiting.append(AdmissionRequest(case_id=case_id, area_path=path, pickup_area_id=grid_id,
                                        waiting_since=now - datetime.timedelta(
                                            hours=rng.uniform(0, 48))))
    AdmissionRequest.objects.bulk_create(waiting, batch_size=2000)
    return {"bed_stocks": len(stocks), "waiting": len(waiting)}


def _world(scale: str, reuse: bool, log: Callable[[str], None]) -> None:
    if reuse and Area.objects.exists():  # measure the records that are there
        log(f"measuring the records there: {Area.objects.count()} areas, "
            f"{Person.objects.count()} persons, {HouseholdVisit.objects.count()} visits, "
            f"{Case.objects.count()} cases, {PassageHour.objects.count()} passage hours")
        return
    if Area.objects.exists() and not reuse:
        raise BenchRefusedError(
            "The database already has areas. The reporting bench builds its own demo world (and "
            "rolls it back) only in an empty database; run it with --reuse to measure the "
            "records that are there, or point DATABASE_URL at an empty database.")
    started = time.perf_counter()
    rng = random.Random(SEED)
    if not Area.objects.exists():
        generate(scale, SEED)
    root = Area.objects.get(parent__isnull=True)
    residents = generate_residents(scale, SEED, root, log)
    built = cases_figures.World(cases_figures.CASES[scale], rng).build()
    built["residents"] = residents["residents"]
    built["visits"] = residents["visits"]
    built["passage_hours"] = _passage_hours(rng, timezone.localdate())
    built.update(_care(rng))
    analyze(Area, Case, PassageHour, BedStock, AdmissionRequest, Person, HouseholdVisit)
    log(f"built the {scale} tree ({Area.objects.count()} areas) with {built} in "
        f"{time.perf_counter() - started:.1f} s")


def _median_s(action: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(max(1, min(repeat, 5))):  # a recount is seconds: a few runs suffice
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return round(sorted(timings)[len(timings) // 2], 3)


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    _world(scale, reuse, log)
    today = timezone.localdate()
    figures: dict[str, Any] = {"recompute_rows": recompute_day(today).rows}
    figures["recompute_queries"] = count_queries(lambda: recompute_day(today))
    figures["recompute_s"] = _median_s(lambda: recompute_day(today), repeat)
    figures["baseline_cases_recompute_s"] = _median_s(lambda: case_figures.recompute(today),
                                                      repeat)
    if figures["baseline_cases_recompute_s"]:
        figures["recompute_ratio"] = round(
            figures["recompute_s"] / figures["baseline_cases_recompute_s"], 2)
    analyze(DailyFigures)
    area = (Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
            or Area.objects.filter(parent__isnull=True).order_by("path").first())
    if area is None:
        raise BenchRefusedError("The tree has no area.")
    command = User.objects.create(username=f"bench-reporting-{uuid.uuid4().hex[:8]}",
                                  role=Role.COMMAND, home_area=area)
    client = Client(raise_request_exception=False)
    client.force_login(command)
    page_repeat = max(1, min(repeat, 10))
    healthz = url_or_none("web:healthz")
    baseline = median_ms(lambda: client.get(healthz or "/"), page_repeat)
    figures["baseline_select_one_ms"] = baseline
    measure_get(client, url_or_none("reporting:area", area.pk), page_repeat, "figures_page",
                figures, baseline_ms=baseline)
    return figures
