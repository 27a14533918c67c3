"""Results whose person is deleted after they were matched (PostgreSQL). In a batch, that result
is refused by its foreign key and named, the others kept, as in an import; one result alone is
matched again (to nobody, or to the one person left with its ID) and kept."""

from __future__ import annotations

import json
import unittest
from collections.abc import Sequence
from typing import Any
from unittest import mock

from django.db import connection

from epigrid.cases import labs
from epigrid.cases.importers import LabResultImporter
from epigrid.cases.models import LabTest
from epigrid.core.imports.readers import RawRow
from epigrid.registry import services as registry
from epigrid.registry.models import Person
from tests.base import BaseTestCase
from tests.cases.lab_helpers import town_lab
from tests.cases.test_lab_api import item
from tests.registry.test_roster_import import make_id

ID_GONE = make_id("42010219800101007")
ID_OTHER = make_id("42010219800101015")


def _delete(person: Person) -> None:
    with connection.cursor() as cursor:  # as another session's delete would, after the match
        cursor.execute("DELETE FROM registry_person WHERE id = %s", [person.pk])


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only: SQLite checks "
                     "deferred keys at the commit alone")
class ResultOfAPersonDeletedMeanwhileTests(BaseTestCase):
    def test_it_names_the_result_whose_person_is_gone_and_keeps_the_others(self) -> None:
        lab = town_lab(self.world)
        gone = registry.create_person(grid=self.world.grid_a1_1, name="Gone",
                                      id_number=ID_GONE)
        prepare = LabResultImporter.prepare

        def prepare_then_delete(importer: LabResultImporter, rows: Sequence[RawRow]) -> Any:
            prepare(importer, rows)
            _delete(gone)

        batch = {"results": [item("G1", ID_GONE), item("G2")]}
        with mock.patch.object(LabResultImporter, "prepare", prepare_then_delete):
            body = self.client_for(self.world.medic).post(
                f"/api/labs/{lab.pk}/results/batch", json.dumps(batch),
                content_type="application/json").json()
        assert (body["created"], body["refused"]) == (1, 1), body
        assert [(e["index"], e["field"]) for e in body["errors"]] == [(0, "sample_id")]
        assert list(LabTest.objects.values_list("sample_id", "person")) == [
            ("G2", self.world.person_a.pk)]


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only: SQLite checks "
                     "deferred keys at the commit alone")
class OneResultOfAPersonDeletedMeanwhileTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)
        self.client = self.client_for(self.world.medic)
        self.gone = registry.create_person(grid=self.world.grid_a1_1, name="Gone",
                                           id_number=ID_GONE)
        self.match = labs.match_person

        def match_then_delete(user: Any, id_hash: str) -> Person | None:
            found = self.match(user, id_hash)
            if found is not None and found.pk == self.gone.pk:
                _delete(self.gone)
            return found

        patcher = mock.patch.object(labs, "match_person", match_then_delete)
        patcher.start()
        self.addCleanup(patcher.stop)

    def post(self, body: dict[str, Any]) -> Any:
        return self.client.post(f"/api/labs/{self.lab.pk}/results", json.dumps(body),
                                content_type="application/json")

    def test_it_keeps_the_result_unmatched_in_the_labs_area(self) -> None:
        response = self.post(item("S1", ID_GONE))
        assert response.status_code == 201, response.content
        assert (response.json()["person_id"], response.json()["match"]) == (None, "unmatched")
        test = LabTest.objects.get(sample_id="S1")
        assert (test.person_id, test.match, test.area_path) == (
            None, LabTest.Match.UNMATCHED, self.lab.area.path)

    def test_it_matches_again_and_finds_the_one_person_left_with_the_id(self) -> None:
        # A duplicate being resolved: the result was matched to the copy deleted next.
        twin = registry.create_person(grid=self.world.grid_a1_1, name="Twin",
                                      id_number=ID_GONE)
        calls: list[str] = []

        def deleted_after_the_first_match(user: Any, id_hash: str) -> Person | None:
            calls.append(id_hash)
            if len(calls) > 1:
                return self.match(user, id_hash)
            _delete(self.gone)
            return self.gone

        with mock.patch.object(labs, "match_person", deleted_after_the_first_match):
            response = self.post(item("S2", ID_GONE, "positive"))
        assert response.status_code == 201, response.content
        test = LabTest.objects.get(sample_id="S2")
        assert (test.person_id, test.match, len(calls)) == (twin.pk, LabTest.Match.MATCHED, 2)
        assert response.json()["case_id"] is not None  # the positive workflow ran on the twin

    def test_it_matches_a_pending_results_new_id_again_when_its_person_is_gone(self) -> None:
        assert self.post(item("S3", ID_OTHER, "pending", resulted=None)).status_code == 201
        response = self.post(item("S3", ID_GONE, "negative"))
        assert response.status_code == 200, response.content
        test = LabTest.objects.get(sample_id="S3")
        assert (test.person_id, test.match, test.result) == (
            None, LabTest.Match.UNMATCHED, LabTest.Result.NEGATIVE)
