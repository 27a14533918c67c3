"""A second database session beside the test's, as another process would hold (PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
from django.db import connection

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
