"""Background work of the daily figures: today's recount every 15 minutes, the freeze at the cutoff.

Importing this module (Celery autodiscovers `tasks` modules; the app's ready() imports it too)
adds two entries to the beat schedule: the recount at minutes 7, 22, 37 and 52 of every hour (off
the quarter hours, so it does not race the freeze at a cutoff like 16:00), and the freeze at the
daily cutoff (settings.DAILY_CUTOFF, from EPIGRID_DAILY_CUTOFF, local time).
"""

from __future__ import annotations

import datetime

from celery import current_app, shared_task
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from epigrid.reporting.services import freeze_due, recompute_day

REFRESH_MINUTES = "7,22,37,52"


@shared_task(name="epigrid.reporting.refresh_figures")
def refresh_figures(day: str | None = None) -> int:
    """Recount the figures of `day` (ISO date; default today) for every area: rows written."""
    when = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return recompute_day(when).rows


@shared_task(name="epigrid.reporting.freeze_figures")
def freeze_figures() -> list[str]:
    """Freeze the days whose cutoff has passed and are not frozen yet: their ISO dates."""
    return [frozen.day.isoformat() for frozen in freeze_due()]


def freeze_schedule() -> crontab:
    hour, minute = settings.DAILY_CUTOFF
    return crontab(hour=hour, minute=minute)


current_app.conf.beat_schedule = {
    **(current_app.conf.beat_schedule or {}),
    "reporting-refresh-today": {"task": "epigrid.reporting.refresh_figures",
                                "schedule": crontab(minute=REFRESH_MINUTES)},
    "reporting-freeze-at-cutoff": {"task": "epigrid.reporting.freeze_figures",
                                   "schedule": freeze_schedule()},
}
