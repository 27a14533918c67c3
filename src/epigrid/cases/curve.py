"""The epidemic curve 流行曲线 of an area and its Rt: confirmed and asymptomatic cases per day.

A case counts once, on the day it first became confirmed or asymptomatic (its report date) and
on its onset date where one is known. Rt (rt.py) is estimated on the onset curve, with the report
date standing in for a missing onset; the last days of an onset curve are always incomplete
(cases with onset there are still being found), so its last Rt values lean low.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min
from django.utils import timezone

from epigrid.cases import rt
from epigrid.cases.models import Transition
from epigrid.cases.states import State
from epigrid.core.access import subtree_q

INFECTED = (State.CONFIRMED, State.ASYMPTOMATIC)
MAX_DAYS = 366


@dataclass
class Curve:
    days: list[datetime.date]
    by_onset: list[int]
    by_report: list[int]
    onset_unknown: int = 0
    rt: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"days": [d.isoformat() for d in self.days], "by_onset": self.by_onset,
                "by_report": self.by_report, "onset_unknown": self.onset_unknown,
                "rt": self.rt}


def infections(path: str) -> list[tuple[datetime.date | None, datetime.date]]:
    """(onset date or None, report date) of every case of the subtree ever infected: one query."""
    rows = (Transition.objects.filter(subtree_q("area_path", path), to_state__in=INFECTED)
            .order_by().values("case_id").annotate(first=Min("at"))
            .values_list("case__onset_date", "first"))
    return [(onset, timezone.localdate(first)) for onset, first in rows]


def build(path: str, end: datetime.date | None = None, days: int | None = None,
          si: tuple[float, ...] | None = None) -> Curve:
    """The area's curve from its first case (or `days` days back) to `end` (today), with Rt."""
    end = end or timezone.localdate()
    found = [(onset, report) for onset, report in infections(path) if report <= end]
    if days is not None:
        start = end - datetime.timedelta(days=min(days, MAX_DAYS) - 1)
    else:
        earliest = min((min(onset or report, report) for onset, report in found), default=end)
        start = max(earliest, end - datetime.timedelta(days=MAX_DAYS - 1))
    length = (end - start).days + 1
    by_onset, by_report, series = [0] * length, [0] * length, [0] * length
    unknown = 0
    for onset, report in found:
        if start <= report:
            by_report[(report - start).days] += 1
        if onset is None:
            unknown += 1
        elif start <= onset <= end:
            by_onset[(onset - start).days] += 1
        anchor = onset if onset is not None and onset <= end else report
        if start <= anchor:
            series[(anchor - start).days] += 1
    dates = [start + datetime.timedelta(days=i) for i in range(length)]
    estimates = rt.estimate(series, si if si is not None else rt.configured_serial_interval())
    return Curve(days=dates, by_onset=by_onset, by_report=by_report, onset_unknown=unknown,
                 rt=[{"day": dates[e.end].isoformat(), "mean": round(e.mean, 4),
                      "lower": round(e.lower, 4), "upper": round(e.upper, 4), "cases": e.cases}
                     for e in estimates])
