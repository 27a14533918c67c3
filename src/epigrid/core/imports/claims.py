"""Who runs an import (or a background export) now: a lock of the database session that runs
it, held for the whole run.

A worker killed half way (out of memory, a deploy) leaves its run "running" and its stored file
behind; its transaction died with its session, so nothing of the file was saved. Its task is
delivered again (`acks_late`, `reject_on_worker_lost`: core.tasks). Taking the run's lock then
tells a dead run (the lock is free: it went with the session) from one still running elsewhere
(held), so the second delivery runs the file again from its start, or leaves it alone. The lock
is PostgreSQL's advisory lock; SQLite has none, and there a run found "running" is left as is.

A killed worker's session does not end at the same instant: its server process ends once it
finds the socket closed, at its next read or write (at once when idle, within its statement
otherwise). The redelivery may come first, so a lock found held is asked for again for a while
(`WAIT_SECONDS`) before the run is taken for a live one.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connection

# The first of the lock's two keys, by kind of run (the second is the run's id).
IMPORTS = 0x1E9
EXPORTS = 0x1EA
# How long a lock found held is asked for again, and how often.
WAIT_SECONDS = 60.0
POLL_SECONDS = 0.5


def can_tell() -> bool:
    """Whether a run found "running" can be told dead or alive (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _key(run_id: int, space: int = IMPORTS) -> list[int]:
    return [space, run_id & 0x7FFFFFFF]  # the lock's keys are 32-bit


def _try(cursor: Any, key: list[int]) -> bool:
    cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
    return bool(cursor.fetchone()[0])


def _take(key: list[int]) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    with connection.cursor() as cursor:
        while True:
            if _try(cursor, key):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)


@contextmanager
def claimed(run_id: int, space: int = IMPORTS) -> Iterator[bool]:
    """Hold the run's lock in the body if no other session holds it (or lets it go within
    `WAIT_SECONDS`): True when taken."""
    if not can_tell():
        yield True
        return
    key = _key(run_id, space)
    taken = _take(key)
    try:
        yield taken
    finally:
        # A session lost meanwhile (a restart) took its lock with it: nothing left to free.
        if taken:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


@contextmanager
def claimed_unfinished(run: Any, space: int = IMPORTS) -> Iterator[bool]:
    """claimed(), and the run read again once its lock is held: True when this session holds
    it and the run has not finished meanwhile (a model with `finished`)."""
    with claimed(run.pk, space) as ours:
        if ours:
            run.refresh_from_db()  # it may have finished before the lock was taken
        yield ours and not run.finished


def held_elsewhere(run_id: int, space: int = IMPORTS) -> bool:
    """Whether another session runs the run now (its lock taken for a moment, and let go)."""
    key = _key(run_id, space)
    with connection.cursor() as cursor:
        if not _try(cursor, key):
            return True
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
    return False
