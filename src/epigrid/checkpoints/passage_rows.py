"""Checked passages turned into rows and inserted in bulk: the hot path of the batch API.

Django's bulk_create builds a model instance per row and prepares every value through its field
(and on SQLite splits 500 rows into statements of 49); at thousands of passages a second that is
most of the time. Here one statement per batch takes values adapted by the backend's own
adapters, so the stored rows are exactly what the ORM would write. On PostgreSQL the values go
as one array per column (INSERT ... SELECT FROM unnest(...)): 20 parameters instead of 10,000,
which psycopg's client-side binding would otherwise parse out of a huge statement, sent in
binary (each distinct value of a column dumped once: core.arrays) and prepared; the same
statement adds the stored passages to their hours. On SQLite a multi-row VALUES, up to the
library's own limit of parameters. Either way `ON CONFLICT (client_id) DO NOTHING RETURNING`
stores a resent passage once without looking it up first: the rows it answers are the ones
stored now. A lone passage (`store_checked`) is inserted from its checkpoint as the user's scope
finds it, with its person, in that one statement.
"""

from __future__ import annotations

import datetime
import functools
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import Field

from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints import passage_hours, passage_scope
from epigrid.checkpoints.models import Passage
from epigrid.checkpoints.passage_items import Item
from epigrid.core.arrays import Column
from epigrid.core.rows import execute_binary, fetch_all
from epigrid.registry.models import Person

COLUMNS = ("client_id", "checkpoint_id", "area_path", "at", "kind", "plate", "passengers",
           "direction", "temperature", "origin", "destination", "destination_area_id",
           "decision", "name", "person_id", "id_number_enc", "id_number_hash",
           "id_number_masked", "recorded_by_id", "received_at")
POSTGRES_PARAMS = 65535
# The columns whose values a batch hardly repeats (core.arrays.Column's `distinct`).
UNREPEATED = frozenset({"client_id", "at"})


@dataclass
class Row:
    """A checked passage with its sealed ID number and matched person, about to be stored.

    It reads like a Passage where passage_hours and the fever referral look."""

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

    def values(self, native: bool, checkpoint: bool = True) -> tuple[Any, ...]:
        """The values of COLUMNS but the last two (who recorded it and when it was received,
        the same for a whole batch). `native`: the backend takes UUIDs and aware datetimes as
        they are (PostgreSQL); else they are adapted as the ORM would (SQLite). Without
        `checkpoint`, the checkpoint's id and path are None (store_checked reads them)."""
        item = self.item
        return (item.client_id if native else item.client_id.hex,
                item.checkpoint.pk if checkpoint else None,
                item.checkpoint.area.path if checkpoint else None,
                item.at if native else connection.ops.adapt_datetimefield_value(item.at),
                item.kind, item.plate, item.passengers, item.direction, item.temperature,
                item.origin, item.destination,
                item.destination_area.pk if item.destination_area else None, item.decision,
                item.name, self.person_id, self.id_number_enc, self.id_number_hash,
                self.id_number_masked)

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


@functools.cache
def _sql_type(name: str) -> str:
    """The PostgreSQL type a column's values are sent as; varchar(n) as text, so that a value
    too long fails the insert (assignment cast) instead of being cut by an explicit cast."""
    field = cast(Field, Passage._meta.get_field(name.removesuffix("_id") if name.endswith(
        "_id") and name != "client_id" else name))
    kind = str(field.db_type(connection))
    return "text" if kind.startswith("varchar") else kind.split("(")[0]


# What the hours read of each passage stored (passage_hours.count_sql).
COUNTED = ("checkpoint_id", "area_path", "at", "kind", "passengers", "direction", "decision")


