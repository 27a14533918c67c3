"""Writing the daily report: drafts, submission, the cutoff (late 迟报), bad input by field."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from epigrid.core.models import AuditEntry
from epigrid.reporting.models import DailyReport, ReportStatus
from epigrid.reporting.report_services import MAX_SITUATION, save_report
from tests.base import BaseTestCase
from tests.reporting.report_helpers import TODAY, after_cutoff, before_cutoff, days_ago


class SaveReportTests(BaseTestCase):
    def test_it_saves_a_draft_without_submitting_it(self) -> None:
        w = self.world
        report = save_report(w.village_a1, TODAY(), by=w.alice, situation="  Quiet day  ",
                             at=before_cutoff(TODAY()))
        self.assertEqual(report.status, ReportStatus.DRAFT)
        self.assertEqual(report.situation, "Quiet day")
        self.assertIsNone(report.submitted_at)
        self.assertEqual(report.area_path, w.village_a1.path)

    def test_it_submits_on_time_before_the_cutoff(self) -> None:
        w = self.world
        at = before_cutoff(TODAY())
        report = save_report(w.village_a1, TODAY(), by=w.alice, situation="All screened",
                             remarks="Need masks", submit=True, at=at)
        self.assertEqual(report.status, ReportStatus.SUBMITTED)
        self.assertEqual((report.submitted_by, report.submitted_at), (w.alice, at))
        self.assertFalse(report.late)

    def test_it_accepts_a_report_after_the_cutoff_and_marks_it_late(self) -> None:
        w = self.world
        report = save_report(w.town_a, TODAY(), by=w.alice, situation="Late again",
                             submit=True, at=after_cutoff(TODAY()))
        self.assertTrue(report.late)
        yesterday = save_report(w.town_a, days_ago(1), by=w.alice, situation="Forgot",
                                submit=True, at=before_cutoff(TODAY()))
        self.assertTrue(yesterday.late)  # the cutoff of its own day passed long ago

    def test_it_counts_the_cutoff_minute_itself_as_on_time(self) -> None:
        w = self.world
        report = save_report(w.town_a, TODAY(), by=w.alice, situation="Just in time",
                             submit=True, at=after_cutoff(TODAY(), minutes=0))
        self.assertFalse(report.late)

    def test_it_keeps_the_first_submission_when_the_report_is_corrected(self) -> None:
        w = self.world
        first = before_cutoff(TODAY())
        save_report(w.village_a1, TODAY(), by=w.alice, situation="Draft", at=first)
        save_report(w.village_a1, TODAY(), by=w.alice, situation="Sent", submit=True, at=first)
        corrected = save_report(w.village_a1, TODAY(), by=w.command, situation="Corrected",
                                submit=False, at=after_cutoff(TODAY()))
        self.assertEqual(DailyReport.objects.count(), 1)
        self.assertEqual(corrected.status, ReportStatus.SUBMITTED)
        self.assertEqual((corrected.submitted_by, corrected.submitted_at), (w.alice, first))
        self.assertFalse(corrected.late)
        self.assertEqual(corrected.situation, "Corrected")
        self.assertTrue(AuditEntry.objects.filter(model="reporting.DailyReport",
                                                  action="update").exists())

    def test_it_refuses_a_day_in_the_future(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as caught:
            save_report(w.village_a1, TODAY() + datetime.timedelta(days=1), by=w.alice,
                        situation="Tomorrow", submit=True)
        self.assertIn("in the future", caught.exception.message_dict["day"][0])
        self.assertFalse(DailyReport.objects.exists())

    def test_it_refuses_to_submit_without_a_situation(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as caught:
            save_report(w.village_a1, TODAY(), by=w.alice, situation="   ", submit=True)
        self.assertEqual(list(caught.exception.message_dict), ["situation"])

    def test_it_refuses_a_situation_too_long(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as caught:
            save_report(w.village_a1, TODAY(), by=w.alice, situation="x" * (MAX_SITUATION + 1))
        self.assertIn(str(MAX_SITUATION), caught.exception.message_dict["situation"][0])

    def test_it_refuses_an_area_outside_the_users_scope(self) -> None:
        w = self.world
        with self.assertRaises(PermissionDenied) as caught:
            save_report(w.village_b1, TODAY(), by=w.alice, situation="Not mine", submit=True)
        self.assertIn("Village B1", str(caught.exception))
        self.assertFalse(DailyReport.objects.exists())

    def test_it_refuses_a_grid_worker(self) -> None:
        w = self.world
        with self.assertRaises(PermissionDenied):
            save_report(w.village_a1, TODAY(), by=w.li, situation="Grid", submit=True)

    def test_it_refuses_a_grid_even_to_an_admin_naming_the_level(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as caught:
            save_report(w.grid_a1_1, TODAY(), by=w.admin, situation="Grid", submit=True)
        self.assertIn("Only towns and villages", caught.exception.message_dict["area"][0])
