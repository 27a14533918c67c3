"""Background work of supervision: the hourly reminder of overdue tasks 催办.

Importing this module (Celery autodiscovers `tasks` modules) adds the entry to the beat schedule:
every hour at minute 15.
"""

from __future__ import annotations

import datetime

from celery import current_app, shared_task
from celery.schedules import crontab
from django.utils import timezone

from epigrid.supervision.reminders import remind_overdue


@shared_task(name="epigrid.supervision.remind_overdue")
def remind_overdue_tasks(now: str | None = None) -> int:
    """Remind the overdue tasks; `now` (ISO 8601, for replays and tests) defaults to now."""
    at = datetime.datetime.fromisoformat(now) if now else timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return len(remind_overdue(at))


current_app.conf.beat_schedule = {
    **(current_app.conf.beat_schedule or {}),
    "supervision-remind-overdue": {"task": "epigrid.supervision.remind_overdue",
                                   "schedule": crontab(minute=15)},
}
