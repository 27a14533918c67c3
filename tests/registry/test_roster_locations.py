"""A roster may give each door's location (latitude and longitude, decimal degrees WGS84), as
the household form takes it: the grid worker's round then lists the doors nearest first."""

from __future__ import annotations

from decimal import Decimal

from epigrid.core.models import ImportRun
from epigrid.registry.exporters import roster_columns
from epigrid.registry.importers import RosterImporter
from epigrid.registry.models import Household, Person
from tests.base import ID_A, BaseTestCase
from tests.core.test_imports_support import errors_of, import_bytes
from tests.registry.test_roster_import import HEADER, ID_2, ID_3, make_id, roster, row

PLACED = [*HEADER, "latitude", "longitude"]
CHINESE_PLACE = [*HEADER, "纬度", "经度"]


def placed(latitude: str = "30.5928", longitude: str = "114.3055", **fields: object
           ) -> list[object]:
    return [*row(**fields), latitude, longitude]


class RosterLocationTests(BaseTestCase):
    def import_(self, *rows: list[object], header: list[str] = PLACED) -> ImportRun:
        return import_bytes("roster", roster(*rows, header=header), self.world.alice)

    def test_it_places_a_new_household_at_its_door(self) -> None:
        run = self.import_(placed(latitude="30.59283456", longitude="114.3055"))
        assert (run.status, run.rows_created) == ("done", 1), run.errors
        household = Household.objects.get(number="A-0100")
        # To the stored precision (a micro-degree, 11 cm), as the household form rounds.
        assert (household.latitude, household.longitude) == (Decimal("30.592835"),
                                                              Decimal("114.305500"))

    def test_it_reads_the_chinese_headers(self) -> None:
        run = self.import_(placed(), header=CHINESE_PLACE)
        assert run.status == "done", run.errors
        assert Household.objects.get(number="A-0100").latitude == Decimal("30.592800")

    def test_it_takes_the_first_location_the_households_rows_give(self) -> None:
        run = self.import_(placed(latitude="", longitude=""),
                           placed(name="Liu Fang", id_number=ID_2, phone="",
                                  latitude="30.6", longitude="114.2"),
                           placed(name="Liu Jie", id_number=ID_3, phone="",
                                  latitude="31", longitude="115"))
        assert (run.status, run.rows_created) == ("done", 3), run.errors
        household = Household.objects.get(number="A-0100")
        assert (household.latitude, household.longitude) == (Decimal("30.6"), Decimal("114.2"))

    def test_it_places_a_registered_household_its_row_names(self) -> None:
        w = self.world
        run = self.import_(placed(grid_code=w.grid_a1_1.code, household_number="A-0014",
                                  address="", name="Wang Jun", id_number=ID_A, phone=""))
        assert run.status == "done", run.errors
        w.household_a.refresh_from_db()
        assert (w.household_a.latitude, w.household_a.longitude) == (Decimal("30.5928"),
                                                                    Decimal("114.3055"))

    def test_it_leaves_a_household_without_a_location_when_none_is_given(self) -> None:
        run = self.import_(placed(latitude="", longitude=""))
        assert run.status == "done", run.errors
        assert Household.objects.get(number="A-0100").latitude is None

    def test_it_names_each_bad_location_and_keeps_the_good_rows(self) -> None:
        run = self.import_(
            placed(latitude="91", household_number="A-1"),
            placed(longitude="东经114度", household_number="A-2", name="Liu Fang",
                   id_number=ID_2),
            placed(longitude="", household_number="A-3", name="Liu Jie", id_number=ID_3),
            placed(latitude="", household_number="A-4", name="Liu Min",
                   id_number=make_id("42010219700101004")),
            placed(household_number="A-5", name="Liu Bo",
                   id_number=make_id("42010219700101005")))
        assert (run.status, run.rows_created, run.rows_failed) == ("partial", 1, 4)
        assert errors_of(run) == [
            (2, "latitude", "A latitude lies between -90 and 90; were latitude and longitude "
                            "swapped?"),
            (3, "longitude", "Enter the coordinate in decimal degrees, like 30.5928."),
            (4, "longitude", "Give the latitude and the longitude together, or neither."),
            (5, "latitude", "Give the latitude and the longitude together, or neither."),
        ]
        assert list(Person.objects.filter(name__startswith="Liu").values_list(
            "name", flat=True)) == ["Liu Bo"]
        assert Household.objects.get(number="A-5").latitude == Decimal("30.5928")

    def test_it_refuses_a_location_for_a_person_without_a_household(self) -> None:
        run = self.import_(placed(household_number="", address="", head_name="",
                                  household_phone="", residency="外来务工"))
        assert run.rows_failed == 1
        assert errors_of(run) == [(2, "latitude", "A location is a household's door: give the "
                                   "household number or address, or leave the location empty.")]

    def test_it_exports_the_location_as_the_import_reads_it(self) -> None:
        self.import_(placed())
        columns = roster_columns()
        assert [str(column.header) for column in columns[-2:]] == ["latitude", "longitude"]
        person = Person.objects.select_related("household").get(name="Liu Yang")
        assert [column.value(person) for column in columns[-2:]] == [Decimal("30.592800"),
                                                                     Decimal("114.305500")]
        # The exported header is one the import takes back.
        assert [RosterImporter.column(name).label for name in ("latitude", "longitude")] == [
            column.header for column in columns[-2:]]
