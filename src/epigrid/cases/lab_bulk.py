"""Writing many lab results at once: matching by batch, bulk insert, then the positive workflow.

The import (importers.LabResultImporter) and the batch API share this. Rows are plain tuples
(a million of them must not become model instances): new results go in through the registry's
bulk writer (binary COPY on PostgreSQL, executemany on SQLite), pending results that became final
in one executemany UPDATE, and only positive matched rows are read back as LabTest to run
`labs.on_positive` (a few per thousand).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q

from epigrid.cases import labs
from epigrid.cases.models import LabTest
from epigrid.core.rows import fetch_all
from epigrid.registry import bulk
from epigrid.registry.hash_index import scope_sql
from epigrid.registry.models import Person

R = LabTest.Result
M = LabTest.Match
# The columns a new result is written with (the rest are NULL or the table's sequence).
TEST_COLUMNS = ("lab_id", "sample_id", "person_id", "area_path", "name", "id_number_enc",
                "id_number_hash", "id_number_masked", "sampled_at", "resulted_at", "result",
                "match", "received_at")
# What a pending result may change when it is sent again (update_tests' order, then the id).
UPDATE_COLUMNS = ("person_id", "area_path", "name", "id_number_enc", "id_number_hash",
                  "id_number_masked", "sampled_at", "resulted_at", "result", "match")


@dataclass(frozen=True)
class Stored:
    """A result already in the database, as much of it as a resend is compared with."""

    pk: int
    lab_id: int
    sample_id: str
    id_number_hash: str
    name: str
    sampled_at: datetime.datetime
    resulted_at: datetime.datetime | None
    result: str
    match: str
    person_id: int | None
    area_path: str

    def same(self, values: dict[str, Any]) -> bool:
        return all(getattr(self, field) == values[field] for field in labs.CONTENT)

    def conflict(self, values: dict[str, Any]) -> str | None:
        return labs.conflict(self.as_test(), values)

    def as_test(self) -> LabTest:
        return LabTest(pk=self.pk, lab_id=self.lab_id, sample_id=self.sample_id,
                       result=self.result)


_STORED = ("pk", "lab_id", "sample_id", "id_number_hash", "name", "sampled_at", "resulted_at",
           "result", "match", "person_id", "area_path")


def _pg_rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def stored_tests(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Stored]:
    """The stored results of (lab id, sample id) pairs: one query served by the unique index."""
    by_lab: dict[int, set[str]] = {}
    for lab_id, sample_id in keys:
        by_lab.setdefault(lab_id, set()).add(sample_id)
    if not by_lab:
        return {}
    if connection.vendor == "postgresql":
        # Each pair is looked up in the unique index on its own (a lateral subquery, kept apart
        # by OFFSET 0). Asked for `lab_id = %s AND sample_id = ANY(...)`, the planner read every
        # result of the lab and filtered them: each batch slower than the one before.
        table = connection.ops.quote_name(LabTest._meta.db_table)
        columns = ", ".join("id" if name == "pk" else name for name in _STORED)
        pairs = sorted((lab_id, sample) for lab_id, samples in by_lab.items()
                       for sample in samples)
        # The arrays travel in binary (%b): quoting 10,000 items into the text cost more.
        sql = ("SELECT found.* FROM unnest(%b::bigint[], %b::text[]) AS wanted(lab, sample) "  # noqa: S608 - our names
               f"CROSS JOIN LATERAL (SELECT {columns} FROM {table} "
               "WHERE lab_id = wanted.lab AND sample_id = wanted.sample OFFSET 0) AS found")
        rows: Any = fetch_all(sql, [[lab for lab, _sample in pairs],
                                    [sample for _lab, sample in pairs]], prepare=False)
    else:
        where = Q()
        for lab_id, samples in by_lab.items():
            where |= Q(lab_id=lab_id, sample_id__in=sorted(samples))
        rows = LabTest.objects.filter(where).order_by().values_list(*_STORED)
    return {(row[1], row[2]): Stored(*row) for row in rows}


def persons_by_hash(hashes: set[str], scope_path: str | None, unrestricted: bool
                    ) -> dict[str, tuple[int, str] | None]:
    """ID hash -> (person id, area path) of the one person of the scope; None when several."""
    if not hashes or not (unrestricted or scope_path):
        return {}
    if connection.vendor == "postgresql":
        where, params = scope_sql(scope_path, unrestricted)
        sql = f"SELECT id_number_hash, id, area_path {where} AND id_number_hash = ANY(%s)"  # noqa: S608
        rows: Any = _pg_rows(sql, [*params, sorted(hashes)])
    else:
        persons: Any = Person.objects.all()
        if not unrestricted:
            persons = persons.within(scope_path)
        rows = persons.filter(id_number_hash__in=hashes).order_by().values_list(
            "id_number_hash", "pk", "area_path")
    found: dict[str, tuple[int, str] | None] = {}
    for id_hash, pk, path in rows:
        found[id_hash] = None if id_hash in found else (pk, path)
    return found


def insert_tests(rows: Iterable[Sequence[Any]]) -> int:
    """New results as tuples in TEST_COLUMNS order."""
    return bulk.insert_rows(LabTest, TEST_COLUMNS, rows)


def insert_tests_behind(rows: Sequence[Sequence[Any]]) -> bulk.Behind:
    """insert_tests, the COPY left running in a thread until `finish()` (registry.bulk)."""
    return bulk.insert_rows_behind((LabTest, TEST_COLUMNS, rows))


def update_tests(rows: Sequence[tuple[int, Sequence[Any]]]) -> int:
    """(test id, values in UPDATE_COLUMNS order) pairs, in one executemany."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in UPDATE_COLUMNS)
    statement = (f"UPDATE {quote(LabTest._meta.db_table)} SET {assignments} "  # noqa: S608
                 f"WHERE {quote('id')} = %s")
    stamps = [UPDATE_COLUMNS.index("sampled_at"), UPDATE_COLUMNS.index("resulted_at")]
    params = []
    for pk, values in rows:
        row = list(values)
        if connection.vendor != "postgresql":  # SQLite keeps naive UTC text
            for index in stamps:
                row[index] = connection.ops.adapt_datetimefield_value(row[index])
        params.append((*row, pk))
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)
    return len(rows)


def run_positives(keys: Sequence[tuple[int, str]], by: Any) -> int:
    """The positive workflow of the results (lab id, sample id) that just became positive."""
    if not keys:
        return 0
    where = Q()
    for lab_id, sample_id in keys:
        where |= Q(lab_id=lab_id, sample_id=sample_id)
    tests = LabTest.objects.filter(where, result=R.POSITIVE, person__isnull=False).select_related(
        "person", "lab")
    count = 0
    for test in tests:
        labs.on_positive(test, by)
        count += 1
    return count
