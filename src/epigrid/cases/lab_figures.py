"""What a lab manages: tests per day against its capacity, and its turnaround 检测时效.

Over the last WINDOW_DAYS days, by result time: how many results were made (their daily mean
set against the lab's daily capacity) and the median hours from sampling to result. One query
for all the labs of a list; PostgreSQL takes the median itself, SQLite gets the durations.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from epigrid.cases.models import Lab, LabTest

WINDOW_DAYS = 7
R = LabTest.Result


@dataclass(frozen=True)
class LabLoad:
    results: int  # final results in the window
    per_day: float
    median_hours: float | None
    capacity: int

    @property
    def use_percent(self) -> int | None:
        """The daily mean as a share of the capacity; None for a lab without one."""
        return round(100 * self.per_day / self.capacity) if self.capacity else None

    @property
    def over_capacity(self) -> bool:
        return bool(self.capacity) and self.per_day > self.capacity


def _window(now: datetime.datetime | None) -> tuple[datetime.datetime, datetime.datetime]:
    end = now or timezone.now()
    return end - datetime.timedelta(days=WINDOW_DAYS), end


def _pg_medians(lab_ids: list[int], start: datetime.datetime, end: datetime.datetime
                ) -> dict[int, tuple[int, float | None]]:
    table = connection.ops.quote_name(LabTest._meta.db_table)
    sql = (f"SELECT lab_id, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY "  # noqa: S608
           f"extract(epoch FROM resulted_at - sampled_at)) FROM {table} "
           "WHERE lab_id = ANY(%s) AND resulted_at >= %s AND resulted_at < %s "
           "AND result <> %s GROUP BY lab_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [lab_ids, start, end, R.PENDING])
        return {lab: (count, None if seconds is None else float(seconds) / 3600)
                for lab, count, seconds in cursor.fetchall()}


def _python_medians(lab_ids: list[int], start: datetime.datetime, end: datetime.datetime
                    ) -> dict[int, tuple[int, float | None]]:
    durations: dict[int, list[float]] = {}
    rows = (LabTest.objects.filter(lab_id__in=lab_ids, resulted_at__gte=start,
                                   resulted_at__lt=end).exclude(result=R.PENDING)
            .order_by().values_list("lab_id", "sampled_at", "resulted_at"))
    for lab, sampled, resulted in rows:
        durations.setdefault(lab, []).append((resulted - sampled).total_seconds() / 3600)
    return {lab: (len(hours), statistics.median(hours)) for lab, hours in durations.items()}


def lab_loads(labs: Sequence[Lab], now: datetime.datetime | None = None) -> dict[int, LabLoad]:
    """Each lab's load over the last week, by lab id: one query."""
    ids = [lab.pk for lab in labs]
    if not ids:
        return {}
    start, end = _window(now)
    found = (_pg_medians if connection.vendor == "postgresql" else _python_medians)(
        ids, start, end)
    loads = {}
    for lab in labs:
        count, median = found.get(lab.pk, (0, None))
        loads[lab.pk] = LabLoad(count, round(count / WINDOW_DAYS, 1),
                                None if median is None else round(median, 1),
                                lab.daily_capacity)
    return loads


def daily_counts(lab: Lab, now: datetime.datetime | None = None) -> list[tuple[datetime.date,
                                                                               int]]:
    """Final results per local day over the window, oldest first, days without any included."""
    start, end = _window(now)
    rows = (LabTest.objects.filter(lab=lab, resulted_at__gte=start, resulted_at__lt=end)
            .exclude(result=R.PENDING).order_by().annotate(day=TruncDate("resulted_at"))
            .values("day").annotate(n=Count("pk")).values_list("day", "n"))
    counts: dict[datetime.date, int] = dict(rows)
    first = timezone.localdate(start)
    days = [first + datetime.timedelta(days=offset) for offset in range(WINDOW_DAYS + 1)]
    return [(day, counts.get(day, 0)) for day in days]


def unmatched_counts(labs: Sequence[Lab]) -> dict[int, int]:
    """Results of each lab waiting for a person (the lab's queue)."""
    rows = (LabTest.objects.filter(lab__in=labs, match=LabTest.Match.UNMATCHED).order_by()
            .values("lab_id").annotate(n=Count("pk")).values_list("lab_id", "n"))
    return dict(rows)

