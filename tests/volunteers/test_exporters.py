"""Exports of volunteers: the roster (phones masked, hours served summed) and the hours served,
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
from django.db.models import Sum
from django.utils import translation

from epigrid.core.exports import rows
from epigrid.core.models import AuditEntry, ExportRun
from epigrid.volunteers import services
from epigrid.volunteers.exporters import (
    HOURS,
    HOURS_COLUMNS,
    ROSTER,
    ROSTER_COLUMNS,
    records_for,
    start_volunteers_export,
)
from epigrid.volunteers.models import ProjectKind, ServiceRecord, Volunteer
from tests.core.test_imports_support import read_xlsx
from tests.volunteers.helpers import VolunteersTestCase, days

ROSTER_HEADER = ["Name", "Phone", "Area", "Skills", "Party member", "Registered on", "Left on",
                 "Hours served"]
HOURS_HEADER = ["Day", "Project", "Project's area", "Kind", "Volunteer", "Hours", "Note"]


class ExportTestCase(VolunteersTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def command(self, kind: str, *args: str, fmt: str = "csv") -> list[list[Any]]:
        output = self.folder / f"{kind}.{fmt}"
        call_command("export_data", kind, "--format", fmt, "--output", str(output), *args,
                     stdout=io.StringIO())
        if fmt == "xlsx":
            return [list(row) for row in read_xlsx(output.read_bytes())]
        return list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))

    def served(self) -> dict[str, Volunteer]:
        """Chen Ming of village A1 (a party member who drives) served town A's deliveries 3
        hours yesterday and 2.5 the day before, and the district's hotline 1.5 hours yesterday;
        Liu Fang of village A2 served the deliveries 4 hours five days ago and left two days
        later; in village B1, Zhao Lei served town B's West Gate 8 hours yesterday, and Sun Yu,
        registered today, has served nothing yet."""
        w = self.world
        chen = self.volunteer(name="Chen Ming", phone="13912340001", party_member=True,
                              registered_on=days(-10))
        liu = self.volunteer(w.village_a2, name="Liu Fang", phone="13912340002", skills="",
                             registered_on=days(-20))
        zhao = self.volunteer(w.village_b1, by=w.bob, name="Zhao Lei", phone="13912340003",
                              skills="first aid")
        sun = self.volunteer(w.village_b1, by=w.bob, name="Sun Yu", phone="13912340004",
                             skills="", registered_on=days(0))
        deliveries = self.project()
        hotline = self.project(self.world.district, by=w.command, name="District hotline",
                               kind=ProjectKind.COUNSELLING)
        gate = self.project(w.town_b, by=w.bob, name="West Gate duty",
                            kind=ProjectKind.CHECKPOINT)
        self.hours(deliveries, chen, "3")
        self.hours(deliveries, chen, "2.5", served_on=days(-2), note="Vegetables to 12 homes")
        self.hours(hotline, chen, "1.5", by=w.command)
        self.hours(deliveries, liu, "4", served_on=days(-5))
        services.leave(liu, by=w.alice, on=days(-3))
        self.hours(gate, zhao, "8", by=w.bob)
        return {"chen": chen, "liu": liu, "zhao": zhao, "sun": sun}


class RosterExportTests(ExportTestCase):
    def test_it_writes_a_row_per_volunteer_with_the_phone_masked_and_the_hours(self) -> None:
        self.served()
        table = self.command(ROSTER, "--user", "zhou")
        assert table[0] == ROSTER_HEADER
        assert table[1:] == [
            ["Chen Ming", "139****0001", "Village A1", "driving", "yes", days(-10).isoformat(),
             "", "7.0"],
            ["Liu Fang", "139****0002", "Village A2", "", "no", days(-20).isoformat(),
             days(-3).isoformat(), "4.0"],
            ["Sun Yu", "139****0004", "Village B1", "", "no", days(0).isoformat(), "", "0.0"],
            ["Zhao Lei", "139****0003", "Village B1", "first aid", "no",
             days(-10).isoformat(), "", "8.0"],
        ]
        written = "\n".join(",".join(row) for row in table)
        assert "13912340001" not in written
        assert AuditEntry.objects.filter(action="export", model="volunteers.Volunteer").exists()

    def test_the_hours_served_are_the_sums_of_the_records(self) -> None:
        made = self.served()
        totals = {row[0]: Decimal(row[7]) for row in self.command(ROSTER)[1:]}
        stored = dict(ServiceRecord.objects.values_list("volunteer__name")
                      .annotate(total=Sum("hours")))
        assert totals == {**stored, "Sun Yu": Decimal(0)}
        # A record withdrawn is no longer counted.
        services.withdraw_hours(made["chen"].records.get(hours=Decimal("2.5")),
                                by=self.world.alice)
        totals = {row[0]: Decimal(row[7]) for row in self.command(ROSTER)[1:]}
        assert totals["Chen Ming"] == Decimal("4.5")

    def test_bobs_export_lacks_town_a_and_an_area_narrows_it(self) -> None:
        self.served()
        table = self.command(ROSTER, "--user", "bob")
        assert [(row[0], row[2]) for row in table[1:]] == [("Sun Yu", "Village B1"),
                                                           ("Zhao Lei", "Village B1")]
        assert not {"Chen Ming", "Liu Fang", "Village A1", "Village A2"} & {
            cell for row in table for cell in row}
        village = self.command(ROSTER, "--within", self.world.village_a2.code)
        assert [row[0] for row in village[1:]] == ["Liu Fang"]

    def test_it_streams_in_one_query_whatever_the_volunteers(self) -> None:
        self.served()
        with self.assertNumQueries(1):
            before = list(rows(records_for(ROSTER, self.world.admin), ROSTER_COLUMNS))
        project = self.project(self.world.town_b, by=self.world.bob, name="Xihe deliveries")
        for n in range(6):
            volunteer = self.volunteer(self.world.village_b1, by=self.world.bob, name=f"V{n}")
            self.hours(project, volunteer, "2", by=self.world.bob)
        with self.assertNumQueries(1):
            after = list(rows(records_for(ROSTER, self.world.admin), ROSTER_COLUMNS))
        assert (len(before), len(after)) == (4, 10)
        assert sorted(row[7] for row in after) == [0.0] + [2.0] * 6 + [4.0, 7.0, 8.0]

    def test_the_spreadsheet_holds_days_and_hours_and_the_headers_translate(self) -> None:
        self.served()
        table = self.command(ROSTER, "--user", "alice", fmt="xlsx")
        assert [row[0] for row in table[1:]] == ["Chen Ming", "Liu Fang"]
        assert (table[1][5].date(), table[1][7]) == (days(-10), 7)
        with translation.override("zh-hans"):
            header = self.command(ROSTER)[0]
        assert len(header) == len(ROSTER_HEADER)


class HoursExportTests(ExportTestCase):
    def test_it_writes_a_row_per_record_by_the_projects_area_and_day(self) -> None:
        self.served()
        table = self.command(HOURS, "--user", "admin")
        assert table[0] == HOURS_HEADER
        assert table[1:] == [
            [days(-1).isoformat(), "District hotline", "Qingshan District",
             "counselling hotline", "Chen Ming", "1.5", ""],
            [days(-5).isoformat(), "Deliveries to the quarantined", "Dongcheng Town",
             "deliveries for the quarantined", "Liu Fang", "4.0", ""],
            [days(-2).isoformat(), "Deliveries to the quarantined", "Dongcheng Town",
             "deliveries for the quarantined", "Chen Ming", "2.5", "Vegetables to 12 homes"],
            [days(-1).isoformat(), "Deliveries to the quarantined", "Dongcheng Town",
             "deliveries for the quarantined", "Chen Ming", "3.0", ""],
            [days(-1).isoformat(), "West Gate duty", "Xihe Town", "checkpoint duty",
             "Zhao Lei", "8.0", ""],
        ]
        assert AuditEntry.objects.filter(action="export",
                                         model="volunteers.ServiceRecord").exists()

    def test_its_hours_add_up_to_the_rosters(self) -> None:
        self.served()
        summed: dict[str, Decimal] = defaultdict(Decimal)
        for row in self.command(HOURS)[1:]:
            summed[row[4]] += Decimal(row[5])
        roster = {row[0]: Decimal(row[7]) for row in self.command(ROSTER)[1:] if row[7] != "0.0"}
        assert summed == roster == {"Chen Ming": Decimal("7.0"), "Liu Fang": Decimal("4.0"),
                                    "Zhao Lei": Decimal("8.0")}

    def test_a_town_sees_only_the_hours_of_its_own_projects(self) -> None:
        self.served()
        bob = self.command(HOURS, "--user", "bob")
        assert [(row[1], row[4], row[5]) for row in bob[1:]] == [
            ("West Gate duty", "Zhao Lei", "8.0")]
        alice = self.command(HOURS, "--user", "alice", fmt="xlsx")
        # The district's hotline is above her: her export holds her town's projects only.
        assert [(row[1], row[5]) for row in alice[1:]] == [
            ("Deliveries to the quarantined", 4), ("Deliveries to the quarantined", 2.5),
            ("Deliveries to the quarantined", 3)]
        with self.assertNumQueries(1):
            mine = list(rows(records_for(HOURS, self.world.command), HOURS_COLUMNS))
        assert len(mine) == 5
        assert records_for(HOURS, self.world.command, self.world.town_b).count() == 1


class VolunteersExportRunTests(ExportTestCase):
    def written(self, run: ExportRun) -> list[list[str]]:
        run.refresh_from_db()
        assert run.status == ExportRun.Status.DONE, run.error
        with run.file.open("rb") as file:
            return list(csv.reader(io.StringIO(file.read().decode("utf-8-sig"))))

    def test_a_run_writes_what_its_user_sees_narrowed_to_an_area(self) -> None:
        self.served()
        w = self.world
        town_b = start_volunteers_export(w.bob, ROSTER, fmt="csv")
        assert [row[0] for row in self.written(town_b)[1:]] == ["Sun Yu", "Zhao Lei"]
        village = start_volunteers_export(w.command, ROSTER, fmt="csv", area=w.village_a1)
        assert self.written(village)[1:] == [
            ["Chen Ming", "139****0001", "Village A1", "driving", "yes", days(-10).isoformat(),
             "", "7.0"]]
        assert (village.exporter, village.params) == (ROSTER, {"area": w.village_a1.pk})
        entry = AuditEntry.objects.filter(action="export").latest("id")
        assert (entry.model, entry.changes["kind"], entry.changes["area"]) == (
            "volunteers.Volunteer", ROSTER, w.village_a1.code)
        hours = start_volunteers_export(w.bob, HOURS, fmt="csv")
        assert [row[1] for row in self.written(hours)[1:]] == ["West Gate duty"]

    def test_a_run_fails_out_of_sight_and_needs_the_right(self) -> None:
        self.served()
        run = start_volunteers_export(self.world.bob, HOURS, fmt="xlsx",
                                      area=self.world.district)
        run.refresh_from_db()
        assert (run.status, run.file.name) == (ExportRun.Status.FAILED, "")
        with self.assertRaises(PermissionDenied):
            start_volunteers_export(self.world.li, ROSTER, fmt="csv")
        with self.assertRaises(LookupError):
            start_volunteers_export(self.world.command, "volunteers_phones", fmt="csv")
