"""The demo's residents and its first screening round, written in bulk.

Every grid gets its planned households (`Area.households`) and about its planned population
(`Area.population`): fictional people with valid IDs of the district's region code, birth dates
from an age pyramid, Chinese names, mobiles and key-group tags at realistic small rates; a few
non-residents; three IDs registered in two households (for the duplicates page). Then the
campaign 第一轮全面排查, started two days ago, with about 60% of households visited over those two
days and about 0.5% abnormal outcomes, and its progress computed.

Rows go through registry.bulk (COPY on PostgreSQL, executemany on SQLite) a chunk of grids at a
time, with ids reserved up front, so memory stays flat from 500 residents to 11 million. On
PostgreSQL the four tables are loaded without their secondary indexes and foreign keys
(core.deferred_indexes builds them once at the end) and each door's place is written with its
household rather than by a later UPDATE of every row: the city's 11 million residents then load
in minutes instead of hours, with the same values (tests/demo compares both ways).
"""

from __future__ import annotations

import datetime
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Mod
from django.utils import timezone

from epigrid.areas.models import Area, Level
from epigrid.core.deferred_indexes import deferred_indexes
from epigrid.core.identity import mask_id_number, mask_phone
from epigrid.core.ids import allocate_ids
from epigrid.registry import bulk, duplicates, synthetic
from epigrid.registry.fields import Sealer
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    Outcome,
    Person,
    PersonScreening,
    Residency,
    ScreeningCampaign,
    Tag,
)
from epigrid.registry.progress import recompute

CAMPAIGN_NAME = "第一轮全面排查"
CHUNK_GRIDS = 100
CHUNK_GRIDS_FAST = 400  # PostgreSQL without indexes: fewer, longer COPYs
LOG_EVERY_CHUNKS = 5
TINY_HOUSEHOLDS_PER_GRID = 8  # "tiny" keeps a few hundred residents, for tests and CI
# Age bands (from, to) and their shares: the shape of a Chinese district's pyramid around 2020.
AGE_BANDS = ((0, 14, 0.16), (15, 29, 0.18), (30, 44, 0.22), (45, 59, 0.24), (60, 74, 0.14),
             (75, 95, 0.06))
# random.choices(weights=w) draws exactly as cum_weights=accumulate(w), without summing per call.
AGE_CUM_WEIGHTS = tuple(itertools.accumulate(band[2] for band in AGE_BANDS))
LOCAL_SHARE = 0.85  # residents born in the district; the others come from elsewhere in Hubei
VISITED_SHARE = 0.6
ABNORMAL_SHARE = 0.005
PRESENT_SHARE = 0.93
# Where a visit falls, as cumulative shares: the campaign's first day (two days ago) until 0.45,
# yesterday until 0.85, today after (by now; at 07:00 no round has begun).
VISIT_DAY_SHARES = (0.45, 0.85)
REGISTERED_DAYS_AGO = 60
ABNORMAL_OUTCOMES = (Outcome.FEVER_CLINIC, Outcome.HOME_QUARANTINE, Outcome.REPORT_VILLAGE)
DUPLICATES = 3
PLACE_STEP = Decimal("0.0001")  # a door's offset from its grid's centre: about 11 m north-south
# tags() appends in Tag's own order, so the stored ",a,b," equals Person.join_tags (not called:
# it rebuilds Tag.values each time, a tenth of the generation's time). Plain strings: an enum
# member's .value costs a descriptor call, 11 million times.
RETURNEE, ELDERLY_ALONE, CHRONIC, PREGNANT, DISABLED = (
    Tag.RETURNEE.value, Tag.ELDERLY_ALONE.value, Tag.CHRONIC.value, Tag.PREGNANT.value,
    Tag.DISABLED.value)
NORMAL, FEVER_CLINIC, HOME_QUARANTINE = (Outcome.NORMAL.value, Outcome.FEVER_CLINIC.value,
                                         Outcome.HOME_QUARANTINE.value)
LOADED_MODELS = (Household, Person, HouseholdVisit, PersonScreening)
VISIT_COLUMNS = ("id", "created_at", "updated_at", "campaign_id", "household_id", "area_path",
                 "visited_on", "visited_at", "worker_id", "idempotency_key", "note",
                 "persons_screened", "persons_abnormal")
SCREENING_COLUMNS = ("visit_id", "person_id", "present", "temperature", "symptoms",
                     "travel_history", "contact_with_case", "returnee_origin", "returned_on",
                     "outcome")


@dataclass
class Batch:
    households: list[tuple[Any, ...]] = field(default_factory=list)
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    screenings: list[tuple[Any, ...]] = field(default_factory=list)


