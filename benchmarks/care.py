"""`epigrid bench care`: the day's transfer plan 当日转运收治计划 of a city.

Data (bulk-written, in a bench city of its own): 50,000 patients awaiting a bed (tiny: 200) in
400 pick-up grids (tiny: 20) over a 60 km square, of every category and severity; 1,000
facilities (tiny: 20), each with 4 bed types, enough beds for most but not all (ICU beds run
short), so the plan has unplaced patients too.

Figures:
- `plan_s`: compute_plan with its database read and write (the plan, a transfer or an unplaced
  row per patient, the requests' status), median of up to 5 runs (each supersedes the last).
  Target: <= 5 s on PostgreSQL at full scale.
- `solve_only_s`: the planner alone on the same inputs, in memory (the baseline of the run:
  plan_s - solve_only_s is the database's share).
- `plan_cost` (K nearest arcs) and `full_cost` (every capable arc within reach), in km of the
  objective (distance + extra km of second choices + the unplaced penalty and waiting bonus);
  `cost_gap_pct` their difference (target: <= 0.1 %); `greedy_cost` of the nearest available
  bed, longest wait first. `plan_km`, `full_km`, `greedy_km`: the distance driven alone.
- `patients`, `placed`, `full_placed`, `greedy_placed`, `plan_arcs`, `full_arcs`, `full_s`.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from benchmarks.harness import analyze
from epigrid.areas import services as area_services
from epigrid.areas.models import Area, Facility, Level
from epigrid.care import greedy, plan_inputs, planner, plans
from epigrid.care import rules as placement
from epigrid.care.models import AdmissionRequest, BedStock, Transfer, TransferPlan, Unplaced
from epigrid.cases.models import Case
from epigrid.cases.states import State
from epigrid.registry.models import Person

DEFAULT_SCALE = "full"
SCALES = ("tiny", "full")
SIZES = {"tiny": (200, 20, 20), "full": (50_000, 1_000, 400)}  # patients, facilities, grids
ORIGIN = (30.30, 114.00)
SPAN_DEG = 0.55  # about 60 km
# (state, severity, share of patients)
MIX = ((State.CONFIRMED, "critical", 0.05), (State.CONFIRMED, "severe", 0.10),
       (State.CONFIRMED, "moderate", 0.20), (State.CONFIRMED, "mild", 0.25),
       (State.SUSPECTED, "", 0.15), (State.CLOSE_CONTACT, "", 0.20),
       (State.ASYMPTOMATIC, "", 0.05))
K = Facility.Kind
# kind: (share of facilities, its 4 bed types)
KINDS: dict[str, tuple[float, tuple[str, ...]]] = {
    K.DESIGNATED_HOSPITAL.value: (0.35, ("icu", "severe", "general", "isolation")),
    K.SHELTER_HOSPITAL.value: (0.20, ("general", "isolation", "severe", "quarantine")),
    K.FEVER_CLINIC.value: (0.15, ("isolation", "general", "severe", "icu")),
    K.QUARANTINE_SITE.value: (0.30, ("quarantine", "isolation", "general", "severe"))}


def _point(rng: random.Random) -> tuple[Decimal, Decimal]:
    return (Decimal(str(round(ORIGIN[0] + rng.random() * SPAN_DEG, 6))),
            Decimal(str(round(ORIGIN[1] + rng.random() * SPAN_DEG, 6))))


def _areas(grids: int, rng: random.Random) -> tuple[Area, list[Area]]:
    tag = uuid.uuid4().hex[:6].upper()

    def make(parent: Area | None, level: Level, code: str, name: str) -> Area:
        return area_services.create_area(parent=parent, level=level, code=f"CARE{tag}{code}",
                                         name=name)

    city = make(None, Level.CITY, "", "Care Bench City")
    district = make(city, Level.DISTRICT, "-D", "Care Bench District")
    towns = [make(district, Level.TOWN, f"-T{t}", f"Care Town {t}") for t in range(4)]
    villages = [make(towns[v % 4], Level.VILLAGE, f"-V{v}", f"Care Village {v}")
                for v in range(8)]
    made = []
    for g in range(grids):
        lat, lon = _point(rng)
        made.append(area_services.create_area(
            parent=villages[g % 8], level=Level.GRID, code=f"CARE{tag}-G{g}",
            name=f"Care Grid {g}", latitude=lat, longitude=lon))
    return city, made


def _patients(count: int, grids: list[Area], rng: random.Random) -> None:
    now = timezone.now()
    persons = Person.objects.bulk_create([
        Person(grid=grids[i % len(grids)], area_path=grids[i % len(grids)].path,
               name=f"Care patient {i}") for i in range(count)], batch_size=5000)
    kinds = rng.choices(range(len(MIX)), weights=[m[2] for m in MIX], k=count)
    cases = Case.objects.bulk_create([
        Case(person=p, grid_id=p.grid_id, area_path=p.area_path, state=MIX[kinds[i]][0],
             severity=MIX[kinds[i]][1], state_since=now, reported_on=now.date(), is_open=True)
        for i, p in enumerate(persons)], batch_size=5000)
    AdmissionRequest.objects.bulk_create([
        AdmissionRequest(case=c, area_path=c.area_path, pickup_area_id=c.grid_id,
                         severity=c.severity,
                         waiting_since=now - datetime.timedelta(hours=rng.random() * 72))
        for c in cases], batch_size=5000)


def _facilities(count: int, patients: int, city: Area, rng: random.Random) -> None:
    kinds = rng.choices(list(KINDS), weights=[v[0] for v in KINDS.values()], k=count)
    tag = uuid.uuid4().hex[:6].upper()
    made = Facility.objects.bulk_create([
        Facility(area=city, code=f"CARE{tag}-F{i}", name=f"Care Facility {i}", kind=kind,
                 latitude=_point(rng)[0], longitude=_point(rng)[1])
        for i, kind in enumerate(kinds)], batch_size=5000)
    # Beds of each used type: about 1.15 times the patients needing them (ICU: 0.9 times).
    per_kind: dict[str, int] = {kind: kinds.count(kind) or 1 for kind in KINDS}
    demand = {("designated_hospital", "icu"): 0.05 * 0.9,
              ("designated_hospital", "severe"): 0.10 * 1.15,
              ("designated_hospital", "general"): 0.20 * 1.15 + 0.05,
              ("shelter_hospital", "general"): 0.25 * 1.15,
              ("designated_hospital", "isolation"): 0.08, ("fever_clinic", "isolation"): 0.10,
              ("quarantine_site", "quarantine"): 0.25 * 1.15}
    now = timezone.now()
    stocks = []
    for f in made:
        for bed in KINDS[f.kind][1]:
            mean = demand.get((f.kind, bed), 0.0) * patients / per_kind[f.kind]
            total = max(1, round(mean * (0.5 + rng.random()))) if mean else rng.randrange(1, 5)
            stocks.append(BedStock(facility=f, bed_type=bed, total=total,
                                   occupied=rng.randrange(0, max(1, total // 5)),
                                   updated_at=now))
    BedStock.objects.bulk_create(stocks, batch_size=5000)


def _km(units: int) -> float:
    return round(units * planner.UNIT_M / 1000, 1)


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    patients, facilities, grids = SIZES.get(scale, SIZES[DEFAULT_SCALE])
    rng = random.Random(20200214)
    city, grid_areas = _areas(grids, rng)
    _patients(patients, grid_areas, rng)
    _facilities(facilities, patients, city, rng)
    analyze(Person, Case, AdmissionRequest, Facility, BedStock, Transfer, Unplaced, TransferPlan)
    log(f"built {patients} waiting patients in {grids} grids, {facilities} facilities")
    rules = placement.load()
    now = timezone.now()
    stocks, _figures = plan_inputs.stocks(city.path)
    people, _paths = plan_inputs.patients(city.path, rules, now)
    figures: dict[str, Any] = {"patients": len(people)}
    started = time.perf_counter()
    plan = planner.solve(people, stocks, rules)
    figures["solve_only_s"] = round(time.perf_counter() - started, 3)
    full = planner.solve_full(people, stocks, rules)
    nearest = greedy.greedy(people, stocks, rules)
    figures.update({
        "placed": len(plan.placements), "full_placed": len(full.placements),
        "greedy_placed": len(nearest.placements), "plan_arcs": plan.arcs,
        "full_arcs": full.arcs, "full_s": round(full.solve_s, 3),
        "plan_cost": _km(plan.objective), "full_cost": _km(full.objective),
        "greedy_cost": _km(nearest.objective),
        "cost_gap_pct": round(100 * (plan.objective - full.objective) / full.objective, 4),
        "plan_km": round(plan.distance_km), "full_km": round(full.distance_km),
        "greedy_km": round(nearest.distance_km)})
    timings = []
    for _ in range(min(max(1, repeat), 5)):
        started = time.perf_counter()
        stored = plans.compute_plan(city, None, timezone.localdate())
        timings.append(time.perf_counter() - started)
    figures["plan_s"] = round(statistics.median(timings), 3)
    figures["plan_placed_stored"] = stored.placed
    return figures
