"""Background work of case figures: storing a day's figures for every area off the request.

Imported by the app's ready() (Celery's autodiscovery reads only `tasks` modules). Meant for the
beat schedule: shortly after midnight for the day before (its final figures), and hourly for
today (dashboards and the API read the stored rows; pages count today live anyway).
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from epigrid.cases.figures import recompute


@shared_task(name="epigrid.cases.recompute_figures")
def recompute_figures(day: str | None = None, days_back: int = 0) -> int:
    """Store the figures of `day` (ISO date; default today minus `days_back`); rows written."""
    when = (datetime.date.fromisoformat(day) if day
            else timezone.localdate() - datetime.timedelta(days=days_back))
    return recompute(when)
