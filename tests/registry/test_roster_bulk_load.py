"""A district's first roster: a file at least as large as the registry builds the persons'
and households' indexes once, at its end (core.imports.bulk_load, PostgreSQL), and leaves the
tables exactly as a row-by-row import would: the same rows, every index and key back."""

from __future__ import annotations

import io
import unittest
from typing import Any
from unittest import mock

import psycopg
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from epigrid.core import planner_stats
from epigrid.core.imports import bulk_load
from epigrid.core.imports.runner import run_import
from epigrid.core.models import ImportRun
from epigrid.registry.importers import RosterImporter
from epigrid.registry.models import Household, Person
from tests.base import BaseTestCase
from tests.registry.test_roster_import import make_id, roster, row
from tests.registry.test_roster_planner_stats import _roster

pg_only = unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only")


def schema() -> set[tuple[str, str]]:
    """Every index and constraint of the two tables, by name and definition."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                       "UNION ALL SELECT conrelid::regclass::text, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
                       [["registry_person", "registry_household"]] * 2)
        return set(cursor.fetchall())


def import_(content: bytes, mode: str = ImportRun.Mode.VALID_ROWS, sent: str = "DROP INDEX",
            bulk_batch: int = 50) -> tuple[ImportRun, list[str]]:
    """The run, and the statements it sent that hold `sent`."""
    with override_settings(IMPORT_BATCH_SIZE=50, IMPORT_BULK_LOAD_MIN_ROWS=10,
                           IMPORT_BULK_LOAD_BATCH_SIZE=bulk_batch), \
            CaptureQueriesContext(connection) as queries:
        run = run_import("roster", io.BytesIO(content), mode, None, file_name="roster.csv")
    return run, [query["sql"] for query in queries if sent in query["sql"]]


@pg_only
class FirstRosterTests(BaseTestCase):
    def setUp(self) -> None:
        self.persons = Person.objects.count()
        self.schema = schema()

    def test_it_builds_the_indexes_once_for_a_file_larger_than_the_registry(self) -> None:
        run, drops = import_(_roster(self.persons + 40))
        self.assertEqual(run.rows_created, self.persons + 40)
        names = " ".join(drops)
        # The look-ups the import makes as it writes keep their indexes, and the phones'
        # hash indexes stay (cheaper kept than built on one core at the end).
        self.assertIn("registry_person_name_prefix", names)
        self.assertIn("registry_pe_area_pa", names)
        self.assertNotIn("registry_person_id_number_h", names)
        self.assertNotIn("registry_household_grid_id", names)
        self.assertNotIn("registry_person_phone_h", names)
        self.assertNotIn("registry_household_phone_h", names)
        self.assertEqual(schema(), self.schema)
        self.assertEqual(Person.objects.count(), 2 * self.persons + 40)

    def test_a_large_load_takes_batches_of_its_own_size_and_a_small_one_the_usual(self) -> None:
        sizes: list[int] = []
        prepare = RosterImporter.prepare

        def noting(importer: RosterImporter, rows: Any) -> None:
            sizes.append(len(rows))
            prepare(importer, rows)

        with mock.patch.object(RosterImporter, "prepare", noting):
            run, drops = import_(_roster(self.persons + 40), bulk_batch=30)  # 50 otherwise
            self.assertTrue(drops)
            self.assertEqual(sum(sizes), run.rows_total)
            self.assertEqual(max(sizes), 30)
            sizes.clear()
            smaller = Person.objects.count() - 1  # than the registry now: not a large load
            run, drops = import_(_roster(smaller, first=1000), bulk_batch=30)
        self.assertEqual(drops, [])
        self.assertEqual(sizes, [50] * (smaller // 50) + [smaller % 50] * bool(smaller % 50))

    def test_it_analyzes_each_table_once_after_the_rebuild(self) -> None:
        run, analyzed = import_(_roster(self.persons + 40), sent="ANALYZE")
        self.assertEqual(run.rows_created, self.persons + 40)
        self.assertEqual(sorted(analyzed), ['ANALYZE "registry_household"',
                                            'ANALYZE "registry_person"'])

    def test_it_finds_again_the_persons_it_wrote_earlier_in_the_file(self) -> None:
        content = _roster(self.persons + 40)
        again = roster(row(household_number="H0000", address="No. 0, West Lane",
                           name="Resident 0 renamed", id_number=make_id("42010219900101000")))
        run, drops = import_(content + again.split(b"\n", 1)[1])
        self.assertTrue(drops)
        self.assertEqual((run.rows_created, run.rows_failed), (self.persons + 40, 1))
        self.assertEqual(Household.objects.filter(number__startswith="H").count(),
                         (self.persons + 40 + 1) // 2)

    def test_it_finds_the_registered_persons_from_the_registry_read_once(self) -> None:
        with override_settings(IMPORT_BULK_LOAD_MIN_ROWS=10**6):  # registered as usual
            run_import("roster", io.BytesIO(_roster(30)), ImportRun.Mode.VALID_ROWS, None,
                       file_name="roster.csv")
        renamed = roster(row(household_number="H0000", address="No. 0, West Lane",
                             name="Resident 0 renamed", id_number=make_id("42010219900101000")),
                         row(household_number="H0900", address="No. 900, West Lane",
                             name="Resident 1", id_number=make_id("42010219900101001")))
        # The 30 again (28 as they were, one renamed, one moved to another household) after
        # more new ones than the registry holds: a large load.
        content = _roster(Person.objects.count() + 40, first=30) + _roster(28, first=2)[
            len(roster()):] + renamed[len(roster()):]
        run, probes = import_(content, sent='"id_number_hash" = wanted')
        self.assertEqual((run.rows_unchanged, run.rows_updated, run.rows_failed), (28, 1, 1))
        self.assertEqual(run.errors[0]["message"], "This ID number is already registered in "
                         "another household; resolve the duplicate before importing it.")
        self.assertTrue(Person.objects.filter(name="Resident 0 renamed").exists())
        # No batch looked its IDs up in the table: the registry was read once, locked.
        self.assertEqual(probes, [])

    def test_it_counts_the_registry_whatever_the_planner_believes(self) -> None:
        # Analyzed when empty, grown since (autovacuum late or off): counted as it is.
        Person.objects.all().delete()
        planner_stats.analyze(["registry_person"])
        with override_settings(IMPORT_BULK_LOAD_MIN_ROWS=10**6):
            run_import("roster", io.BytesIO(_roster(30)), ImportRun.Mode.VALID_ROWS, None,
                       file_name="roster.csv")
        self.assertEqual(planner_stats.estimated_rows("registry_person"), 0)
        run, drops = import_(_roster(20, first=100))
        self.assertEqual(run.rows_created, 20)
        self.assertEqual(drops, [])

    def test_it_leaves_the_indexes_for_a_file_smaller_than_the_registry(self) -> None:
        run, drops = import_(_roster(self.persons - 1))
        self.assertEqual(run.rows_created, self.persons - 1)
        self.assertEqual(drops, [])

    def test_it_leaves_the_indexes_below_the_least_large_load(self) -> None:
        Person.objects.all().delete()  # an empty registry: only the threshold decides
        with override_settings(IMPORT_BULK_LOAD_MIN_ROWS=30):
            self.assertFalse(bulk_load.worth_it(
                bulk_load.BulkLoad((Person,)), io.BytesIO(_roster(29)), "roster.csv"))
            self.assertTrue(bulk_load.worth_it(
                bulk_load.BulkLoad((Person,)), io.BytesIO(_roster(30)), "roster.csv"))

    def test_it_restores_everything_when_the_run_is_rolled_back(self) -> None:
        bad = roster(row(name="Bad", id_number="420102199001010000"))
        run, drops = import_(_roster(self.persons + 40) + bad.split(b"\n", 1)[1],
                             ImportRun.Mode.ALL_OR_NOTHING)
        self.assertTrue(drops)
        self.assertEqual(run.status, ImportRun.Status.ROLLED_BACK)
        self.assertEqual(Person.objects.count(), self.persons)
        self.assertEqual(schema(), self.schema)

    def test_it_writes_with_the_indexes_when_someone_is_reading_the_persons(self) -> None:
        params = connection.get_connection_params()
        with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"},
                             autocommit=False) as reader:
            reader.execute("LOCK TABLE registry_person IN ACCESS SHARE MODE")
            with mock.patch.object(bulk_load, "LOCK_WAIT", "50ms"):
                run, drops = import_(_roster(self.persons + 40))
        self.assertEqual(run.rows_created, self.persons + 40)
        self.assertEqual(run.status, ImportRun.Status.DONE)
        self.assertEqual(schema(), self.schema)
        with connection.cursor() as cursor:  # the lock wait was the import's alone
            cursor.execute("SELECT current_setting('lock_timeout')")
            self.assertEqual(cursor.fetchone()[0], "0")
        # The drops were tried, and undone with their savepoint.
        self.assertTrue(drops)


class FirstRosterElsewhereTests(BaseTestCase):
    def test_it_is_never_a_large_load_on_sqlite(self) -> None:
        if connection.vendor == "postgresql":
            self.skipTest("the PostgreSQL tests above")
        with override_settings(IMPORT_BULK_LOAD_MIN_ROWS=1):
            self.assertFalse(bulk_load.worth_it(
                bulk_load.BulkLoad((Person,)), io.BytesIO(_roster(30)), "roster.csv"))
