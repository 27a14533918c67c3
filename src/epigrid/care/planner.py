"""The day's transfer plan 当日转运收治计划 as a min-cost flow: pure, no database.

The model (docs/care.md has it with an example):

- Patients who need the same kind of bed and wait at the same pick-up area are interchangeable
  for distance, so they form one supply node ("group") holding one unit per patient.
- Every stock of beds (a facility's beds of one type) is a node whose arc to the sink carries at
  most its available beds: no facility is ever over capacity.
- A group has an arc to a stock only if the rules let that need use that facility kind and bed
  type and the stock lies within reach (`max_km`): no placement is ever incompatible. Its unit
  cost is the haversine distance plus the option's `extra_km` (e.g. keep ICU beds for the
  critical), in units of 10 m. `solve()` keeps only the K nearest such stocks per group (grown
  where a group would otherwise go unplaced while capable beds are left); `solve_full()` keeps
  them all.
- Each group also has arcs straight to the sink, "unplaced", costing PENALTY plus the waiting
  bonus of the patient left behind. PENALTY exceeds any placement, so the flow places everyone
  it can and is always feasible; the unplaced arcs are split by waiting bonus (one per distinct
  bonus, convex costs), so when beds run short the shortest waits are left behind: longest waits
  first. The objective, minimised exactly, is

      sum over placed patients of (distance + extra) + sum over unplaced of (PENALTY + bonus)

  which, less the constant sum of every bonus, is "distance minus waiting bonus" of the placed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

UNIT_M = 10  # cost unit: 10 metres
EARTH_KM = 6371.0088

NO_RULE = "no_rule"
NO_BED_AT_ALL = "no_capable_bed"
NOT_IN_REACH = "no_capable_bed_within_reach"
EXHAUSTED = "capacity_exhausted"
NO_PLACE = "no_pickup_place"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Option:
    """One facility kind and bed type a need may use; `extra_km` makes it a second choice."""

    kind: str
    bed_type: str
    extra_km: float = 0.0


@dataclass(frozen=True)
class Rules:
    needs: Mapping[str, tuple[Option, ...]]
    max_km: float = 50.0
    k: int = 24
    vehicle_size: int = 6
    wait_km_per_hour: float = 2.0


class Patient(NamedTuple):
    id: int
    lat: float | None
    lon: float | None
    need: str
    waiting_hours: float
    area: int  # the pick-up area: patients of one area and need are interchangeable


class Stock(NamedTuple):
    facility: int
    kind: str
    bed_type: str
    lat: float
    lon: float
    available: int


class Placement(NamedTuple):
    patient: int
    facility: int
    bed_type: str
    distance_km: float
    batch: int = 0


@dataclass
class Result:
    placements: list[Placement] = field(default_factory=list)
    unplaced: dict[int, str] = field(default_factory=dict)  # patient id -> reason code
    objective: int = 0  # in cost units, as above
    distance_km: float = 0.0  # total of the placements
    arcs: int = 0
    solve_s: float = 0.0


def haversine_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray,
                 lon2: FloatArray) -> FloatArray:
    """Great-circle distances; the arguments broadcast (rows against columns)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _per_hour(rules: Rules) -> int:
    return round(rules.wait_km_per_hour * 1000 / UNIT_M)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance of two (latitude, longitude) points, to 10 m."""
    km = haversine_km(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]))
    return round(float(km[0]), 2)


def bonus_units(rules: Rules, hours: float) -> int:
    """The waiting bonus in cost units: `wait_km_per_hour` per whole hour waited."""
    return int(max(0.0, hours)) * _per_hour(rules)


def penalty_units(rules: Rules) -> int:
    """More than any placement costs, so placing a patient always beats leaving one."""
    extra = max((o.extra_km for opts in rules.needs.values() for o in opts), default=0.0)
    return int((rules.max_km + extra) * 1000 / UNIT_M) * 2 + 1000


@dataclass
class _Group:
    area: int
    need: str
    lat: float
    lon: float
    members: list[Patient]  # longest wait first
    bonuses: list[int]  # their waiting bonuses, in the same order


@dataclass
class _Arcs:
    group: IntArray
    stock: IntArray
    cost: IntArray
    km: FloatArray


def _groups(patients: Sequence[Patient], rules: Rules, result: Result,
            grouped: bool = True) -> list[_Group]:
    """Patients of one pick-up area and need, longest wait first (one sort for all)."""
    valid = []
    for p in patients:
        if p.lat is None or p.lon is None:
            result.unplaced[p.id] = NO_PLACE
        elif p.need not in rules.needs:
            result.unplaced[p.id] = NO_RULE
        else:
            valid.append(p)
    if not valid:
        return []
    codes = {need: n for n, need in enumerate(sorted(rules.needs))}
    ids = np.array([p.id for p in valid], dtype=np.int64)
    hours = np.array([p.waiting_hours for p in valid], dtype=np.float64)
    need = np.array([codes[p.need] for p in valid], dtype=np.int64)
    area = np.array([p.area for p in valid], dtype=np.int64)
    alone = ids if not grouped else np.zeros_like(ids)
    order = np.lexsort((ids, -hours, alone, need, area))
    key = np.stack([area[order], need[order], alone[order]])
    starts = np.flatnonzero(np.r_[True, (key[:, 1:] != key[:, :-1]).any(axis=0)])
    bonus = (np.maximum(hours[order], 0).astype(np.int64) * _per_hour(rules)).tolist()
    ordered = [valid[i] for i in order.tolist()]
    groups = []
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(ordered)], strict=True):
        first = ordered[start]
        groups.append(_Group(first.area, first.need, float(first.lat or 0),
                             float(first.lon or 0), ordered[start:end], bonus[start:end]))
    return groups


def _capable(rules: Rules, stocks: Sequence[Stock]) -> dict[str, tuple[IntArray, FloatArray]]:
    """For each need: the stocks (with beds) it may use, and each one's extra km."""
    by_option: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, s in enumerate(stocks):
        if s.available > 0:
            by_option[(s.kind, s.bed_type)].append(i)
    capable = {}
    for need, options in rules.needs.items():
        idx: list[int] = []
        extra: list[float] = []
        for option in options:
            found = by_option.get((option.kind, option.bed_type), [])
            idx += found
            extra += [option.extra_km] * len(found)
        capable[need] = (np.array(idx, dtype=np.int64), np.array(extra, dtype=np.float64))
    return capable


