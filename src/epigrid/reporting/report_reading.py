"""Reading the daily reports 日报: an area's report of a day with its figures and problems, the
roll-up of a town's villages, and completeness and timeliness 完整性·及时性 per level.

Completeness of an area and day is two queries whatever the size of its subtree (the towns and
villages of the subtree, the day's reports of the subtree), summed per level in memory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from epigrid.areas.models import Area, Level
from epigrid.core.days import day_bounds
from epigrid.problems.models import Problem
from epigrid.reporting import reading
from epigrid.reporting.models import DailyReport, ReportStatus
from epigrid.reporting.report_access import REPORTING_LEVELS, may_submit_report, reports_at
from epigrid.reporting.services import cutoff_at

PROBLEM_LIMIT = 50
ON_TIME, LATE, MISSING = "on_time", "late", "missing"


@dataclass
class AreaState:
    """One reporting area's state for the day: on time, late, or missing (a draft is missing)."""

    area_id: int
    name: str
    path: str
    level: int
    state: str
    draft: bool = False
    submitted_at: datetime.datetime | None = None
    missing_below: int = 0  # children's subtree: reports missing under this area
    parent_name: str = ""  # the town of a village below the page's area, for the chase list


@dataclass
class LevelCount:
    level: int
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def label(self) -> str:
        return str(Level(self.level).label)

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def completeness(self) -> int:
        """Submitted, in percent of the expected reports (rounded down)."""
        return self.submitted * 100 // self.expected if self.expected else 100

    @property
    def timeliness(self) -> int:
        """Submitted by the cutoff, in percent of the expected reports (rounded down)."""
        return self.on_time * 100 // self.expected if self.expected else 100


@dataclass
class Completeness:
    area: Area
    day: datetime.date
    cutoff: datetime.datetime
    past_cutoff: bool
    own: AreaState | None
    children: list[AreaState]
    levels: list[LevelCount]
    missing: list[AreaState] = field(default_factory=list)  # the whole subtree's


def _state(report: tuple[str, bool, datetime.datetime | None] | None) -> tuple[str, bool]:
    if report is None:
        return MISSING, False
    status, late, _at = report
    if status != ReportStatus.SUBMITTED:
        return MISSING, True
    return (LATE if late else ON_TIME), False


def completeness(area: Area, day: datetime.date,
                 at: datetime.datetime | None = None) -> Completeness:
    """Who of the area's subtree has reported for `day`: per level, per child, the missing."""
    at = at or timezone.now()
    areas = list(Area.objects.within(area.path).filter(level__in=REPORTING_LEVELS)
                 .order_by("path").values_list("id", "name", "path", "level", "parent_id"))
    reports = {area_id: (status, late, submitted_at) for area_id, status, late, submitted_at in
               DailyReport.objects.within(area.path).filter(day=day)
               .values_list("area_id", "status", "late", "submitted_at")}
    names = {row[0]: row[1] for row in areas}
    states: dict[int, AreaState] = {}
    for area_id, name, path, level, parent in areas:
        state, draft = _state(reports.get(area_id))
        states[area_id] = AreaState(area_id=area_id, name=name, path=path, level=level,
                                    state=state, draft=draft,
                                    submitted_at=(reports.get(area_id) or (0, 0, None))[2],
                                    parent_name=names.get(parent, "") if parent != area.pk
                                    else "")
    counts: dict[int, LevelCount] = {}
    for found in states.values():
        if found.area_id == area.pk:
            continue
        count = counts.setdefault(found.level, LevelCount(level=found.level))
        count.expected += 1
        setattr(count, found.state, getattr(count, found.state) + 1)
    missing = [s for s in states.values() if s.state == MISSING and s.area_id != area.pk]
    children = sorted((states[row[0]] for row in areas if row[4] == area.pk),
                      key=lambda s: s.name)
    for child in children:
        child.missing_below = sum(1 for s in missing
                                  if s.path.startswith(child.path) and s.path != child.path)
    cutoff = cutoff_at(day)
    return Completeness(area=area, day=day, cutoff=cutoff, past_cutoff=at > cutoff,
                        own=states.get(area.pk), children=children,
                        levels=[counts[level] for level in sorted(counts)], missing=missing)


def missing_areas(day: datetime.date, root: Area | None = None) -> list[Area]:
    """Towns and villages (of `root`'s subtree, or everywhere) without a submitted report."""
    areas = Area.objects.filter(level__in=REPORTING_LEVELS)
    submitted = DailyReport.objects.filter(day=day, status=ReportStatus.SUBMITTED)
    if root is not None:
        areas, submitted = areas.within(root.path), submitted.within(root.path)
    # Only what the lists and the notices read: a city has 3,400 of them, and building whole
    # Area records (timestamps, boundaries) took most of the meeting page's time.
    return list(areas.exclude(pk__in=submitted.values("area_id"))
                .only("id", "parent_id", "level", "code", "name", "path").order_by("path"))


def problems_raised(user: Any, area: Area, day: datetime.date) -> tuple[list[Problem], bool]:
    """Problems 问题 raised in the area's subtree on the day (that the user sees), newest first;
    and whether more than PROBLEM_LIMIT were."""
    start, end = day_bounds(day)
    rows = list(Problem.objects.restrict(user).within(area.path)
                .filter(raised_at__gte=start, raised_at__lt=end).select_related("area")
                .order_by("-raised_at", "-pk")[:PROBLEM_LIMIT + 1])
    return rows[:PROBLEM_LIMIT], len(rows) > PROBLEM_LIMIT


def village_reports(area: Area, day: datetime.date) -> QuerySet[DailyReport]:
    """The submitted reports of a town's villages 村报 for the day: the town's roll-up."""
    return (DailyReport.objects.filter(area__parent=area, day=day,
                                       status=ReportStatus.SUBMITTED)
            .select_related("area", "submitted_by").order_by("area__name", "pk"))


@dataclass
class ReportDay:
    area: Area
    day: datetime.date
    report: DailyReport | None
    figures: reading.AreaDay
    problems: list[Problem]
    more_problems: bool
    villages: list[DailyReport]
    cutoff: datetime.datetime
    may_edit: bool


def report_day(user: Any, area: Area, day: datetime.date) -> ReportDay:
    """Everything an area's report page shows for a day (a fixed number of queries)."""
    report = (DailyReport.objects.filter(area=area, day=day).select_related("submitted_by")
              .first())
    problems, more = problems_raised(user, area, day)
    villages = list(village_reports(area, day)) if area.level == Level.TOWN else []
    return ReportDay(area=area, day=day, report=report, figures=reading.area_day(area, day, user),
                     problems=problems, more_problems=more, villages=villages,
                     cutoff=cutoff_at(day),
                     may_edit=reports_at(area) and may_submit_report(user, area))
