"""The demo world as plain data: every area and site, decided by the seed before any write.

Planning is separate from writing so that tests can check the counts of the big scales without a
database, and so that two runs with one seed are the same list, row for row.
"""

from __future__ import annotations

import random
from decimal import Decimal

from epigrid.demo.names import NameBook
from epigrid.demo.sites import plan_sites
from epigrid.demo.specs import SCALES, AreaSpec, Plan

CITY_CODE = "420100000000"
# The two-digit district numbers of a real prefecture-level city's statistical codes (01 is the
# city's own office, 08-10 unused), so the codes look right to someone who knows them.
DISTRICT_NUMBERS = ("02", "03", "04", "05", "06", "07", "11", "12", "13", "14", "15", "16", "17")
CENTRE = (30.6, 114.3)  # a fictional city centre on the middle Yangtze
URBAN_SHARE = 0.4  # the first towns of a district are urban sub-districts (街道) with communities


def split(total: int, parts: int, rng: random.Random, jitter: float) -> list[int]:
    """`total` shared among `parts`, each at least half the mean, summing exactly to `total`."""
    minimum = max(1, total // parts // 2)
    weights = [1 + rng.uniform(-jitter, jitter) for _ in range(parts)]
    spare = total - minimum * parts
    exact = [spare * weight / sum(weights) for weight in weights]
    shares = [int(value) for value in exact]
    # Largest remainders first take the units lost to rounding down.
    order = sorted(range(parts), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: spare - sum(shares)]:
        shares[i] += 1
    return [minimum + share for share in shares]


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _near(rng: random.Random, spec: AreaSpec, spread: float) -> tuple[Decimal, Decimal]:
    return (_coordinate(float(spec.latitude) + rng.uniform(-spread, spread)),
            _coordinate(float(spec.longitude) + rng.uniform(-spread, spread)))


def _child_numbers(count: int, urban_count: int, rural_start: int) -> list[int]:
    """Code numbers of children: urban ones from 1, rural ones from `rural_start`."""
    return [*range(1, urban_count + 1), *range(rural_start, rural_start + count - urban_count)]


def _plan_tree(plan: Plan, rng: random.Random, book: NameBook) -> None:
    scale = plan.scale
    lat, lon = _coordinate(CENTRE[0]), _coordinate(CENTRE[1])
    plan.levels[1] = [AreaSpec(1, CITY_CODE, book.city(), None, lat, lon, urban=True)]
    numbers = (DISTRICT_NUMBERS if scale.districts > 1
               else (rng.choice(DISTRICT_NUMBERS[6:]),))  # one district: a suburban one
    plan.levels[2] = []
    for number in numbers[: scale.districts]:
        latitude, longitude = _near(rng, plan.levels[1][0], 0.35)
        plan.levels[2].append(AreaSpec(2, f"4201{number}000000", book.district("city"), 0,
                                       latitude, longitude, urban=number < "10"))
    _plan_towns(plan, rng, book)
    _plan_villages(plan, rng, book)
    _plan_grids(plan, rng)


def _plan_towns(plan: Plan, rng: random.Random, book: NameBook) -> None:
    plan.levels[3] = []
    shares = split(plan.scale.towns, len(plan.levels[2]), rng, plan.scale.jitter)
    for index, (district, count) in enumerate(zip(plan.levels[2], shares, strict=True)):
        urban_count = max(1, round(count * URBAN_SHARE))
        for position, number in enumerate(_child_numbers(count, urban_count, 100)):
            urban = position < urban_count
            latitude, longitude = _near(rng, district, 0.12)
            plan.levels[3].append(AreaSpec(
                3, f"{district.code[:6]}{number:03d}000", book.town(district.code, urban),
                index, latitude, longitude, urban=urban))


def _plan_villages(plan: Plan, rng: random.Random, book: NameBook) -> None:
    plan.levels[4] = []
    shares = split(plan.scale.villages, len(plan.levels[3]), rng, plan.scale.jitter)
    for index, (town, count) in enumerate(zip(plan.levels[3], shares, strict=True)):
        # A rural town's seat is a community (社区); the rest are villages (村), coded from 200.
        urban_count = count if town.urban else min(count, 1 + count // 8)
        for position, number in enumerate(_child_numbers(count, urban_count, 200)):
            urban = position < urban_count
            latitude, longitude = _near(rng, town, 0.03)
            plan.levels[4].append(AreaSpec(
                4, f"{town.code[:9]}{number:03d}", book.village(town.code, urban),
                index, latitude, longitude, urban=urban))


def _plan_grids(plan: Plan, rng: random.Random) -> None:
    plan.levels[5] = []
    low, high = plan.scale.households_per_grid
    shares = split(plan.scale.grids, len(plan.levels[4]), rng, plan.scale.jitter)
    for index, (village, count) in enumerate(zip(plan.levels[4], shares, strict=True)):
        if count > 99:
            raise ValueError(f"{count} grids in one village do not fit a two-digit grid code")
        for number in range(1, count + 1):
            latitude, longitude = _near(rng, village, 0.006)
            households = rng.randint(low, high)
            plan.levels[5].append(AreaSpec(
                5, f"{village.code}-{number:02d}", f"{village.name}第{number}网格", index,
                latitude, longitude, urban=village.urban, households=households,
                population=round(households * rng.uniform(2.3, 2.9))))
    _sum_up(plan)


def _sum_up(plan: Plan) -> None:
    """Every area's figures are the sum of its children's: entered once, at the grid."""
    for level in (4, 3, 2, 1):
        for spec in plan.levels[level]:
            spec.population = spec.households = 0
        for child in plan.levels[level + 1]:
            parent = plan.levels[level][child.parent or 0]
            parent.population += child.population
            parent.households += child.households


def plan(scale_name: str, seed: int) -> Plan:
    """The whole demo world of `scale_name`, decided by `seed` alone."""
    if scale_name not in SCALES:
        raise ValueError(f"unknown scale {scale_name!r}; choose one of {', '.join(SCALES)}")
    rng = random.Random(seed)
    book = NameBook(rng)
    result = Plan(scale=SCALES[scale_name], seed=seed)
    _plan_tree(result, rng, book)
    plan_sites(result, rng, book)
    return result
