"""Lab results inserted behind: the COPY runs in a thread until finish(), which answers how
many or raises the database's refusal, leaving the connection to the caller's savepoint."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from epigrid.cases import lab_bulk
from epigrid.cases.models import Lab, LabTest
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
