"""Checkpoint figures 卡口数据: passages in and out, vehicles, persons, turned back 劝返, referred
to quarantine and fevers, per checkpoint or rolled up over an area's subtree, per hour and per day.

Every figure is read from `PassageHour` (one row per checkpoint and hour, added to as passages are
stored); passages are never scanned. An area's figures are one range scan of `area_path` with a
GROUP BY (per hour, per leaf area, per checkpoint), folded into days and child areas in memory.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

from django.db import connection
from django.db.models import DateTimeField, F, Func, Model, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints.models import Decision, Direction, Passage, PassageHour
from epigrid.checkpoints.periods import Period
from epigrid.core.access import ScopedUser, subtree_q

HOUR = datetime.timedelta(hours=1)
ADAPTED_TYPES = frozenset({"UUIDField", "DateTimeField", "DecimalField", "DateField"})
BUSIEST_LIMIT = 10


@dataclass
class Counts:
    """The figures of one hour, day, checkpoint or area (the columns of PassageHour)."""

    passages_in: int = 0
    passages_out: int = 0
    vehicles: int = 0
    persons: int = 0
    turned_back: int = 0
    referred: int = 0
    fevers: int = 0

    @property
    def passages(self) -> int:
        return self.passages_in + self.passages_out

    def add(self, other: Counts) -> None:
        for name in FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "passages": self.passages}

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> Counts:
        return cls(**{name: int(row[name] or 0) for name in FIELDS})


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Counts))
SUMS = {name: Sum(name) for name in FIELDS}


class PassageLike(Protocol):
    checkpoint_id: int
    at: datetime.datetime
    kind: str
    passengers: int
    direction: str
    decision: str


def hour_of(at: datetime.datetime) -> datetime.datetime:
    """The local hour an instant falls in (aware)."""
    return timezone.localtime(at).replace(minute=0, second=0, microsecond=0)


def count_one(passage: PassageLike) -> Counts:
    """What one passage adds to its hour. (A private twin of passages.count_into_hours, so the
    demo and the bench can write hours for passages they insert in bulk.)"""
    return Counts(
        passages_in=int(passage.direction == Direction.IN),
        passages_out=int(passage.direction == Direction.OUT),
        vehicles=int(passage.kind == Passage.Kind.VEHICLE),
        persons=passage.passengers,
        turned_back=int(passage.decision == Decision.TURNED_BACK),
        referred=int(passage.decision == Decision.QUARANTINE),
        fevers=int(passage.decision == Decision.FEVER))


def count_passages(passages: Iterable[PassageLike]) -> dict[tuple[int, datetime.datetime], Counts]:
    """The hour rows of some passages, keyed by (checkpoint id, local hour)."""
    hours: dict[tuple[int, datetime.datetime], Counts] = {}
    for passage in passages:
        key = (passage.checkpoint_id, hour_of(passage.at))
        hours.setdefault(key, Counts()).add(count_one(passage))
    return hours


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]],
                batch: int = 5000) -> int:
    """Insert plain rows (tuples in `columns` order) for the bulk writers of the demo and the
    bench, where a model instance per row would cost more than the insert: COPY on PostgreSQL
    (on Django's connection, so inside the caller's transaction), executemany on SQLite."""
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows)
    fields_by_name = {f.column: f for f in model._meta.concrete_fields}
    adapt = [i for i, name in enumerate(columns)
             if fields_by_name[name].get_internal_type() in ADAPTED_TYPES]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    written, chunk = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for i in adapt:
                values[i] = fields_by_name[columns[i]].get_db_prep_save(values[i], connection)
            chunk.append(values)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                written, chunk = written + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            written += len(chunk)
    return written


def _copy(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    from psycopg import sql

    connection.ensure_connection()
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    written = 0
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def add_hours(counted: Mapping[tuple[int, datetime.datetime], Counts]) -> int:
    """Add counted hours to PassageHour in bulk (for passages inserted in bulk: demo, bench,
    tests); the caller holds the transaction. Returns the number of hour rows written."""
    if not counted:
        return 0
    ids = {checkpoint_id for checkpoint_id, _hour in counted}
    paths = dict(Checkpoint.objects.filter(pk__in=ids).values_list("pk", "area__path"))
    hours = [hour for _id, hour in counted]
    existing = {(row.checkpoint_id, hour_of(row.hour)): row for row in PassageHour.objects.filter(
        checkpoint_id__in=ids, hour__gte=min(hours), hour__lte=max(hours))}
    new, changed = [], []
    for key, more in counted.items():
        row = existing.get(key)
        if row is None:
            new.append((key[0], paths[key[0]], key[1], *(getattr(more, name) for name in FIELDS)))
            continue
        for name in FIELDS:
            setattr(row, name, getattr(row, name) + getattr(more, name))
        changed.append(row)
    insert_rows(PassageHour, ("checkpoint_id", "area_path", "hour", *FIELDS), new)
    PassageHour.objects.bulk_update(changed, list(FIELDS), batch_size=500)
    return len(new) + len(changed)


# --- reading ------------------------------------------------------------------------------------

class OffIndex(Func):
    """`+column`: the same value, which SQLite's planner will not look up in an index."""

    template = "+%(expressions)s"


