"""The dispatch meeting page 调度会: today against yesterday, who has not reported, problems by
age, the talking points, and the download buttons."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.briefing import meeting
from epigrid.problems import services
from epigrid.problems.escalation import escalate
from epigrid.reporting.models import RiskProposal
from tests.base import BaseTestCase
from tests.briefing.helpers import (
    days,
    outbreak_in_town_a,
    problems_of_ages,
    report,
    store_figures,
    today,
)
from tests.reporting.helpers import more_areas


def page_url(area_id: int, day: str = "") -> str:
    return reverse("briefing:meeting", args=(area_id,)) + (f"?day={day}" if day else "")


class MeetingPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        outbreak_in_town_a(w)
        cls.problems = problems_of_ages(w)
        report(w.town_a, today())
        report(w.village_a1, today())
        report(w.village_a2, today(), submitted=False)  # a draft is not a report

    def test_it_opens_the_meeting_of_the_users_home_area(self) -> None:
        response = self.client_for(self.world.command).get(reverse("briefing:index"))
        self.assertRedirects(response, page_url(self.world.district.pk))

    def test_it_shows_today_against_yesterday_with_the_children(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(page_url(w.district.pk))
        self.assertEqual(response.status_code, 200)
        rows = {row.metric.code: row for row in response.context["meeting"].rows}
        self.assertEqual((rows["new_confirmed"].value, rows["new_confirmed"].change), (3, 2))
        self.assertEqual(rows["new_close_contact"].children, [5, 4])  # Dongcheng, Xihe
        self.assertEqual((rows["new_suspected"].value, rows["new_suspected"].change), (0, -2))
        # Coloured by what the change means: more confirmed cases is worse news, fewer
        # suspected ones better.
        self.assertContains(response, '<td class="num worse">+2</td>', html=True)
        self.assertContains(response, '<td class="num better">-2</td>', html=True)

    def test_it_writes_the_talking_points_from_the_figures_and_the_problems(self) -> None:
        w = self.world
        points = self.client_for(w.command).get(page_url(w.district.pk)).context["meeting"].points
        self.assertEqual(points[:3], [
            "New close contacts doubled to 9 (4 yesterday), mostly in Dongcheng Town (56%).",
            "New confirmed cases: 3, 2 more than yesterday, mostly in Dongcheng Town (100%).",
            "Waiting over 24 h: 2, 2 more than yesterday, mostly in Dongcheng Town (100%)."])
        self.assertIn("New suspected cases fell to 0 (2 yesterday).", points)
        self.assertIn("Free ICU beds fell to 0, at or below the alert level of 0.", points)
        overdue_since = (today() - days(8)).isoformat()
        self.assertIn("1 problem is overdue: “Masks run out at the gate” (Dongcheng Town), due "
                      f"on {overdue_since}.", points)
        self.assertIn("3 areas have not reported: Village A2, Xihe Town, Village B1.", points)

    def test_it_speaks_chinese_to_a_chinese_reader(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.cookies["django_language"] = "zh-hans"
        response = client.get(page_url(w.district.pk))
        self.assertContains(response, "发言提纲")
        self.assertContains(response, "新增确诊病例 3，比昨日多 2，集中在Dongcheng Town（100%）。")

    def test_it_lists_the_areas_without_a_submitted_report(self) -> None:
        w = self.world
        found = meeting.build(w.district, today(), w.command)
        self.assertEqual([a.name for a in found.unreported or []],
                         ["Village A2", "Xihe Town", "Village B1"])
        response = self.client_for(w.alice).get(page_url(w.town_a.pk))
        self.assertEqual([a.name for a in response.context["meeting"].unreported],
                         ["Village A2"])
        self.assertContains(response, "1 area has not submitted its daily report:")

    def test_it_counts_the_risk_level_proposals_awaiting_a_decision(self) -> None:
        w = self.world
        for area, status in ((w.village_a1, "pending"), (w.town_b, "pending"),
                             (w.village_a2, "confirmed")):
            RiskProposal.objects.create(area=area, area_path=area.path, day=today(),
                                        proposed_level="high", current_level="low",
                                        rule="new_confirmed", reason="3 new confirmed cases",
                                        status=status)
        response = self.client_for(w.command).get(page_url(w.district.pk))
        self.assertEqual(response.context["meeting"].pending_risk, 2)
        self.assertEqual(response.context["meeting"].points[-1],
                         "2 risk level proposals await the command's decision.")
        self.assertContains(response, "2 risk level proposals await a decision.")
        town = self.client_for(w.alice).get(page_url(w.town_a.pk)).context["meeting"]
        self.assertEqual(town.pending_risk, 1)

    def test_it_counts_the_open_problems_by_age(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(page_url(w.district.pk))
        problems = response.context["meeting"].problems
        self.assertEqual([(g.label, g.count) for g in problems.ages], [
            ("raised today", 1), ("1–2 days", 1), ("3–6 days", 1), ("a week or more", 1)])
        self.assertEqual((problems.total, problems.overdue), (4, 1))
        self.assertEqual([p.title for p in problems.oldest], [
            "Masks run out at the gate", "A volunteer is ill", "Gloves run short",
            "Thermometers for the gate"])
        self.assertContains(response, reverse("problems:detail", args=(self.problems["ten"].pk,)))
        # Town A's meeting: only its own subtree's problems.
        town = self.client_for(w.alice).get(page_url(w.town_a.pk)).context["meeting"].problems
        self.assertEqual(town.total, 3)

    def test_it_opens_the_risk_map_of_the_same_area_and_day(self) -> None:
        """Today's on the wall screen (which shows only today), a past day's on the dashboard."""
        w = self.world
        client = self.client_for(w.command)
        wall = reverse("dashboards:wall", args=(w.district.pk,))
        self.assertIn(f'id="to-wall" href="{wall}"',
                      client.get(page_url(w.district.pk)).content.decode())
        day = (today() - days(1)).isoformat()
        board = reverse("dashboards:area", args=(w.district.pk,)) + f"?day={day}"
        self.assertIn(f'id="to-wall" href="{board}"',
                      client.get(page_url(w.district.pk, day)).content.decode())
        for url in (wall, board):
            self.assertEqual(client.get(url).status_code, 200, url)

    def test_it_counts_the_open_problems_that_rose_to_the_area_from_below(self) -> None:
        w = self.world
        ten = self.problems["ten"]  # raised in town A, overdue for 8 days
        assert escalate(ten.pk, timezone.now())
        district = self.client_for(w.command).get(page_url(w.district.pk))
        self.assertEqual(district.context["meeting"].problems.escalated, 1)
        self.assertContains(district, "1 of them rose to this level from below.")
        self.assertIn(f"1 open problem rose to {w.district.name} from below.",
                      district.context["meeting"].points)
        api = self.client_for(w.command).get(f"/api/briefing/meeting?area={w.district.pk}")
        self.assertEqual(api.json()["problems_escalated"], 1)
        # Town A's meeting still counts it open, but it stands at the district now.
        town = self.client_for(w.alice).get(page_url(w.town_a.pk))
        self.assertEqual(town.context["meeting"].problems.escalated, 0)
        self.assertNotContains(town, 'id="escalated"')
        # Closed, it is counted no more.
        services.close(ten, by=w.command, note="Delivered.")
        district = self.client_for(w.command).get(page_url(w.district.pk))
        self.assertEqual(district.context["meeting"].problems.escalated, 0)

    def test_it_offers_the_downloads_to_those_who_may_export(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(page_url(w.district.pk))
        for fmt in ("docx", "pdf", "xlsx"):
            self.assertContains(response, reverse("briefing:download", args=(w.district.pk, fmt)))
        grid_worker = self.client_for(w.li).get(page_url(w.grid_a1_1.pk))
        self.assertEqual(grid_worker.status_code, 200)
        self.assertNotContains(grid_worker, "briefing.pdf")

    def test_it_says_so_for_a_day_never_counted(self) -> None:
        w = self.world
        day = (today() - days(30)).isoformat()
        response = self.client_for(w.command).get(page_url(w.district.pk, day))
        self.assertEqual(response.context["meeting"].points, [])
        self.assertContains(response, "the figures of this day have not been counted yet")

    def test_it_refuses_a_bad_or_future_day_naming_it(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        response = client.get(page_url(w.district.pk, "2020-02-30"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "YYYY-MM-DD", status_code=400)
        future = client.get(page_url(w.district.pk, (today() + days(1)).isoformat()))
        self.assertContains(future, "is in the future", status_code=400)

    def test_it_hides_another_towns_meeting(self) -> None:
        w = self.world
        self.assertEqual(self.client_for(w.bob).get(page_url(w.town_a.pk)).status_code, 404)

    def test_it_reads_a_fixed_number_of_queries_whatever_the_children(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(page_url(w.district.pk))
        with CaptureQueriesContext(connection) as before:
            client.get(page_url(w.district.pk))
        for area in more_areas(w.district, 6):
            store_figures(area, today(), {"new_confirmed": 1})
        with CaptureQueriesContext(connection) as after:
            response = client.get(page_url(w.district.pk))
        self.assertEqual(len(response.context["meeting"].figures.children), 8)
        self.assertEqual(len(after), len(before))
        # the meeting's ~15, the charts' three, the map's two, the supplies panel's five
        self.assertLessEqual(len(after), 26)
