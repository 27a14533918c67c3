"""When PostgreSQL checks a write's foreign keys: at the commit, as Django asks, or at once.

Django makes every foreign key DEFERRABLE INITIALLY DEFERRED: its checks wait for the commit.
A long import should not: a row whose referenced row is gone (a grid deleted while the file
was read) would fail the whole run at its commit instead of being named and refused in its
batch's savepoint, and a million rows' checks would run one after the other at the end, while
the application waits. Checked at once, each statement's checks run as it ends (a COPY in the
writing thread, while the next batch is cleaned), and are forgotten once run.

Checks fired by `SET CONSTRAINTS ALL IMMEDIATE` inside a savepoint are kept until the top
level: running the deferred ones batch by batch would rescan them all each time. Hence the
whole run's statements check at once (`checked_at_once`), not a flush after each batch.
PostgreSQL only: SQLite checks deferred keys at the commit alone, and has no such statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def check_deferred() -> None:
    """Run the checks deferred so far in this transaction, and defer later ones again."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def checked_at_once() -> Iterator[None]:
    """Statements in the body check their foreign keys as they end; those deferred before are
    checked on entry. Inside a transaction (SET CONSTRAINTS lasts until its end); after the
    body, statements defer their checks again, as Django expects. A body that raises leaves
    that to the rollback that follows (a savepoint's rollback restores the setting)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