def hours_in(user: ScopedUser, period: Period) -> QuerySet[PassageHour]:
    rows = PassageHour.objects.restrict(user)
    if connection.vendor == "sqlite":
        # Given an hour range, SQLite walks the hour index (it yields GROUP BY hour's order) and
        # fetches every row by rowid: ten times slower over a district's week than reading the
        # area_path range. Keeping the hour terms off the index leaves it that range.
        return rows.alias(at_hour=OffIndex(F("hour"), output_field=DateTimeField())).filter(
            at_hour__gte=period.start, at_hour__lt=period.end)
    return rows.filter(hour__gte=period.start, hour__lt=period.end)


def by_hour(rows: QuerySet[PassageHour]) -> dict[datetime.datetime, Counts]:
    """One GROUP BY hour: the summed counts of every hour that has a row."""
    return {hour_of(row["hour"]): Counts.of_row(row)
            for row in rows.values("hour").annotate(**SUMS).order_by()}


def every_hour(period: Period, hours: Mapping[datetime.datetime, Counts]
               ) -> list[tuple[datetime.datetime, Counts]]:
    """All hours of the period in order, with zeros where nothing passed (a chart's x axis)."""
    series, at = [], hour_of(period.start)
    while at < period.end:
        series.append((at, hours.get(at, Counts())))
        at = hour_of(at + HOUR)
    return series


def by_day(period: Period, hours: Mapping[datetime.datetime, Counts]
           ) -> list[tuple[datetime.date, Counts]]:
    days = {day: Counts() for day in period.each_day()}
    for hour, counts in hours.items():
        day = timezone.localtime(hour).date()
        if day in days:
            days[day].add(counts)
    return list(days.items())


def total_of(parts: Iterable[Counts]) -> Counts:
    total = Counts()
    for part in parts:
        total.add(part)
    return total


def children_of(user: ScopedUser, area: Area, period: Period) -> list[tuple[Area, Counts]]:
    """The area's children with their subtree's figures: GROUP BY leaf path, summed in memory."""
    children = list(Area.objects.filter(parent=area).order_by("name", "pk"))
    if not children:
        return []
    by_path = {child.path: Counts() for child in children}
    width = len(children[0].path)  # a level's paths share one length
    rows = (hours_in(user, period).filter(subtree_q("area_path", area.path))
            .values("area_path").annotate(**SUMS).order_by())
    for row in rows:
        child = by_path.get(row["area_path"][:width])
        if child is not None:
            child.add(Counts.of_row(row))
    return [(child, by_path[child.path]) for child in children]


def busiest(user: ScopedUser, area: Area, day: datetime.date,
            limit: int = BUSIEST_LIMIT) -> list[tuple[Checkpoint, Counts]]:
    """The checkpoints of the area with the most passages on `day`: two queries."""
    rows = list(hours_in(user, Period(day, day)).filter(subtree_q("area_path", area.path))
                .values("checkpoint_id").annotate(**SUMS)
                .annotate(total=F("passages_in") + F("passages_out"))
                .order_by("-total", "checkpoint_id")[:limit])
    found = Checkpoint.objects.select_related("area").in_bulk([r["checkpoint_id"] for r in rows])
    return [(found[row["checkpoint_id"]], Counts.of_row(row)) for row in rows
            if row["checkpoint_id"] in found]


def area_figures(user: ScopedUser, area: Area, period: Period) -> dict[str, Any]:
    """An area subtree's figures over a period: total, days, every hour and children.

    This is what the area page and its API answer; two GROUP BY queries over PassageHour plus the
    children's names, whatever the number of checkpoints.
    """
    hours = by_hour(hours_in(user, period).filter(subtree_q("area_path", area.path)))
    return {"total": total_of(hours.values()), "days": by_day(period, hours),
            "hours": every_hour(period, hours), "children": children_of(user, area, period)}


def checkpoint_figures(user: ScopedUser, checkpoint: Checkpoint, period: Period
                       ) -> dict[str, Any]:
    hours = by_hour(hours_in(user, period).filter(checkpoint=checkpoint))
    return {"total": total_of(hours.values()), "days": by_day(period, hours),
            "hours": every_hour(period, hours)}


# --- presenting ---------------------------------------------------------------------------------

def chart_data(hours: list[tuple[datetime.datetime, Counts]]) -> dict[str, list[Any]]:
    """The hourly series for the ECharts chart, passed to the page with json_script."""
    return {"hours": [f"{hour:%m-%d %H}:00" for hour, _counts in hours],
            **{name: [getattr(counts, name) for _hour, counts in hours]
               for name in ("passages_in", "passages_out", "vehicles", "turned_back",
                            "fevers")}}


def passage_list_url(checkpoint: Checkpoint | int, day: datetime.date | None = None,
                     hour: int | None = None, decision: str | None = None) -> str | None:
    """Drill-down to the passages behind a figure (the passage list, `checkpoints:passage_list`,
    filtered by checkpoint, day, hour and decision), or None while that page does not exist."""
    try:
        url = reverse("checkpoints:passage_list")
    except NoReverseMatch:
        return None
    params: list[tuple[str, object]] = [
        ("checkpoint", checkpoint if isinstance(checkpoint, int) else checkpoint.pk)]
    params += [("day", day.isoformat())] if day is not None else []
    params += [("hour", hour)] if hour is not None else []
    params += [("decision", decision)] if decision else []
    return url + "?" + "&".join(f"{key}={value}" for key, value in params)
