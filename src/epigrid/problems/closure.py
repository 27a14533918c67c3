"""The daily closure rate 日清日结 of an area's problems.

For an area (its whole subtree, by where problems were raised) and a day (local time):

    rate = closed / (open at the day's start + raised that day)

- *open at the day's start*: raised before the day began and not closed at that moment;
- *raised that day*: raised between the day's start and its end;
- *closed*: of those two groups, the ones closed during the day and still closed at its end
  (a problem closed, reopened and closed again counts once; one closed then reopened is not).

The rate is None when there was nothing to close. The history (closed and reopened steps) says
whether a problem was closed at a given moment, so past days are computed exactly as they were.
Two queries for any number of areas: the candidate problems, and their closing steps.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from epigrid.areas.models import Area
from epigrid.core.access import subtree_q
from epigrid.core.days import day_bounds
from epigrid.problems.models import Problem, ProblemEvent, Step


@dataclass(frozen=True)
class ClosureRate:
    area: Area
    day: datetime.date
    open_at_start: int
    raised: int
    closed: int

    @property
    def due(self) -> int:
        """What had to be closed that day: the denominator."""
        return self.open_at_start + self.raised

    @property
    def rate(self) -> float | None:
        return self.closed / self.due if self.due else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.0f}%"



def _closed_at(steps: list[tuple[str, datetime.datetime]], moment: datetime.datetime) -> bool:
    """Whether the last closing or reopening step before `moment` was a closing."""
    last = [step for step, at in steps if at < moment]
    return bool(last) and last[-1] == Step.CLOSED


def closure_rates(areas: list[Area], day: datetime.date) -> list[ClosureRate]:
    """The rate of each area (its subtree) on `day`, in the order given."""
    if not areas:
        return []
    start, end = day_bounds(day)
    where = Q()
    tops: list[str] = []  # the subtrees not inside another one: the children add no range
    for path in sorted({area.path for area in areas}):
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
            where |= subtree_q("area_path", path)
    # Still open, or last closed on or after the day's start: the others were closed all day.
    candidates = Problem.objects.filter(where, raised_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start)).order_by()
    rows = list(candidates.values_list("pk", "area_path", "raised_at"))
    steps: dict[int, list[tuple[str, datetime.datetime]]] = defaultdict(list)
    for problem_id, step, at in ProblemEvent.objects.filter(
            problem__in=candidates.values("pk"), step__in=[Step.CLOSED, Step.REOPENED],
            at__lt=end).order_by("at", "pk").values_list("problem_id", "step", "at"):
        steps[problem_id].append((step, at))
    counts = {area.path: [0, 0, 0] for area in areas}
    for pk, path, raised_at in rows:
        mine = steps.get(pk, [])
        raised = raised_at >= start
        if not raised and _closed_at(mine, start):
            continue
        closed = (_closed_at(mine, end)
                  and any(step == Step.CLOSED and at >= start for step, at in mine))
        for area_path, figures in counts.items():
            if path.startswith(area_path):
                figures[1 if raised else 0] += 1
                figures[2] += int(closed)
    return [ClosureRate(area=area, day=day, open_at_start=counts[area.path][0],
                        raised=counts[area.path][1], closed=counts[area.path][2])
            for area in areas]