class Residents:
    """Draws the people of one demo world; `seed` alone decides every value."""

    def __init__(self, seed: int, region: str, campaign: ScreeningCampaign,
                 place: bool = False) -> None:
        self.rng = random.Random(seed * 7919 + 3)
        self.ids: dict[type[Any], Iterator[int]] = {}
        self.region = region
        self.campaign = campaign
        # With `place`, household rows carry their door's latitude and longitude (the values
        # place_households would write).
        self.place = place
        # The registry's own encryption, hash and mask, keyed once (fields.Sealer).
        self.id_sealer = Sealer("id_number", mask_id_number)
        self.phone_sealer = Sealer("phone", mask_phone)
        self.now = timezone.now()
        self.today = timezone.localdate()
        # The households and persons were on the rosters before the outbreak, so the figures of
        # every past day count them as registered, not only today's.
        self.registered = self.now - datetime.timedelta(days=REGISTERED_DAYS_AGO)
        self.seen: set[int] = set()
        self.first_heads: list[dict[str, Any]] = []
        self.counts = {"households": 0, "residents": 0, "non_residents": 0, "visits": 0,
                       "screened": 0, "abnormal": 0}
        self.grids_drawn = 0  # the grids given residents so far, in the tree's order

    # --- a person ----------------------------------------------------------------------------

    def birth_date(self, elderly: bool = False) -> datetime.date:
        rng = self.rng
        if elderly:
            low, high = 65, 95
        else:
            low, high, _share = rng.choices(AGE_BANDS, cum_weights=AGE_CUM_WEIGHTS)[0]
        days = rng.randrange(low * 365, high * 365 + 365)
        return self.today - datetime.timedelta(days=days + 1)

    def id_number(self, birth: datetime.date, sex: str) -> str:
        region = self.region if self.rng.random() < LOCAL_SHARE else self.rng.choice(
            synthetic.REGIONS)
        while True:
            number = synthetic.valid_id(self.rng, region, birth, sex)
            if int(number[:17]) not in self.seen:
                self.seen.add(int(number[:17]))
                return number

    def tags(self, birth: datetime.date, sex: str, alone: bool) -> list[str]:
        rng, age = self.rng, (self.today - birth).days // 365
        tags = []
        if rng.random() < 0.02:
            tags.append(RETURNEE)
        if alone and age >= 65:
            tags.append(ELDERLY_ALONE)
        if age >= 50 and rng.random() < 0.15:
            tags.append(CHRONIC)
        if sex == "female" and 20 <= age <= 40 and rng.random() < 0.02:
            tags.append(PREGNANT)
        if rng.random() < 0.015:
            tags.append(DISABLED)
        return tags

    def person(self, surname: str, alone: bool) -> dict[str, Any]:
        rng = self.rng
        sex = rng.choice(("male", "female"))
        birth = self.birth_date(elderly=alone and rng.random() < 0.5)
        age = (self.today - birth).days // 365
        given = synthetic.name(rng)[1:]
        tags = self.tags(birth, sex, alone)
        medical = 22 <= age < 60 and rng.random() < 0.01
        occupation = ("学生" if age < 22 else "退休" if age >= 60 else
                      rng.choice(synthetic.MEDICAL_OCCUPATIONS) if medical else
                      rng.choice(synthetic.OCCUPATIONS))
        returnee = RETURNEE in tags
        return {
            "name": surname + given, "id_number": self.id_number(birth, sex),
            "phone": synthetic.mobile(rng) if age >= 16 and rng.random() < 0.9 else "",
            "sex": sex, "birth_date": birth, "occupation": occupation,
            "is_medical_staff": medical, "tags": f",{','.join(tags)}," if tags else "",
            "returnee_origin": rng.choice(synthetic.ORIGINS) if returnee else "",
            "returned_on": synthetic.RETURN_START + datetime.timedelta(days=rng.randrange(14))
            if returnee else None,
        }

    def person_row(self, pk: int, grid: Area, household_id: int | None, p: dict[str, Any],
                   residency: str = Residency.RESIDENT) -> tuple[Any, ...]:
        return (pk, self.registered, self.registered, grid.path, grid.pk, household_id, p["name"],
                *self.id_sealer.seal(p["id_number"]), *self.phone_sealer.seal(p["phone"]),
                p["sex"], p["birth_date"], p["occupation"], p["is_medical_staff"], residency,
                p["tags"], p["returnee_origin"], p["returned_on"])

    # --- ids ---------------------------------------------------------------------------------

    def reserve(self, plans: Sequence[tuple[int, int]]) -> None:
        """Ids for the grids about to be drawn ((households, population) each), one query per
        table: the same consecutive blocks each grid reserving its own would get, without three
        round trips per grid (96,000 for the city)."""
        drawn = [(households, population) for households, population in plans if households]
        households = sum(h for h, _p in drawn)
        self.ids = {Household: iter(allocate_ids(Household, households)),
                    Person: iter(allocate_ids(Person, sum(p + 1 for _h, p in drawn))),
                    HouseholdVisit: iter(allocate_ids(HouseholdVisit, households))}

    def take(self, model: type[Any], count: int) -> list[int]:
        taken = list(itertools.islice(self.ids[model], count))
        if len(taken) != count:
            raise RuntimeError(f"fewer {model.__name__} ids reserved than drawn")
        return taken

    # --- a grid ------------------------------------------------------------------------------

    def grid(self, grid: Area, households: int, population: int, batch: Batch) -> None:
        rng = self.rng
        sizes = [1] * households
        for _ in range(max(0, population - households)):
            sizes[rng.randrange(households)] += 1
        household_ids = self.take(Household, households)
        person_ids = iter(self.take(Person, sum(sizes) + 1))
        visited_share = min(1.0, max(0.0, rng.gauss(VISITED_SHARE, 0.2)))
        visit_ids = iter(self.take(HouseholdVisit, households))
        for number, (household_id, size) in enumerate(zip(household_ids, sizes, strict=True), 1):
            surname = rng.choice(synthetic.SURNAMES)
            members = [self.person(surname, alone=size == 1) for _ in range(size)]
            head = members[0]
            if len(self.first_heads) < DUPLICATES:
                self.first_heads.append(head)
            address = (f"{rng.choice(synthetic.ROADS)}{rng.choice(synthetic.ROADS)}"
                       f"{rng.choice(synthetic.ROAD_SUFFIXES)}{rng.randrange(1, 300)}号"
                       f"{number}室")
            row = (household_id, self.registered, self.registered, grid.path, grid.pk,
                   f"H{number:05d}",
                   address, head["name"], *self.phone_sealer.seal(head["phone"]))
            batch.households.append((*row, *door(grid, household_id)) if self.place else row)
            ids = [next(person_ids) for _ in members]
            batch.persons.extend(self.person_row(pk, grid, household_id, p)
                                 for pk, p in zip(ids, members, strict=True))
            if rng.random() < visited_share:
                self.visit(next(visit_ids), grid, household_id, ids, batch)
        self.counts["households"] += households
        self.counts["residents"] += sum(sizes)
        self.grids_drawn += 1
        # A non-resident worker or visitor in one grid of ten, counted in the tree's order: by
        # the grid's id, the grids that get one (and every draw after them) would change with
        # where the table's ids stand, and the seed's district would not be the seed's.
        if self.grids_drawn % 10 == 0:
            worker = self.person(rng.choice(synthetic.SURNAMES), alone=False)
            batch.persons.append(self.person_row(next(person_ids), grid, None, worker,
                                                 rng.choice((Residency.WORKER,
                                                             Residency.VISITOR))))
            self.counts["non_residents"] += 1

    def visit_moment(self) -> tuple[datetime.date, datetime.datetime]:
        """A visit's day and time: the campaign's first day, yesterday or today (the rounds go
        from 08:00 to 18:00); one today that the round has not reached by now is yesterday's."""
        draw = self.rng.random()
        days = sum(draw >= share for share in VISIT_DAY_SHARES)
        day = self.campaign.starts_on + datetime.timedelta(days=days)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)) +
                                 datetime.timedelta(minutes=self.rng.randrange(600)))
        if at > self.now:
            day, at = day - datetime.timedelta(days=1), at - datetime.timedelta(days=1)
        return day, at

    def visit(self, pk: int, grid: Area, household_id: int, person_ids: Sequence[int],
              batch: Batch) -> None:
        rng = self.rng
        day, at = self.visit_moment()
        key = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        screened = abnormal = 0
        for person_id in person_ids:
            present = rng.random() < PRESENT_SHARE
            outcome = NORMAL
            temperature = f"{rng.uniform(36.0, 37.2):.1f}" if present else None
            if present and rng.random() < ABNORMAL_SHARE:
                outcome = rng.choice(ABNORMAL_OUTCOMES).value
                if outcome == FEVER_CLINIC:
                    temperature = f"{rng.uniform(37.5, 39.2):.1f}"
                abnormal += 1
            screened += present
            batch.screenings.append((pk, person_id, present, temperature, "", "",
                                     outcome == HOME_QUARANTINE, "", None, outcome))
        batch.visits.append((pk, self.now, self.now, self.campaign.pk, household_id, grid.path,
                             day, at, None, key, "", screened, abnormal))
        self.counts["visits"] += 1
        self.counts["screened"] += screened
        self.counts["abnormal"] += abnormal

    def duplicates(self, grid: Area, household_id: int, batch: Batch) -> None:
        """The first heads of household registered again in another household."""
        ids = allocate_ids(Person, len(self.first_heads))
        for pk, head in zip(ids, self.first_heads, strict=True):
            batch.persons.append(self.person_row(pk, grid, household_id, head))


