"""Exports of mobilization: the roster of people sent down (phones masked) and the funds' ledger,
scoped to what the user sees and the area asked for, from the command line and in the
background."""

from __future__ import annotations

import csv
import io
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from epigrid.core.exports import rows
from epigrid.core.models import AuditEntry, ExportRun
from epigrid.mobilization import funds, services
from epigrid.mobilization.exporters import (
    LEDGER,
    LEDGER_COLUMNS,
    PEOPLE,
    PEOPLE_COLUMNS,
    days_on_duty,
    records_for,
    start_mobilization_export,
)
from epigrid.mobilization.models import Deployment, Fund
from tests.core.test_imports_support import read_xlsx
from tests.mobilization.helpers import MobilizationTestCase, days

PEOPLE_HEADER = ["Name", "Work unit", "Post", "Phone", "Party member", "Sent to", "Team",
                 "Team leader", "Arrived on", "Left on", "Days on duty"]
LEDGER_HEADER = ["Fund", "Kept by", "At", "Kind", "Amount", "From or to", "Voucher",
                 "Beneficiary of the payment"]


class ExportTestCase(MobilizationTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def command(self, kind: str, *args: str, fmt: str = "csv") -> list[list[Any]]:
        output = self.folder / f"{kind}.{fmt}"
        call_command("export_data", kind, "--format", fmt, "--output", str(output), *args,
                     stdout=io.StringIO())
        if fmt == "xlsx":
            return [list(row) for row in read_xlsx(output.read_bytes())]
        return list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))

    def roster(self) -> None:
        """Chen Ming leads town A's commando team in village A1 since three days ago; Liu Fang
        was in village A2 from ten days ago to six days ago; Zhao Lei is in village B1 since
        today and Sun Yu arrives there in five days."""
        w = self.world
        team = self.team()
        self.deployment(w.village_a1, phone="13912340001", team=team, leader=True,
                        party_member=True, post="Deputy director", arrived_on=days(-3))
        left = self.deployment(w.village_a2, name="Liu Fang", phone="13912340002",
                               unit="District Health Commission", arrived_on=days(-10))
        services.recall(left, by=w.alice, on=days(-6))
        self.deployment(w.village_b1, by=w.bob, name="Zhao Lei", phone="13912340003",
                        unit="District Court", arrived_on=days(0))
        self.deployment(w.village_b1, by=w.bob, name="Sun Yu", phone="13912340004",
                        unit="District Court", arrived_on=days(5))


class RosterExportTests(ExportTestCase):
    def test_it_writes_a_row_per_person_with_the_phone_masked(self) -> None:
        self.roster()
        table = self.command(PEOPLE, "--user", "zhou")
        assert table[0] == PEOPLE_HEADER
        assert table[1:] == [
            ["Chen Ming", "District Housing Bureau", "Deputy director", "139****0001", "yes",
             "Village A1", "Dongcheng Commando Team", "yes", days(-3).isoformat(), "", "4"],
            ["Liu Fang", "District Health Commission", "", "139****0002", "no", "Village A2",
             "", "no", days(-10).isoformat(), days(-6).isoformat(), "5"],
            ["Sun Yu", "District Court", "", "139****0004", "no", "Village B1", "", "no",
             days(5).isoformat(), "", "0"],
            ["Zhao Lei", "District Court", "", "139****0003", "no", "Village B1", "", "no",
             days(0).isoformat(), "", "1"],
        ]
        written = "\n".join(",".join(row) for row in table)
        assert "13912340001" not in written
        assert AuditEntry.objects.filter(action="export",
                                         model="mobilization.Deployment").exists()

    def test_bobs_export_lacks_town_a_and_an_area_narrows_it(self) -> None:
        self.roster()
        table = self.command(PEOPLE, "--user", "bob")
        assert [row[5] for row in table[1:]] == ["Village B1", "Village B1"]
        village = self.command(PEOPLE, "--within", self.world.village_a2.code)
        assert [row[0] for row in village[1:]] == ["Liu Fang"]

    def test_it_streams_in_one_query_whatever_the_people(self) -> None:
        self.roster()
        with self.assertNumQueries(1):
            before = list(rows(records_for(PEOPLE, self.world.admin), PEOPLE_COLUMNS))
        team = self.team(self.world.town_b, by=self.world.bob, name="Xihe Team")
        for n in range(6):
            self.deployment(self.world.village_b1, by=self.world.bob, name=f"P{n}", team=team)
        with self.assertNumQueries(1):
            after = list(rows(records_for(PEOPLE, self.world.admin), PEOPLE_COLUMNS))
        assert (len(before), len(after)) == (4, 10)

    def test_days_on_duty_count_both_ends_up_to_today(self) -> None:
        person = Deployment(arrived_on=days(-2))
        assert days_on_duty(person) == 3
        assert days_on_duty(person, today=days(-2)) == 1
        person.left_on = days(-1)
        assert days_on_duty(person, today=days(10)) == 2
        assert days_on_duty(Deployment(arrived_on=days(1))) == 0

    def test_the_spreadsheet_holds_days_and_counts_and_the_headers_translate(self) -> None:
        self.roster()
        table = self.command(PEOPLE, "--user", "alice", fmt="xlsx")
        assert [row[0] for row in table[1:]] == ["Chen Ming", "Liu Fang"]
        assert (table[1][8].date(), table[1][10]) == (days(-3), 4)
        with translation.override("zh-hans"):
            header = self.command(PEOPLE)[0]
        assert len(header) == len(PEOPLE_HEADER)


