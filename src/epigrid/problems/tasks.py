"""Background work of problems: the hourly escalation of overdue problems 逐级上报.

Importing this module (Celery autodiscovers `tasks` modules) adds the entry to the beat schedule:
every hour at minute 5.
"""

from __future__ import annotations

import datetime

from celery import current_app, shared_task
from celery.schedules import crontab
from django.utils import timezone

from epigrid.problems.escalation import escalate_overdue


@shared_task(name="epigrid.problems.escalate_overdue")
def escalate_overdue_problems(now: str | None = None) -> int:
    """Escalate the overdue problems; `now` (ISO 8601, for replays and tests) defaults to now."""
    at = datetime.datetime.fromisoformat(now) if now else timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return len(escalate_overdue(at))


current_app.conf.beat_schedule = {
    **(current_app.conf.beat_schedule or {}),
    "problems-escalate-overdue": {"task": "epigrid.problems.escalate_overdue",
                                  "schedule": crontab(minute=5)},
}
