"""A figure links to the records behind it only for a viewer who may open them.

The story: town A's daily figures count its confirmed and suspected cases, its passages and its
beds. Xiao, a volunteer of town A, and Lu, of the logistics team, read the same figures as Alice,
the town's officer: on the figure page, the daily report, the dashboard and its API, the dispatch
meeting. The case figures' lists name persons (VIEW_CASES, which neither has): their figures are
shown without a link, where Alice's open the cases app's records. The passages, beds and
households keep their links for everyone. The care figures of waiting patients link to the
waiting list and the transfer plan, which name them (VIEW_CASES too): unlinked for Xiao and Lu,
while the free beds keep theirs. One rule, on the metric (`Metric.capability`, read by
`Metric.url`): no page offers a link that answers 403.
"""

from __future__ import annotations

import datetime
import json
import re
from html import escape
from typing import Any

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.core.access import Capability, Role
from epigrid.reporting import metrics, services
from epigrid.reporting.reading import Row
from tests.base import PASSWORD, BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff
from tests.reporting.helpers import care_today, passages_today, screening_today

RECORDS = "/records/"  # the cases app's lists behind a case figure
CASE_CODES = ("new_confirmed", "current_confirmed", "current_suspected")
# The care figures whose lists (the waiting list, the transfer plan) name patients.
CARE_PATIENT_CODES = ("awaiting_admission", "waiting_over_24h", "longest_wait_hours",
                      "admitted_today")
AWAITING = "/care/beds/awaiting/"


def today() -> datetime.date:
    return timezone.localdate()


def figure_page(area_id: int) -> str:
    return reverse("reporting:area", args=(area_id,))


def records_url(area_id: int, code: str) -> str:
    return reverse("cases:figure_records", args=(area_id, code)) + f"?day={today()}"


class MetricRuleTests(SimpleTestCase):
    def test_it_puts_the_case_lists_behind_view_cases_and_nothing_else(self) -> None:
        for metric in metrics.all_metrics():
            with self.subTest(code=metric.code):
                names_persons = metric.family == "cases" or metric.code in CARE_PATIENT_CODES
                expected = Capability.VIEW_CASES if names_persons else None
                self.assertEqual(metric.capability, expected)

    def test_it_gives_the_link_by_the_viewers_role_and_without_a_viewer_no_case_link(
            self) -> None:
        case_figure = metrics.get_metric("new_confirmed")
        awaiting = metrics.get_metric("awaiting_admission")
        passages = metrics.get_metric("passages_in")
        free_beds = metrics.get_metric("free_beds_icu")
        day = datetime.date(2020, 2, 1)
        for role, sees_cases in ((Role.AREA_OFFICER, True), (Role.MEDICAL, True),
                                 (Role.GRID_WORKER, True), (Role.VOLUNTEER, False),
                                 (Role.LOGISTICS, False), (Role.CHECKPOINT_STAFF, False)):
            with self.subTest(role=role):
                viewer = User(role=role)
                self.assertEqual(case_figure.url(1, day, viewer) is not None, sees_cases)
                self.assertEqual(awaiting.url(1, day, viewer) is not None, sees_cases)
                self.assertIsNotNone(passages.url(1, day, viewer))
                self.assertIsNotNone(free_beds.url(1, day, viewer))
        self.assertIsNone(case_figure.url(1, day, None))  # a file: read by anyone
        self.assertIsNone(awaiting.url(1, day, None))
        self.assertIsNotNone(passages.url(1, day, None))


