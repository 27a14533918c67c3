"""Background work of the briefing: sent to the leading group half an hour after the cutoff.

Importing this module (Celery autodiscovers `tasks` modules) adds the entry to the beat schedule,
SEND_AFTER minutes after the daily cutoff (settings.DAILY_CUTOFF: 16:30 for 16:00).
"""

from __future__ import annotations

import datetime

from celery import current_app, shared_task
from django.utils import timezone

from epigrid.briefing.sending import send_briefings
from epigrid.reporting.tasks import cutoff_offset_schedule

SEND_AFTER = 30  # minutes after the cutoff: after the freeze (0) and the risk proposals (10)


@shared_task(name="epigrid.briefing.send_briefings")
def send_todays_briefings(day: str | None = None) -> int:
    """Send the briefings of `day` (ISO date; default today): the areas sent to now."""
    when = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return len(send_briefings(when))


current_app.conf.beat_schedule = {
    **(current_app.conf.beat_schedule or {}),
    "briefing-send-to-command": {"task": "epigrid.briefing.send_briefings",
                                 "schedule": cutoff_offset_schedule(SEND_AFTER)},
}
