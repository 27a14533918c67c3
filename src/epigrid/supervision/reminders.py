"""Reminders 催办 of overdue tasks: a task in hand past its day is reminded once a day.

The hourly task (tasks.py) finds each task in hand whose due day has passed and that was not
reminded in the last REMIND_EVERY, writes the reminder into its history and tells the area's
responsible people; from the second reminder on, the area above is told too (逐级督办), so a
task left alone reaches the level that can move it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Area
from epigrid.supervision.common import local_day
from epigrid.supervision.models import Step, Task, TaskEvent, overdue_tasks_q
from epigrid.supervision.services import responsible

REMIND_EVERY = datetime.timedelta(hours=24)
# From this reminder on, the area above the one handling the task is told as well.
ESCALATE_FROM = 2


def due_for_reminder(now: datetime.datetime) -> QuerySet[Task]:
    return Task.objects.filter(overdue_tasks_q(local_day(now))).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_EVERY))


def remind_overdue(now: datetime.datetime | None = None) -> list[int]:
    """Remind every task due for it; the ids of those reminded."""
    now = now or timezone.now()
    ids = list(due_for_reminder(now).order_by("pk").values_list("pk", flat=True))
    return [pk for pk in ids if remind(pk, now)]


@transaction.atomic
def remind(pk: int, now: datetime.datetime) -> bool:
    """One reminder, if the task is still due for it (asked again under the lock)."""
    task = (due_for_reminder(now).select_for_update(of=("self",))
            .select_related("area__parent").filter(pk=pk).first())
    if task is None:
        return False
    task.reminders += 1
    task.reminded_at = now
    task.save(update_fields=["reminders", "reminded_at", "updated_at"])
    days = (local_day(now) - task.due_on).days
    TaskEvent.objects.create(task=task, step=Step.REMINDED, by=None, at=now,
                             note=_("Overdue by %(days)d days (reminder %(n)d).")
                             % {"days": days, "n": task.reminders})
    above = task.area.parent if task.reminders >= ESCALATE_FROM else None
    transaction.on_commit(lambda: tell_reminder(task, days, above))
    return True


def tell_reminder(task: Task, days: int, above: Area | None) -> None:
    def wording() -> tuple[str, str]:
        return (_("Overdue task: %(title)s") % {"title": task.title},
                _("%(area)s: due %(due)s, overdue by %(days)d days, reminder %(n)d.")
                % {"area": task.area.name, "due": task.due_on.isoformat(), "days": days,
                   "n": task.reminders})

    link = reverse("supervision:task", args=[task.pk])
    notify([task.area], responsible(task.area), worded(wording), link=link, exact=True)
    if above is not None:
        notify([above], responsible(above), worded(wording), link=link, exact=True)
