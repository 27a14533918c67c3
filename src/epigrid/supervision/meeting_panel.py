"""Supervised tasks and inspection findings at the dispatch meeting 调度会 (registered with
core.panels, "meeting"; briefing may not import this app, nor this app briefing).

At 17:00 the district head sees beside the figures how many tasks 督办 of the area are past their
day (the five longest overdue named: the area, the task, its days), how many were completed on
the day, and how many inspection findings were not put right by theirs.

Today's panel counts the records as they stand. A past day's counts things as they stood at that
day's end, as far as the records tell: a task counts as in hand then if it was set before the
end and neither reported done nor closed before it (`reported_at`, `closed_at`: one completed or
withdrawn later was still in hand); a finding counts as open if it was raised before the end and
is open now or was rectified only after it (`rectified_at`). A due day moved since (a task sent
back with a new day, a finding reopened) is read as it is now.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.areas.counting import count_of, counts
from epigrid.core.days import day_bounds
from epigrid.supervision.area_panel import (
    findings_of,
    most_overdue,
    shown_to,
    tasks_of,
)
from epigrid.supervision.models import (
    FindingStatus,
    TaskStatus,
    overdue_findings_q,
    overdue_tasks_q,
)

MEETING_LIMIT = 5


def tasks_overdue_q(day: datetime.date, end: datetime.datetime | None) -> Q:
    """Tasks in hand past their day: now (`end` None), or at `end`, the end of a past `day`."""
    if end is None:
        return overdue_tasks_q(day)
    return (Q(created_at__lt=end, due_on__lt=day)
            & (Q(reported_at__isnull=True) | Q(reported_at__gte=end))
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=end)))


def findings_overdue_q(day: datetime.date, end: datetime.datetime | None) -> Q:
    """Findings to rectify past their day: now (`end` None), or at the end of a past `day`."""
    if end is None:
        return overdue_findings_q(day)
    return (Q(created_at__lt=end, rectify_by__lt=day)
            & (Q(status=FindingStatus.OPEN) | Q(rectified_at__gte=end)))


def meeting_supervision(request: HttpRequest, meeting: Any) -> SafeString | None:
    """The overdue tasks and findings and the tasks completed, of the meeting's area (its
    `area`) and `day`: one query for the counts, one more for the longest overdue when there
    are any; nothing where there is none of them, or for a role that neither sets nor handles
    tasks."""
    user = area_user(request)
    if not shown_to(user):
        return None
    area, day = meeting.area, meeting.day
    today = day >= timezone.localdate()
    start, end = day_bounds(day)
    as_of = None if today else end
    tasks, findings = tasks_of(area), findings_of(area)
    late_q = tasks_overdue_q(day, as_of)
    found = counts(
        area,
        overdue=count_of(tasks.filter(late_q)),
        completed=count_of(tasks.filter(status=TaskStatus.DONE, closed_at__gte=start,
                                        closed_at__lt=end)),
        findings_overdue=count_of(findings.filter(findings_overdue_q(day, as_of))))
    if not any(found.values()):
        return None
    late = most_overdue(tasks, late_q, day, MEETING_LIMIT) if found["overdue"] else []
    return SafeString(render_to_string("supervision/_meeting_panel.html", {
        "area": area, "day": day, "today": today, "late": late, "limit": MEETING_LIMIT,
        **found}, request=request))
