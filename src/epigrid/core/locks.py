"""Locks a service holds until its transaction ends, where no row exists yet to lock."""

from __future__ import annotations

from django.db import connection

# The first keys of the advisory locks (core.imports.claims takes 0x1E9 and 0x1EA).
DEPLOYED_PHONES, VOLUNTEER_PHONES = 0x1EB, 0x1EC


def lock_phone(namespace: int, mobile: str) -> None:
    """Serialize two desks writing the same phone at once (a first registration has no row to
    lock): PostgreSQL's advisory lock on the phone within `namespace`, until the transaction
    ends. SQLite writes one transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The lock's keys are 32-bit: the last nine digits (phones sharing them wait too).
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, int(mobile[-9:])])
