"""The keyed hashes' indexes: a hash index without the empty values on PostgreSQL, found by
the look-ups that use it; a plain index on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.cases import lab_bulk
from epigrid.cases.models import LabTest
from epigrid.registry import bulk
from epigrid.registry.models import Person

pytestmark = pytest.mark.django_db

HASHES = [f"{n:064x}" for n in range(500)]


def index_definition(name: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        return str(cursor.fetchone()[0])


def plan(sql: str, params: list[object], bitmap_only: bool = True) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a scan only when no index serves
        if bitmap_only:  # not a walk of another index in its order: an index that has a qual
            cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


class KeyedHashIndexTests(TestCase):
    def test_it_is_a_hash_index_without_empty_values_on_postgresql(self) -> None:
        found = index_definition("registry_person_id_number_h")
        if connection.vendor == "postgresql":
            assert "USING hash (id_number_hash)" in found
            assert "WHERE (NOT ((id_number_hash)::text = ''::text))" in found
        else:
            assert "WHERE" not in found.upper()  # SQLite would not use a partial one

    def test_it_serves_a_long_list_of_hashes_that_repeats_its_condition(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL plans")
        rows = Person.objects.filter(id_number_hash__in=HASHES).exclude(id_number_hash="")
        sql, params = rows.values_list("id").query.sql_with_params()
        assert "registry_person_id_number_h" in plan(sql, list(params))

    def test_it_serves_the_lab_results_match_and_the_imports_probe(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL plans")
        with CaptureQueriesContext(connection) as ran:
            assert lab_bulk.persons_by_hash(set(HASHES), None, True) == {}
            assert bulk.select_rows(Person, ("id",), "id_number_hash", ["", *HASHES]) == []
        assert len(ran.captured_queries) == 2
        for query in ran.captured_queries:  # the very statements, their values bound
            assert "registry_person_id_number_h" in plan(query["sql"], [])

    def test_it_serves_a_name_search_by_its_start_from_one_name_index(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL plans")
        sql, params = Person.objects.filter(name__startswith="Wang").order_by().values_list(
            "id").query.sql_with_params()
        assert "registry_person_name_prefix" in plan(sql, list(params))
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'registry_person' "
                           "AND indexdef LIKE '%%(name%%'")
            assert cursor.fetchone()[0] == 1  # no plain index beside it to keep up on insert

    def test_it_serves_the_unmatched_results_queue_from_its_partial_index(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL plans")
        rows = LabTest.objects.filter(match=LabTest.Match.UNMATCHED).within("/1/")
        sql, params = rows.values_list("id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")  # one index, by name
        assert "cases_labtest_queue" in plan(sql, list(params), bitmap_only=False)


class StoredResultsLookUpTests(TestCase):
    def test_it_finds_a_batchs_samples_each_through_the_unique_index(self) -> None:
        # A lab with 60,000 results, none analyzed yet (as during an import): the batch's
        # look-up must probe (lab, sample) and never read the lab's results to filter them.
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL plans")
        from epigrid.areas.models import Level
        from epigrid.cases.models import Lab
        from tests.base import make_area

        town = make_area(None, Level.CITY, "C-PLAN", "Plan City")
        lab = Lab.objects.create(code="LAB-P", name="Plan Lab", area=town, daily_capacity=1)
        sampled = timezone.now()
        lab_bulk.insert_tests((lab.pk, f"S{n:05d}", None, "/1/", "", "", "", "", sampled,
                               sampled, "negative", "unmatched", sampled) for n in range(60_000))
        wanted = [(lab.pk, f"S{n:05d}") for n in range(59_990, 60_010)]
        with CaptureQueriesContext(connection) as ran:
            found = lab_bulk.stored_tests(wanted)
        assert sorted(sample for _lab, sample in found) == [
            f"S{n:05d}" for n in range(59_990, 60_000)]
        [query] = ran.captured_queries
        # Its arrays travel bound in binary (%b): planned here with the same values.
        used = plan(query["sql"].replace("%b", "%s"), [[lab for lab, _s in sorted(wanted)],
                                                       [s for _lab, s in sorted(wanted)]],
                    bitmap_only=False)
        assert "one_test_per_lab_sample" in used
        assert "cases_labte_lab_id" not in used
