"""Telling a lost database connection from the database's other errors, and waiting for it."""

from __future__ import annotations

import unittest
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from psycopg import errors

from epigrid.core import reconnect
from epigrid.registry.models import Person


def _wrapped(cause: BaseException) -> OperationalError:
    """As Django raises a driver's error: its own class, the driver's as the cause."""
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


@pytest.mark.parametrize(("error", "lost"), [
    (errors.AdminShutdown("terminating connection due to administrator command"), True),
    (errors.CrashShutdown("terminating connection because of crash"), True),
    (errors.CannotConnectNow("the database system is starting up"), True),
    (errors.ConnectionFailure("connection failure"), True),
    (psycopg.OperationalError("server closed the connection unexpectedly"), True),
    (_wrapped(errors.AdminShutdown("restart")), True),
    (errors.DeadlockDetected("deadlock detected"), False),
    (errors.QueryCanceled("canceling statement due to statement timeout"), False),
    (errors.SerializationFailure("could not serialize access"), False),
    (_wrapped(errors.LockNotAvailable("could not obtain lock")), False),
    (IntegrityError("duplicate key"), False),
    (ValueError("not the database's"), False),
])
def test_it_tells_a_lost_connection_from_the_databases_other_errors(error: BaseException,
                                                                    lost: bool) -> None:
    assert reconnect.is_lost(error) is lost


def test_it_follows_the_context_of_an_error_raised_while_handling_the_loss() -> None:
    try:
        try:
            raise errors.AdminShutdown("restart")
        except psycopg.Error:
            raise RuntimeError("cleaning up failed too") from None
    except RuntimeError as error:
        # `from None` hides the cause from tracebacks, not from __context__.
        assert reconnect.is_lost(error)


@contextmanager
def refused(times: int) -> Iterator[list[int]]:
    """The database refuses the next `times` connections, as while it restarts."""
    attempts: list[int] = []
    real = connection.get_new_connection

    def connect(params: dict[str, Any]) -> Any:
        attempts.append(len(attempts) + 1)
        if len(attempts) <= times:
            raise psycopg.OperationalError("connection refused: the database is starting up")
        return real(params)

    with mock.patch.object(connection, "get_new_connection", connect):
        yield attempts


@pytest.mark.usefixtures("transactional_db")
@unittest.skipUnless(connection.vendor == "postgresql",
                     "PostgreSQL only: SQLite's test database lives in its connection")
class OnANewConnectionTests(unittest.TestCase):
    def test_it_tries_again_until_the_database_answers(self) -> None:
        with refused(2) as attempts, mock.patch("time.sleep") as sleep:
            count = reconnect.on_a_new_connection(Person.objects.count, delays=(1.0, 2.0, 4.0))
        assert (count, attempts) == (0, [1, 2, 3])
        assert [call.args[0] for call in sleep.call_args_list] == [1.0, 2.0]

    def test_it_raises_the_last_refusal_once_its_delays_are_spent(self) -> None:
        with refused(5) as attempts, mock.patch("time.sleep"), \
                pytest.raises(OperationalError, match="starting up"):
            reconnect.on_a_new_connection(Person.objects.count, delays=(1.0, 1.0))
        assert attempts == [1, 2, 3]
        assert Person.objects.count() == 0  # and the next query connects again

    def test_it_refuses_to_go_on_inside_a_transaction(self) -> None:
        with transaction.atomic(), pytest.raises(RuntimeError, match="transaction"):
            reconnect.on_a_new_connection(Person.objects.count)
