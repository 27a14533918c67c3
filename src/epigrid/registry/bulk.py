"""Writing many households and persons at once: binary COPY on PostgreSQL, executemany on SQLite.

Rows are plain tuples in the column order below (no model instances: building a million of them
costs more than writing them). They bypass `save()`, so the caller fills `area_path` and the
protected columns itself (registry.services.identity_fields or the importer's fast path) and
audits the batch as a whole (the import framework records one entry per run).

COPY runs on Django's own psycopg connection, so it belongs to the caller's transaction and
savepoints. psycopg's queued writer sends the data from a thread (the GIL is released during
I/O) while this thread goes on formatting rows, and the server inserts as the data arrives.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable, Sequence, Sized
from decimal import Decimal
from typing import Any

from django.db import DataError, IntegrityError, connection
from django.utils import timezone

from epigrid.registry.models import Household, Person

HOUSEHOLD_COLUMNS = ("id", "created_at", "updated_at", "area_path", "grid_id", "number",
                     "address", "head_name", "phone_enc", "phone_hash", "phone_masked")
# A household with its door's location (the roster's, the demo's).
PLACED_HOUSEHOLD_COLUMNS = (*HOUSEHOLD_COLUMNS, "latitude", "longitude")
# Persons get their ids from the table's own sequence.
PERSON_COLUMNS = ("created_at", "updated_at", "area_path", "grid_id", "household_id", "name",
                  "id_number_enc", "id_number_hash", "id_number_masked", "phone_enc",
                  "phone_hash", "phone_masked", "sex", "birth_date", "occupation",
                  "is_medical_staff", "residency", "tags", "returnee_origin", "returned_on")
# The fields an import may change on a person found again (update_persons' column order).
PERSON_UPDATE_COLUMNS = ("name", "phone_enc", "phone_hash", "phone_masked", "occupation",
                         "is_medical_staff", "residency", "tags", "returnee_origin",
                         "returned_on")

# PostgreSQL binary COPY needs each column's type; varchar's binary form is text's.
_PG_TYPES = {"BigAutoField": "int8", "ForeignKey": "int8", "BigIntegerField": "int8",
             "CharField": "text", "TextField": "text", "DateTimeField": "timestamptz",
             "DateField": "date", "BooleanField": "bool", "DecimalField": "numeric"}


def pg_types(model: type[Any], columns: Sequence[str]) -> list[str]:
    """The PostgreSQL type names of the columns, as binary COPY needs them."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    return [_PG_TYPES[fields[column].get_internal_type()] for column in columns]


def _raw() -> Any:
    connection.ensure_connection()
    return connection.connection


class Encoded:
    """Rows already in PostgreSQL's binary COPY form, header to trailer (registry.copy_rows):
    COPYed as they are, in place of an iterable of rows (PostgreSQL only)."""

    def __init__(self, data: bytes, count: int) -> None:
        self.data, self.count = data, count

    def __len__(self) -> int:
        return self.count


def _copy(model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]] | Encoded,
          raw: Any = None, queued: bool = True) -> int:
    """COPY the rows; `queued`: the data sent by psycopg's writer thread while this one formats
    (a caller already in a thread of its own may as well wait for the socket itself)."""
    import psycopg
    from psycopg import sql
    from psycopg.copy import LibpqWriter, QueuedLibpqWriter

    raw = raw if raw is not None else _raw()
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    written = 0
    try:
        with raw.cursor() as cursor, cursor.copy(statement, writer=(
                QueuedLibpqWriter if queued else LibpqWriter)(cursor)) as copy:
            if isinstance(rows, Encoded):
                copy.write(rows.data)
                return rows.count
            copy.set_types(pg_types(model, columns))
            for row in rows:
                copy.write_row(row)
                written += 1
    except psycopg.IntegrityError as exc:  # the import runner knows Django's kinds only
        raise IntegrityError(str(exc)) from exc
    except psycopg.DataError as exc:
        raise DataError(str(exc)) from exc
    return written


def _stamps(model: type[Any], columns: Sequence[str]) -> list[int]:
    """Where the timestamps are: SQLite stores them as naive UTC text (dates adapt alone)."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    return [index for index, column in enumerate(columns)
            if fields[column].get_internal_type() == "DateTimeField"]


def _sqlite_rows(rows: Iterable[Sequence[Any]], stamps: list[int]) -> list[Sequence[Any]]:
    adapted: dict[datetime.datetime, Any] = {}  # a batch shares one `now`: adapt it once
    batch: list[Sequence[Any]] = []
    for row in rows:
        if stamps:
            row = list(row)
            for index in stamps:
                value = row[index]
                if value is not None:
                    if value not in adapted:
                        adapted[value] = connection.ops.adapt_datetimefield_value(value)
                    row[index] = adapted[value]
        batch.append(row)
    return batch


def _executemany(model: type[Any], columns: Sequence[str],
                 rows: Iterable[Sequence[Any]] | Encoded) -> int:
    if isinstance(rows, Encoded):
        raise TypeError("rows encoded for PostgreSQL's COPY cannot be inserted here")
    quote = connection.ops.quote_name
    statement = (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - our own names
                 f"({', '.join(map(quote, columns))}) VALUES ({', '.join(['%s'] * len(columns))})")
    batch = _sqlite_rows(rows, _stamps(model, columns))
    with connection.cursor() as cursor:
        cursor.executemany(statement, batch)
    return len(batch)


def insert_rows(model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain rows (tuples in `columns` order) into the model's table; how many."""
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows)
    return _executemany(model, columns, rows)


