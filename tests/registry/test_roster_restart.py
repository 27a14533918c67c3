"""The database restarts in the middle of a roster import (SCENARIOS: what goes wrong): the
import reports it, and running it again neither loses nor doubles a row. PostgreSQL only."""

from __future__ import annotations

import io
import unittest
from collections.abc import Sequence
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

from epigrid.areas.models import Level
from epigrid.core import reconnect
from epigrid.core.imports.readers import RawRow
from epigrid.core.imports.runner import run_import
from epigrid.core.models import AuditEntry, ImportRun
from epigrid.registry.importers import RosterImporter
from epigrid.registry.models import Household, Person
from tests.base import make_area
from tests.registry.test_roster_import import A1_1, make_id, roster, row
from tests.sessions import other_session

ROWS = 600


def _file() -> bytes:
    return roster(*[row(household_number=f"H{n // 3:04d}", address=f"No. {n // 3}, East Lane",
                        name=f"Resident {n}", id_number=make_id(f"42010219900101{n:03d}"))
                    for n in range(ROWS)])


def grid_a1_1_alone() -> None:
    """Grid A1-1 and the areas above it, committed for another session (no World: its
    personas are not needed, and a transactional test would build them for each test)."""
    city = make_area(None, Level.CITY, "420100000000", "Jinhe City")
    district = make_area(city, Level.DISTRICT, "420102000000", "Qingshan District")
    town = make_area(district, Level.TOWN, "420102001000", "Dongcheng Town")
    village = make_area(town, Level.VILLAGE, "420102001001", "Village A1")
    make_area(village, Level.GRID, A1_1, "Grid A1-1")


def _terminate(pid: int) -> None:
    """What a restart does to the import's session: its server process is ended."""
    with other_session() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.usefixtures("transactional_db")
@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only")
class RosterImportThroughARestartTests(unittest.TestCase):
    def setUp(self) -> None:
        grid_a1_1_alone()

    def import_(self) -> ImportRun:
        with override_settings(IMPORT_BATCH_SIZE=100):
            return run_import("roster", io.BytesIO(_file()), ImportRun.Mode.VALID_ROWS, None,
                              file_name="roster.csv")

    def import_through_a_restart(self, refusals: int) -> tuple[ImportRun, list[str]]:
        """The import's session is ended at its third batch; the `refusals` connections tried
        next are refused (the database starting up)."""
        prepare, connect = RosterImporter.prepare, connection.get_new_connection
        batches: list[int] = []
        tried: list[str] = []

        def prepare_then_restart(importer: RosterImporter, rows: Sequence[RawRow]) -> Any:
            batches.append(len(rows))
            if len(batches) == 3:
                _terminate(connection.connection.info.backend_pid)
            return prepare(importer, rows)

        def connect_once_up(params: dict[str, Any]) -> Any:
            if len(tried) < refusals:
                tried.append("refused")
                raise psycopg.OperationalError("the database system is starting up")
            tried.append("connected")
            return connect(params)

        with mock.patch.object(RosterImporter, "prepare", prepare_then_restart), \
                mock.patch.object(connection, "get_new_connection", connect_once_up), \
                mock.patch.object(reconnect, "DELAYS", (0.0, 0.0, 0.0)):
            run = self.import_()
        run.refresh_from_db()
        return run, tried

    def test_it_reports_the_lost_connection_and_a_second_run_imports_every_row_once(self
                                                                                   ) -> None:
        first, tried = self.import_through_a_restart(refusals=0)
        assert (first.status, first.rows_created) == (ImportRun.Status.FAILED, 0)
        assert first.file_error.startswith("The connection to the database was lost")
        assert tried[:1] == ["connected"]
        assert (Person.objects.count(), Household.objects.count()) == (0, 0)
        assert AuditEntry.objects.filter(action="import", object_pk=str(first.pk)).count() == 1
        again = self.import_()
        assert (again.status, again.rows_created, again.rows_failed) == (
            ImportRun.Status.DONE, ROWS, 0), again.errors
        assert Person.objects.count() == ROWS
        assert Person.objects.values("id_number_hash").distinct().count() == ROWS

    def test_it_waits_for_the_database_to_answer_again_to_report_it(self) -> None:
        run, tried = self.import_through_a_restart(refusals=2)
        assert tried == ["refused", "refused", "connected"]
        assert (run.status, run.started_at is not None, run.finished_at is not None) == (
            ImportRun.Status.FAILED, True, True)
        assert run.file_error.startswith("The connection to the database was lost")
        assert Person.objects.count() == 0
