"""The daily figure pages: an area's day by family, the day before, children, drill-downs."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.reporting import services
from epigrid.reporting.models import DailyFigures, FrozenDay
from epigrid.reporting.reading import Row
from tests.base import BaseTestCase
from tests.checkpoints.figure_helpers import at, passage, store
from tests.reporting.helpers import more_areas, passages_today, screening_today


def page_url(area_id: int, day: datetime.date | None = None) -> str:
    return reverse("reporting:area", args=(area_id,)) + (f"?day={day.isoformat()}" if day else "")


class FigurePageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        screening_today(w)
        passages_today(w)
        today = timezone.localdate()
        services.recompute_day(today - datetime.timedelta(days=1))
        services.recompute_day(today)

    def rows(self, response: object) -> dict[str, Row]:
        context = response.context  # type: ignore[attr-defined]
        return {row.metric.code: row for _family, rows in context["figures"].groups
                for row in rows}

    def test_it_opens_the_figures_at_the_users_home_area(self) -> None:
        response = self.client_for(self.world.alice).get(reverse("reporting:index"))
        self.assertRedirects(response, page_url(self.world.town_a.pk))

    def test_it_shows_every_family_with_the_change_and_the_children(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(page_url(w.town_a.pk))
        self.assertEqual(response.status_code, 200)
        families = [family.key for family, _rows in response.context["figures"].groups]
        self.assertEqual(families, ["registry", "cases", "checkpoints", "care", "supplies",
                                    "supervision", "mobilization", "volunteers"])
        rows = self.rows(response)
        self.assertEqual(rows["passages_in"].value, 4)
        self.assertEqual(rows["passages_in"].change, 3)  # one passage in yesterday
        self.assertEqual(rows["households_visited_today"].children, [1, 0])  # A1, A2
        self.assertEqual([c.name for c in response.context["figures"].children],
                         ["Village A1", "Village A2"])
        self.assertContains(response, "Persuaded to turn back")
        self.assertContains(response, reverse("reporting:area", args=(w.village_a2.pk,)))

    def test_it_links_each_figure_to_the_records_behind_it(self) -> None:
        w = self.world
        today = timezone.localdate()
        response = self.client_for(w.alice).get(page_url(w.town_a.pk))
        rows = self.rows(response)
        self.assertEqual(rows["new_confirmed"].url, reverse(
            "cases:figure_records", args=(w.town_a.pk, "new_confirmed")) + f"?day={today}")
        self.assertEqual(rows["turned_back"].url, reverse(
            "checkpoints:figure_area", args=(w.town_a.pk,)) + f"?day={today}&days=1")
        self.assertEqual(rows["waiting_over_24h"].url,
                         reverse("care:bed_awaiting") + f"?area={w.town_a.pk}&over_24h=on")
        self.assertContains(response, f'href="{rows["new_confirmed"].url}"')
        for row in rows.values():  # every drill-down opens for the area's officer
            with self.subTest(code=row.metric.code):
                self.assertIsNotNone(row.url)
                self.assertIn(self.client_for(w.alice).get(row.url).status_code, {200})

    def test_it_shows_the_frozen_report_and_now_apart(self) -> None:
        w, today = self.world, timezone.localdate()
        services.freeze_day(today)
        store([passage(w.checkpoint_a, at(today, 2))])
        services.recompute_day(today)
        response = self.client_for(w.alice).get(page_url(w.village_a1.pk))
        rows = self.rows(response)
        self.assertEqual((rows["passages_in"].value, rows["passages_in"].now), (4, 5))
        self.assertTrue(rows["passages_in"].moved)
        self.assertContains(response, "Frozen at the cutoff")
        self.assertContains(response, "<strong>5</strong>", html=True)

    def test_it_says_when_a_day_was_never_counted(self) -> None:
        response = self.client_for(self.world.alice).get(
            page_url(self.world.town_a.pk, datetime.date(2020, 2, 1)))
        self.assertFalse(response.context["figures"].stored)
        self.assertContains(response, "have not been counted yet")
        self.assertEqual(self.rows(response)["passages_in"].change, None)

    def test_it_refuses_a_bad_or_future_day(self) -> None:
        client = self.client_for(self.world.alice)
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        for day, why in (("2020-13-01", "YYYY-MM-DD"), ("today", "YYYY-MM-DD"),
                         (tomorrow, "future")):
            with self.subTest(day=day):
                response = client.get(reverse("reporting:area", args=(self.world.town_a.pk,))
                                      + f"?day={day}")
                self.assertEqual(response.status_code, 400)
                self.assertIn(why, response.content.decode())

    def test_it_hides_another_towns_figures(self) -> None:
        client = self.client_for(self.world.bob)
        self.assertEqual(client.get(page_url(self.world.town_a.pk)).status_code, 404)
        self.assertEqual(client.get(page_url(self.world.village_a1.pk)).status_code, 404)
        response = client.post(reverse("reporting:refresh", args=(self.world.town_a.pk,)))
        self.assertEqual(response.status_code, 404)

    def test_it_recounts_on_the_button_for_the_command_only(self) -> None:
        w, today = self.world, timezone.localdate()
        url = reverse("reporting:refresh", args=(w.town_a.pk,))
        officer = self.client_for(w.alice)
        self.assertNotContains(officer.get(page_url(w.town_a.pk)), url)
        self.assertEqual(officer.post(url, {"day": today.isoformat()}).status_code, 403)
        store([passage(w.checkpoint_a, at(today, 3))])
        command = self.client_for(w.command)
        self.assertContains(command.get(page_url(w.town_a.pk)), url)
        response = command.post(url, {"day": today.isoformat()})
        self.assertRedirects(response, page_url(w.town_a.pk, today))
        self.assertEqual(DailyFigures.objects.get(area=w.town_a, day=today).values["passages_in"],
                         5)
        tomorrow = (today + datetime.timedelta(days=1)).isoformat()
        self.assertEqual(command.post(url, {"day": tomorrow}).status_code, 400)
        self.assertFalse(FrozenDay.objects.exists())

    def test_it_reads_the_page_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        client = self.client_for(w.command)

        def queries(area_id: int) -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(page_url(area_id)).status_code, 200)
            return len(captured.captured_queries)

        few = queries(w.village_a1.pk)  # two grids
        more_areas(w.village_a1, 12)
        services.recompute_day(timezone.localdate())
        self.assertEqual(queries(w.village_a1.pk), few)  # fourteen grids
        self.assertLessEqual(few, 8)
