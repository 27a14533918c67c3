"""Exports of supplies: the stock by warehouse and item, the ledger, the donations' lines."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone, translation

from epigrid.core.exports import rows
from epigrid.core.models import AuditEntry, ExportRun
from epigrid.supplies import services
from epigrid.supplies.exporters import (
    DONATIONS,
    LEDGER,
    LEDGER_COLUMNS,
    STOCK,
    STOCK_COLUMNS,
    records_for,
    start_supplies_export,
)
from epigrid.supplies.models import Donor
from tests.core.test_imports_support import read_xlsx
from tests.supplies.helpers import SuppliesTestCase

STOCK_HEADER = ["Area", "Warehouse code", "Warehouse", "Item code", "Item", "Unit", "Stock",
                "Used in the last 7 days", "Days of supply"]


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


class SuppliesExportTests(SuppliesTestCase):
    def setUp(self) -> None:
        w = self.world
        a, b = w.warehouse_a, w.warehouse_b
        services.receive(a, self.n95, 1000, by=self.ma, party="City reserve", at=days_ago(10))
        services.receive(b, self.n95, 500, by=self.xu, party="City reserve", at=days_ago(10))
        services.issue(a, self.n95, 100, by=self.ma, party="Fever clinic", at=days_ago(9))
        services.issue(a, self.n95, 70, by=self.ma, party="Fever clinic", at=days_ago(2))
        services.transfer(b, a, self.n95, 50, by=self.xu, note="top-up", at=days_ago(1))
        self.request = self.ask(30)
        services.issue(a, self.n95, 20, by=self.ma, request=self.request)
        self.donation = services.record_donation(
            a, by=self.ma, donor="Acme Ltd", donor_kind=Donor.ENTERPRISE, contact="Mr Li",
            lines=[(self.surgical, 300)], note="=HYPERLINK(\"x\")", received_at=days_ago(3))
        self.folder = Path(tempfile.mkdtemp())

    def command(self, kind: str, *args: str, fmt: str = "csv") -> list[list[Any]]:
        output = self.folder / f"{kind}.{fmt}"
        call_command("export_data", kind, "--format", fmt, "--output", str(output), *args,
                     stdout=io.StringIO())
        if fmt == "xlsx":
            return [list(row) for row in read_xlsx(output.read_bytes())]
        return list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))

    def test_the_stock_has_a_row_per_warehouse_and_item_with_its_use_and_days(self) -> None:
        table = self.command(STOCK, "--user", "xu")
        assert table == [
            STOCK_HEADER,
            # 1000 - 100 - 70 + 50 - 20; used over 7 days: 70 + 20; 860 / (90 / 7) days
            ["Dongcheng Town", "WH-A-001", "Dongcheng Depot", "n95", "N95 mask", "pcs", "860",
             "90", "66.9"],
            ["Dongcheng Town", "WH-A-001", "Dongcheng Depot", "surgical-mask", "Surgical mask",
             "pcs", "300", "0", ""],
            ["Xihe Town", "WH-B-001", "Xihe Depot", "n95", "N95 mask", "pcs", "450", "0", ""],
        ]
        assert AuditEntry.objects.filter(action="export", model="supplies.Movement").exists()

    def test_mas_export_of_the_stock_lists_town_a_only(self) -> None:
        table = self.command(STOCK, "--user", "ma")
        assert {row[1] for row in table[1:]} == {"WH-A-001"}
        assert len(table) == 3
        town_b = self.command(STOCK, "--within", self.world.town_b.code)
        assert [row[1:7] for row in town_b[1:]] == [
            ["WH-B-001", "Xihe Depot", "n95", "N95 mask", "pcs", "450"]]

    def test_the_stock_is_one_query_whatever_the_ledger_holds(self) -> None:
        with self.assertNumQueries(1):
            before = list(rows(records_for(STOCK, self.xu), STOCK_COLUMNS))
        for _ in range(5):
            services.issue(self.world.warehouse_b, self.n95, 1, by=self.xu, party="Gate")
        with self.assertNumQueries(1):
            after = list(rows(records_for(STOCK, self.xu), STOCK_COLUMNS))
        assert len(before) == len(after) == 3
        assert after[2][6:8] == [445, 5]  # a number in a spreadsheet, not text

    def test_the_ledger_lists_every_movement_of_the_users_warehouses_oldest_first(
            self) -> None:
        table = self.command(LEDGER, "--user", "ma")
        assert table[0] == ["When", "Warehouse code", "Warehouse", "Item code", "Item", "Kind",
                            "Quantity", "Unit", "From or to", "Request", "Donation", "Note",
                            "Recorded by"]
        got = [(row[5], row[6], row[8], row[9], row[10], row[12]) for row in table[1:]]
        assert got == [
            ("receipt", "1000", "City reserve", "", "", "ma"),
            ("issue", "-100", "Fever clinic", "", "", "ma"),
            ("donation", "300", "Acme Ltd", "", str(self.donation.pk), "ma"),
            ("issue", "-70", "Fever clinic", "", "", "ma"),
            ("transfer in", "50", "Xihe Depot", "", "", "xu"),
            ("issue", "-20", "Village A1", str(self.request.pk), "", "ma"),
        ]
        assert {row[1] for row in table[1:]} == {"WH-A-001"}  # not town B's transfer out
        everything = self.command(LEDGER, "--user", "xu")
        assert len(everything) == 1 + 8

    def test_the_ledger_streams_in_one_query_whatever_its_length(self) -> None:
        for _ in range(30):
            services.issue(self.world.warehouse_a, self.n95, 1, by=self.ma, party="Gate")
        with self.assertNumQueries(1):
            lines = list(rows(records_for(LEDGER, self.xu), LEDGER_COLUMNS))
        assert len(lines) == 8 + 30

    def test_the_donations_export_has_a_line_per_item_given(self) -> None:
        services.record_donation(
            self.world.warehouse_b, by=self.xu, donor="Wang Fang",
            donor_kind=Donor.INDIVIDUAL, lines=[(self.n95, 40), (self.disinfectant, 12)])
        table = self.command(DONATIONS, "--user", "xu", fmt="xlsx")
        assert table[0] == ["Donation", "Donor", "Donor kind", "Contact", "Warehouse code",
                            "Warehouse", "Received at", "Item code", "Item", "Quantity", "Unit",
                            "Note"]
        first = table[1]
        assert first[:6] == [self.donation.pk, "Acme Ltd", "enterprise", "Mr Li", "WH-A-001",
                             "Dongcheng Depot"]
        assert first[7:] == ["surgical-mask", "Surgical mask", 300, "pcs", "=HYPERLINK(\"x\")"]
        assert isinstance(first[6], datetime.datetime)
        assert [(row[1], row[7], row[9]) for row in table[2:]] == [
            ("Wang Fang", "n95", 40), ("Wang Fang", "disinfectant", 12)]
        assert [row[1] for row in self.command(DONATIONS, "--user", "ma")[1:]] == ["Acme Ltd"]

    def test_the_headers_speak_the_users_language(self) -> None:
        with translation.override("zh-hans"):
            header = self.command(STOCK)[0]
        assert {"仓库", "库存", "可保障天数"} <= set(header)


class SuppliesExportRunTests(SuppliesTestCase):
    def setUp(self) -> None:
        self.stock(100)
        self.stock(60, warehouse=self.world.warehouse_b)

    def written(self, run: ExportRun) -> list[list[str]]:
        run.refresh_from_db()
        assert run.status == ExportRun.Status.DONE, run.error
        with run.file.open("rb") as file:
            return list(csv.reader(io.StringIO(file.read().decode("utf-8-sig"))))

    def test_a_run_writes_what_its_user_sees_narrowed_to_an_area(self) -> None:
        mine = start_supplies_export(self.ma, STOCK, fmt="csv")
        assert [row[1] for row in self.written(mine)[1:]] == ["WH-A-001"]
        town_b = start_supplies_export(self.xu, STOCK, fmt="csv", area=self.world.town_b)
        assert [row[1] for row in self.written(town_b)[1:]] == ["WH-B-001"]
        assert (town_b.exporter, town_b.params) == (STOCK, {"area": self.world.town_b.pk})
        entry = AuditEntry.objects.filter(action="export").latest("id")
        assert (entry.changes["kind"], entry.changes["area"]) == (STOCK,
                                                                  self.world.town_b.code)

    def test_a_run_fails_for_an_area_out_of_the_users_sight_and_needs_the_right(self) -> None:
        run = start_supplies_export(self.ma, LEDGER, fmt="xlsx", area=self.world.town_b)
        run.refresh_from_db()
        assert (run.status, run.file.name) == (ExportRun.Status.FAILED, "")
        with self.assertRaises(PermissionDenied):
            start_supplies_export(self.world.li, STOCK, fmt="csv")
        with self.assertRaises(LookupError):
            start_supplies_export(self.ma, "supply_secrets", fmt="csv")
