"""The hourly figures of stored passages (`PassageHour`): what each passage adds to its hour.

One rule, written twice side by side so that they are read together: `count_into_hours` counts
in Python and upserts the hour rows (SQLite); `COUNT_SQL` is the same count as the second half of
the statement that inserts the passages on PostgreSQL (passage_rows), so that a passage is
counted exactly when it is stored, in the same statement. tests/checkpoints hold both to the same
figures. "persons" counts people: 1 on foot, a vehicle's passengers. Hours are UTC hours.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Protocol

from django.db import connection

from epigrid.checkpoints.models import Decision, Direction, Passage, PassageHour

# PassageHour's counters, in the order count_into_hours keeps them.
COUNTERS = ("passages_in", "passages_out", "vehicles", "persons", "turned_back", "referred",
            "fevers")
UPSERT_ROWS = 500


class PassageLike(Protocol):
    """What the hourly figures read of a passage: a Passage, or a row about to be stored."""

    @property
    def checkpoint_id(self) -> int: ...
    @property
    def area_path(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def passengers(self) -> int: ...
    @property
    def direction(self) -> str: ...
    @property
    def decision(self) -> str: ...


def is_fever(passage: PassageLike) -> bool:
    """A fever referral 发热转诊; clean_item makes every temperature at or over
    settings.FEVER_THRESHOLD one, so figures count decisions alone."""
    return passage.decision == Decision.FEVER


def hour_of(at: datetime.datetime) -> datetime.datetime:
    return at.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def count_into_hours(passages: Iterable[PassageLike]) -> int:
    """Add passages to their checkpoint's hourly figures (one upsert per 500 hours); answers
    how many hour rows were touched."""
    counts: dict[tuple[int, datetime.datetime], list[Any]] = {}
    for passage in passages:
        key = (passage.checkpoint_id, hour_of(passage.at))
        row = counts.get(key)
        if row is None:
            row = counts[key] = [passage.area_path, 0, 0, 0, 0, 0, 0, 0]
        row[1 if passage.direction == Direction.IN else 2] += 1
        row[3] += passage.kind == Passage.Kind.VEHICLE
        row[4] += passage.passengers
        row[5] += passage.decision == Decision.TURNED_BACK
        row[6] += passage.decision == Decision.QUARANTINE
        row[7] += is_fever(passage)
    keys = sorted(counts)  # one lock order for every writer: concurrent batches never deadlock
    for start in range(0, len(keys), UPSERT_ROWS):
        _upsert_hours([(key, counts[key]) for key in keys[start:start + UPSERT_ROWS]])
    return len(keys)


def upsert_sql(source: str) -> str:
    """`INSERT INTO` the hours `source` (VALUES or a SELECT), adding to the hours there."""
    table = connection.ops.quote_name(PassageHour._meta.db_table)
    quoted = [connection.ops.quote_name(name) for name in COUNTERS]
    columns = ", ".join(["checkpoint_id", "area_path", "hour", *quoted])
    adds = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in quoted)
    # Only our own quoted names are formatted in; every value is a parameter.
    return f"INSERT INTO {table} ({columns}) {source} ON CONFLICT (checkpoint_id, hour) " \
           f"DO UPDATE SET {adds}"  # noqa: S608


def _upsert_hours(rows: list[tuple[tuple[int, datetime.datetime], list[Any]]]) -> None:
    one = "(" + ", ".join(["%s"] * (3 + len(COUNTERS))) + ")"
    params: list[Any] = []
    for (checkpoint_id, hour), (area_path, *numbers) in rows:
        params += [checkpoint_id, area_path, connection.ops.adapt_datetimefield_value(hour),
                   *numbers]
    with connection.cursor() as cursor:
        cursor.execute(upsert_sql("VALUES " + ", ".join([one] * len(rows))), params)


def count_sql(stored: str) -> str:
    """count_into_hours in SQL (PostgreSQL): the hours of the passages that the common table
    expression `stored` returns (with their checkpoint_id, area_path, at, kind, passengers,
    direction and decision), in the same lock order."""
    hour = "date_trunc('hour', at, 'UTC')"

    def where(condition: str) -> str:
        return f"count(*) FILTER (WHERE {condition})"

    counts = [where(f"direction = '{Direction.IN}'"), where(f"direction <> '{Direction.IN}'"),
              where(f"kind = '{Passage.Kind.VEHICLE}'"), "sum(passengers)",
              where(f"decision = '{Decision.TURNED_BACK}'"),
              where(f"decision = '{Decision.QUARANTINE}'"), where(f"decision = '{Decision.FEVER}'")]
    # Our own names and choice values only; the passages come from `stored`.
    return upsert_sql(f"SELECT checkpoint_id, min(area_path), {hour}, {', '.join(counts)} "  # noqa: S608
                      f"FROM {stored} GROUP BY checkpoint_id, {hour} ORDER BY 1, 3")