class DrillDownAccessTests(BaseTestCase):
    volunteer: User
    logistics: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.volunteer = create_user(username="xiao", password=PASSWORD, role=Role.VOLUNTEER,
                                    home_area=w.town_a)
        cls.logistics = create_user(username="lu", password=PASSWORD, role=Role.LOGISTICS,
                                    home_area=w.town_a)
        screening_today(w)
        passages_today(w)
        care_today(w)
        services.recompute_day(today() - datetime.timedelta(days=1))
        services.recompute_day(today())

    def without_view_cases(self) -> tuple[User, ...]:
        return (self.volunteer, self.logistics)

    def rows(self, response: Any, key: str = "figures") -> dict[str, Row]:
        figures = response.context[key]
        figures = getattr(figures, "figures", figures)
        return {row.metric.code: row for _family, rows in figures.groups for row in rows}

    # --- the figure page and the daily report ------------------------------------------------

    def test_the_volunteer_and_logistics_read_the_case_figures_without_links(self) -> None:
        w = self.world
        for user in self.without_view_cases():
            with self.subTest(user=user.username):
                response = self.client_for(user).get(figure_page(w.town_a.pk))
                self.assertEqual(response.status_code, 200)
                rows = self.rows(response)
                self.assertEqual((rows["current_confirmed"].value,
                                  rows["current_suspected"].value), (2, 1))
                self.assertEqual(rows["awaiting_admission"].value, 2)
                for code in (*CASE_CODES, *CARE_PATIENT_CODES):
                    self.assertIsNone(rows[code].url)
                body = response.content.decode()
                self.assertNotIn(RECORDS, body)
                self.assertNotIn(AWAITING, body)
                row = re.search(r'id="figure-current_confirmed">(.*?)</tr>', body, re.S)
                assert row is not None
                self.assertIn('<td class="num">2</td>', row.group(1))
                # The figures whose lists they may open keep their links.
                for code in ("passages_in", "households_registered", "free_beds_icu"):
                    self.assertIsNotNone(rows[code].url)
                    self.assertIn(f'href="{escape(rows[code].url)}"', body)

    def test_the_officer_opens_the_case_records_from_the_same_page(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(figure_page(w.town_a.pk))
        rows = self.rows(response)
        for code in CASE_CODES:
            with self.subTest(code=code):
                self.assertEqual(rows[code].url, records_url(w.town_a.pk, code))
                self.assertContains(response, f'href="{escape(records_url(w.town_a.pk, code))}"')
        self.assertEqual(rows["awaiting_admission"].url, f"{AWAITING}?area={w.town_a.pk}")
        self.assertEqual(rows["admitted_today"].url,
                         reverse("care:plan_area", args=(w.town_a.pk,)))

    def test_no_link_a_viewer_is_given_answers_403(self) -> None:
        w = self.world
        staff = east_road_staff(w)
        for user, area in ((self.volunteer, w.town_a), (self.logistics, w.town_a),
                           (staff, w.village_a1), (w.alice, w.town_a), (w.medic, w.town_a)):
            client = self.client_for(user)
            rows = self.rows(client.get(figure_page(area.pk)))
            for code, row in rows.items():
                if row.url is None:
                    continue
                with self.subTest(user=user.username, code=code):
                    self.assertEqual(client.get(row.url).status_code, 200)

    def test_the_daily_report_shows_the_same_figures_with_the_same_rule(self) -> None:
        w = self.world
        url = reverse("reporting:report_area", args=(w.town_a.pk,))
        for user, linked in ((self.volunteer, False), (self.logistics, False), (w.alice, True)):
            with self.subTest(user=user.username):
                response = self.client_for(user).get(url)
                self.assertEqual(response.status_code, 200)
                rows = self.rows(response, "shown")
                self.assertEqual(rows["current_confirmed"].value, 2)
                self.assertEqual(RECORDS in response.content.decode(), linked)
                self.assertIsNotNone(rows["passages_in"].url)

    def test_the_page_costs_the_same_queries_with_or_without_the_links(self) -> None:
        w = self.world

        def queries(user: User) -> int:
            client = self.client_for(user)
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(figure_page(w.town_a.pk)).status_code, 200)
            return len(captured.captured_queries)

        self.assertEqual(queries(self.volunteer), queries(w.alice))

    # --- the dashboard, its API and the dispatch meeting --------------------------------------

    def test_the_dashboard_and_its_api_give_no_case_link_to_the_volunteer(self) -> None:
        w = self.world
        query = ("metric=new_confirmed,passages_in,awaiting_admission&trend=current_confirmed"
                 "&map=current_confirmed")
        page = reverse("dashboards:area", args=(w.town_a.pk,)) + f"?{query}"
        api = reverse("api:dashboard", args=(w.town_a.pk,)) + f"?{query}&geo=false"
        for user, linked in ((self.volunteer, False), (self.logistics, False), (w.alice, True)):
            client = self.client_for(user)
            for name, data in (("page", dashboard_data(client.get(page))),
                               ("api", client.get(api).json())):
                with self.subTest(user=user.username, surface=name):
                    figures = {f["code"]: f for f in data["figures"]}
                    self.assertEqual(figures["new_confirmed"]["value"], 0)  # counted, shown
                    self.assertEqual(figures["new_confirmed"]["url"] is not None, linked)
                    self.assertEqual(figures["awaiting_admission"]["value"], 2)
                    self.assertEqual(figures["awaiting_admission"]["url"] is not None, linked)
                    self.assertIsNotNone(figures["passages_in"]["url"])
                    trend_urls = [u for s in data["trend"]["series"] for u in s["urls"]]
                    self.assertEqual(any(trend_urls), linked)
                    self.assertEqual(any(c["url"] for c in data["map"]["areas"]), linked)
            body = client.get(page).content.decode()
            self.assertEqual(RECORDS in body, linked)
            self.assertEqual(AWAITING in body, linked)

    def test_the_meeting_gives_the_volunteer_only_links_that_open(self) -> None:
        w = self.world
        client = self.client_for(self.volunteer)
        response = client.get(reverse("briefing:meeting", args=(w.town_a.pk,)))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertNotIn(RECORDS, body)
        charts = json.loads(re.search(
            r'<script id="meeting-charts" type="application/json">(.*?)</script>', body,
            re.S).group(1))["charts"]  # type: ignore[union-attr]
        flows = next(chart for chart in charts if chart["key"] == "flows")
        urls = {u for series in flows["series"] for u in series["urls"] if u}
        self.assertTrue(urls)  # the checkpoint flows drill down for everyone
        for url in sorted(urls)[:3]:
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 200)


def dashboard_data(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = response.context["data"]
    return data
