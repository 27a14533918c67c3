"""Allocating primary keys before insert, so a row's materialized path can name its own id."""

from __future__ import annotations

from django.db import connection, models


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` fresh ids of `model`. Call inside a transaction on SQLite.

    PostgreSQL draws them from the table's identity sequence; SQLite (whose writers are serialized
    by the IMMEDIATE transaction mode) continues after the highest id it ever handed out.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count])
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk_column)}), 0) "  # noqa: S608
                       f"FROM {quoted}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row and row[0] > highest:
            highest = row[0]
        first = highest + 1
        # Record the reservation so a concurrent autoincrement insert cannot take these ids.
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                       [first + count - 1, table])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                           [table, first + count - 1])
        return list(range(first, first + count))


class IdPool:
    """Ids of a model reserved before they are needed (allocate_ids), for rows made where the
    database must not be used: while a COPY runs on the connection. Reserve outside any savepoint
    that may be rolled back: on SQLite the reservation is a write, and rolled back, the same ids
    would be handed out again."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.ids: list[int] = []

    def reserve(self, count: int) -> None:
        """Have at least `count` ids at hand."""
        if len(self.ids) < count:
            self.ids += allocate_ids(self.model, count - len(self.ids))

    def take(self, count: int) -> list[int] | None:
        """`count` reserved ids in ascending order, or None (none taken) when fewer are at hand."""
        if count > len(self.ids):
            return None
        taken, self.ids = self.ids[:count], self.ids[count:]
        return taken
