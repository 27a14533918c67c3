"""Who runs an import now: a lock of the database session that runs it, held for the whole run.

A worker killed half way (out of memory, a deploy) leaves its run "running" and its stored file
behind; its transaction died with its session, so nothing of the file was saved. Its task is
delivered again (`acks_late`, `reject_on_worker_lost`: core.tasks). Taking the run's lock then
tells a dead run (the lock is free: it went with the session) from one still running elsewhere
(held), so the second delivery runs the file again from its start, or leaves it alone. The lock
is PostgreSQL's advisory lock; SQLite has none, and there a run found "running" is left as is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

# The first of the lock's two keys: epigrid's import runs (the second is the run's id).
LOCK_SPACE = 0x1E9


def can_tell() -> bool:
    """Whether a run found "running" can be told dead or alive (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _key(run_id: int) -> list[int]:
    return [LOCK_SPACE, run_id & 0x7FFFFFFF]  # the lock's keys are 32-bit


@contextmanager
def claimed(run_id: int) -> Iterator[bool]:
    """Hold the run's lock in the body if no other session holds it: True when taken."""
    if not can_tell():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _key(run_id))
        taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        # A session lost meanwhile (a restart) took its lock with it: nothing left to free.
        if taken:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(run_id))
