"""Importing a lab's result sheet: per-row errors name the row and column, valid rows are kept,
a resend changes nothing, a positive row runs the workflow."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import translation

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice
from epigrid.cases.importers import LabResultImporter
from epigrid.cases.models import Case, LabTest
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.core.identity import mask_id_number
from epigrid.core.imports.runner import run_import
from epigrid.core.models import ImportRun
from epigrid.registry import services
from tests.base import PASSWORD, BaseTestCase
from tests.cases.lab_helpers import (
    ID_A,
    ID_A2,
    ID_B,
    ID_BAD_CHECK,
    ID_NOBODY,
    hours_ago,
    record,
    sheet,
    stamp,
    town_lab,
)

R = LabTest.Result
M = LabTest.Match
VALID = ImportRun.Mode.VALID_ROWS


def row(sample: str, id_number: str = ID_A, result: str = "阴性", sampled: float = 10,
        resulted: float | None = 2, lab: str = "LAB-A", name: str = "王军") -> list[str]:
    return [sample, id_number, name, stamp(hours_ago(sampled)),
            stamp(hours_ago(resulted)) if resulted is not None else "", result, lab]


class LabImportTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)

    def run_sheet(self, rows: list[list[str]], user: Any = None) -> ImportRun:
        with self.captureOnCommitCallbacks(execute=True):
            return run_import("lab_results", sheet(rows), VALID, user or self.world.command)

    def errors(self, run: ImportRun) -> list[tuple[int, str, str]]:
        return [(e["row"], e["column"], e["message"]) for e in run.errors]

    def test_it_imports_a_sheet_and_matches_its_rows(self) -> None:
        run = self.run_sheet([row("S1"), row("S2", ID_A2, "negative"),
                              row("S3", ID_NOBODY, "待定", resulted=None)])
        self.assertEqual((run.status, run.rows_created, run.rows_failed),
                         (ImportRun.Status.DONE, 3, 0))
        tests = {t.sample_id: t for t in LabTest.objects.all()}
        self.assertEqual(tests["S1"].person, self.world.person_a)
        self.assertEqual(tests["S2"].person, self.world.person_a2)
        self.assertEqual((tests["S3"].match, tests["S3"].result, tests["S3"].area_path),
                         (M.UNMATCHED, R.PENDING, self.world.town_a.path))
        self.assertEqual(tests["S1"].id_number_masked, "420102********001X")
        self.assertEqual(tests["S1"].id_number_hash, self.world.person_a.id_number_hash)

    def test_it_matches_the_same_from_memory_as_by_probes(self) -> None:
        w = self.world
        services.create_person(  # ID_A2 in a second household: nobody's result
            grid=w.grid_a1_2, household=services.create_household(
                grid=w.grid_a1_2, address="No. 1, Elm Row"), name="Wang Lei", id_number=ID_A2)
        rows = [row(f"S{n}", number) for n, number in enumerate((ID_A, ID_A2, ID_B, ID_NOBODY))]
        with mock.patch.object(LabResultImporter, "index_after", 1), \
                mock.patch.object(LabResultImporter, "index_share", 0):
            run = self.run_sheet(rows)
        self.assertEqual((run.rows_created, run.rows_failed), (4, 0))
        found = dict(LabTest.objects.values_list("sample_id", "person_id"))
        self.assertEqual(found, {"S0": w.person_a.pk, "S1": None, "S2": w.person_b.pk, "S3": None})

    def test_it_names_the_row_and_column_of_each_bad_cell_and_keeps_the_rest(self) -> None:
        run = self.run_sheet([
            row("S1"),                                  # row 2: fine
            row("S2", lab="LAB-X"),                     # 3: unknown lab
            row("S3", ID_BAD_CHECK),                    # 4: check character
            ["S4", ID_A, "王军", "2020-02-30 08:00", "", "阴性", "LAB-A"],  # 5: no such day
            row("S5", result="maybe"),                  # 6: unknown result
            row("S1"),                                  # 7: repeat of row 2
            row("S6", sampled=1, resulted=5),           # 8: result before sample
            row("S7", sampled=-2, resulted=-3),         # 9: future
            row("S8", resulted=None),                   # 10: final without time
        ])
        self.assertEqual((run.status, run.rows_created, run.rows_failed),
                         (ImportRun.Status.PARTIAL, 1, 8))
        errors = self.errors(run)
        by_row = {number: (column, message) for number, column, message in errors}
        self.assertEqual(by_row[3][0], "检测机构编码")
        self.assertIn("no lab with the code LAB-X", by_row[3][1])
        self.assertEqual(by_row[4][0], "身份证号")
        self.assertIn("check character", by_row[4][1])
        self.assertEqual(by_row[5][0], "采样时间")
        self.assertIn("does not exist", by_row[5][1])
        self.assertEqual(by_row[6][0], "检测结果")
        self.assertIn("Unknown result", by_row[6][1])
        self.assertEqual(by_row[7], ("样本编号", "This sample id appears twice in the file for "
                                                "this lab; row 2 has it already."))
        self.assertEqual(by_row[8], ("检测时间", "The result time lies before the sample time."))
        self.assertIn((9, "采样时间", "The sample time lies in the future."), errors)
        self.assertIn((9, "检测时间", "The result time lies in the future."), errors)
        self.assertEqual(by_row[10][0], "检测时间")
        self.assertEqual(list(LabTest.objects.values_list("sample_id", flat=True)), ["S1"])
        # The refused ID is kept masked, as the pages show IDs; other cells as they were.
        values = {(e["row"], e["column"]): e["value"] for e in run.errors}
        self.assertEqual(values[(4, "身份证号")], mask_id_number(ID_BAD_CHECK))
        self.assertEqual(values[(3, "检测机构编码")], "LAB-X")
        self.assertNotIn(ID_BAD_CHECK, json.dumps(run.errors, ensure_ascii=False))

    def test_it_reads_a_time_repeated_down_the_sheet_alike_and_each_bad_one_again(self) -> None:
        # Times repeat down a sheet and are parsed once; a wrong one is named on every row.
        bad = ["2020-02-30 08:00", "", "阴性", "LAB-A"]
        run = self.run_sheet([row("S1"), ["S2", ID_A, "王军", *bad], row("S3", ID_A2),
                              ["S4", ID_A2, "王军", *bad], row("S5", ID_NOBODY, sampled=10,
                                                               resulted=None, result="待定")])
        self.assertEqual([number for number, _column, _message in self.errors(run)], [3, 5])
        times = {t.sample_id: (t.sampled_at, t.resulted_at) for t in LabTest.objects.all()}
        self.assertEqual(times["S1"], times["S3"])
        self.assertEqual((times["S5"][0], times["S5"][1]), (times["S1"][0], None))

    @override_settings(IMPORT_BATCH_SIZE=2)
    def test_it_reads_ids_ahead_in_the_runs_language_and_matches_every_batch(self) -> None:
        with translation.override("zh-hans"):
            run = self.run_sheet([row("S1"), row("S2", ID_BAD_CHECK), row("S3", ID_A2),
                                  row("S4", ID_NOBODY), row("S5", ID_BAD_CHECK)])
        [(row_3, column, message), (row_6, _column, again)] = self.errors(run)
        self.assertEqual((row_3, row_6, column), (3, 6, "身份证号"))
        self.assertEqual(message, again)
        self.assertIn("校验", message)  # the check character's message, in Chinese
        tests = {t.sample_id: t for t in LabTest.objects.all()}
        self.assertEqual((tests["S1"].person, tests["S3"].person, tests["S4"].person),
                         (self.world.person_a, self.world.person_a2, None))
        self.assertEqual(tests["S3"].id_number_hash, self.world.person_a2.id_number_hash)

    @override_settings(IMPORT_BATCH_SIZE=2, IMPORT_PROCESS_MIN_BYTES=0)
    def test_it_reads_ids_ahead_in_a_process_alike(self) -> None:
        self.test_it_reads_ids_ahead_in_the_runs_language_and_matches_every_batch()

    def test_it_changes_nothing_when_the_same_sheet_comes_again(self) -> None:
        rows = [row("S1"), row("S2", ID_NOBODY)]
        self.run_sheet(rows)
        again = self.run_sheet(rows)
        self.assertEqual((again.rows_created, again.rows_updated, again.rows_unchanged,
                          again.rows_failed), (0, 0, 2, 0))
        self.assertEqual(LabTest.objects.count(), 2)

    def test_it_refuses_a_row_that_contradicts_a_stored_result(self) -> None:
        record(self.lab, self.world.medic, sample_id="S1", result=R.NEGATIVE)
        run = self.run_sheet([row("S1", result="阳性"), row("S2")])
        self.assertEqual((run.rows_created, run.rows_failed), (1, 1))
        self.assertEqual(self.errors(run), [(2, "检测结果",
                                             "Sample S1 already has the result negative.")])
        self.assertFalse(Case.objects.exists())

    def test_it_updates_pending_samples_with_their_results(self) -> None:
        self.run_sheet([row("S1", result="待定", resulted=None),
                        row("S2", ID_NOBODY, result="pending", resulted=None)])
        run = self.run_sheet([row("S1", result="阴性"), row("S2", ID_NOBODY, result="阴性")])
        self.assertEqual((run.rows_created, run.rows_updated), (0, 2))
        s1 = LabTest.objects.get(sample_id="S1")
        self.assertEqual((s1.result, s1.person), (R.NEGATIVE, self.world.person_a))
        self.assertIsNotNone(s1.resulted_at)
        self.assertEqual(LabTest.objects.get(sample_id="S2").match, M.UNMATCHED)

    def test_it_runs_the_positive_workflow_for_positive_matched_rows_only(self) -> None:
        run = self.run_sheet([row("S1", result="阳性"), row("S2", ID_NOBODY, result="阳性"),
                              row("S3", ID_A2)])
        self.assertEqual(run.rows_created, 3)
        case = Case.objects.get()
        self.assertEqual((case.person, case.state), (self.world.person_a, State.ASYMPTOMATIC))
        self.assertEqual(Notice.objects.count(), 2)

    def test_it_refuses_the_whole_sheet_to_a_role_without_lab_results(self) -> None:
        with self.assertRaises(PermissionDenied):  # before a run is even stored
            self.run_sheet([row("S1")], user=self.world.alice)
        self.assertFalse(ImportRun.objects.exists() or LabTest.objects.exists())

    def test_it_knows_only_the_labs_of_the_users_area(self) -> None:
        b_command = create_user(username="wu", password=PASSWORD, role=Role.COMMAND,
                                home_area=self.world.town_b)
        run = self.run_sheet([row("S1")], user=b_command)
        self.assertEqual(run.rows_failed, 1)
        self.assertIn("no lab with the code LAB-A in your area", run.errors[0]["message"])

    def test_it_reads_english_headers_and_excel_times(self) -> None:
        headers = ("sample id", "ID number", "name", "sample time", "result time", "result",
                   "lab code")
        run = run_import("lab_results", sheet([
            ["S1", ID_A, "Wang Jun", "43862.354166667", "2020/2/1 18:05", "Negative", "LAB-A"]],
            headers=headers), VALID, self.world.command)
        self.assertEqual(run.rows_created, 1, run.errors)
        test = LabTest.objects.get()
        self.assertEqual(stamp(test.sampled_at), "2020-02-01 08:30")
        self.assertEqual(stamp(test.resulted_at), "2020-02-01 18:05")
