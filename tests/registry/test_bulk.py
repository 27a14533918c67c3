from __future__ import annotations

import datetime
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from epigrid.core import crypto
from epigrid.core.ids import allocate_ids
from epigrid.registry import bulk
from epigrid.registry.models import Household, Person
from tests.base import BaseTestCase


class BulkWriterTests(BaseTestCase):
    def test_it_writes_exactly_the_rows_it_is_given(self) -> None:
        """On PostgreSQL through binary COPY (run under DATABASE_URL=postgresql://...)."""
        grid = self.world.grid_a1_2
        now = timezone.now()
        household_id = allocate_ids(Household, 1)[0]
        assert bulk.insert_households([(household_id, now, now, grid.path, grid.pk, "B-1",
                                        "No. 1, Bulk Road", "Bulk Head", "", "", "")]) == 1
        token = crypto.encrypt("13900000001", "phone")
        rows = [(now, now, grid.path, grid.pk, household_id, f"Bulk {index}", "", "", "",
                 token, crypto.keyed_hash("13900000001", "phone"), "139****0001",
                 "female", datetime.date(1990, 1, index + 1), "cook", index == 0, "resident",
                 ",chronic," if index else "", "", None) for index in range(3)]
        before = Person.objects.count()
        assert bulk.insert_persons(rows) == 3
        written = list(Person.objects.filter(name__startswith="Bulk ").order_by("name"))
        assert Person.objects.count() == before + 3
        assert [p.name for p in written] == ["Bulk 0", "Bulk 1", "Bulk 2"]
        assert [p.birth_date for p in written] == [datetime.date(1990, 1, d) for d in (1, 2, 3)]
        assert [p.is_medical_staff for p in written] == [True, False, False]
        assert written[1].tag_list == ["chronic"] and written[0].household_id == household_id
        assert crypto.decrypt(written[2].phone_enc, "phone") == "13900000001"
        assert abs((written[0].created_at - now).total_seconds()) < 1
        assert Household.objects.get(pk=household_id).address == "No. 1, Bulk Road"
        assert list(Person.objects.restrict(cast(Any, self.world.alice)).filter(
            name__startswith="Bulk ")) == written

    def test_it_updates_the_given_persons_only(self) -> None:
        person = self.world.person_a2
        values = ("Wang Lei", "", "", "", "student", False, "resident", ",pregnant,", "Xiaogan",
                  datetime.date(2020, 1, 20))
        assert bulk.update_persons([(person.pk, values)]) == 1
        person.refresh_from_db()
        assert (person.occupation, person.tag_list, person.returnee_origin,
                person.returned_on) == ("student", ["pregnant"], "Xiaogan",
                                        datetime.date(2020, 1, 20))
        assert Person.objects.get(pk=self.world.person_a.pk).occupation == ""

    def test_a_row_the_database_refuses_raises_djangos_integrity_error(self) -> None:
        """The import runner then writes the batch row by row to name the guilty one."""
        grid = self.world.grid_a1_2
        now = timezone.now()
        row = [now, now, grid.path, grid.pk, None, None, "", "", "", "", "", "", "unknown",
               None, "", False, "resident", "", "", None]  # name is NOT NULL
        with self.assertRaises(IntegrityError), transaction.atomic():
            bulk.insert_persons([tuple(row)])
        assert connection.vendor in {"sqlite", "postgresql"}
