"""A second database session beside the test's, as another process would hold (PostgreSQL)."""

from __future__ import annotations

import psycopg
from django.db import connection


def other_session() -> psycopg.Connection:
    """A new autocommit connection to the test database; close it (use `with`)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)  # Django's own classes, not the session's concern
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)
