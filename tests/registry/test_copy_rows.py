"""New persons' rows encoded for PostgreSQL's binary COPY: tails made ahead, rows made here."""

from __future__ import annotations

import datetime
import unittest

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from epigrid.core import crypto
from epigrid.registry import bulk, copy_rows
from epigrid.registry.copy_rows import PersonCopy, TailEncoder
from epigrid.registry.models import Person
from tests.base import BaseTestCase

POSTGRESQL_ONLY = unittest.skipUnless(connection.vendor == "postgresql",
                                      "binary COPY is PostgreSQL's")


class PersonCopyTests(BaseTestCase):
    def tail_values(self, name: str, phone: str) -> tuple[object, ...]:
        """copy_rows.TAIL's values of a person with a phone and no ID."""
        return (name, "", "", "", crypto.encrypt(phone, "phone"),
                crypto.keyed_hash(phone, "phone"), "139****0001", "female",
                datetime.date(1990, 1, 2), "cook", True, "visitor", ",chronic,", "Wuhan",
                datetime.date(2020, 1, 23))

    def test_a_tail_reads_back_whole_and_its_phone_alone(self) -> None:
        values = self.tail_values("Tail One", "13900000001")
        tail = TailEncoder()(values)
        assert copy_rows.decode_tail(tail) == values
        assert copy_rows.tail_phone(tail) == values[4:7]
        no_phone = (*values[:4], "", "", "", *values[7:])
        assert copy_rows.tail_phone(TailEncoder()(no_phone)) == ("", "", "")

    @POSTGRESQL_ONLY
    def test_it_stores_rows_from_tails_and_from_values_alike(self) -> None:
        grid, household = self.world.grid_a1_1, self.world.household_a
        now = timezone.now()
        copy = PersonCopy(now)
        copy.add_tail((grid.pk, grid.path), household.pk,
                      TailEncoder()(self.tail_values("Tail One", "13900000001")))
        copy.add_tail((grid.pk, grid.path), None,
                      TailEncoder()(self.tail_values("Tail Two", "13900000001")))
        copy.add_row((now, now, grid.path, grid.pk, None,
                      *self.tail_values("Row Three", "13900000001")))
        assert bulk.insert_persons(copy.encoded()) == 3
        stored = {p.name: p for p in Person.objects.filter(name__in=[
            "Tail One", "Tail Two", "Row Three"])}
        assert sorted(stored) == ["Row Three", "Tail One", "Tail Two"]
        assert (stored["Tail One"].household_id, stored["Tail Two"].household_id,
                stored["Row Three"].household_id) == (household.pk, None, None)
        for person in stored.values():
            assert (person.grid_id, person.area_path, person.created_at) == (
                grid.pk, grid.path, now)
            assert (person.birth_date, person.is_medical_staff, person.residency,
                    person.tag_list, person.returnee_origin, person.returned_on) == (
                datetime.date(1990, 1, 2), True, "visitor", ["chronic"], "Wuhan",
                datetime.date(2020, 1, 23))
            assert crypto.decrypt(person.phone_enc, "phone") == "13900000001"
        assert Person.objects.restrict(self.world.alice).filter(name="Tail One").exists()

    @POSTGRESQL_ONLY
    def test_a_row_the_database_refuses_raises_djangos_integrity_error(self) -> None:
        grid = self.world.grid_a1_2
        copy = PersonCopy(timezone.now())
        copy.add_tail((grid.pk, grid.path), None, TailEncoder()(
            (None, *self.tail_values("", "13900000001")[1:])))  # name is NOT NULL
        with self.assertRaises(IntegrityError), transaction.atomic():
            bulk.insert_persons(copy.encoded())

    def test_an_empty_block_writes_nothing(self) -> None:
        encoded = PersonCopy(timezone.now()).encoded()
        assert (len(encoded), encoded.data) == (0, copy_rows.SIGNATURE + copy_rows.TRAILER)

    @unittest.skipIf(connection.vendor == "postgresql", "SQLite has no binary COPY")
    def test_sqlite_refuses_rows_encoded_for_postgresql(self) -> None:
        with self.assertRaises(TypeError):
            bulk.insert_persons(PersonCopy(timezone.now()).encoded())
