"""Lab results inserted behind: the COPY runs in a thread until finish(), which answers how
many or raises the database's refusal, leaving the connection to the caller's savepoint."""

from __future__ import annotations

import unittest
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from epigrid.cases import lab_bulk
from epigrid.cases.models import Lab, LabTest
from epigrid.core.constraints import checked_at_once
from tests.base import BaseTestCase
from tests.cases.lab_helpers import town_lab


def result_row(lab: Lab, sample: str) -> tuple[Any, ...]:
    now = timezone.now()
    return (lab.pk, sample, None, lab.area.path, "", "", "", "", now, now, "negative",
            "unmatched", now)


class CopyBehindTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)

    def test_it_answers_how_many_it_inserted_once_finished(self) -> None:
        writing = lab_bulk.insert_tests_behind([result_row(self.lab, "S1"),
                                                result_row(self.lab, "S2")])
        self.assertEqual(writing.finish(), [2])
        self.assertEqual(sorted(LabTest.objects.values_list("sample_id", flat=True)),
                         ["S1", "S2"])

    def test_it_raises_the_databases_refusal_and_leaves_the_connection_usable(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            lab_bulk.insert_tests_behind([result_row(self.lab, "S1"),
                                          result_row(self.lab, "S1")]).finish()
        self.assertEqual(LabTest.objects.count(), 0)
        self.assertEqual(lab_bulk.insert_tests_behind([result_row(self.lab, "S3")]).finish(), [1])

    @unittest.skipUnless(connection.vendor == "postgresql", "SQLite checks deferred keys at the "
                         "commit alone")
    def test_it_raises_a_foreign_key_its_copy_checked_at_once(self) -> None:
        gone = (10**12, *result_row(self.lab, "S1")[1:])  # a lab that is not there
        with self.assertRaises(IntegrityError), transaction.atomic(), checked_at_once():
            lab_bulk.insert_tests_behind([result_row(self.lab, "S0"), gone]).finish()
        self.assertEqual(LabTest.objects.count(), 0)
        self.assertEqual(lab_bulk.insert_tests_behind([result_row(self.lab, "S3")]).finish(), [1])
