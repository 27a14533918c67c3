"""Model instances from rows of hand-written SQL, for the few hot paths where compiling an ORM
query costs more than running it (the device APIs: a bearer token's user, a passage's checkpoint).

Compiling a `select_related` query takes the ORM about a millisecond of CPU, several times what
the database spends answering it; at hundreds of requests a second per core that is most of a
request. `Columns(model, names, alias)` gives the quoted column list to SELECT and turns a row's
values back into an instance exactly as the ORM would (through the backend's and the fields'
converters: SQLite's booleans and datetimes come back typed). The fields not selected are
deferred, loaded on first access like those of `.only()`. `fetch_all` runs such a query, on
PostgreSQL as a prepared statement once it has run a few times.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

ModelT = TypeVar("ModelT", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


class Columns(Generic[ModelT]):
    """Some concrete fields of `model`, selected from the table aliased `alias`."""

    def __init__(self, model: type[ModelT], names: Sequence[str], alias: str) -> None:
        self.model = model
        self.alias = alias
        wanted = {model._meta.get_field(name) for name in names}
        # In the model's order: from_db places the values of a partial row by that order.
        self.fields = [field for field in model._meta.concrete_fields if field in wanted]
        if len(self.fields) != len(wanted):
            raise ValueError(f"{model.__name__}: only concrete fields can be selected")
        self.attnames = [field.attname for field in self.fields]
        self._converters: dict[str, list[tuple[int, list[Converter], Any]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self) -> str:
        """`"alias"."column", ...` in the model's order of its fields."""
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(field.column)}"
                         for field in self.fields)

    def _converters_now(self, db: Any) -> list[tuple[int, list[Converter], Any]]:
        found = self._converters.get(db.vendor)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = [*db.ops.get_db_converters(column),
                              *column.get_db_converters(db)]
                if converters:
                    found.append((index, converters, column))
            self._converters[db.vendor] = found
        return found

    def instance(self, values: Sequence[Any]) -> ModelT:
        """The model instance of these values (in the order of `sql()`), as loaded from the
        database: saving it updates the row, the fields not selected load when read."""
        db = connections[DEFAULT_DB_ALIAS]  # the proxy `connection` looks it up at every use
        row = list(values)
        for index, converters, column in self._converters_now(db):
            for convert in converters:
                row[index] = convert(row[index], column, db)
        return self.model.from_db(db.alias, self.attnames, row)


def fetch_all(sql: str, params: Sequence[Any], prepare: bool | None = None
              ) -> list[tuple[Any, ...]]:
    """Run a hand-written SELECT (`%s` placeholders) and answer its rows.

    On PostgreSQL it goes through a server-side binding cursor on Django's connection (in the
    same transaction): psycopg prepares a statement it has run a few times (the connection's
    `prepare_threshold`), so a device's every request is not parsed and planned again; pass
    `prepare=False` for a query whose best plan depends on its values (an array of thousands
    or of one), which a prepared statement's generic plan would not see. Logged
    like Django's own queries, so query counts (assertNumQueries, the debug toolbar) see it.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return execute_binary(sql, params, fetch=True, prepare=prepare) or []


def execute_binary(sql: str, params: Sequence[Any], fetch: bool = False,
                   prepare: bool | None = None) -> list[Any] | None:
    """`sql` on Django's PostgreSQL connection through a plain psycopg cursor (server-side
    binding: `%b` sends a value in binary, `%s` as psycopg sees fit), with Django's error
    classes and its query log."""
    db = connections[DEFAULT_DB_ALIAS]  # once: the proxy `connection` looks it up at every use
    db.ensure_connection()
    db.validate_no_broken_transaction()
    started = time.monotonic()
    try:
        with db.wrap_database_errors:
            cursor = _binary_cursor(db)
            cursor.execute(sql, params, prepare=prepare)
            return cursor.fetchall() if fetch else None
    finally:
        if db.queries_logged:
            db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _binary_cursor(db: Any) -> Any:
    """The psycopg cursor of Django's connection `db` (one per connection, kept while it
    lives): a fresh cursor per query would look up every parameter's dumper and every column's
    loader again, which cost more CPU than the rest of a one-row query's client side. A
    reconnection (another psycopg connection) gets a cursor of its own. It sends a Column
    (core.arrays) as one binary array."""
    import psycopg

    from epigrid.core.arrays import Column, ColumnDumper

    cursor: psycopg.Cursor[Any] | None = getattr(db, "_epigrid_binary_cursor", None)
    if cursor is None or cursor.closed or cursor.connection is not db.connection:
        cursor = psycopg.Cursor(db.connection)
        cursor.adapters.register_dumper(Column, ColumnDumper)
        db._epigrid_binary_cursor = cursor
    return cursor