class LedgerExportTests(ExportTestCase):
    def ledger(self) -> dict[str, Fund]:
        """The district's fund: 50,000 and 1,234.56 in, 2,000 and 3,000.50 paid to town A's
        families; town A's own fund: 300 in; town B's: 800 in, 120 paid."""
        w = self.world
        district = self.fund("50000")
        funds.receive(district, by=self.wu, amount=Decimal("1234.56"), counterpart="Red Cross",
                      voucher="R-002")
        for amount, who in (("2000", "Family of Wang Qiang"), ("3000.50", "Family of Li Na")):
            payment = self.payment(district, amount, beneficiary=who)
            funds.approve(payment, by=w.command)
            funds.pay(payment, by=self.wu, voucher=f"P-{amount}")
        town_a = funds.open_fund(w.town_a, by=w.alice, name="Dongcheng Fund")
        funds.receive(town_a, by=w.alice, amount=Decimal("300"), counterpart="Donor")
        town_b = funds.open_fund(w.town_b, by=w.bob, name="Xihe Fund")
        funds.receive(town_b, by=w.bob, amount=Decimal("800"), counterpart="Donor")
        payment = self.payment(town_b, "120", area=w.village_b1, by=w.bob)
        funds.approve(payment, by=w.admin)
        funds.pay(payment, by=w.bob, voucher="X-1")
        return {"district": district, "town_a": town_a, "town_b": town_b}

    @staticmethod
    def sums(table: list[list[Any]]) -> dict[str, Decimal]:
        """Each fund's receipts less payments, as the spreadsheet would add them up."""
        found: dict[str, Decimal] = defaultdict(Decimal)
        for row in table[1:]:
            sign = 1 if row[3] == "receipt" else -1
            found[row[0]] += sign * Decimal(str(row[4]))
        return dict(found)

    def test_it_writes_every_line_by_fund_and_sums_to_the_balances(self) -> None:
        made = self.ledger()
        table = self.command(LEDGER, "--user", "admin")
        assert table[0] == LEDGER_HEADER
        district = [row for row in table[1:] if row[0] == "Frontline Condolence Fund"]
        assert [[row[1], row[3], Decimal(row[4]), row[5], row[6], row[7]] for row in district] \
            == [["Qingshan District", "receipt", Decimal("50000"), "District Finance Bureau",
                 "R-001", ""],
                ["Qingshan District", "receipt", Decimal("1234.56"), "Red Cross", "R-002", ""],
                ["Qingshan District", "payment", Decimal("2000"), "Family of Wang Qiang",
                 "P-2000", "Family of Wang Qiang"],
                ["Qingshan District", "payment", Decimal("3000.50"), "Family of Li Na",
                 "P-3000.50", "Family of Li Na"]]
        assert [row[0] for row in table[1:]][:4] == ["Frontline Condolence Fund"] * 4
        assert self.sums(table) == {fund.name: funds.balance(fund) for fund in made.values()}
        assert self.sums(table)["Frontline Condolence Fund"] == Decimal("46234.06")
        assert AuditEntry.objects.filter(action="export",
                                         model="mobilization.FundEntry").exists()

    def test_a_town_sees_only_the_ledgers_its_own_desks_keep(self) -> None:
        self.ledger()
        bob = self.command(LEDGER, "--user", "bob")
        assert self.sums(bob) == {"Xihe Fund": Decimal("680.00")}
        alice = self.command(LEDGER, "--user", "alice", fmt="xlsx")
        assert [(row[0], row[4]) for row in alice[1:]] == [("Dongcheng Fund", 300)]
        with self.assertNumQueries(1):
            mine = list(rows(records_for(LEDGER, self.world.command), LEDGER_COLUMNS))
        assert len(mine) == 7  # the district, its towns: 4 + 1 + 2
        assert records_for(LEDGER, self.world.command, self.world.town_b).count() == 2


class MobilizationExportRunTests(ExportTestCase):
    def written(self, run: ExportRun) -> list[list[str]]:
        run.refresh_from_db()
        assert run.status == ExportRun.Status.DONE, run.error
        with run.file.open("rb") as file:
            return list(csv.reader(io.StringIO(file.read().decode("utf-8-sig"))))

    def test_a_run_writes_what_its_user_sees_narrowed_to_an_area(self) -> None:
        self.roster()
        w = self.world
        town_b = start_mobilization_export(w.bob, PEOPLE, fmt="csv")
        assert [row[0] for row in self.written(town_b)[1:]] == ["Sun Yu", "Zhao Lei"]
        village = start_mobilization_export(w.command, PEOPLE, fmt="csv", area=w.village_a1)
        assert [row[:4] for row in self.written(village)[1:]] == [
            ["Chen Ming", "District Housing Bureau", "Deputy director", "139****0001"]]
        assert (village.exporter, village.params) == (PEOPLE, {"area": w.village_a1.pk})
        entry = AuditEntry.objects.filter(action="export").latest("id")
        assert (entry.model, entry.changes["kind"], entry.changes["area"]) == (
            "mobilization.Deployment", PEOPLE, w.village_a1.code)

    def test_a_run_fails_out_of_sight_and_needs_the_right(self) -> None:
        self.roster()
        run = start_mobilization_export(self.world.bob, LEDGER, fmt="xlsx",
                                        area=self.world.district)
        run.refresh_from_db()
        assert (run.status, run.file.name) == (ExportRun.Status.FAILED, "")
        with self.assertRaises(PermissionDenied):
            start_mobilization_export(self.world.li, PEOPLE, fmt="csv")
        with self.assertRaises(LookupError):
            start_mobilization_export(self.world.command, "mobilization_phones", fmt="csv")
