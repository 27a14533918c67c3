"""The dispatch meeting 调度会 of an area and day: what the wall screen shows at 17:00.

- the day's figures against yesterday's, the area's and its children's (reporting's stored
  `DailyFigures`, read by `reading.area_day`: never counted in the request);
- the child areas that have not sent their daily report 日报 (reports.py: the hook);
- the open problems 问题清单 of the area's subtree by age (raised today, 1–2 days, 3–6 days, a
  week or more), how many are overdue, and the oldest ones;
- the day's closure rate 日清日结 (problems.closure);
- the talking points 发言提纲 written from all of that (talking.py).

A fixed number of queries whatever the size of the subtree (about ten).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area
from epigrid.briefing import reports, talking
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.core.days import day_bounds
from epigrid.problems.closure import ClosureRate, closure_rates
from epigrid.problems.models import Problem, Status
from epigrid.reporting import reading

MAX_PROBLEMS = 20  # the oldest open problems listed; the rest are counted by age
# (first day of age, label): a problem raised on the meeting's day is 0 days old.
AGES: tuple[tuple[int, Promise], ...] = (
    (0, _("raised today")), (1, _("1–2 days")), (3, _("3–6 days")), (7, _("a week or more")))


@dataclass(frozen=True)
class AgeGroup:
    label: str
    count: int


@dataclass
class Meeting:
    area: Area
    day: datetime.date
    figures: reading.AreaDay
    unreported: list[Area] | None  # None: daily reports are not collected (yet)
    problems: OpenProblems
    pending_risk: int | None  # risk level proposals awaiting the command's decision
    closure: ClosureRate
    points: list[str]

    @property
    def rows(self) -> list[reading.Row]:
        return _rows(self.figures)


@dataclass
class OpenProblems:
    ages: list[AgeGroup]
    total: int
    overdue: int
    escalated: int  # rose to the area itself from below (its level is the area's now)
    oldest: list[Problem]  # the oldest raised, up to MAX_PROBLEMS
    most_overdue: Problem | None  # the one due the longest ago


def age_of(problem: Problem, day: datetime.date) -> int:
    """Whole days from the day it was raised (local) to `day`."""
    return (day - timezone.localdate(problem.raised_at)).days


def open_problems(area: Area, day: datetime.date) -> OpenProblems:
    """The subtree's problems open now and raised by the day's end: counts by age, overdue."""
    start, end = day_bounds(day)
    rows = Problem.objects.filter(subtree_q("area_path", area.path), raised_at__lt=end).exclude(
        status=Status.CLOSED)
    # A group's problems were raised from the next group's edge (inclusive) to its own edge.
    edges = [start - datetime.timedelta(days=first - 1) for first, _label in AGES[1:]]
    counts: dict[str, Count] = {}
    for i in range(len(AGES)):
        newer = Q(raised_at__lt=edges[i - 1]) if i else Q()
        older = Q(raised_at__gte=edges[i]) if i < len(edges) else Q()
        counts[f"age{i}"] = Count("pk", filter=newer & older)
    counts["overdue"] = Count("pk", filter=Q(due_on__lt=day))
    counts["escalated"] = Count("pk", filter=Q(level_path=area.path) & ~Q(area_path=area.path))
    counts["total"] = Count("pk")
    found = rows.order_by().aggregate(**counts)
    ages = [AgeGroup(str(label), found[f"age{i}"]) for i, (_first, label) in enumerate(AGES)]
    related = rows.select_related("area", "level_area")
    oldest = list(related.order_by("raised_at", "pk")[:MAX_PROBLEMS])
    most_overdue = (related.filter(due_on__lt=day).order_by("due_on", "raised_at", "pk").first()
                    if found["overdue"] else None)
    return OpenProblems(ages=ages, total=found["total"], overdue=found["overdue"],
                        escalated=found["escalated"], oldest=oldest, most_overdue=most_overdue)


def situation(figures: reading.AreaDay, unreported: list[Area] | None,
              problems: OpenProblems, closure: ClosureRate,
              pending_risk: int | None = None) -> talking.Situation:
    """What the talking points are written from, out of the stored figures and the problems."""
    today = {row.metric.code: row.value for row in _rows(figures)}
    yesterday = None if not figures.stored or any(row.change is None for row in _rows(figures)) \
        else {row.metric.code: row.value - (row.change or 0) for row in _rows(figures)}
    children = [talking.Place(child.name, {row.metric.code: row.children[i]
                                           for row in _rows(figures)})
                for i, child in enumerate(figures.children)]
    worst = problems.most_overdue
    overdue = [] if worst is None else [
        talking.OverdueProblem(worst.title, worst.area.name, worst.due_on)]
    return talking.Situation(
        area=talking.Place(figures.area.name, today, yesterday), children=children,
        overdue=overdue, overdue_count=problems.overdue, escalated=problems.escalated,
        closure=talking.Closure(raised=closure.raised, due=closure.due, closed=closure.closed),
        unreported=None if unreported is None else [area.name for area in unreported],
        pending_risk=pending_risk)


def _rows(figures: reading.AreaDay) -> list[reading.Row]:
    return [row for _family, rows in figures.groups for row in rows]


def build(area: Area, day: datetime.date, viewer: ScopedUser | None) -> Meeting:
    """The meeting of an area and day; its figures link to what `viewer` may open (None, for a
    file: only what needs no capability)."""
    figures = reading.area_day(area, day, viewer)
    missing = reports.unreported(area, day)
    problems = open_problems(area, day)
    rate = closure_rates([area], day)[0]
    pending = reports.pending_risk_proposals(area)
    found = Meeting(area=area, day=day, figures=figures, unreported=missing, problems=problems,
                    pending_risk=pending, closure=rate, points=[])
    found.points = points_of(found)
    return found


def points_of(found: Meeting) -> list[str]:
    """The meeting's talking points in the language active, from what it has read (no query):
    a briefing is worded in each language from one reading."""
    if not found.figures.stored:
        return []
    return talking.talking_points(situation(found.figures, found.unreported, found.problems,
                                            found.closure, found.pending_risk))