@functools.cache
def _store_sql(vendor: str, one: bool = False) -> str:
    """Insert the passages and add the stored ones to their hours: one statement, so one
    passage is counted exactly when it is stored, without a round trip (or a transaction) of
    its own. Only our own quoted names and types are formatted in; every value is a parameter.

    The values go as one array per column (`unnest`), or for a single passage (`one`: the
    single API, a passage a second from every device) as plain values of the same types:
    dumping twenty one-element arrays cost more CPU than the rest of the statement's client
    side. Either way the passages come from `source` with the same columns and types.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in COLUMNS)
    if one:
        values = ", ".join(f"%b::{_sql_type(name)}" for name in COLUMNS[:-2])
        source = f"SELECT {values}, %b::bigint, %b::timestamptz"
    else:
        arrays = ", ".join(f"%b::{_sql_type(name)}[]" for name in COLUMNS[:-2])
        source = f"SELECT *, %b::bigint, %b::timestamptz FROM unnest({arrays})"  # noqa: S608
    counted = ", ".join(quote(name) for name in COUNTED)
    return (f"WITH stored AS (INSERT INTO {quote(Passage._meta.db_table)} ({columns}) "  # noqa: S608
            f"{source} "
            f"ON CONFLICT (client_id) DO NOTHING RETURNING client_id, id, {counted}), "
            f"hours AS ({passage_hours.count_sql('stored')}) "
            "SELECT client_id, id FROM stored")


def _store_postgresql(rows: list[Row], recorded_by_id: int | None,
                      now: datetime.datetime) -> dict[uuid.UUID, int]:
    """Django's cursors bind on the client (quoting every array element in Python); a
    server-side binding cursor on the same connection sends the arrays in binary, and runs the
    statement prepared once it has run a few times."""
    if len(rows) == 1:  # in the order of the placeholders
        params = [*rows[0].values(native=True), recorded_by_id, now]
    else:
        columns = zip(*(row.values(native=True) for row in rows), strict=True)
        arrays = (Column(values, _sql_type(name), name in UNREPEATED)
                  for name, values in zip(COLUMNS[:-2], columns, strict=True))
        params = [recorded_by_id, now, *arrays]
    found = execute_binary(_store_sql(connection.vendor, len(rows) == 1), params,
                           fetch=True) or []
    return {_as_uuid(client_id): pk for client_id, pk in found}


@functools.cache
def _checked_store_sql(vendor: str, scope: str, match_person: bool) -> str:
    """_store_sql for one passage whose checkpoint is checked in the same statement: `cp` is the
    checkpoint if the user may log there (passage_scope's rule), with its area's path, and the
    passage is inserted from it, so none is stored at a checkpoint not found. `match_person`:
    the registry's person of the ID number's hash is found here too (persons_by_hash's rule).
    Answers whether the checkpoint was found and the id stored (NULL: sent before)."""
    quote = connection.ops.quote_name
    person = connection.ops.quote_name(Person._meta.db_table)
    values = []
    for name in COLUMNS[:-2]:
        if name == "checkpoint_id":
            values.append("cp.id")
        elif name == "area_path":
            values.append("cp.path")
        elif name == "person_id" and match_person:
            # One person of that hash, or none (persons_by_hash's rule).
            values.append(f"(SELECT CASE WHEN count(*) = 1 THEN min(p.id) END "  # noqa: S608
                          f"FROM {person} p "
                          "WHERE p.id_number_hash = %b::text AND NOT p.id_number_hash = '')")
        else:
            values.append(f"%b::{_sql_type(name)}")
    counted = ", ".join(quote(name) for name in COUNTED)
    return (f"WITH cp AS (SELECT c.id, a.path "  # noqa: S608 - our own names
            f"FROM {quote(Checkpoint._meta.db_table)} c "
            f"JOIN {quote(Area._meta.db_table)} a ON a.id = c.area_id "
            f"WHERE c.id = %b::bigint{passage_scope.scope_condition(scope, typed=True)}), "
            f"stored AS (INSERT INTO {quote(Passage._meta.db_table)} "
            f"({', '.join(quote(name) for name in COLUMNS)}) "
            f"SELECT {', '.join(values)}, %b::bigint, %b::timestamptz FROM cp "
            f"ON CONFLICT (client_id) DO NOTHING RETURNING client_id, id, {counted}), "
            f"hours AS ({passage_hours.count_sql('stored')}) "
            "SELECT EXISTS (SELECT FROM cp), (SELECT id FROM stored)")


def store_checked(row: Row, scope: tuple[str, list[Any]], recorded_by_id: int | None,
                  now: datetime.datetime) -> tuple[bool, int | None]:
    """Store one passage (PostgreSQL) in one statement that also checks its checkpoint against
    the user's `scope` (passage_scope.scope_of) and, when it has an ID number's hash, matches
    its person: whether the checkpoint was found, and the passage's new id (None: its client id
    was stored before, or the checkpoint was not found; nothing was written then), also set as
    the row's pk. The row's checkpoint is only its id: the statement reads its area's path."""
    kind, scope_params = scope
    item = row.item
    match_person = bool(row.id_number_hash)
    params: list[Any] = [item.checkpoint.pk, *scope_params]
    for name, value in zip(COLUMNS[:-2], row.values(native=True, checkpoint=False),
                           strict=True):
        if name in ("checkpoint_id", "area_path"):
            continue
        if name == "person_id" and match_person:
            value = row.id_number_hash
        params.append(value)
    params += [recorded_by_id, now]
    found = execute_binary(_checked_store_sql(connection.vendor, kind, match_person), params,
                           fetch=True)
    checked, pk = found[0] if found else (False, None)
    row.pk = pk
    return bool(checked), pk


def existing(client_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The stored passages among these client ids (one array parameter on PostgreSQL)."""
    if not client_ids:
        return {}
    if connection.vendor != "postgresql":
        return dict(Passage.objects.filter(client_id__in=client_ids).values_list(
            "client_id", "pk"))
    table = connection.ops.quote_name(Passage._meta.db_table)
    found = fetch_all(f"SELECT client_id, id FROM {table} "  # noqa: S608 - our own names
                      "WHERE client_id = ANY(%b::uuid[])", [client_ids])
    return {_as_uuid(client_id): pk for client_id, pk in found}


def persons_by_hash(hashes: set[str]) -> dict[str, int]:
    """The registry's persons with these ID-number hashes, by hash (only when some passage has
    an ID number: a fifth of them)."""
    if not hashes:
        return {}
    table = connection.ops.quote_name(Person._meta.db_table)
    where = "= ANY(%b::text[])" if connection.vendor == "postgresql" else \
        f"IN ({', '.join(['%s'] * len(hashes))})"
    params: list[Any] = [list(hashes)] if connection.vendor == "postgresql" else list(hashes)
    # NOT ... = '': the words of the hash index's condition (core.indexes), which a bound list
    # alone does not prove.
    found = fetch_all(f"SELECT id_number_hash, id FROM {table} "  # noqa: S608 - our own names
                      f"WHERE id_number_hash {where} AND NOT id_number_hash = ''", params)
    # Two persons of one hash (a duplicate the registry has not resolved yet) match nobody,
    # as in store_checked and a lab's results: a fever referred to the wrong person is worse
    # than one referred unidentified.
    persons: dict[str, int] = {}
    shared: set[str] = set()
    for hashed, pk in found:
        if hashed in persons:
            shared.add(hashed)
        persons[hashed] = pk
    for hashed in shared:
        del persons[hashed]
    return persons


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def store(rows: list[Row], recorded_by_id: int | None, now: datetime.datetime) -> list[Row]:
    """Insert the rows whose client id is not stored yet and add them to their hours; set their
    pk and answer them. A row whose client id is stored already (sent before, or by a request
    running alongside) is neither inserted nor counted and keeps no pk. No look-up first."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        ids = _store_postgresql(rows, recorded_by_id, now)
    else:
        ids = _insert_values(rows, recorded_by_id, now)
    stored = []
    for row in rows:
        row.pk = ids.get(row.item.client_id)
        if row.pk is not None:
            stored.append(row)
    if connection.vendor != "postgresql":
        passage_hours.count_into_hours(stored)
    return stored


def _insert_values(rows: list[Row], recorded_by_id: int | None,
                   now: datetime.datetime) -> dict[uuid.UUID, int]:
    table = connection.ops.quote_name(Passage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    batch_values = (recorded_by_id, connection.ops.adapt_datetimefield_value(now))
    returning = connection.features.can_return_rows_from_bulk_insert
    # Without RETURNING (SQLite before 3.35), the ids stored before tell the new ones apart;
    # SQLite runs one writing transaction at a time, so none can slip in between.
    before = set() if returning else set(existing([row.item.client_id for row in rows]))
    step = _rows_per_statement()
    ids: dict[uuid.UUID, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            params = [value for row in chunk
                      for value in (*row.values(native=False), *batch_values)]
            # Only our own quoted names are formatted in; every value is a parameter.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} " \
                  "ON CONFLICT (client_id) DO NOTHING"  # noqa: S608
            if returning:
                sql += " RETURNING client_id, id"
            cursor.execute(sql, params)
            if returning:
                ids.update((_as_uuid(client_id), pk) for client_id, pk in cursor.fetchall())
    if not returning:
        ids = {client_id: pk for client_id, pk in existing(
            [row.item.client_id for row in rows]).items() if client_id not in before}
    return ids
