"""Helpers of the daily report and risk level tests: times around the cutoff, stored figures."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.reporting.models import DailyFigures
from epigrid.reporting.services import cutoff_at

TODAY = timezone.localdate


def before_cutoff(day: datetime.date, minutes: int = 1) -> datetime.datetime:
    return cutoff_at(day) - datetime.timedelta(minutes=minutes)


def after_cutoff(day: datetime.date, minutes: int = 1) -> datetime.datetime:
    return cutoff_at(day) + datetime.timedelta(minutes=minutes)


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def store_figures(area: Area, day: datetime.date, **values: Any) -> DailyFigures:
    """A stored row of figures, as the recount would write it (values and now alike)."""
    row, _created = DailyFigures.objects.update_or_create(
        area=area, day=day, defaults={"area_path": area.path, "values": values, "now": values,
                                      "computed_at": timezone.now()})
    return row
