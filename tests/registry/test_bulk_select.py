"""bulk.select_rows: the rows a batch refers to, by one key among many values, in one query."""

from __future__ import annotations

from epigrid.core import crypto
from epigrid.registry import bulk
from epigrid.registry.models import Household, Person
from tests.base import ID_A, ID_B, BaseTestCase


class SelectRowsTests(BaseTestCase):
    def test_it_finds_the_rows_whose_key_is_among_the_values(self) -> None:
        hashes = [crypto.keyed_hash(ID_A, "id_number"), crypto.keyed_hash(ID_B, "id_number"),
                  "0" * 64, crypto.keyed_hash(ID_A, "id_number")]
        with self.assertNumQueries(1):
            found = bulk.select_rows(Person, ("id", "name", "household_id"), "id_number_hash",
                                     hashes)
        assert sorted(found) == sorted([
            (self.world.person_a.pk, "Wang Jun", self.world.household_a.pk),
            (self.world.person_b.pk, self.world.person_b.name, self.world.person_b.household_id),
        ])

    def test_it_takes_integer_keys_and_further_equal_columns(self) -> None:
        households = [self.world.household_a.pk, 10**12]
        everyone = bulk.select_rows(Person, ("id",), "household_id", households)
        assert {pk for (pk,) in everyone} == set(Person.objects.filter(
            household=self.world.household_a).values_list("pk", flat=True))
        assert bulk.select_rows(Person, ("id",), "household_id", households,
                                name="Nobody") == []
        grids = bulk.select_rows(Household, ("id", "grid_id"), "grid_id",
                                 [self.world.grid_a1_1.pk])
        assert (self.world.household_a.pk, self.world.grid_a1_1.pk) in grids

    def test_no_values_ask_nothing(self) -> None:
        with self.assertNumQueries(0):
            assert bulk.select_rows(Person, ("id",), "id_number_hash", []) == []
