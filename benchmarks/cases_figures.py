"""The figures part of `epigrid bench cases`: recounting a day's case figures for every area.

Builds the demo's area tree at the scale (tiny: 18 grids, district: 3,000, city: 32,000) and
persons under management in it — tiny 1,000, district 10,000, city 100,000 cases walking the state
machine over four weeks, with their transitions, quarantines, the last two days' follow-ups and
lab tests — written in bulk (COPY on PostgreSQL), not through the services. Then measures:

- `figures_recompute_s`: median time of `cases.figures.recompute(today)` (every area's figures
  counted from the records and stored; target <= 2 s at city scale on PostgreSQL), with
  `figures_rows` (rows stored) and `figures_cases` (cases built);
- `figures_page_ms` / `_queries`: a town's case figure page for today (counted live), as its
  officer; `figures_area_page_ms`: the city's area page with its case panel, as an admin;
- `figures_curve_ms`: the city's epidemic curve with Rt.
Everything is rolled back by the bench harness.
"""

from __future__ import annotations

import datetime
import decimal
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

from benchmarks.harness import BenchRefusedError, analyze, measure_get, median_ms, url_or_none
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Facility, Level
from epigrid.cases import curve
from epigrid.cases.figures import recompute
from epigrid.cases.models import (
    Case,
    CaseFigures,
    FollowUp,
    Lab,
    LabTest,
    MissedFollowUp,
    Quarantine,
    Transition,
)
from epigrid.cases.states import TERMINAL, State
from epigrid.core.access import Role
from epigrid.core.ids import allocate_ids
from epigrid.demo.generator import generate
from epigrid.registry import bulk
from epigrid.registry.models import Person

SCALES = ("tiny", "district", "city")
CASES = {"tiny": 1_000, "district": 10_000, "city": 100_000}
SEED = 2020
DAYS = 28
S = State
# The ways a case walks the state machine, with their weights.
PATHS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (40, (S.CLOSE_CONTACT, S.QUARANTINED, S.RELEASED)),
    (5, (S.CLOSE_CONTACT, S.QUARANTINED, S.ASYMPTOMATIC, S.CONFIRMED, S.ADMITTED,
         S.RECOVERED)),
    (25, (S.FEVER, S.EXCLUDED)),
    (10, (S.FEVER, S.SUSPECTED, S.CONFIRMED, S.ADMITTED, S.RECOVERED)),
    (8, (S.SUSPECTED, S.EXCLUDED)),
    (7, (S.ASYMPTOMATIC, S.RELEASED)),
    (5, (S.CONFIRMED, S.ADMITTED, S.DIED)),
)
# How long a case stays in a state before its next move (days, low-high).
STAY: dict[str, tuple[int, int]] = {S.QUARANTINED: (7, 14), S.ADMITTED: (5, 15)}
CASE_COLUMNS = ("id", "created_at", "updated_at", "grid_id", "area_path", "person_id", "state",
                "is_open", "state_since", "severity", "source", "onset_date", "reported_on",
                "note")
TRANSITION_COLUMNS = ("case_id", "area_path", "from_state", "to_state", "at", "reason",
                      "evidence", "evidence_note", "recorded_at")
QUARANTINE_COLUMNS = ("id", "created_at", "updated_at", "case_id", "area_path", "kind",
                      "site_id", "starts_on", "planned_end", "ended_on", "outcome",
                      "extensions")
FOLLOW_UP_COLUMNS = ("quarantine_id", "area_path", "day", "slot", "temperature", "symptoms",
                     "recorded_at")
MISSED_COLUMNS = ("quarantine_id", "area_path", "day", "slot", "flagged_at")
TEST_COLUMNS = ("lab_id", "sample_id", "person_id", "area_path", "name", "id_number_enc",
                "id_number_hash", "id_number_masked", "sampled_at", "resulted_at", "result",
                "match", "received_at")


