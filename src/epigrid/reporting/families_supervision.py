"""Supervision figures 督查: tasks set and tasks past their day, inspection findings raised and
findings not rectified by their day.

Two GROUP BY queries by the records' area path, read through the foreign key (volumes are
small: thousands of tasks, not millions): the tasks set on the day, by the area handling them,
with the tasks still in hand past their day; the findings of the day's inspections, by the
inspection's area, with the findings still open past the day they were to be put right by. What is
past its day is a state without history (`snapshot`): it is counted for today only, at the
moment of the count (the dispatch meeting's panel reads a past day from the records' times).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from epigrid.core.days import day_bounds
from epigrid.reporting.metrics import (
    DrillDown,
    Family,
    Leaves,
    Metric,
    Rise,
    Rollup,
    Unit,
    put,
    register,
)
from epigrid.supervision.models import (
    Finding,
    Task,
    overdue_findings_q,
    overdue_tasks_q,
)


def _list(name: str, status: str) -> DrillDown:
    def url(area_id: int, day: datetime.date) -> str:
        return reverse(name) + f"?area={area_id}&status={status}"
    return url


def _counted(rows: QuerySet[Any], path: str, fresh: Q, late: Q
             ) -> list[tuple[str, int, int]]:
    """(area path, rows `fresh`, rows `late`) of `rows` either, grouped by the path at `path`
    (a foreign-key lookup): one query for both figures of a kind."""
    return list(rows.filter(fresh | late).order_by().values(path).annotate(
        fresh=Count("id", filter=fresh), late=Count("id", filter=late))
        .values_list(path, "fresh", "late"))


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    leaves: Leaves = defaultdict(dict)
    start, end = day_bounds(day)
    until = min(end, at)
    tasks = _counted(Task.objects.all(), "area__path",
                     Q(created_at__gte=start, created_at__lt=until),
                     overdue_tasks_q(day) & Q(created_at__lte=at))
    for path, fresh, late in tasks:
        put(leaves[path], "supervision_tasks_set", fresh)
        put(leaves[path], "supervision_tasks_overdue", late)
    findings = _counted(Finding.objects.all(), "inspection__area__path",
                        Q(inspection__inspected_on=day, created_at__lte=at),
                        overdue_findings_q(day) & Q(created_at__lte=at))
    for path, fresh, late in findings:
        put(leaves[path], "supervision_findings_raised", fresh)
        put(leaves[path], "supervision_findings_overdue", late)
    return leaves


FAMILY = register(Family(key="supervision", name=_("Supervision"), order=60, compute=compute,
                         metrics=(
    Metric("supervision_tasks_set", _("Supervised tasks set"), Unit.TASKS, Rollup.SUM,
           _("Supervised tasks set on the day, counted in the area that handles them."),
           drill_down=_list("supervision:tasks", "any"), rise=Rise.NEUTRAL),
    Metric("supervision_tasks_overdue", _("Supervised tasks overdue"), Unit.TASKS,
           Rollup.LATEST, _("Supervised tasks still in hand after their due day (one reported "
                            "done waits on the desk and is not counted)."),
           snapshot=True, drill_down=_list("supervision:tasks", "overdue")),
    Metric("supervision_findings_raised", _("Inspection findings raised"), Unit.FINDINGS,
           Rollup.SUM, _("Findings of the inspections made on the day, counted in the "
                         "inspected area."),
           drill_down=_list("supervision:findings", "any"), rise=Rise.NEUTRAL),
    Metric("supervision_findings_overdue", _("Findings not rectified in time"), Unit.FINDINGS,
           Rollup.LATEST, _("Inspection findings still to be rectified after the day they were "
                            "to be put right by."),
           snapshot=True, drill_down=_list("supervision:findings", "overdue")),
)))
