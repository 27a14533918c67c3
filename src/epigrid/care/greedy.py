"""The yardstick of the plan: the nearest available capable bed for each patient in turn,
longest wait first (`greedy_cost` of `epigrid bench care`), and the objective of any assignment.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from epigrid.care.planner import (
    UNIT_M,
    Patient,
    Placement,
    Result,
    Rules,
    Stock,
    _arcs,
    _capable,
    _groups,
    _members,
    _reason,
    bonus_units,
    penalty_units,
)


def objective_of(result: Result, patients: Sequence[Patient], stocks: Sequence[Stock],
                 rules: Rules) -> int:
    """The objective of any assignment (a greedy one, say), in the flow's cost units."""
    kind = {s.facility: s.kind for s in stocks}
    by_id = {p.id: p for p in patients}
    total = 0
    for pl in result.placements:
        extra = next(o.extra_km for o in rules.needs[by_id[pl.patient].need]
                     if o.kind == kind[pl.facility] and o.bed_type == pl.bed_type)
        total += round((pl.distance_km + extra) * 1000 / UNIT_M)
    penalty = penalty_units(rules)
    for pid in result.unplaced:
        total += penalty + bonus_units(rules, by_id[pid].waiting_hours)
    return total


def greedy(patients: Sequence[Patient], stocks: Sequence[Stock], rules: Rules) -> Result:
    """The nearest available capable bed for each patient in turn, longest wait first.

    The yardstick the plan is measured against (`greedy_cost` of the bench)."""
    started = time.perf_counter()
    result = Result()
    groups = _groups(patients, rules, result)
    capable = _capable(rules, stocks)
    arcs = _arcs(groups, stocks, rules, capable, None)
    order = np.lexsort((arcs.cost, arcs.group))
    starts = np.searchsorted(arcs.group[order], np.arange(len(groups) + 1))
    left = [s.available for s in stocks]
    cursor = {gi: int(starts[gi]) for gi in range(len(groups))}
    where = {p.id: gi for gi, g in enumerate(groups) for p in g.members}
    reasons: dict[int, str] = {}
    stock_of, km_of = arcs.stock[order].tolist(), arcs.km[order].tolist()
    for p in sorted(_members(groups), key=lambda p: (-p.waiting_hours, p.id)):
        gi = where[p.id]
        at, end = cursor[gi], int(starts[gi + 1])
        while at < end and left[stock_of[at]] == 0:
            at += 1  # beds only ever fill up, so a full stock stays skipped
        cursor[gi] = at
        if at == end:
            if gi not in reasons:
                reasons[gi] = _reason(groups[gi], stocks, rules, capable)
            result.unplaced[p.id] = reasons[gi]
            continue
        stock = stocks[stock_of[at]]
        left[stock_of[at]] -= 1
        result.placements.append(Placement(p.id, stock.facility, stock.bed_type,
                                           round(km_of[at], 2)))
    result.distance_km = round(sum(p.distance_km for p in result.placements), 2)
    result.objective = objective_of(result, patients, stocks, rules)
    result.arcs = len(arcs.group)
    result.solve_s = time.perf_counter() - started
    return result