def _insert(model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Text COPY on PostgreSQL (decimal and small-integer columns included); executemany else."""
    if connection.vendor != "postgresql":
        bulk.insert_rows(model, columns, list(rows))
        return
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        table = connection.ops.quote_name(model._meta.db_table)
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class World:
    """Cases in bulk on the grids of the tree, walking PATHS up to today."""

    def __init__(self, count: int, rng: random.Random) -> None:
        self.rng = rng
        self.count = count
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.grids = list(Area.objects.filter(level=Level.GRID).values_list("id", "path"))
        self.sites = list(Facility.objects.values_list("id", flat=True)[:50])
        root = Area.objects.filter(parent__isnull=True).order_by("path").first()
        if not self.grids or root is None:
            raise BenchRefusedError("The figures bench needs an area tree with grids.")
        self.lab = Lab.objects.create(area=root, code=f"BENCH-{uuid.uuid4().hex[:6]}",
                                      name="Bench lab")
        self.weights = [w for w, _path in PATHS]

    def walk(self, path: tuple[str, ...]) -> list[tuple[str, datetime.datetime]]:
        day = self.today - datetime.timedelta(days=self.rng.randint(0, DAYS))
        moves = []
        for state in path:
            at = _at(day, self.rng.randint(8, 20))
            if at > self.now and not moves:  # opened today, before now
                at = self.now - datetime.timedelta(minutes=self.rng.randint(1, 60))
            if at > self.now:
                break
            moves.append((state, at))
            low, high = STAY.get(state, (1, 3))
            day += datetime.timedelta(days=self.rng.randint(low, high))
        return moves

    def build(self) -> dict[str, int]:
        person_ids = allocate_ids(Person, self.count)
        case_ids = allocate_ids(Case, self.count)
        persons: list[tuple[Any, ...]] = []
        cases: list[tuple[Any, ...]] = []
        moves: list[tuple[Any, ...]] = []
        quarantines: list[tuple[Any, ...]] = []
        tests: list[tuple[Any, ...]] = []
        follow_ups: list[tuple[Any, ...]] = []
        missed: list[tuple[Any, ...]] = []
        now = self.now
        for person_id, case_id in zip(person_ids, case_ids, strict=True):
            grid_id, path = self.rng.choice(self.grids)
            persons.append((person_id, now, now, path, grid_id, None, f"Bench {person_id}", "",
                            "", "", "", "", "", "unknown", None, "", False, "resident", "", "",
                            None))
            walked = self.walk(self.rng.choices(PATHS, self.weights)[0][1])
            state, since = walked[-1]
            onset = walked[0][1].date() if walked[0][0] in {S.FEVER, S.SUSPECTED,
                                                           S.CONFIRMED} else None
            cases.append((case_id, now, now, grid_id, path, person_id, state,
                          state not in TERMINAL, since, "", "other", onset,
                          walked[0][1].date(), ""))
            previous = ""
            for to_state, at in walked:
                moves.append((case_id, path, previous, to_state, at, "bench", "", "", now))
                previous = to_state
                if to_state in {S.CONFIRMED, S.ASYMPTOMATIC, S.EXCLUDED, S.RELEASED}:
                    tests.append((self.lab.pk, f"B{case_id}-{to_state}", person_id, path, "",
                                  "", "", "", at - datetime.timedelta(hours=20), at,
                                  "negative" if to_state in {S.EXCLUDED, S.RELEASED}
                                  else "positive", "matched", now))
            quarantine = self.quarantine(case_id, path, walked)
            if quarantine is not None:
                quarantines.append(quarantine)
            if case_id % 30 == 0:  # a sample taken today, its result not back yet
                tests.append((self.lab.pk, f"P{case_id}", person_id, path, "", "", "", "",
                              now - datetime.timedelta(hours=2), None, "pending", "matched",
                              now))
        quarantines = [(pk, *row) for pk, row in zip(
            allocate_ids(Quarantine, len(quarantines)), quarantines, strict=True)]
        for quarantine in quarantines:
            self.follow_ups(quarantine, follow_ups, missed)
        _insert(Person, ("id", *bulk.PERSON_COLUMNS), persons)
        _insert(Case, CASE_COLUMNS, cases)
        _insert(Transition, TRANSITION_COLUMNS, moves)
        _insert(Quarantine, QUARANTINE_COLUMNS, quarantines)
        _insert(FollowUp, FOLLOW_UP_COLUMNS, follow_ups)
        _insert(MissedFollowUp, MISSED_COLUMNS, missed)
        _insert(LabTest, TEST_COLUMNS, tests)
        return {"cases": len(cases), "transitions": len(moves), "quarantines": len(quarantines),
                "follow_ups": len(follow_ups) + len(missed), "tests": len(tests)}

    def quarantine(self, case_id: int, path: str,
                   walked: list[tuple[str, datetime.datetime]]) -> tuple[Any, ...] | None:
        starts = next((at.date() for state, at in walked if state == S.QUARANTINED), None)
        if starts is None:
            return None
        ended = next((at.date() for state, at in walked
                      if state in {S.RELEASED, S.ASYMPTOMATIC}), None)
        outcome = "" if ended is None else ("released" if walked[-1][0] == S.RELEASED
                                            else "escalated")
        site = self.rng.choice(self.sites) if self.sites and self.rng.random() < 0.4 else None
        return (self.now, self.now, case_id, path,
                "centralized" if site else "home", site, starts,
                starts + datetime.timedelta(days=14), ended, outcome, 0)

    def follow_ups(self, quarantine: tuple[Any, ...], done: list[tuple[Any, ...]],
                   missed: list[tuple[Any, ...]]) -> None:
        """The checks of the last two days (the figures read one day's)."""
        pk, path, starts, ended = quarantine[0], quarantine[4], quarantine[7], quarantine[9]
        for back in (1, 0):
            day = self.today - datetime.timedelta(days=back)
            if starts > day or (ended is not None and ended <= day):
                continue
            for slot in ("am", "pm"):
                if self.rng.random() < 0.05:
                    missed.append((pk, path, day, slot, self.now))
                else:
                    done.append((pk, path, day, slot, decimal.Decimal("36.6"), "", self.now))


def _world(scale: str, reuse: bool, log: Callable[[str], None]) -> None:
    if Case.objects.exists() and reuse:
        return
    if Area.objects.exists() and not reuse:
        raise BenchRefusedError(
            "The database already has areas. The figures bench builds its own demo world (and "
            "rolls it back) only in an empty database; run it with --reuse to measure the cases "
            "that are there, or point DATABASE_URL at an empty database.")
    started = time.perf_counter()
    if not Area.objects.exists():
        generate(scale, SEED)
    built = World(CASES[scale], random.Random(SEED)).build()
    analyze(Area, Person, Case, Transition, Quarantine, FollowUp, MissedFollowUp, LabTest)
    log(f"built the {scale} tree with {built} in {time.perf_counter() - started:.1f} s")


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    _world(scale, reuse, log)
    today = timezone.localdate()
    figures: dict[str, Any] = {"figures_cases": Case.objects.count()}
    timings = []
    for _ in range(max(1, min(repeat, 5))):  # a recount is seconds: a few runs suffice
        started = time.perf_counter()
        figures["figures_rows"] = recompute(today)
        timings.append(time.perf_counter() - started)
    figures["figures_recompute_s"] = round(sorted(timings)[len(timings) // 2], 3)
    analyze(CaseFigures)
    town = Area.objects.filter(level=Level.TOWN).order_by("path").first()
    city = Area.objects.filter(parent__isnull=True).order_by("path").first()
    if town is None or city is None:
        raise BenchRefusedError("The tree has no town.")
    officer = User.objects.create(username=f"bench-figures-{uuid.uuid4().hex[:8]}",
                                  role=Role.AREA_OFFICER, home_area=town)
    admin = User.objects.create(username=f"bench-figures-{uuid.uuid4().hex[:8]}",
                                role=Role.ADMIN, is_superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    page_repeat = max(1, min(repeat, 10))
    measure_get(client, url_or_none("cases:figure_area", town.pk), page_repeat, "figures_page",
                figures)
    client.force_login(admin)
    measure_get(client, url_or_none("areas:detail", city.pk), page_repeat,
                "figures_area_page", figures)
    figures["figures_curve_ms"] = median_ms(lambda: curve.build(city.path), page_repeat)
    return figures
