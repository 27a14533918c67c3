"""The demo's residents loaded the fast way (PostgreSQL: indexes built after the load, doors
placed as the rows are drawn) hold what the plain way writes."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Q
from django.test import TestCase

from epigrid.areas.models import Area, Level
from epigrid.demo.generator import generate
from epigrid.demo.registry_data import place_households
from epigrid.registry.models import Household, HouseholdVisit, Outcome, Person

SEED = 11


def doors() -> list[tuple[object, ...]]:
    return list(Household.objects.order_by("id").values_list("id", "latitude", "longitude"))


class FastLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = generate("tiny", SEED, residents=True)

    def test_it_places_every_door_where_the_update_would(self) -> None:
        placed = doors()
        assert all(latitude is not None for _id, latitude, _longitude in placed)
        place_households(Area.objects.get(level=Level.CITY))
        assert doors() == placed

    def test_it_counts_each_visits_screenings_as_the_rows_say(self) -> None:
        present = Q(persons__present=True)
        recount = HouseholdVisit.objects.annotate(
            screened=Count("persons", filter=present),
            abnormal=Count("persons", filter=present & ~Q(persons__outcome=Outcome.NORMAL)))
        rows = list(recount.values_list("persons_screened", "screened", "persons_abnormal",
                                        "abnormal"))
        assert rows and all(a == b and c == d for a, b, c, d in rows)
        residents = self.summary["residents"]
        assert sum(row[0] for row in rows) == residents["screened"]
        assert sum(row[2] for row in rows) == residents["abnormal"]

    def test_it_leaves_the_tables_with_their_indexes_and_foreign_keys(self) -> None:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Person._meta.db_table)
        indexed = {tuple(c["columns"]) for c in found.values() if c["index"]}
        assert {("area_path", "id"), ("id_number_hash",), ("phone_hash",), ("name",),
                ("grid_id",), ("household_id",)} <= indexed
        keys = {c["foreign_key"] for c in found.values() if c["foreign_key"]}
        assert keys == {("areas_area", "id"), ("registry_household", "id")}
