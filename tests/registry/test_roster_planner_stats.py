"""A large roster import leaves the planner knowing how many persons there are now (PostgreSQL):
without it, a look-up by ID right after a first import read the whole subtree until the
autovacuum daemon came by (core.planner_stats)."""

from __future__ import annotations

import io
import math
import unittest
from unittest import mock

from django.db import connection
from django.test import override_settings

from epigrid.core import planner_stats
from epigrid.core.imports.runner import run_import
from epigrid.core.models import ImportRun
from epigrid.registry.models import Household, Person
from tests.base import BaseTestCase
from tests.registry.test_roster_import import make_id, roster, row

pg_only = unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only")


def _roster(count: int, first: int = 0) -> bytes:
    return roster(*[row(household_number=f"H{n // 2:04d}", address=f"No. {n // 2}, West Lane",
                        name=f"Resident {n}", id_number=make_id(f"42010219900101{n:03d}"))
                    for n in range(first, first + count)])


def _import(content: bytes, mode: str = ImportRun.Mode.VALID_ROWS) -> ImportRun:
    with override_settings(IMPORT_BATCH_SIZE=50):
        return run_import("roster", io.BytesIO(content), mode, None, file_name="roster.csv")


@pg_only
class PlannerStatisticsAfterAnImportTests(BaseTestCase):
    def estimate(self, model: type[Person] | type[Household]) -> float:
        return planner_stats.estimated_rows(model._meta.db_table)

    def test_it_counts_the_rows_a_large_import_created(self) -> None:
        with mock.patch.object(planner_stats, "MIN_ROWS", 100):
            run = _import(_roster(120))
        self.assertEqual(run.rows_created, 120)
        self.assertEqual(self.estimate(Person), Person.objects.count())
        self.assertEqual(self.estimate(Household), Household.objects.count())

    def test_it_keeps_statistics_of_the_searched_columns_and_none_of_the_sealed_ones(self) -> None:
        with mock.patch.object(planner_stats, "MIN_ROWS", 100):
            _import(_roster(120))
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename, attname FROM pg_stats WHERE tablename IN "
                           "('registry_person', 'registry_household')")
            analyzed = set(cursor.fetchall())
        searched = {("registry_person", column) for column in (
            "area_path", "name", "id_number_hash", "phone_hash", "household_id", "tags")}
        sealed = {("registry_person", column) for column in (
            "id_number_enc", "id_number_masked", "phone_enc", "phone_masked")} | {
            ("registry_household", "phone_enc"), ("registry_household", "phone_masked")}
        self.assertLessEqual(searched, analyzed)
        self.assertIn(("registry_household", "phone_hash"), analyzed)
        self.assertFalse(sealed & analyzed)

    def test_it_leaves_the_statistics_of_an_import_below_the_threshold(self) -> None:
        planner_stats.analyze([Person._meta.db_table])
        before = self.estimate(Person)
        with mock.patch.object(planner_stats, "MIN_ROWS", 121):
            run = _import(_roster(120))
        self.assertEqual(run.rows_created, 120)
        self.assertEqual(self.estimate(Person), before)

    def test_it_leaves_the_statistics_of_a_run_rolled_back(self) -> None:
        planner_stats.analyze([Person._meta.db_table])
        before = self.estimate(Person)
        bad = roster(row(name="Bad", id_number="420102199001010000"))
        with mock.patch.object(planner_stats, "MIN_ROWS", 10):
            run = _import(_roster(20) + bad.split(b"\n", 1)[1],
                          ImportRun.Mode.ALL_OR_NOTHING)
        self.assertEqual(run.status, ImportRun.Status.ROLLED_BACK)
        self.assertEqual(self.estimate(Person), before)

    def test_it_refreshes_a_table_grown_by_a_tenth_and_not_less(self) -> None:
        with mock.patch.object(planner_stats, "MIN_ROWS", 10):
            _import(_roster(100))
            self.assertEqual(self.estimate(Person), 100 + self.persons_before)
            table = Person._meta.db_table
            grown_by = math.ceil((100 + self.persons_before) / planner_stats.GROWTH_SHARE_OF)
            self.assertEqual(planner_stats.refresh_if_grown([Person], grown_by - 1), [])
            self.assertEqual(planner_stats.refresh_if_grown([Person], grown_by), [table])

    def test_it_analyzes_the_tables_by_name(self) -> None:
        # Two writers never wait for each other's table locks crosswise.
        with mock.patch.object(planner_stats, "MIN_ROWS", 1):
            assert planner_stats.refresh_if_grown([Person, Household], 10**6) == [
                Household._meta.db_table, Person._meta.db_table]

    def test_it_refreshes_nothing_for_fewer_rows_than_the_minimum(self) -> None:
        self.assertEqual(planner_stats.refresh_if_grown([Person], planner_stats.MIN_ROWS - 1),
                         [])

    def setUp(self) -> None:
        super().setUp()
        self.persons_before = Person.objects.count()


@unittest.skipIf(connection.vendor == "postgresql", "SQLite only")
class NoStatisticsOnSQLiteTests(BaseTestCase):
    def test_it_analyzes_nothing(self) -> None:
        self.assertEqual(planner_stats.refresh_if_grown([Person], 10**6), [])
