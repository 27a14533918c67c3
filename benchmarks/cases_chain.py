"""Part of `epigrid bench cases`: the transmission chain API 传播链 (the issue's `chain_api_ms`).

Figures:
- `chain_api_ms`: median GET /api/contacts/chain/{case}?generations=10 of the chain's first
  case, as a command user: every person of the chain (1,000 at district and city scale, 50 at
  tiny) with their current case, and every exposure among them. `chain_api_queries` and
  `chain_api_status` come with it, and `chain_nodes`, the persons the answer holds.
- `chain_page_ms`: the chain page of the same case (the table of persons and the graph's JSON).
- `baseline_select_one_ms`: GET /healthz (one `SELECT 1`) in the same run; `*_ratio` each
  median divided by it.

Data: a bench city of its own (two towns, four villages, eight grids), the chain's persons
bulk-written, each with a case, and one exposure from each person to each of its three
"children": a tree ten generations deep at most, as a super-spreading event's chain is.
Target: `chain_api_ms` <= 200 ms.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from benchmarks.harness import analyze, measure_get, median_ms, url_or_none
from epigrid.accounts.models import User
from epigrid.areas import services as area_services
from epigrid.areas.models import Area, Level
from epigrid.cases.chains import MAX_GENERATIONS
from epigrid.cases.models import Case, Exposure
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.registry.models import Person

DEFAULT_SCALE = "city"
SCALES = ("tiny", "district", "city")
PERSONS = {"tiny": 50, "district": 1_000, "city": 1_000}
CHILDREN = 3  # each person infected or exposed three others
STATES = (State.CONFIRMED, State.ASYMPTOMATIC, State.QUARANTINED, State.CLOSE_CONTACT)


def _areas() -> tuple[Area, list[Area]]:
    """A bench city with eight grids in two towns; unique codes, so it sits beside any data."""
    tag = uuid.uuid4().hex[:6].upper()

    def make(parent: Area | None, level: Level, code: str, name: str) -> Area:
        return area_services.create_area(parent=parent, level=level, code=f"CHAIN{tag}{code}",
                                         name=name)

    city = make(None, Level.CITY, "", "Chain Bench City")
    district = make(city, Level.DISTRICT, "-D", "Chain Bench District")
    grids = []
    for t in range(2):
        town = make(district, Level.TOWN, f"-T{t}", f"Chain Town {t}")
        for v in range(2):
            village = make(town, Level.VILLAGE, f"-T{t}V{v}", f"Chain Village {t}{v}")
            grids += [make(village, Level.GRID, f"-T{t}V{v}G{g}", f"Chain Grid {t}{v}{g}")
                      for g in range(2)]
    return city, grids


def _chain(count: int, grids: list[Area]) -> Case:
    """`count` persons with a case each, exposures making a tree; the root's case."""
    persons = Person.objects.bulk_create([
        Person(grid=grids[i % len(grids)], area_path=grids[i % len(grids)].path,
               name=f"Chain person {i}") for i in range(count)], batch_size=1000)
    now = timezone.now()
    cases = Case.objects.bulk_create([
        Case(person=person, grid_id=person.grid_id, area_path=person.area_path,
             state=STATES[0] if i == 0 else STATES[i % len(STATES)], state_since=now,
             reported_on=now.date(), is_open=True) for i, person in enumerate(persons)],
        batch_size=1000)
    day = timezone.localdate()
    Exposure.objects.bulk_create([
        Exposure(source=persons[(i - 1) // CHILDREN], contact=persons[i],
                 area_path=persons[(i - 1) // CHILDREN].area_path,
                 exposed_on=day - datetime.timedelta(days=10 - min(9, i.bit_length())))
        for i in range(1, count)], batch_size=1000)
    analyze(Person, Case, Exposure)
    return cases[0]


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    count = PERSONS.get(scale, PERSONS[DEFAULT_SCALE])
    city, grids = _areas()
    root = _chain(count, grids)
    log(f"built a chain of {count} persons, {count - 1} exposures, in {len(grids)} grids")
    user = User.objects.create(username=f"bench-chain-{uuid.uuid4().hex[:8]}",
                               role=Role.COMMAND, home_area=city)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    figures: dict[str, Any] = {}
    healthz = url_or_none("web:healthz")
    baseline = median_ms(lambda: client.get(healthz or "/"), repeat)
    figures["baseline_select_one_ms"] = baseline
    api = f"/api/contacts/chain/{root.pk}?generations={MAX_GENERATIONS}"
    figures["chain_nodes"] = len(client.get(api).json().get("nodes", []))
    measure_get(client, api, repeat, "chain_api", figures, baseline)
    page = url_or_none("cases:chain", root.pk, query=f"generations={MAX_GENERATIONS}")
    measure_get(client, page, repeat, "chain_page", figures, baseline)
    return figures
