"""Reminders 催办 of overdue tasks: a task in hand past its day is reminded once a day.

The hourly task (tasks.py) finds each task in hand whose due day has passed and that was not
reminded in the last REMIND_EVERY and writes the reminder into its history; then each area's
responsible people are told once of all their tasks reminded (one notice, linking to their
overdue list); from a task's second reminder on, the area above is told too (逐级督办), so a
task left alone reaches the level that can move it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Area
from epigrid.core.audit import jsonable, record_bulk
from epigrid.core.days import local_day
from epigrid.supervision.models import Step, Task, TaskEvent, overdue_tasks_q
from epigrid.supervision.services import responsible

REMIND_EVERY = datetime.timedelta(hours=24)
# Tasks reminded in one transaction: their rows locked together, a few statements for all.
BATCH = 500
# From this reminder on, the area above the one handling the task is told as well.
ESCALATE_FROM = 2


def due_for_reminder(now: datetime.datetime) -> QuerySet[Task]:
    return Task.objects.filter(overdue_tasks_q(local_day(now))).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_EVERY))


def remind_overdue(now: datetime.datetime | None = None) -> list[int]:
    """Remind every task due for it, then tell each area once of all its tasks reminded (an
    officer with five overdue tasks reads one notice, not five); the ids of those reminded."""
    now = now or timezone.now()
    ids = list(due_for_reminder(now).order_by("pk").values_list("pk", flat=True))
    reminded: list[Task] = []
    for start in range(0, len(ids), BATCH):
        reminded += remind(ids[start:start + BATCH], now)
    tell_reminders(reminded, now)
    return [task.pk for task in reminded]


@transaction.atomic
def remind(ids: list[int], now: datetime.datetime) -> list[Task]:
    """The reminders of those of these tasks still due for one (asked again under their locks,
    taken in id order): one UPDATE, their history steps and audit entries in bulk."""
    tasks = list(due_for_reminder(now).select_for_update(of=("self",))
                 .select_related("area__parent").filter(pk__in=ids).order_by("pk"))
    if not tasks:
        return []
    Task.objects.filter(pk__in=[task.pk for task in tasks]).update(
        reminders=F("reminders") + 1, reminded_at=now, updated_at=now)
    logged = []
    for task in tasks:
        logged.append((task, {"reminders": [task.reminders, task.reminders + 1],
                              "reminded_at": [jsonable(task.reminded_at), jsonable(now)]}))
        task.reminders, task.reminded_at = task.reminders + 1, now
    today = local_day(now)
    TaskEvent.objects.bulk_create([
        TaskEvent(task=task, step=Step.REMINDED, by=None, at=now,
                  note=_("Overdue by %(days)d days (reminder %(n)d).")
                  % {"days": task.days_past_due(today), "n": task.reminders}) for task in tasks])
    record_bulk(updated=logged)
    return tasks


def tell_reminders(tasks: list[Task], now: datetime.datetime) -> None:
    """A notice to each area's responsible people listing its tasks reminded; one to each area
    above listing those of its areas reminded a second time or more (逐级督办)."""
    by_area: dict[int, list[Task]] = defaultdict(list)
    above: dict[int, list[Task]] = defaultdict(list)
    areas: dict[int, Area] = {}
    for task in tasks:
        areas[task.area_id] = task.area
        by_area[task.area_id].append(task)
        parent = task.area.parent
        if parent is not None and task.reminders >= ESCALATE_FROM:
            areas[parent.pk] = parent
            above[parent.pk].append(task)
    for told in (by_area, above):
        for area_id, listed in told.items():
            area = areas[area_id]
            notify([area], responsible(area), worded(_wording(listed, now)),
                   link=reverse("supervision:tasks") + f"?area={area_id}&status=overdue",
                   exact=True)


def _wording(tasks: list[Task], now: datetime.datetime) -> Callable[[], tuple[str, str]]:
    today = local_day(now)

    def wording() -> tuple[str, str]:
        title = (_("Overdue task: %(title)s") % {"title": tasks[0].title} if len(tasks) == 1
                 else _("%(n)d overdue tasks") % {"n": len(tasks)})
        lines = [_("%(area)s: %(title)s, due %(due)s, overdue by %(days)d days, reminder "
                   "%(n)d.") % {"area": task.area.name, "title": task.title,
                                "due": task.due_on.isoformat(), "days": task.days_past_due(today),
                                "n": task.reminders} for task in tasks]
        return title, "\n".join(lines)
    return wording
