"""Supervised tasks and inspection findings of an area, on its page (registered with
core.panels, "area").

The town officer opening her town sees at once how many tasks 督办 its areas have in hand, how
many of them are past their day (the three longest overdue named, with their days), and how
many inspection findings 整改 wait to be put right, each count linking to its list.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.areas.counting import count_of, counts
from epigrid.areas.models import Area
from epigrid.core.access import Capability, ScopedUser, can
from epigrid.supervision.models import (
    PENDING,
    Finding,
    FindingStatus,
    Task,
    overdue_findings_q,
    overdue_tasks_q,
)

PANEL_LIMIT = 3


def shown_to(user: ScopedUser) -> bool:
    """Those who set tasks or handle them."""
    return can(user, Capability.HANDLE_TASKS) or can(user, Capability.SUPERVISE)


def tasks_of(area: Area) -> QuerySet[Task]:
    """The tasks handled in `area`'s subtree. A panel's area is one its user sees (core.panels),
    so its whole subtree is theirs: no further restriction."""
    return Task.objects.within(area.path)


def findings_of(area: Area) -> QuerySet[Finding]:
    """The findings of the inspections of `area`'s subtree."""
    return Finding.objects.within(area.path)


def most_overdue(tasks: QuerySet[Task], late: Any, day: datetime.date,
                 limit: int) -> list[tuple[Task, int]]:
    """The `limit` tasks of `tasks` matching `late` due the longest ago, with their days past
    the due day at `day` (one query, their areas joined)."""
    rows = tasks.filter(late).select_related("area").order_by("due_on", "id")[:limit]
    return [(task, task.days_past_due(day)) for task in rows]


def area_panel(request: HttpRequest, area: Area) -> SafeString:
    """The area subtree's pending tasks, those overdue, and the open findings: one query for
    the counts, one more for the longest overdue when there are any; nothing where the area
    has no task in hand nor finding open, or for a role that neither sets nor handles tasks."""
    user = area_user(request)
    if not shown_to(user):
        return SafeString("")
    today = timezone.localdate()
    tasks, findings = tasks_of(area), findings_of(area)
    found = counts(
        area,
        pending=count_of(tasks.filter(status__in=PENDING)),
        overdue=count_of(tasks.filter(overdue_tasks_q(today))),
        findings=count_of(findings.filter(status=FindingStatus.OPEN)),
        findings_overdue=count_of(findings.filter(overdue_findings_q(today))))
    if not (found["pending"] or found["findings"]):
        return SafeString("")
    late = (most_overdue(tasks, overdue_tasks_q(today), today, PANEL_LIMIT)
            if found["overdue"] else [])
    return SafeString(render_to_string("supervision/_area_panel.html", {
        "area": area, "late": late, "limit": PANEL_LIMIT, **found}, request=request))
