from __future__ import annotations

from decimal import Decimal

from epigrid.areas.models import Checkpoint, Facility, Warehouse
from tests.base import BaseTestCase
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes

SITE_HEADER = ["code", "name", "area_code", "kind", "address", "latitude", "longitude", "phone"]
VILLAGE_A1 = "420102001001"
VILLAGE_B1 = "420102002001"


class SiteImportTests(BaseTestCase):
    def test_it_creates_checkpoints_with_kinds_by_value_label_or_chinese_word(self) -> None:
        content = csv_bytes([
            SITE_HEADER,
            ["CP-A-101", "North Road", VILLAGE_A1, "road", "G318", "30.61", "114.31",
             "027-8888 6666"],
            ["CP-A-102", "Gate 2", VILLAGE_A1, "community gate", "", "", "", ""],
            ["CP-A-103", "劝返点一", VILLAGE_A1, "劝返点", "", "", "", ""],
        ])
        run = import_bytes("checkpoints", content, self.world.alice)
        assert (run.status, run.rows_created) == ("done", 3)
        kinds = dict(Checkpoint.objects.filter(code__startswith="CP-A-1").values_list("code",
                                                                                      "kind"))
        assert kinds == {"CP-A-101": "road", "CP-A-102": "community_gate",
                         "CP-A-103": "persuasion_return"}
        north = Checkpoint.objects.get(code="CP-A-101")
        assert (north.area, north.latitude, north.phone) == (
            self.world.village_a1, Decimal("30.610000"), "027-8888 6666")

    def test_it_names_each_wrong_cell_of_a_site(self) -> None:
        content = csv_bytes([
            SITE_HEADER,
            ["CP-A-201", "Unknown kind", VILLAGE_A1, "tollbooth", "", "", "", ""],
            ["CP-A-202", "Unknown area", "420102009999", "road", "", "", "", ""],
            ["CP-A-203", "Bob's area", VILLAGE_B1, "road", "", "", "", ""],
            ["CP-B-001", "Bob's checkpoint", VILLAGE_A1, "road", "", "", "", ""],
            ["CP-A-204", "Bad phone", VILLAGE_A1, "road", "", "north", "", "call me"],
            ["CP-A-205", "", VILLAGE_A1, "", "", "", "", ""],
            ["CP-A-206", "Twice", VILLAGE_A1, "road", "", "", "", ""],
            ["CP-A-206", "Twice again", VILLAGE_A1, "road", "", "", "", ""],
        ])
        run = import_bytes("checkpoints", content, self.world.alice)
        no_area = "There is no area with the code {} in your area."
        assert errors_of(run) == [
            (2, "kind", "Unknown value; use one of: road checkpoint, station, community gate, "
                        "persuasion-return point."),
            (3, "area_code", no_area.format("420102009999")),
            (4, "area_code", no_area.format(VILLAGE_B1)),
            (5, "code", "The code CP-B-001 is already used by a site outside your area."),
            (6, "latitude", "Enter the coordinate in decimal degrees, like 30.5928."),
            (6, "phone", "Enter a phone number of digits, spaces and hyphens, like 027-8888 6666."),
            (7, "name", "This column must not be empty."),
            (7, "kind", "This column must not be empty."),
            (9, "code", "The code CP-A-206 appears twice in the file; row 8 has it already."),
        ]
        assert (run.rows_created, run.rows_failed) == (1, 7)
        assert Checkpoint.objects.get(code="CP-B-001").area == self.world.village_b1

    def test_it_updates_a_site_by_code_and_does_not_double_on_a_rerun(self) -> None:
        content = csv_bytes([SITE_HEADER, ["CP-A-001", "East Road Checkpoint (moved)",
                                           "420102001002", "station", "", "", "", ""]])
        first = import_bytes("checkpoints", content, self.world.alice)
        second = import_bytes("checkpoints", content, self.world.alice)
        assert (first.rows_updated, second.rows_unchanged) == (1, 1)
        site = Checkpoint.objects.get(code="CP-A-001")
        assert (site.name, site.area, site.kind) == (
            "East Road Checkpoint (moved)", self.world.village_a2, "station")
        # Empty cells leave the coordinates as they were.
        assert site.latitude == Decimal("30.600000")
        assert Checkpoint.objects.filter(code="CP-A-001").count() == 1

    def test_it_imports_facilities_by_chinese_kind_and_headers(self) -> None:
        content = csv_bytes([["编码", "名称", "所属区域编码", "类型", "地址", "联系电话"],
                             ["FA-A-101", "东城方舱医院", "420102001000", "方舱医院", "体育馆",
                              "12345"],
                             ["FA-A-102", "东城隔离酒店", "420102001000", "集中隔离点", "", ""]],
                            encoding="gb18030")
        run = import_bytes("facilities", content, self.world.alice)
        assert (run.status, run.rows_created) == ("done", 2)
        assert Facility.objects.get(code="FA-A-101").kind == Facility.Kind.SHELTER_HOSPITAL
        assert Facility.objects.get(code="FA-A-102").kind == Facility.Kind.QUARANTINE_SITE

    def test_it_imports_warehouses_without_a_kind_column(self) -> None:
        content = csv_bytes([["code", "name", "area_code", "address"],
                             ["WH-A-101", "Depot 2", "420102001000", "1 Dock Road"]])
        run = import_bytes("warehouses", content, self.world.alice)
        assert (run.status, run.rows_created) == ("done", 1)
        assert Warehouse.objects.get(code="WH-A-101").address == "1 Dock Road"

    def test_it_lets_the_command_import_anywhere_in_its_district(self) -> None:
        content = csv_bytes([["code", "name", "area_code"], ["WH-B-101", "Xihe 2", VILLAGE_B1]])
        assert import_bytes("warehouses", content, self.world.alice).rows_failed == 1
        assert import_bytes("warehouses", content, self.world.command).rows_created == 1
