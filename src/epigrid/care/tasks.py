"""Background work of transfers: the progress snapshots, every 2 h by day, every hour by night.

The hours come from EPIGRID_SNAPSHOT_HOURS (a crontab hour field, local time; default
"8-20/2,21-23,0-7": 08:00, 10:00 ... 20:00, then 21:00 ... 07:00). Importing this module (Celery
autodiscovers `tasks` modules) adds the entry to the beat schedule.
"""

from __future__ import annotations

import os

from celery import current_app, shared_task
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.care.plan_progress import take_snapshot

SNAPSHOT_HOURS_ENV = "EPIGRID_SNAPSHOT_HOURS"
DEFAULT_HOURS = "8-20/2,21-23,0-7"


def snapshot_schedule(hours: str | None = None) -> crontab:
    """The crontab of the snapshots; a bad hour field is refused with the variable's name."""
    field = (hours if hours is not None else os.environ.get(SNAPSHOT_HOURS_ENV, "")).strip()
    try:
        schedule = crontab(minute=0, hour=field or DEFAULT_HOURS)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{SNAPSHOT_HOURS_ENV}={field!r} is not a crontab hour "
                                   f"field like {DEFAULT_HOURS}: {exc}") from exc
    return schedule


@shared_task(name="epigrid.care.take_snapshots")
def take_snapshots() -> int:
    """Snapshot every top area (and its districts and towns): rows written."""
    at = timezone.now()
    return sum(len(take_snapshot(area, at)) for area in Area.objects.filter(parent=None))


current_app.conf.beat_schedule = {
    **(current_app.conf.beat_schedule or {}),
    "care-progress-snapshots": {"task": "epigrid.care.take_snapshots",
                                "schedule": snapshot_schedule()},
}