def door(grid: Area, household_id: int) -> tuple[Decimal | None, Decimal | None]:
    """Where place_households puts the household's door (the same arithmetic, exact in Decimal
    as in PostgreSQL's numeric)."""
    latitude = None if grid.latitude is None else \
        grid.latitude + (household_id % 37 - 18) * PLACE_STEP
    longitude = None if grid.longitude is None else \
        grid.longitude + (household_id * 7 % 41 - 20) * PLACE_STEP
    return latitude, longitude


def _write(batch: Batch, place: bool) -> None:
    if place:
        bulk.insert_rows(Household, bulk.PLACED_HOUSEHOLD_COLUMNS, batch.households)
    else:
        bulk.insert_households(batch.households)
    bulk.insert_rows(Person, ("id", *bulk.PERSON_COLUMNS), batch.persons)
    _insert_text(HouseholdVisit, VISIT_COLUMNS, batch.visits)
    _insert_text(PersonScreening, SCREENING_COLUMNS, batch.screenings)


def _insert_text(model: type[Any], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Text COPY on PostgreSQL (uuid and decimal columns, which the binary writer does not type);
    executemany elsewhere."""
    if connection.vendor != "postgresql":
        bulk.insert_rows(model, columns, rows)
        return
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        table = connection.ops.quote_name(model._meta.db_table)
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _planned(scale: str, grid: Area) -> tuple[int, int]:
    """The households and residents to draw in a grid (tiny keeps a few per grid)."""
    households, population = grid.households, grid.population
    if scale == "tiny":
        population = round(population * TINY_HOUSEHOLDS_PER_GRID / max(1, households))
        households = TINY_HOUSEHOLDS_PER_GRID
    return households, max(population, households)


def _campaign_area(root: Area) -> Area:
    districts = list(Area.objects.filter(level=Level.DISTRICT).order_by("path")[:2])
    return districts[0] if len(districts) == 1 else root


def generate_residents(scale: str, seed: int, root: Area,
                       log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Residents, the campaign and its progress for the tree under `root`; their counts."""
    area = _campaign_area(root)
    today = timezone.localdate()
    campaign = ScreeningCampaign.objects.create(
        area=area, area_path=area.path, name=CAMPAIGN_NAME,
        starts_on=today - datetime.timedelta(days=2), ends_on=today + datetime.timedelta(days=4))
    fast = connection.vendor == "postgresql"
    residents = Residents(seed, area.code[:6], campaign, place=fast)
    grids = list(Area.objects.filter(level=Level.GRID, path__startswith=root.path)
                 .order_by("path"))
    plans = [_planned(scale, grid) for grid in grids]
    chunk = CHUNK_GRIDS_FAST if fast else CHUNK_GRIDS
    started = time.perf_counter()
    with deferred_indexes(LOADED_MODELS, log):
        for first in range(0, len(grids), chunk):
            batch = Batch()
            residents.reserve(plans[first:first + chunk])
            for grid, (households, population) in zip(grids[first:first + chunk],
                                                      plans[first:first + chunk], strict=True):
                if households:
                    residents.grid(grid, households, population, batch)
            if first + chunk >= len(grids) and batch.households:
                residents.duplicates(grids[-1], batch.households[-1][0], batch)
            _write(batch, fast)
            if log is not None and (first // chunk) % LOG_EVERY_CHUNKS == 0:
                log(f"residents: {first + chunk} of {len(grids)} grids, "
                    f"{residents.counts['residents']} residents in "
                    f"{time.perf_counter() - started:.0f} s")
    if not fast:
        place_households(root)
    recompute(campaign)
    duplicates.recount()  # the IDs registered again above, written past the services
    if log is not None:
        log(f"residents: {residents.counts['residents']} in {time.perf_counter() - started:.0f} s")
    return {**residents.counts, "campaign": campaign.pk}


def place_households(root: Area) -> int:
    """Doors scattered within about 200 m of their grid's centre, in one UPDATE: the grid
    worker's round can then go nearest first."""
    step = Value(PLACE_STEP)
    grid = Area.objects.filter(pk=OuterRef("grid_id"))
    return Household.objects.filter(area_path__startswith=root.path).update(
        latitude=Subquery(grid.values("latitude")) + (Mod(F("id"), 37) - 18) * step,
        longitude=Subquery(grid.values("longitude")) + (Mod(F("id") * 7, 41) - 20) * step)
