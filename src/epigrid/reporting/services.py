"""Writing the daily figures: recounting a day for every area, and freezing it at the cutoff.

`recompute_day(day)` counts every metric of every area for the day (a fixed number of queries:
one count per family, the areas, the old rows when they are kept, one delete, one bulk insert)
and replaces the day's stored rows. Until the day is frozen a row's `values` and `now` are the
same fresh count; once it is frozen (`freeze_day`, run by the task at the daily cutoff, 16:00 by
default) `values` stay as they were at the cutoff and only `now` follows the records.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import Area
from epigrid.checkpoints.figures import insert_rows
from epigrid.core.days import local_moment
from epigrid.reporting.metrics import all_metrics
from epigrid.reporting.models import DailyFigures, FrozenDay
from epigrid.reporting.rollup import as_dict, leaf_vectors, roll_up

COLUMNS = ("area_id", "area_path", "day", "values", "now", "computed_at")


@dataclass(frozen=True)
class Recount:
    day: datetime.date
    rows: int
    frozen: bool
    computed_at: datetime.datetime


def cutoff_at(day: datetime.date) -> datetime.datetime:
    """The daily cutoff 截止时间 of `day` (settings.DAILY_CUTOFF, local time), aware."""
    hour, minute = settings.DAILY_CUTOFF
    return local_moment(day, datetime.time(hour, minute))


def check_day(day: datetime.date, at: datetime.datetime | None = None) -> None:
    if day > timezone.localdate(at or timezone.now()):
        raise ValidationError({"day": [_("The day %(day)s is in the future: there are no "
                                         "figures to count yet.") % {"day": day.isoformat()}]})


def _dumps(values: dict[str, int]) -> str:
    return json.dumps(values, separators=(",", ":"), sort_keys=True)


@transaction.atomic
def recompute_day(day: datetime.date, at: datetime.datetime | None = None) -> Recount:
    """Count the day's figures of every area afresh and store them (a frozen day: `now` only).

    A past day's history-less metrics (beds, the waiting list) cannot be counted again: the
    values stored for them are kept.
    """
    at = at or timezone.now()
    check_day(day, at)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the history's GROUP BY hashes many paths
            cursor.execute("SET LOCAL work_mem = '64MB'")
    frozen = FrozenDay.objects.filter(day=day).exists()
    past = day < timezone.localdate(at)
    metrics = all_metrics()
    summed = roll_up(leaf_vectors(metrics, day, at, with_snapshots=not past), metrics)
    kept: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    if frozen or past:
        kept = {area_id: (values or {}, now or {}) for area_id, values, now in
                DailyFigures.objects.filter(day=day).values_list("area_id", "values", "now")}
    snapshots = {metric.code for metric in metrics if metric.snapshot}
    rows = []
    for area_id, path in Area.objects.order_by().values_list("id", "path"):
        fresh = as_dict(summed.get(path), metrics)
        old_values, old_now = kept.get(area_id, ({}, {}))
        if past:
            fresh.update({code: n for code, n in old_now.items() if code in snapshots})
        now = _dumps(fresh)
        rows.append((area_id, path, day, _dumps(old_values) if frozen else now, now, at))
    DailyFigures.objects.filter(day=day).delete()
    # One statement for all rows (COPY, or one executemany): the query count stays fixed.
    insert_rows(DailyFigures, COLUMNS, rows, batch=max(1, len(rows)))
    return Recount(day=day, rows=len(rows), frozen=frozen, computed_at=at)


@transaction.atomic
def freeze_day(day: datetime.date, by: Any = None,
               at: datetime.datetime | None = None) -> FrozenDay:
    """Count the day one last time and freeze its report figures; a frozen day stays as it is."""
    at = at or timezone.now()
    check_day(day, at)
    existing = FrozenDay.objects.select_for_update().filter(day=day).first()
    if existing is not None:
        return existing
    recompute_day(day, at)
    return FrozenDay.objects.create(day=day, frozen_at=at, frozen_by=by)


def freeze_due(at: datetime.datetime | None = None) -> list[FrozenDay]:
    """Freeze today once its cutoff has passed, and yesterday if it was missed (the worker was
    down at the cutoff): what the task at the cutoff runs."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    due = [today - datetime.timedelta(days=1)]
    if at >= cutoff_at(today):
        due.append(today)
    frozen = set(FrozenDay.objects.filter(day__in=due).values_list("day", flat=True))
    return [freeze_day(day, at=at) for day in due if day not in frozen]
