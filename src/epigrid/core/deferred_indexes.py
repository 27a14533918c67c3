"""Loading millions of rows into tables whose secondary indexes and foreign keys wait for the end.

During a COPY, PostgreSQL maintains every index of a table row by row: once the indexes on
random keys (keyed hashes, names) outgrow the buffer cache, each row costs page reads, and a load
of the city's 11 million persons slows to a crawl. Django's foreign keys are deferred to the
commit, which then checks (and locks) each referenced row one by one while holding every pending
check in memory. Building each index once after the load, and checking each foreign key with one
query, is many times faster.

`deferred_indexes(models)` drops the indexes and foreign keys that Django's schema editor makes
for the models (the statements their migrations ran: names and definitions come from the editor,
none is written here), runs the load in a savepoint, and recreates exactly the ones it dropped in
a `finally`, so a failed load never leaves a table without them. The whole runs in a transaction:
a process killed half-way rolls the drops back too. Primary keys and unique constraints stay:
they guard the rows being loaded. An index the database lacks (a migration not applied) is
neither dropped nor created. PostgreSQL only; elsewhere it just runs the load.

`keep` names the (model, column) pairs whose indexes the load itself reads (an importer finding
the rows it has already written): they stay. Dropping an index takes the table's exclusive lock
until the commit, so no one else reads the table meanwhile; with `lock_wait`, a load that cannot
have the locks that soon (someone is reading) sets nothing aside and runs with the indexes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, models, transaction

from epigrid.core import planner_stats
from epigrid.core.constraints import check_deferred

# Memory for each index build (the session's default, 64 MB, sorts 11 M keys on disk).
INDEX_BUILD_MEMORY = "512MB"
LOCK_NOT_AVAILABLE = "55P03"  # the SQLSTATE of a lock not had within lock_timeout
# (model, column): the indexes on that column (as their first) are kept.
Kept = Collection[tuple[type[models.Model], str]]


@dataclass(frozen=True)
class Deferred:
    model: type[models.Model]
    name: str
    kind: str  # "index" or "foreign key"
    create: Any  # the schema editor's Statement that makes it again


def _name(statement: Any) -> str:
    return str(statement.parts["name"]).strip('"')


def _first_column(statement: Any) -> str | None:
    columns = getattr(statement.parts.get("columns"), "columns", None)
    return str(columns[0]) if columns else None


def planned(editor: Any, model: type[models.Model], keep: Kept = ()) -> list[Deferred]:
    """The secondary indexes and foreign keys the schema editor makes for `model`, less the
    indexes `keep` names."""
    found = [Deferred(model, _name(statement), "index", statement)
             for statement in editor._model_indexes_sql(model)
             if (model, _first_column(statement)) not in keep]
    for field in model._meta.local_concrete_fields:
        # (django-stubs do not type db_constraint.)
        if isinstance(field, models.ForeignKey) and getattr(field, "db_constraint", True):
            # The suffix Django's own column_sql gives a new table's foreign keys.
            statement = editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
            found.append(Deferred(model, _name(statement), "foreign key", statement))
    return found


def _existing(model: type[models.Model]) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


def _drop(editor: Any, models_: Sequence[type[models.Model]], keep: Kept) -> list[Deferred]:
    dropped = []
    for model in models_:
        existing = _existing(model)
        for item in planned(editor, model, keep):
            if item.name not in existing:
                continue
            if item.kind == "index":
                editor.execute(editor._delete_index_sql(model, item.name))
            else:
                editor.execute(editor._delete_fk_sql(model, item.name))
            dropped.append(item)
    return dropped


def _drop_if_free(editor: Any, models_: Sequence[type[models.Model]], keep: Kept,
                  lock_wait: str) -> list[Deferred]:
    """_drop(), or nothing when a table's lock is not had within `lock_wait`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        before = cursor.fetchone()[0]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_wait])
            dropped = _drop(editor, models_, keep)
    except OperationalError as exc:  # the savepoint undid any drop
        if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        dropped = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
    return dropped


def _restore(editor: Any, dropped: list[Deferred]) -> None:
    # Indexes first: a foreign key's check then reads the referencing table once.
    for item in sorted(dropped, key=lambda item: item.kind != "index"):
        editor.execute(item.create)


@contextmanager
def deferred_indexes(models_: Sequence[type[models.Model]],
                     log: Callable[[str], None] | None = None, *, keep: Kept = (),
                     lock_wait: str | None = None) -> Iterator[list[Deferred]]:
    """Run the body with the models' secondary indexes and foreign keys dropped (PostgreSQL);
    yields those dropped."""
    if connection.vendor != "postgresql":
        yield []
        return
    with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
        # A table with checks still pending in this transaction cannot be altered.
        check_deferred()
        dropped = (_drop(editor, models_, keep) if lock_wait is None
                   else _drop_if_free(editor, models_, keep, lock_wait))
        try:
            with transaction.atomic():  # a failed load rolls back to here; the restore can run
                yield dropped
        finally:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = %s", [INDEX_BUILD_MEMORY])
            _restore(editor, dropped)
            planner_stats.analyze(item.model._meta.db_table for item in dropped)
            if log is not None:
                log(f"recreated {len(dropped)} indexes and foreign keys in "
                    f"{time.perf_counter() - started:.1f} s")
