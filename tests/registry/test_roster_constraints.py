"""A roster whose grid is deleted while the file is read (PostgreSQL): the rows of that grid
are refused by their foreign keys in their batch and named; the others are kept."""

from __future__ import annotations

import unittest
from collections.abc import Sequence
from typing import Any
from unittest import mock

from django.db import connection
from django.test import override_settings

from epigrid.areas.models import Level
from epigrid.core.imports.readers import RawRow
from epigrid.registry.importers import RosterImporter
from epigrid.registry.models import Household, Person
from tests.base import BaseTestCase, make_area
from tests.core.test_imports_support import errors_of, import_bytes
from tests.registry.test_roster_import import ID_2, ID_3, roster, row

GONE = "420102001001-09"


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only: SQLite checks "
                     "deferred keys at the commit alone")
@override_settings(IMPORT_BATCH_SIZE=2)
class GridDeletedMeanwhileTests(BaseTestCase):
    def test_it_names_the_row_of_a_grid_deleted_after_it_was_looked_up(self) -> None:
        grid = make_area(self.world.village_a1, Level.GRID, GONE, "Grid A1-9")
        prepare = RosterImporter.prepare

        def prepare_then_delete(importer: RosterImporter, rows: Sequence[RawRow]) -> Any:
            prepare(importer, rows)
            with connection.cursor() as cursor:  # as another session's delete would
                cursor.execute("DELETE FROM areas_area WHERE id = %s", [grid.pk])

        content = roster(row(), row(name="Gone", id_number=ID_2, grid_code=GONE,
                                    household_number="G-1", address="No. 1, Gone Lane"),
                         row(name="Kept", id_number=ID_3))
        with mock.patch.object(RosterImporter, "prepare", prepare_then_delete):
            run = import_bytes("roster", content, self.world.alice)
        assert (run.status, run.rows_created, run.rows_failed) == ("partial", 2, 1), run.errors
        [(number, column, message)] = errors_of(run)
        assert (number, column) == (3, "")
        assert "foreign key" in message
        names = {"Liu Yang", "Gone", "Kept"}
        assert set(Person.objects.filter(name__in=names).values_list("name", flat=True)) == {
            "Liu Yang", "Kept"}
        assert not Household.objects.filter(number="G-1").exists()
