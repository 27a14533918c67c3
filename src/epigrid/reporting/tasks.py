"""Background work of the daily figures: today's recount every 15 minutes, the freeze at the cutoff;
the reminders of the daily report 催报 before the cutoff and at it; the risk level proposals after.

Importing this module (Celery autodiscovers `tasks` modules; the app's ready() imports it too)
adds two entries to the beat schedule: the recount at minutes 7, 22, 37 and 52 of every hour (off
the quarter hours, so it does not race the freeze at a cutoff like 16:00), and the freeze at the
daily cutoff (settings.DAILY_CUTOFF, from EPIGRID_DAILY_CUTOFF, local time). Then the report
reminders REMINDER_LEAD minutes before the cutoff (15:00 for 16:00) and at the cutoff itself,
and the risk level proposals PROPOSE_AFTER minutes after it (16:10), from the frozen figures.
"""

from __future__ import annotations

import datetime

from celery import current_app, shared_task
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from epigrid.reporting.report_reminders import remind_missing
from epigrid.reporting.risk_services import propose_levels
from epigrid.reporting.services import freeze_due, recompute_day

REFRESH_MINUTES = "7,22,37,52"
REMINDER_LEAD = 60   # minutes before the cutoff of the first reminder
PROPOSE_AFTER = 10   # minutes after the cutoff (and the freeze) of the risk proposals


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


@shared_task(name="epigrid.reporting.remind_reports")
def remind_reports() -> int:
    """Remind the officers of today's missing reports: the number of areas reminded."""
    reminded = remind_missing()
    return reminded.villages + reminded.towns


@shared_task(name="epigrid.reporting.propose_risk_levels")
def propose_risk_levels(day: str | None = None) -> int:
    """Run the risk rules over `day`'s figures (ISO date; default today): pending proposals."""
    when = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return len(propose_levels(when))


def cutoff_offset_schedule(minutes: int) -> crontab:
    """The crontab `minutes` after the daily cutoff (negative: before), within the day."""
    hour, minute = settings.DAILY_CUTOFF
    total = (hour * 60 + minute + minutes) % (24 * 60)
    return crontab(hour=total // 60, minute=total % 60)


current_app.conf.beat_schedule = {
    **(current_app.conf.beat_schedule or {}),
    "reporting-refresh-today": {"task": "epigrid.reporting.refresh_figures",
                                "schedule": crontab(minute=REFRESH_MINUTES)},
    "reporting-freeze-at-cutoff": {"task": "epigrid.reporting.freeze_figures",
                                   "schedule": freeze_schedule()},
    "reporting-remind-before-cutoff": {"task": "epigrid.reporting.remind_reports",
                                       "schedule": cutoff_offset_schedule(-REMINDER_LEAD)},
    "reporting-remind-at-cutoff": {"task": "epigrid.reporting.remind_reports",
                                   "schedule": cutoff_offset_schedule(0)},
    "reporting-propose-risk-levels": {"task": "epigrid.reporting.propose_risk_levels",
                                      "schedule": cutoff_offset_schedule(PROPOSE_AFTER)},
}
