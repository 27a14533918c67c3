"""The daily report pages 日报: my report (the form with the figures filled in), an area's report
(a town's villages rolled up, the problems raised that day), the completeness of a day."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.problems.services import raise_problem
from epigrid.reporting import services
from epigrid.reporting.models import DailyReport, ReportStatus
from epigrid.reporting.report_services import save_report
from tests.base import PASSWORD, BaseTestCase
from tests.reporting.helpers import more_areas, passages_today
from tests.reporting.report_helpers import TODAY, after_cutoff, before_cutoff


def url(name: str, area_id: int, day: datetime.date | None = None) -> str:
    return reverse(f"reporting:{name}", args=(area_id,)) + (
        f"?day={day.isoformat()}" if day else "")


class ReportFormTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        passages_today(cls.world)
        services.recompute_day(TODAY())

    def test_it_opens_my_report_for_today_at_my_town(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(reverse("reporting:report_index"))
        self.assertRedirects(response, url("report_edit", w.town_a.pk))

    def test_it_opens_the_completeness_for_the_command(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(reverse("reporting:report_index"))
        self.assertRedirects(response, url("report_completeness", w.district.pk))

    def test_it_fills_in_the_figures_and_never_asks_for_them(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(url("report_edit", w.village_a1.pk))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].fields), {"day", "situation", "remarks"})
        rows = {row.metric.code: row.value for _family, rows in
                response.context["shown"].figures.groups for row in rows}
        self.assertEqual(rows["passages_in"], 4)  # East Road of village A1, counted today
        self.assertContains(response, 'id="report-figure-passages_in"')

    def test_it_submits_the_report_and_shows_it(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(url("report_edit", w.village_a1.pk), {
            "situation": "Every household screened.", "remarks": "Short of masks.",
            "action": "submit"})
        self.assertRedirects(response, url("report_area", w.village_a1.pk, TODAY()))
        report = DailyReport.objects.get(area=w.village_a1, day=TODAY())
        self.assertEqual((report.status, report.submitted_by), (ReportStatus.SUBMITTED, w.alice))
        page = self.client_for(w.command).get(url("report_area", w.village_a1.pk, TODAY()))
        self.assertContains(page, "Every household screened.")
        self.assertContains(page, "Short of masks.")

    def test_it_shows_a_report_whose_submitter_is_gone_without_naming_anyone(self) -> None:
        w = self.world
        gone = create_user(username="gone", password=PASSWORD, role=Role.AREA_OFFICER,
                           home_area=w.village_a1)
        save_report(w.village_a1, TODAY(), by=gone, situation="Quiet day.", submit=True)
        page = self.client_for(w.command).get(url("report_area", w.village_a1.pk, TODAY()))
        self.assertContains(page, " by gone.")
        gone.delete()  # the report stays, its submitter set to nobody
        page = self.client_for(w.command).get(url("report_area", w.village_a1.pk, TODAY()))
        self.assertContains(page, "Quiet day.")
        state = page.content.decode().split('id="report-state">')[1].split("</span>")[0]
        self.assertRegex(state, r"^\s*Submitted at [-\d]+ [:\d]+\.\s")
        self.assertNotIn("None", state)

    def test_it_saves_a_draft_when_asked(self) -> None:
        w = self.world
        self.client_for(w.alice).post(url("report_edit", w.town_a.pk),
                                      {"situation": "Half written", "action": "draft"})
        self.assertEqual(DailyReport.objects.get(area=w.town_a).status, ReportStatus.DRAFT)

    def test_it_refuses_an_empty_submission_on_its_field(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(url("report_edit", w.town_a.pk),
                                                 {"situation": "", "action": "submit"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Describe the day's situation",
                      response.context["form"].errors["situation"][0])
        self.assertFalse(DailyReport.objects.exists())

    def test_it_refuses_a_day_in_the_future_on_its_field(self) -> None:
        w = self.world
        tomorrow = TODAY() + datetime.timedelta(days=1)
        response = self.client_for(w.alice).post(url("report_edit", w.town_a.pk), {
            "day": tomorrow.isoformat(), "situation": "Ahead", "action": "submit"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("in the future", response.context["form"].errors["day"][0])
        self.assertEqual(self.client_for(w.alice).get(
            url("report_edit", w.town_a.pk, tomorrow)).status_code, 400)

    def test_it_answers_404_for_an_area_outside_my_scope(self) -> None:
        w = self.world
        for name in ("report_edit", "report_area", "report_completeness"):
            with self.subTest(page=name):
                self.assertEqual(self.client_for(w.bob).get(url(name, w.town_a.pk))
                                 .status_code, 404)
        response = self.client_for(w.bob).post(url("report_edit", w.town_a.pk),
                                               {"situation": "x", "action": "submit"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(DailyReport.objects.exists())

    def test_it_answers_403_to_a_role_that_does_not_report(self) -> None:
        w = self.world
        response = self.client_for(w.medic).get(url("report_edit", w.town_a.pk))
        self.assertEqual(response.status_code, 403)
        page = self.client_for(w.medic).get(url("report_area", w.town_a.pk))
        self.assertEqual(page.status_code, 200)  # reading is for everyone who sees the area
        self.assertNotContains(page, url("report_edit", w.town_a.pk))


class TownReportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        save_report(w.village_a1, TODAY(), by=w.alice, situation="A1: all quiet", submit=True,
                    at=before_cutoff(TODAY()))
        save_report(w.village_a2, TODAY(), by=w.alice, situation="A2: two returnees",
                    submit=True, at=after_cutoff(TODAY()))
        save_report(w.town_a, TODAY(), by=w.alice, situation="Town A holds",
                    remarks="Ask the district for a truck", submit=True,
                    at=before_cutoff(TODAY()))
        raise_problem(w.village_a2, by=w.alice, title="No thermometers at the gate",
                      category="medical_supplies", due_on=TODAY())
        raise_problem(w.village_b1, by=w.bob, title="Road closed in Xihe",
                      category="other", due_on=TODAY())

    def test_it_rolls_up_the_villages_reports_with_the_towns_remarks(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(url("report_area", w.town_a.pk, TODAY()))
        self.assertEqual([r.area for r in response.context["shown"].villages],
                         [w.village_a1, w.village_a2])
        for text in ("A1: all quiet", "A2: two returnees", "Town A holds",
                     "Ask the district for a truck"):
            self.assertContains(response, text)
        self.assertContains(response, f'id="village-{w.village_a2.pk}"')

    def test_it_lists_the_problems_raised_in_the_area_that_day(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(url("report_area", w.town_a.pk, TODAY()))
        self.assertEqual([p.title for p in response.context["shown"].problems],
                         ["No thermometers at the gate"])
        self.assertNotContains(response, "Road closed in Xihe")
        yesterday = TODAY() - datetime.timedelta(days=1)
        earlier = self.client_for(w.command).get(url("report_area", w.town_a.pk, yesterday))
        self.assertEqual(earlier.context["shown"].problems, [])

    def test_it_reads_the_report_page_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(url("report_area", w.town_a.pk))  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(url("report_area", w.town_a.pk))
        for village in more_areas(w.town_a, 6):  # more villages, each with its report
            save_report(village, TODAY(), by=w.alice, situation="x", submit=True)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url("report_area", w.town_a.pk))
        self.assertEqual(len(response.context["shown"].villages), 8)
        self.assertEqual(len(many), len(few))


class CompletenessPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        save_report(w.village_a1, TODAY(), by=w.alice, situation="on time", submit=True,
                    at=before_cutoff(TODAY()))
        save_report(w.village_a2, TODAY(), by=w.alice, situation="late", submit=True,
                    at=after_cutoff(TODAY()))
        save_report(w.town_b, TODAY(), by=w.bob, situation="a draft")

    def test_it_counts_submitted_late_and_missing_per_level(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(url("report_completeness", w.district.pk))
        found = response.context["found"]
        levels = {c.level: (c.expected, c.on_time, c.late, c.missing, c.completeness,
                            c.timeliness) for c in found.levels}
        self.assertEqual(levels, {3: (2, 0, 0, 2, 0, 0), 4: (3, 1, 1, 1, 66, 33)})
        self.assertEqual([(c.name, c.state, c.draft, c.missing_below) for c in found.children],
                         [("Dongcheng Town", "missing", False, 0),
                          ("Xihe Town", "missing", True, 1)])
        self.assertEqual([m.name for m, _officers in response.context["missing"]],
                         ["Dongcheng Town", "Xihe Town", "Village B1"])

    def test_it_drills_down_to_a_towns_villages(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(url("report_completeness", w.town_a.pk))
        children = {c.name: c.state for c in response.context["found"].children}
        self.assertEqual(children, {"Village A1": "on_time", "Village A2": "late"})
        self.assertEqual(response.context["found"].own.state, "missing")
        self.assertContains(response, url("report_area", w.village_a2.pk, TODAY()))

    def test_it_refuses_a_bad_day(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(
            reverse("reporting:report_completeness", args=(w.town_a.pk,)) + "?day=02/10/2020")
        self.assertEqual(response.status_code, 400)
        self.assertIn("YYYY-MM-DD", response.content.decode())

    def test_it_keeps_its_queries_fixed_as_villages_grow(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(url("report_completeness", w.district.pk))
        with CaptureQueriesContext(connection) as few:
            client.get(url("report_completeness", w.district.pk))
        for village in more_areas(w.town_a, 8):
            save_report(village, TODAY(), by=w.alice, situation="x", submit=True)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url("report_completeness", w.district.pk))
        self.assertEqual(response.context["found"].levels[1].expected, 11)
        self.assertEqual(len(many), len(few))


class VillageOfficerTests(BaseTestCase):
    def test_it_opens_a_village_officers_own_village(self) -> None:
        w = self.world
        xu = create_user(username="xu", password=PASSWORD, role=Role.AREA_OFFICER,
                         home_area=w.village_a1)
        response = self.client_for(xu).get(reverse("reporting:report_index"))
        self.assertRedirects(response, url("report_edit", w.village_a1.pk))
        self.assertEqual(self.client_for(xu).get(url("report_edit", w.town_a.pk)).status_code,
                         404)  # the town is above the village officer's area