def _arcs(groups: list[_Group], stocks: Sequence[Stock], rules: Rules,
          capable: dict[str, tuple[IntArray, FloatArray]], k: int | None,
          widen: set[int] | None = None) -> _Arcs:
    """Capable arcs within reach: the k nearest per group (all for groups in `widen`)."""
    s_lat = np.array([s.lat for s in stocks], dtype=np.float64)
    s_lon = np.array([s.lon for s in stocks], dtype=np.float64)
    parts: list[tuple[IntArray, IntArray, FloatArray, FloatArray]] = []
    by_need: dict[str, list[int]] = defaultdict(list)
    for gi, g in enumerate(groups):
        by_need[g.need].append(gi)
    for need, gis in by_need.items():
        idx, extra = capable[need]
        if not len(idx):
            continue
        g_idx = np.array(gis, dtype=np.int64)
        g_lat = np.array([groups[i].lat for i in gis])[:, None]
        g_lon = np.array([groups[i].lon for i in gis])[:, None]
        km = haversine_km(g_lat, g_lon, s_lat[idx][None, :], s_lon[idx][None, :])
        cost_km = np.where(km <= rules.max_km, km + extra[None, :], np.inf)
        if k is not None and k < len(idx):
            keep = np.argpartition(cost_km, k - 1, axis=1)[:, :k]
            mask = np.zeros_like(cost_km, dtype=bool)
            np.put_along_axis(mask, keep, True, axis=1)
            if widen:
                mask[np.isin(g_idx, list(widen))] = True
            cost_km = np.where(mask, cost_km, np.inf)
        rows, cols = np.nonzero(np.isfinite(cost_km))
        parts.append((g_idx[rows], idx[cols], cost_km[rows, cols], km[rows, cols]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Arcs(empty, empty, empty, np.zeros(0))
    return _Arcs(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                 np.rint(np.concatenate([p[2] for p in parts]) * 1000 / UNIT_M).astype(np.int64),
                 np.concatenate([p[3] for p in parts]))


def _flow(groups: list[_Group], stocks: Sequence[Stock], rules: Rules,
          arcs: _Arcs) -> tuple[IntArray, int]:
    """Solve; the flow on each group-stock arc and the objective."""
    n_g, n_s = len(groups), len(stocks)
    sink = n_g + n_s
    penalty = penalty_units(rules)
    un_tail: list[int] = []
    un_cap: list[int] = []
    un_cost: list[int] = []
    for gi, g in enumerate(groups):
        counts: dict[int, int] = defaultdict(int)
        for bonus in g.bonuses:
            counts[bonus] += 1
        for bonus, count in counts.items():
            un_tail.append(gi)
            un_cap.append(count)
            un_cost.append(penalty + bonus)
    tails = np.concatenate([arcs.group, np.arange(n_s, dtype=np.int64) + n_g,
                            np.array(un_tail, dtype=np.int64)])
    heads = np.concatenate([arcs.stock + n_g, np.full(n_s, sink, dtype=np.int64),
                            np.full(len(un_tail), sink, dtype=np.int64)])
    sizes = np.array([len(g.members) for g in groups], dtype=np.int64)
    caps = np.concatenate([sizes[arcs.group],
                           np.array([s.available for s in stocks], dtype=np.int64),
                           np.array(un_cap, dtype=np.int64)])
    costs = np.concatenate([arcs.cost, np.zeros(n_s, dtype=np.int64),
                            np.array(un_cost, dtype=np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    ids = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_g] = sizes
    supplies[sink] = -int(supplies[:n_g].sum())
    smcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # cannot happen: the unplaced arcs make it always feasible
        raise RuntimeError(f"min-cost flow ended with status {status}")
    flows = smcf.flows(ids)
    return flows[:len(arcs.group)], int(smcf.optimal_cost())


def _reason(group: _Group, stocks: Sequence[Stock], rules: Rules,
            capable: dict[str, tuple[IntArray, FloatArray]]) -> str:
    idx, _extra = capable[group.need]
    if not len(idx):
        kinds = {(o.kind, o.bed_type) for o in rules.needs[group.need]}
        return EXHAUSTED if any((s.kind, s.bed_type) in kinds for s in stocks) else NO_BED_AT_ALL
    km = haversine_km(np.array([group.lat]), np.array([group.lon]),
                      np.array([stocks[i].lat for i in idx]),
                      np.array([stocks[i].lon for i in idx]))
    return EXHAUSTED if bool((km <= rules.max_km).any()) else NOT_IN_REACH


def _short_groups(groups: list[_Group], stocks: Sequence[Stock], rules: Rules,
                  capable: dict[str, tuple[IntArray, FloatArray]], arcs: _Arcs,
                  flows: IntArray) -> set[int]:
    """Groups left partly unplaced although a capable stock in reach, not among their arcs,
    still has beds."""
    used = np.bincount(arcs.stock, weights=flows, minlength=len(stocks))
    spare = np.array([s.available for s in stocks]) - used > 0
    placed = np.bincount(arcs.group, weights=flows, minlength=len(groups))
    s_lat = np.array([s.lat for s in stocks])
    s_lon = np.array([s.lon for s in stocks])
    short = set()
    for gi in np.nonzero(placed < [len(g.members) for g in groups])[0].tolist():
        g = groups[gi]
        idx, _extra = capable[g.need]
        idx = idx[spare[idx]] if len(idx) else idx
        if not len(idx):
            continue
        km = haversine_km(np.array([g.lat]), np.array([g.lon]), s_lat[idx], s_lon[idx])
        if bool((km <= rules.max_km).any()):
            short.add(gi)
    return short


def _solve(patients: Sequence[Patient], stocks: Sequence[Stock], rules: Rules,
           k: int | None, grouped: bool = True) -> Result:
    started = time.perf_counter()
    result = Result()
    groups = _groups(patients, rules, result, grouped)
    capable = _capable(rules, stocks)
    arcs = _arcs(groups, stocks, rules, capable, k)
    flows, objective = _flow(groups, stocks, rules, arcs)
    if k is not None:
        # The K nearest may all be full while farther capable beds are free: widen those groups.
        widen = _short_groups(groups, stocks, rules, capable, arcs, flows)
        if widen:
            arcs = _arcs(groups, stocks, rules, capable, k, widen)
            flows, objective = _flow(groups, stocks, rules, arcs)
    _read_flows(groups, stocks, rules, capable, arcs, flows, result)
    result.objective = objective
    result.arcs = len(arcs.group)
    result.solve_s = time.perf_counter() - started
    return result


def _read_flows(groups: list[_Group], stocks: Sequence[Stock], rules: Rules,
                capable: dict[str, tuple[IntArray, FloatArray]], arcs: _Arcs, flows: IntArray,
                result: Result) -> None:
    """Hand each group's placed units to its longest waits; the rest are unplaced."""
    used = np.nonzero(flows > 0)[0]
    order = used[np.lexsort((arcs.cost[used], arcs.group[used]))]
    by_group: dict[int, list[int]] = defaultdict(list)
    for a in order.tolist():
        by_group[int(arcs.group[a])].append(a)
    stock_of, km_of, flow_of = arcs.stock.tolist(), arcs.km.tolist(), flows.tolist()
    who: list[int] = []
    where: list[int] = []  # stock index
    kms: list[float] = []
    areas: list[int] = []
    for gi, g in enumerate(groups):
        at = 0
        for a in by_group.get(gi, []):
            n = flow_of[a]
            who += [p.id for p in g.members[at:at + n]]
            where += [stock_of[a]] * n
            kms += [round(km_of[a], 2)] * n
            areas += [g.area] * n
            at += n
        rest = g.members[at:]
        if rest:
            reason = _reason(g, stocks, rules, capable)
            for p in rest:
                result.unplaced[p.id] = reason
    result.distance_km = round(sum(kms), 2)
    facility = [stocks[i].facility for i in where]
    numbers = batch_numbers(areas, facility, rules.vehicle_size)
    order = np.lexsort((np.array(who, dtype=np.int64), numbers))
    bed = [stocks[i].bed_type for i in where]
    pick = order.tolist()
    # Placement._make skips the keyword handling of a named tuple's __new__: 50,000 of them.
    result.placements = list(map(Placement._make, zip(
        [who[i] for i in pick], [facility[i] for i in pick], [bed[i] for i in pick],
        [kms[i] for i in pick], numbers[order].tolist(), strict=True)))


def batch_numbers(areas: Sequence[int], facilities: Sequence[int],
                  vehicle_size: int) -> IntArray:
    """Vehicle batches: patients of one pick-up area going to one facility ride together, up to
    `vehicle_size` a vehicle; batches are numbered 1, 2, ... across the plan (by area, then
    facility). Returns each patient's batch, in the order given."""
    if not len(areas):
        return np.zeros(0, dtype=np.int64)
    area = np.asarray(areas, dtype=np.int64)
    facility = np.asarray(facilities, dtype=np.int64)
    order = np.lexsort((facility, area))
    a, f = area[order], facility[order]
    new_trip = np.r_[True, (a[1:] != a[:-1]) | (f[1:] != f[:-1])]
    trip_start = np.maximum.accumulate(np.where(new_trip, np.arange(len(a)), 0))
    seat = np.arange(len(a)) - trip_start
    numbers = np.empty(len(a), dtype=np.int64)
    numbers[order] = np.cumsum(seat % vehicle_size == 0)
    return numbers


def _members(groups: list[_Group]) -> list[Patient]:
    return [p for g in groups for p in g.members]


def solve(patients: Sequence[Patient], stocks: Sequence[Stock], rules: Rules) -> Result:
    """The plan, with the K nearest capable stocks of each group as its arcs."""
    return _solve(patients, stocks, rules, max(1, rules.k))


def solve_full(patients: Sequence[Patient], stocks: Sequence[Stock], rules: Rules,
               grouped: bool = True) -> Result:
    """The same model with every capable stock within reach: the exact optimum.

    `grouped=False` gives every patient a node of its own (the tests' check of the grouping)."""
    return _solve(patients, stocks, rules, None, grouped)
