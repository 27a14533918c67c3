"""A lost database connection told apart from a refusal, and the database waited for.

A restart of PostgreSQL (or a cut network) ends every session: the statement running fails, and
so does the rollback after it, whereupon Django drops the connection and opens a new one for the
next query. Long work that meets it (an import on a worker) can then say what happened, and
record it once the database answers again, instead of an "unexpected error" or, while the
database is still down, nothing at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import psycopg
from django.db import InterfaceError, OperationalError, connection

T = TypeVar("T")
LOST_STATES = ("08", "57P01", "57P02", "57P03")

# Seconds between attempts while the database refuses connections (~30 s in all: a restart).
DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


def is_lost(error: BaseException) -> bool:
    """Whether `error`, or an error that led to it, is the connection's loss: the server ended
    the session (SQLSTATE 57P01-57P03: shut down, crashed, starting up), the connection failed
    (class 08), or the client library lost it (no SQLSTATE). Not a refusal, a deadlock or a
    cancelled statement. (Django may already have opened a new connection by then: its atomic
    block reconnects to restore autocommit; the error is the only witness.)"""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, psycopg.OperationalError):
            state = current.sqlstate
            if state is None or state.startswith(LOST_STATES):
                return True
        current = current.__cause__ or current.__context__
    return False


def on_a_new_connection(action: Callable[[], T], delays: tuple[float, ...] = DELAYS) -> T:
    """Run `action` on a fresh connection, again after each delay while the database cannot be
    reached. Outside a transaction only: a transaction does not outlive its connection."""
    if connection.in_atomic_block:
        raise RuntimeError("a lost transaction cannot go on on a new connection")
    for delay in (*delays, None):
        connection.close()  # the next query opens a new one
        try:
            return action()
        except (OperationalError, InterfaceError):
            if delay is None:
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")
