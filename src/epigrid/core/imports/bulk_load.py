"""A large first load: an import that brings at least as many rows as its table holds.

A district's first roster 花名册 brings hundreds of thousands of persons into a registry that
holds few. PostgreSQL's manual ("Populating a Database") advises, for such a load, to drop the
indexes and foreign keys, load, and build them again: each index is then built once from sorted
keys instead of maintained row by row, and each foreign key is checked with one query instead
of one per row. Measured on 1,000,000 roster rows: the server's share fell from 24 to 9 µs a
row, and the import from 33 to 23 s, its indexes' rebuild (3.3 s) included.

An importer names its tables and the indexes it reads while it writes (`BulkLoad`); the runner
asks `deferring()` around the run (PostgreSQL). The run is one transaction: a failed load
restores the indexes, and a killed process rolls the drops back. While the indexes are set
aside the tables are locked: other users' pages that read them wait for the import to end. That
is why only a load at least as large as the table (and IMPORT_BULK_LOAD_MIN_ROWS) does it, and
only when the locks are had within LOCK_WAIT (no one reading for that long); otherwise the run
writes with the indexes in place, as any smaller import does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import connection
from django.db.models import Model

from epigrid.core.deferred_indexes import deferred_indexes
from epigrid.core.imports.readers import file_kind

LOCK_WAIT = "2s"
CHUNK = 1 << 20
# Shorter than any data line of a bulk-loading importer (a roster's has 13 commas, a grid code
# and a name): a file smaller than this many bytes a row cannot hold the rows asked, uncounted.
LEAST_LINE_BYTES = 16


@dataclass(frozen=True)
class BulkLoad:
    """The tables a large load fills, and the (model, column) indexes it reads as it writes."""

    models: tuple[type[Model], ...]
    keep: tuple[tuple[type[Model], str], ...] = ()


def csv_lines(source: IO[bytes]) -> int:
    """The lines of a text file (a cell holding a line break counts twice: an estimate)."""
    start = source.tell()
    source.seek(0)
    try:
        lines, last = 0, b""
        while chunk := source.read(CHUNK):
            lines, last = lines + chunk.count(b"\n"), chunk
        return lines + (1 if last and not last.endswith(b"\n") else 0)
    finally:
        source.seek(start)


def estimated_rows(source: IO[bytes], file_name: str, least: int) -> int:
    """About how many data rows a CSV file holds; 0 when it is too small to hold `least`, or
    a workbook (read far slower than its rows are written: the indexes are not what waits)."""
    start = source.tell()  # the run's reader may have read on already: looked at from byte 0
    size = source.seek(0, 2)
    try:
        source.seek(0)
        if size < least * LEAST_LINE_BYTES or file_kind(source, file_name) != "csv":
            return 0
        return max(0, csv_lines(source) - 1)  # the header
    finally:
        source.seek(start)


def _table_holds_fewer(table: str, rows: int) -> bool:
    """Whether `table` holds fewer than `rows` rows: counted, up to `rows` (a tenth of a
    second a million; the planner's figure may be old, and a load into a table it took for
    empty would lock and rebuild a large one)."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {quoted} LIMIT %s) AS t",  # noqa: S608
                       [rows])
        return int(cursor.fetchone()[0]) < rows


def worth_it(load: BulkLoad | None, source: IO[bytes], file_name: str) -> bool:
    """Whether the file is a large load for the tables (PostgreSQL only)."""
    if load is None or connection.vendor != "postgresql":
        return False
    least = max(1, int(getattr(settings, "IMPORT_BULK_LOAD_MIN_ROWS", 0)))
    rows = estimated_rows(source, file_name, least)
    return rows >= least and _table_holds_fewer(load.models[0]._meta.db_table, rows)


@contextlib.contextmanager
def deferring(load: BulkLoad | None, source: IO[bytes], file_name: str) -> Iterator[bool]:
    """Run the body with the load's indexes set aside when the file is a large load for its
    tables and they are free; yields whether they were."""
    if load is None or not worth_it(load, source, file_name):
        yield False
        return
    with deferred_indexes(load.models, keep=load.keep, lock_wait=LOCK_WAIT) as dropped:
        yield bool(dropped)
