from __future__ import annotations

from decimal import Decimal

from django.test import override_settings

from epigrid.areas.models import Area, Level
from epigrid.core.models import AuditEntry, ImportRun
from tests.base import BaseTestCase
from tests.core.test_imports_support import (
    AREA_HEADER,
    csv_bytes,
    errors_of,
    import_bytes,
    xlsx_bytes,
)

TOWN_A = "420102001000"
TOWN_B = "420102002000"
NO_PARENT = "There is no area with the code {} in your area."


def village(code: str, name: str, parent: str = TOWN_A, *rest: object) -> list[object]:
    return [code, name, "village", parent, *rest]


class AreaImportTests(BaseTestCase):
    def test_it_creates_areas_whose_parent_is_an_earlier_row(self) -> None:
        w = self.world
        content = csv_bytes([
            AREA_HEADER,
            village("420102001003", "Village A3", TOWN_A, "1,200", "400", "30.5928", "114.3055"),
            ["420102001003-01", "Grid A3-1", "grid", "420102001003"],
        ])
        run = import_bytes("areas", content, w.alice)
        assert (run.status, run.rows_total, run.rows_created, run.rows_failed) == ("done", 2, 2, 0)
        village_a3 = Area.objects.get(code="420102001003")
        grid = Area.objects.get(code="420102001003-01")
        assert village_a3.parent == w.town_a and village_a3.level == Level.VILLAGE
        assert village_a3.path == w.town_a.path + f"{village_a3.pk:08d}/"
        assert grid.path == village_a3.path + f"{grid.pk:08d}/"
        assert (village_a3.population, village_a3.households) == (1200, 400)
        assert village_a3.latitude == Decimal("30.592800")

    @override_settings(IMPORT_BATCH_SIZE=2)
    def test_it_finds_a_parent_written_in_an_earlier_batch(self) -> None:
        rows: list[list[object]] = [AREA_HEADER, village("420102001005", "Village A5")]
        rows += [["420102001005-0" + str(i), f"Grid A5-{i}", "grid", "420102001005"]
                 for i in range(1, 6)]
        run = import_bytes("areas", csv_bytes(rows), self.world.alice)
        assert (run.rows_created, run.rows_failed) == (6, 0)
        assert Area.objects.within(Area.objects.get(code="420102001005").path).count() == 6

    def test_it_names_each_wrong_cell(self) -> None:
        content = csv_bytes([
            AREA_HEADER,
            village("420102001003", "Good"),
            ["420102001004", "Unknown parent", "village", "420102009999"],
            village("420102001003", "Again"),
            ["420102001006", "Odd level", "hamlet", TOWN_A],
            ["420102001007", "Under a village", "village", "420102001001"],
            village("420102001008", "Bad figures", TOWN_A, "many", "-3", "91", "181"),
            village("4201020010", "Short code"),
            village("4.20102E+11", "Excel code"),
            ["", "", "village", TOWN_A],
        ])
        run = import_bytes("areas", content, self.world.alice)
        assert (run.status, run.rows_created, run.rows_failed) == ("partial", 1, 8)
        assert errors_of(run) == [
            (3, "parent_code", NO_PARENT.format("420102009999")),
            (4, "code", "The code 420102001003 appears twice in the file; row 2 has it already."),
            (5, "level", "Unknown level; use city, district, town, village or grid "
                         "(市, 区县, 乡镇, 村/社区, 网格) or 1 to 5."),
            (6, "parent_code", "A village must be placed under a town; 420102001001 is a "
                               "village."),
            (7, "population", "Enter a whole number, like 1200."),
            (7, "households", "A count cannot be negative."),
            (7, "latitude", "A latitude lies between -90 and 90; were latitude and longitude "
                            "swapped?"),
            (7, "longitude", "A longitude lies between -180 and 180."),
            (8, "code", "A village code has exactly 12 digits, like 420102001000."),
            (9, "code", "The spreadsheet shortened this code into scientific notation and lost "
                        "digits; format the column as text and type the full code again."),
            (10, "code", "A code is required."),
            (10, "name", "This column must not be empty."),
        ]
        values = {(e["row"], e["column"]): e["value"] for e in run.errors}
        assert values[(7, "latitude")] == "91" and values[(9, "code")] == "4.20102E+11"
        assert Area.objects.get(code="420102001003").name == "Good"
        assert not Area.objects.filter(code__in=[f"42010200100{i}" for i in range(4, 9)]).exists()

    def test_it_answers_an_out_of_scope_parent_as_an_unknown_one(self) -> None:
        content = csv_bytes([AREA_HEADER, village("420102002009", "Bob's village", TOWN_B),
                             village("420102002010", "Nowhere", "420102002999")])
        run = import_bytes("areas", content, self.world.alice)
        assert errors_of(run) == [(2, "parent_code", NO_PARENT.format(TOWN_B)),
                                  (3, "parent_code", NO_PARENT.format("420102002999"))]
        assert not Area.objects.filter(code="420102002009").exists()

    def test_it_refuses_a_code_used_outside_the_users_area(self) -> None:
        # Bob's village code, placed under Alice's town: the code is taken.
        run = import_bytes("areas", csv_bytes([AREA_HEADER, village("420102002001", "Mine")]),
                           self.world.alice)
        assert errors_of(run) == [
            (2, "code", "The code 420102002001 is already used by an area outside your area.")]
        self.world.village_b1.refresh_from_db()
        assert self.world.village_b1.name == "Village B1"

    def test_it_updates_an_existing_area_and_does_not_double_on_a_rerun(self) -> None:
        w = self.world
        content = csv_bytes([AREA_HEADER,
                             village("420102001001", "Willow Village", TOWN_A, "3100", ""),
                             village("420102001003", "Village A3")])
        first = import_bytes("areas", content, w.alice)
        second = import_bytes("areas", content, w.alice)
        assert (first.rows_created, first.rows_updated, first.rows_unchanged) == (1, 1, 0)
        assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 2)
        w.village_a1.refresh_from_db()
        # An empty cell leaves the value as it is.
        assert (w.village_a1.name, w.village_a1.population, w.village_a1.households) == (
            "Willow Village", 3100, 1000)
        assert Area.objects.filter(code="420102001003").count() == 1

    def test_it_does_not_move_or_relevel_an_existing_area_by_import(self) -> None:
        content = csv_bytes([AREA_HEADER,
                             ["420102001001", "Village A1", "village", "420102001001-01"],
                             ["420102001002", "Village A2", "town", "420102000000"]])
        run = import_bytes("areas", content, self.world.command)
        assert errors_of(run) == [
            (2, "parent_code", "A village must be placed under a town; 420102001001-01 is a "
                               "grid."),
            (3, "level", "The area 420102001002 exists as a village; an import cannot change "
                         "its level."),
        ]

    def test_it_lets_only_an_administrator_import_a_city(self) -> None:
        rows = [AREA_HEADER, ["110100000000", "Capital", "city", ""]]
        refused = import_bytes("areas", csv_bytes(rows), self.world.command)
        assert errors_of(refused) == [(2, "level", "Only an administrator can import a city.")]
        done = import_bytes("areas", csv_bytes(rows), self.world.admin)
        assert done.rows_created == 1
        assert Area.objects.get(code="110100000000").path.count("/") == 1

    def test_it_saves_nothing_in_all_or_nothing_mode_when_a_row_is_wrong(self) -> None:
        content = csv_bytes([AREA_HEADER, village("420102001003", "Village A3"),
                             village("420102001001", "Renamed"),
                             village("420102001004", "Lost", "420102009999")])
        before = Area.objects.count()
        run = import_bytes("areas", content, self.world.alice,
                           mode=ImportRun.Mode.ALL_OR_NOTHING)
        assert (run.status, run.rows_total, run.rows_created, run.rows_failed) == (
            "rolled_back", 3, 0, 1)
        assert Area.objects.count() == before
        self.world.village_a1.refresh_from_db()
        assert self.world.village_a1.name == "Village A1"

    def test_it_saves_everything_in_all_or_nothing_mode_when_all_rows_are_right(self) -> None:
        content = csv_bytes([AREA_HEADER, village("420102001003", "Village A3")])
        run = import_bytes("areas", content, self.world.alice,
                           mode=ImportRun.Mode.ALL_OR_NOTHING)
        assert (run.status, run.rows_created) == ("done", 1)

    def test_it_reads_a_gbk_csv_with_chinese_headers_and_level_words(self) -> None:
        content = csv_bytes([
            ["编码", "名称", "级别", "上级编码", "人口（人）", "户数"],
            ["420102001003", "柳林村", "村", TOWN_A, "1200", "400"],
            ["420102001003-01", "柳林村第一网格", "网格", "420102001003", "", ""],
            ["420102001004", "桃园社区", "乡镇", TOWN_A, "", ""],
        ], encoding="gbk")
        run = import_bytes("areas", content, self.world.alice)
        assert (run.rows_created, run.rows_failed) == (2, 1)
        assert Area.objects.get(code="420102001003").name == "柳林村"
        assert errors_of(run) == [(4, "上级编码", "A town must be placed under a district; "
                                                "420102001000 is a town.")]

    def test_it_reads_an_xlsx_sheet_with_numeric_code_cells(self) -> None:
        content = xlsx_bytes({"说明": [["Fill in the next sheet"]], "区划": [
            ["青山区区划表"],
            ["编码", "名称", "级别", "上级编码", "人口", "纬度", "经度"],
            [420102001003, "柳林村", 4, 420102001000, 1200.0, 30.5, 114.25],
        ]})
        run = import_bytes("areas", content, self.world.alice, name="areas.xlsx", sheet="区划")
        assert (run.status, run.rows_created) == ("done", 1)
        created = Area.objects.get(code="420102001003")
        assert (created.population, created.longitude) == (1200, Decimal("114.25"))

    def test_it_writes_one_audit_entry_per_run(self) -> None:
        content = csv_bytes([AREA_HEADER, village("420102001003", "Village A3"),
                             village("420102001004", "Lost", "420102009999")])
        run = import_bytes("areas", content, self.world.alice)
        entries = AuditEntry.objects.filter(action="import")
        assert entries.count() == 1
        entry = entries.get()
        assert (entry.actor, entry.model, entry.object_pk) == (
            self.world.alice, "areas.Area", str(run.pk))
        assert entry.changes["created"] == 1 and entry.changes["failed"] == 1
        assert entry.area_path == self.world.town_a.path
        # The bulk write does not log each row as well.
        assert not AuditEntry.objects.filter(action="create", model="areas.Area",
                                             object_repr="Village A3").exists()
