"""Counting a day: every family's leaves, then every area's values up the tree 逐级汇总.

Area paths are fixed-width id segments, so an area's parent path is its path less one segment and
every level's paths share one length. Deepest level first, each area adds (or, for a MAX metric,
raises) its values into its parent once: a grid into its village, the village (all its grids at
once) into its town, and so on. Inside the count an area's values are a list in metric order, so
rolling up 35,000 areas is list arithmetic, not dictionary look-ups.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence

from epigrid.areas.models import SEGMENT_WIDTH
from epigrid.reporting.metrics import Metric, Rollup, families

SEGMENT = SEGMENT_WIDTH + 1
Vectors = dict[str, list[int]]


def leaf_vectors(metrics: Sequence[Metric], day: datetime.date, at: datetime.datetime,
                 with_snapshots: bool = True) -> Vectors:
    """Every record-holding path's own values (not its subtree's), one count per family.

    `with_snapshots` False leaves out the families' history-less metrics (a past day's)."""
    index = {metric.code: i for i, metric in enumerate(metrics)}
    skipped = set() if with_snapshots else {m.code for m in metrics if m.snapshot}
    size = len(metrics)
    leaves: Vectors = defaultdict(lambda: [0] * size)
    for family in families():
        for path, values in family.compute(day, at).items():
            vector = leaves[path]
            for code, n in values.items():
                if code not in skipped:
                    vector[index[code]] += n
    return leaves


def roll_up(leaves: Vectors, metrics: Sequence[Metric]) -> Vectors:
    """Every area's values over its subtree (the areas of the leaves and all their ancestors)."""
    size = len(metrics)
    is_max = [metric.rollup is Rollup.MAX for metric in metrics]
    maxes = [i for i, flag in enumerate(is_max) if flag]
    summed: Vectors = defaultdict(lambda: [0] * size, {p: list(v) for p, v in leaves.items()})
    for length in range(max(map(len, summed), default=0), SEGMENT, -SEGMENT):
        for path in [p for p in summed if len(p) == length]:
            child = summed[path]
            parent = summed[path[:-SEGMENT]]
            peaks = [max(parent[i], child[i]) for i in maxes]
            parent[:] = [a + b for a, b in zip(parent, child, strict=True)]
            for i, peak in zip(maxes, peaks, strict=True):
                parent[i] = peak
    return summed


def as_dict(vector: list[int] | None, metrics: Sequence[Metric]) -> dict[str, int]:
    """The values that are not zero, by code."""
    if vector is None:
        return {}
    return {metric.code: n for metric, n in zip(metrics, vector, strict=True) if n}
