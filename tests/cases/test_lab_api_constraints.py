"""A batch of results whose person is deleted after it was matched (PostgreSQL): that result is
refused by its foreign key and named, the others kept, as in an import."""

from __future__ import annotations

import json
import unittest
from collections.abc import Sequence
from typing import Any
from unittest import mock

from django.db import connection

from epigrid.cases.importers import LabResultImporter
from epigrid.cases.models import LabTest
from epigrid.core.imports.readers import RawRow
from epigrid.registry import services as registry
from tests.base import BaseTestCase
from tests.cases.lab_helpers import town_lab
from tests.cases.test_lab_api import item
from tests.registry.test_roster_import import make_id

ID_GONE = make_id("42010219800101007")


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
            with connection.cursor() as cursor:  # as another session's delete would
                cursor.execute("DELETE FROM registry_person WHERE id = %s", [gone.pk])

        batch = {"results": [item("G1", ID_GONE), item("G2")]}
        with mock.patch.object(LabResultImporter, "prepare", prepare_then_delete):
            body = self.client_for(self.world.medic).post(
                f"/api/labs/{lab.pk}/results/batch", json.dumps(batch),
                content_type="application/json").json()
        assert (body["created"], body["refused"]) == (1, 1), body
        assert [(e["index"], e["field"]) for e in body["errors"]] == [(0, "sample_id")]
        assert list(LabTest.objects.values_list("sample_id", "person")) == [
            ("G2", self.world.person_a.pk)]
