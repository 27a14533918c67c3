"""A second database session beside the test's, as another process would hold, and calls
started together in threads of their own (a connection each): the two-session tests of
PostgreSQL's locks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

# How long a closed session's server process may take to end, and let go of its locks.
GONE_WITHIN_S = 10.0


def other_session() -> psycopg.Connection:
    """A new autocommit connection to the test database; close it (use `with`)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)  # Django's own classes, not the session's concern
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def after_it_ends(check: Callable[[], bool]) -> bool:
    """`check()` once the closed session's server process has ended: closing the connection
    only asks the server to end it, and its locks go when it has (a moment later, under load)."""
    deadline = time.monotonic() + GONE_WITHIN_S
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)
    return check()


JOIN_TIMEOUT_S = 30  # a lock never released shows as a missing answer, not a hung suite


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads of their own (a connection each), started together: what each
    answered, or the ValidationError or database error (an IntegrityError, a deadlock) it
    raised, for the test to assert on."""
    results: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        except (ValidationError, DatabaseError) as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
    return results
