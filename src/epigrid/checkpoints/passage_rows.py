"""Checked passages turned into rows and inserted in bulk: the hot path of the batch API.

Django's bulk_create builds a model instance per row and prepares every value through its field
(and on SQLite splits 500 rows into statements of 49); at thousands of passages a second that is
most of the time. Here one statement per batch takes values adapted by the backend's own
adapters, so the stored rows are exactly what the ORM would write. On PostgreSQL the values go
as one array per column (INSERT ... SELECT FROM unnest(...)): 20 parameters instead of 10,000,
which psycopg's client-side binding would otherwise parse out of a huge statement. On SQLite a
multi-row VALUES, up to the library's own limit of parameters.
"""

from __future__ import annotations

import datetime
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from django.db import connection
from django.db.models import Field

from epigrid.checkpoints.models import Passage
from epigrid.checkpoints.passage_items import Item

COLUMNS = ("client_id", "checkpoint_id", "area_path", "at", "kind", "plate", "passengers",
           "direction", "temperature", "origin", "destination", "destination_area_id",
           "decision", "name", "person_id", "id_number_enc", "id_number_hash",
           "id_number_masked", "recorded_by_id", "received_at")
POSTGRES_PARAMS = 65535


@dataclass
class Row:
    """A checked passage with its sealed ID number and matched person, about to be stored.

    It reads like a Passage where count_into_hours and the fever referral look."""

    item: Item
    person_id: int | None = None
    id_number_enc: str = ""
    id_number_hash: str = ""
    id_number_masked: str = ""
    pk: int | None = None

    @property
    def checkpoint_id(self) -> int:
        return self.item.checkpoint.pk

    @property
    def area_path(self) -> str:
        return self.item.checkpoint.area.path

    @property
    def at(self) -> datetime.datetime:
        return self.item.at

    @property
    def direction(self) -> str:
        return self.item.direction

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def passengers(self) -> int:
        return self.item.passengers

    @property
    def decision(self) -> str:
        return self.item.decision

    def values(self, recorded_by_id: int | None, received_at: Any) -> tuple[Any, ...]:
        item = self.item
        ops = connection.ops
        client_id = item.client_id if connection.features.has_native_uuid_field \
            else item.client_id.hex
        return (client_id, item.checkpoint.pk, item.checkpoint.area.path,
                ops.adapt_datetimefield_value(item.at), item.kind, item.plate, item.passengers,
                item.direction, item.temperature, item.origin, item.destination,
                item.destination_area.pk if item.destination_area else None, item.decision,
                item.name, self.person_id, self.id_number_enc, self.id_number_hash,
                self.id_number_masked, recorded_by_id, received_at)

    def passage(self, recorded_by_id: int | None) -> Passage:
        """The stored passage as a model instance (for the few rows that need one: fevers)."""
        item = self.item
        return Passage(pk=self.pk, client_id=item.client_id, checkpoint=item.checkpoint,
                       area_path=self.area_path, at=item.at, kind=item.kind, plate=item.plate,
                       passengers=item.passengers, direction=item.direction,
                       temperature=item.temperature, origin=item.origin,
                       destination=item.destination, destination_area=item.destination_area,
                       decision=item.decision, name=item.name, person_id=self.person_id,
                       id_number_enc=self.id_number_enc, id_number_hash=self.id_number_hash,
                       id_number_masked=self.id_number_masked, recorded_by_id=recorded_by_id)


def _rows_per_statement() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = POSTGRES_PARAMS
    return max(1, limit // len(COLUMNS))


def _array_type(name: str) -> str:
    """The PostgreSQL array type of a column; varchar(n) as text[], so that a value too long
    fails the insert (assignment cast) instead of being cut by an explicit cast."""
    field = cast(Field, Passage._meta.get_field(name.removesuffix("_id") if name.endswith(
        "_id") and name != "client_id" else name))
    kind = str(field.db_type(connection))
    return ("text" if kind.startswith("varchar") else kind.split("(")[0]) + "[]"


def _insert_postgresql(rows: list[Row], recorded_by_id: int | None,
                       now: datetime.datetime) -> dict[uuid.UUID, int]:
    table = connection.ops.quote_name(Passage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    arrays = ", ".join(f"%b::{_array_type(name)}" for name in COLUMNS)
    values = [row.values(recorded_by_id, now) for row in rows]
    params = [list(column) for column in zip(*values, strict=True)]
    # Only our own quoted names and types are formatted in; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) " \
          "RETURNING client_id, id"  # noqa: S608
    # Django's cursors bind on the client (quoting every array element in Python); a plain
    # psycopg cursor on the same connection, in the same transaction, sends them in binary.
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return {_as_uuid(client_id): pk for client_id, pk in cursor.fetchall()}


def existing(client_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The stored passages among these client ids (one array parameter on PostgreSQL)."""
    if not client_ids:
        return {}
    if connection.vendor != "postgresql":
        return dict(Passage.objects.filter(client_id__in=client_ids).values_list(
            "client_id", "pk"))
    table = connection.ops.quote_name(Passage._meta.db_table)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # binary, as in _insert_postgresql
        cursor.execute(f"SELECT client_id, id FROM {table} "  # noqa: S608
                       "WHERE client_id = ANY(%b::uuid[])", [client_ids])
        return {_as_uuid(client_id): pk for client_id, pk in cursor.fetchall()}


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def insert(rows: list[Row], recorded_by_id: int | None, now: datetime.datetime) -> None:
    """Insert the rows and set each row's pk."""
    insert_rows = _insert_postgresql if connection.vendor == "postgresql" else _insert_values
    ids = insert_rows(rows, recorded_by_id, now)
    for row in rows:
        row.pk = ids[row.item.client_id]


def _insert_values(rows: list[Row], recorded_by_id: int | None,
                   now: datetime.datetime) -> dict[uuid.UUID, int]:
    table = connection.ops.quote_name(Passage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    received_at = connection.ops.adapt_datetimefield_value(now)
    returning = connection.features.can_return_rows_from_bulk_insert
    step = _rows_per_statement()
    ids: dict[uuid.UUID, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            params = [value for row in chunk for value in row.values(recorded_by_id, received_at)]
            # Only our own quoted names are formatted in; every value is a parameter.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}"  # noqa: S608
            if returning:
                sql += " RETURNING client_id, id"
            cursor.execute(sql, params)
            if returning:
                ids.update((_as_uuid(client_id), pk) for client_id, pk in cursor.fetchall())
    if not returning:
        ids = existing([row.item.client_id for row in rows])
    return ids
