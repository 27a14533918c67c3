"""Exports of supervision: the task ledger 督办台账 and the inspection findings, scoped to what
the user sees and the area asked for, from the command line and in the background."""

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
from epigrid.supervision import documents, handing, inspections, services
from epigrid.supervision.exporters import (
    FINDING_COLUMNS,
    FINDINGS,
    TASK_COLUMNS,
    TASKS,
    records_for,
    start_supervision_export,
)
from epigrid.supervision.models import Finding, Inspection, Part, Severity, Task
from tests.core.test_imports_support import read_xlsx
from tests.supervision.helpers import SupervisionTestCase, days

TASK_HEADER = ["Document serial", "Title", "Handled by", "Part", "Set by", "Set on", "Due on",
               "Status", "Days overdue", "Reminders", "Reported at", "Report", "Closed at",
               "Part of the task set by"]
FINDING_HEADER = ["Inspected on", "What was inspected", "Area", "Inspectors", "Finding",
                  "Severity", "Rectify by", "Status", "Rectification", "Rectified at",
                  "Verified at", "Times reopened"]


class ExportTestCase(SupervisionTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def command(self, kind: str, *args: str, fmt: str = "csv") -> list[list[Any]]:
        output = self.folder / f"{kind}.{fmt}"
        call_command("export_data", kind, "--format", fmt, "--output", str(output), *args,
                     stdout=io.StringIO())
        if fmt == "xlsx":
            return [list(row) for row in read_xlsx(output.read_bytes())]
        return list(csv.reader(io.StringIO(output.read_text(encoding="utf-8-sig"))))

    def ledger(self) -> None:
        """A notice routed to towns A (lead) and B (assisting); village A1's task two days
        overdue, reminded twice; village A2's reported three days late and accepted; a task of
        village A1 withdrawn."""
        w = self.world
        self.notice = self.document()
        documents.route(self.notice, [documents.Routing(w.town_a, days(3)),
                                      documents.Routing(w.town_b, days(4), Part.ASSIST)],
                        by=self.guo)
        late = self.task(w.village_a1, title="Disinfect the market")
        Task.objects.filter(pk=late.pk).update(due_on=days(-2), reminders=2)
        done = self.task(w.village_a2, title="Count the stalls")
        Task.objects.filter(pk=done.pk).update(due_on=days(-3))
        services.report_done(done, by=w.alice, report="Counted: 40 stalls.")
        done.refresh_from_db()
        services.accept(done, by=self.guo)
        withdrawn = self.task(w.village_a1, title="Close the school")
        services.withdraw(withdrawn, by=self.guo, note="The schools are shut already.")


class TaskLedgerTests(ExportTestCase):
    def test_it_writes_a_row_per_task_oldest_set_first(self) -> None:
        self.ledger()
        today = timezone.localdate().isoformat()
        table = self.command(TASKS, "--user", "guo")
        assert table[0] == TASK_HEADER
        serial = self.notice.serial
        got = [row[:10] + [bool(row[10]), row[11], bool(row[12])] for row in table[1:]]
        assert [row[13] for row in table[1:]] == [""] * 5
        assert got == [
            [serial, "Notice on closing the markets", "Dongcheng Town", "lead",
             "Qingshan District", today, days(3).isoformat(), "in hand", "0", "0", False, "",
             False],
            [serial, "Notice on closing the markets", "Xihe Town", "assisting",
             "Qingshan District", today, days(4).isoformat(), "in hand", "0", "0", False, "",
             False],
            ["", "Disinfect the market", "Village A1", "lead", "Qingshan District", today,
             days(-2).isoformat(), "in hand", "2", "2", False, "", False],
            ["", "Count the stalls", "Village A2", "lead", "Qingshan District", today,
             days(-3).isoformat(), "completed", "3", "0", True, "Counted: 40 stalls.", True],
            ["", "Close the school", "Village A1", "lead", "Qingshan District", today,
             days(3).isoformat(), "withdrawn", "", "0", False, "", True],
        ]
        assert AuditEntry.objects.filter(action="export", model="supervision.Task").exists()

    def test_a_part_handed_down_names_the_desk_whose_task_it_is_part_of(self) -> None:
        w = self.world
        town_task = self.task(w.town_a, title="Check the nursing homes")
        handing.hand_down(town_task, [documents.Routing(w.village_a1, days(2))], by=w.alice)
        table = self.command(TASKS, "--user", "alice")
        assert [(row[1], row[2], row[4], row[13]) for row in table[1:]] == [
            ("Check the nursing homes", "Dongcheng Town", "Qingshan District", ""),
            ("Check the nursing homes", "Village A1", "Dongcheng Town", "Qingshan District")]

    def test_bobs_export_holds_town_b_only_and_an_area_narrows_it(self) -> None:
        self.ledger()
        table = self.command(TASKS, "--user", "bob")
        assert [row[2] for row in table[1:]] == ["Xihe Town"]
        village = self.command(TASKS, "--within", self.world.village_a1.code)
        assert [row[1] for row in village[1:]] == ["Disinfect the market", "Close the school"]

    def test_it_writes_numbers_and_days_as_such_in_a_spreadsheet(self) -> None:
        self.ledger()
        table = self.command(TASKS, "--user", "alice", fmt="xlsx")
        assert [row[2] for row in table[1:]] == ["Dongcheng Town", "Village A1", "Village A2",
                                                 "Village A1"]
        late = table[2]
        assert (late[6].date(), late[8], late[9]) == (days(-2), 2, 2)  # a day cell
        assert isinstance(table[3][10], datetime.datetime)

    def test_it_streams_in_one_query_whatever_the_tasks(self) -> None:
        self.ledger()
        with self.assertNumQueries(1):
            before = list(rows(records_for(TASKS, self.world.admin), TASK_COLUMNS))
        for n in range(10):
            self.task(self.world.village_b1, title=f"Task {n}")
        with self.assertNumQueries(1):
            after = list(rows(records_for(TASKS, self.world.admin), TASK_COLUMNS))
        assert (len(before), len(after)) == (5, 15)

    def test_the_headers_speak_the_users_language(self) -> None:
        with translation.override("zh-hans"):
            header = self.command(TASKS)[0]
        assert {"标题", "状态"} <= set(header)


class FindingExportTests(ExportTestCase):
    def findings(self) -> None:
        """Town B's quarantine hotel inspected four days ago (one finding); town A's fever clinic
        today (two: one rectified, reopened once, rectified again and verified)."""
        w = self.world
        hotel = self.inspection(w.town_b, facility=w.facility_b, findings=0)
        Inspection.objects.filter(pk=hotel.pk).update(inspected_on=days(-4))
        hotel.refresh_from_db()
        inspections.add_finding(hotel, inspections.FindingInput(
            "Rooms not aired", days(-1), Severity.MINOR), by=self.guo)
        clinic = self.inspection(findings=2)
        first = clinic.findings.order_by("id").first()
        assert first is not None
        inspections.rectify(first, by=w.alice, rectification="A sheet on the desk.")
        inspections.verify(Finding.objects.get(pk=first.pk), by=self.guo, accepted=False,
                           note="Nobody sees it")
        inspections.rectify(first, by=w.alice, rectification="Sheet put up at the door.")
        inspections.verify(Finding.objects.get(pk=first.pk), by=self.guo, accepted=True)

    def test_it_writes_a_row_per_finding_by_inspection_day(self) -> None:
        self.findings()
        table = self.command(FINDINGS, "--user", "guo")
        assert table[0] == FINDING_HEADER
        got = [row[:9] + [bool(row[9]), bool(row[10]), row[11]] for row in table[1:]]
        assert got == [
            [days(-4).isoformat(), "Xihe Quarantine Hotel", "Xihe Town", "Guo, Tian",
             "Rooms not aired", "minor", days(-1).isoformat(), "to be rectified", "", False,
             False, "0"],
            [days(0).isoformat(), "Dongcheng Fever Clinic", "Dongcheng Town", "Guo, Tian",
             "Finding 1: no sign-in sheet", "serious", days(2).isoformat(), "verified",
             "Sheet put up at the door.", True, True, "1"],
            [days(0).isoformat(), "Dongcheng Fever Clinic", "Dongcheng Town", "Guo, Tian",
             "Finding 2: no sign-in sheet", "serious", days(2).isoformat(), "to be rectified",
             "", False, False, "0"],
        ]

    def test_bobs_export_holds_no_finding_of_town_a(self) -> None:
        self.findings()
        table = self.command(FINDINGS, "--user", "bob")
        assert [row[2] for row in table[1:]] == ["Xihe Town"]
        with self.assertNumQueries(1):
            mine = list(rows(records_for(FINDINGS, self.world.alice), FINDING_COLUMNS))
        assert {row[2] for row in mine} == {"Dongcheng Town"}


class SupervisionExportRunTests(ExportTestCase):
    def written(self, run: ExportRun) -> list[list[str]]:
        run.refresh_from_db()
        assert run.status == ExportRun.Status.DONE, run.error
        with run.file.open("rb") as file:
            return list(csv.reader(io.StringIO(file.read().decode("utf-8-sig"))))

    def test_a_run_writes_what_its_user_sees_narrowed_to_an_area(self) -> None:
        self.ledger()
        w = self.world
        town_b = start_supervision_export(w.bob, TASKS, fmt="csv")
        assert [row[2] for row in self.written(town_b)[1:]] == ["Xihe Town"]
        village = start_supervision_export(self.guo, TASKS, fmt="csv", area=w.village_a1)
        assert [row[1] for row in self.written(village)[1:]] == ["Disinfect the market",
                                                                  "Close the school"]
        assert (village.exporter, village.params) == (TASKS, {"area": w.village_a1.pk})
        entry = AuditEntry.objects.filter(action="export").latest("id")
        assert (entry.model, entry.changes["kind"], entry.changes["area"]) == (
            "supervision.Task", TASKS, w.village_a1.code)

    def test_a_run_fails_for_an_area_out_of_the_users_sight_and_needs_the_right(self) -> None:
        self.ledger()
        run = start_supervision_export(self.world.bob, FINDINGS, fmt="xlsx",
                                       area=self.world.district)
        run.refresh_from_db()
        assert (run.status, run.file.name) == (ExportRun.Status.FAILED, "")
        with self.assertRaises(PermissionDenied):
            start_supervision_export(self.world.li, TASKS, fmt="csv")
        with self.assertRaises(LookupError):
            start_supervision_export(self.guo, "supervision_secrets", fmt="csv")