# A table's rows to insert: (model, columns, rows in the columns' order).
Rows = Iterable[Sequence[Any]]
Job = tuple[type[Any], Sequence[str], "Rows | Encoded"]


class Behind:
    """Tables' rows being inserted, one table after the other, by a thread of its own
    (`insert_rows_behind`); `finish()` waits for them and answers how many rows of each, or
    raises the database's refusal (as Django's IntegrityError or DataError). Until then the
    caller must not use the database connection. On SQLite they are inserted at once."""

    def __init__(self, jobs: Sequence[Job]) -> None:
        self.written: list[int] = []
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if connection.vendor != "postgresql":
            self.written = [_executemany(*job) if _any(job[2]) else 0 for job in jobs]
            return
        raw = _raw()  # this thread's connection: the writer must not open one of its own
        self._thread = threading.Thread(target=self._run, args=(jobs, raw),
                                        name="import-copy", daemon=True)
        self._thread.start()

    def _run(self, jobs: Sequence[Job], raw: Any) -> None:
        try:
            for model, columns, rows in jobs:
                self.written.append(_copy(model, columns, rows, raw, queued=False)
                                    if _any(rows) else 0)
        except BaseException as exc:  # noqa: BLE001 - raised again by finish() in the caller's thread
            self.error = exc

    def finish(self) -> list[int]:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return self.written


def _any(rows: Iterable[Sequence[Any]] | Encoded) -> bool:
    """False for rows known to be none (an empty list): no statement is sent for them."""
    return not isinstance(rows, Sized) or len(rows) > 0


def insert_rows_behind(*jobs: Job) -> Behind:
    """Like insert_rows for each job in turn, but on PostgreSQL the COPYs run in a thread while
    the caller goes on with work that needs no database (core.imports.behind): the server
    inserts meanwhile. A job's rows may be a generator: it then runs in that thread."""
    return Behind(jobs)


def insert_households(rows: Iterable[Sequence[Any]]) -> int:
    """Rows in HOUSEHOLD_COLUMNS order, with ids from core.ids.allocate_ids."""
    return insert_rows(Household, HOUSEHOLD_COLUMNS, rows)


def insert_persons(rows: Iterable[Sequence[Any]]) -> int:
    """Rows in PERSON_COLUMNS order."""
    return insert_rows(Person, PERSON_COLUMNS, rows)


def update_by_id(model: type[Any], columns: Sequence[str],
                 rows: Iterable[tuple[int, Sequence[Any]]]) -> int:
    """(row id, values in `columns` order) pairs, written with updated_at in one
    executemany."""
    now: Any = timezone.now()
    if connection.vendor != "postgresql":
        now = connection.ops.adapt_datetimefield_value(now)
    params = [(*values, now, pk) for pk, values in rows]
    if not params:
        return 0
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in (*columns, "updated_at"))
    statement = (f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
                 f"WHERE {quote('id')} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)
    return len(params)


def update_persons(rows: Sequence[tuple[int, Sequence[Any]]]) -> int:
    """(person id, values in PERSON_UPDATE_COLUMNS order) pairs, written in one executemany."""
    return update_by_id(Person, PERSON_UPDATE_COLUMNS, rows)


def place_households(locations: dict[int, tuple[Decimal, Decimal]]) -> int:
    """Set registered households' locations, {household id: (latitude, longitude)}."""
    return update_by_id(Household, ("latitude", "longitude"), locations.items())


def select_rows(model: type[Any], columns: Sequence[str], key: str, values: Iterable[Any],
                **equal: Any) -> list[tuple[Any, ...]]:
    """The `columns` of the rows whose `key` column is one of `values` (and whose other columns
    equal `equal`), as tuples in no order.

    On PostgreSQL each value is looked up in the key's index on its own (a lateral subquery per
    value, in index order): for thousands of values in a large table the planner would rather
    scan the whole table once per batch, which makes a big import quadratic. The values travel
    as one comma-separated text (hashes and ids hold no comma): an IN list or an array costs a
    placeholder or the quoting of every item on the client. An empty text is never looked up.
    """
    wanted = sorted(set(values) - {""})
    if not wanted:
        return []
    if connection.vendor != "postgresql":
        found = model.objects.filter(**{f"{key}__in": wanted}, **equal).order_by()
        return list(found.values_list(*columns))
    quote = connection.ops.quote_name
    field = model._meta.get_field(key)
    cast = "bigint" if field.get_internal_type() in ("ForeignKey", "BigAutoField",
                                                    "BigIntegerField") else "text"
    conditions = "".join(f" AND {quote(column)} = %s" for column in equal)
    if cast == "text":  # the keyed hashes' indexes leave out the empty value (core.indexes)
        conditions += f" AND NOT {quote(field.column)} = ''"
    outer = ", ".join(f"found.{quote(column)}" for column in columns)
    inner = (f"SELECT {', '.join(map(quote, columns))} "  # noqa: S608 - our own names
             f"FROM {quote(model._meta.db_table)} "
             f"WHERE {quote(field.column)} = wanted.value{conditions} OFFSET 0")
    statement = (f"SELECT {outer} "  # noqa: S608 - our own names
                 f"FROM unnest(string_to_array(%s, ',')::{cast}[]) AS wanted(value) "
                 f"CROSS JOIN LATERAL ({inner}) AS found")
    with connection.cursor() as cursor:
        cursor.execute(statement, [",".join(map(str, wanted)), *equal.values()])
        return [tuple(row) for row in cursor.fetchall()]
