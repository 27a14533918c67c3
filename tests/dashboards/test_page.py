"""The dashboard page 数据看板: key figures against yesterday, the trend, the map of the sub-areas,
every number a link to its records, and nothing but stored figures read."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.areas.services import change_risk_level
from epigrid.reporting import services
from epigrid.reporting.models import DailyFigures
from tests.base import BaseTestCase
from tests.dashboards.helpers import BOUNDARY_A1, data_of, days_ago, fortnight, store
from tests.reporting.helpers import more_areas, passages_today, screening_today


def url(area_id: int, query: str = "") -> str:
    return reverse("dashboards:area", args=(area_id,)) + (f"?{query}" if query else "")


class DashboardPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fortnight(cls.world)

    def test_it_opens_the_dashboard_of_the_users_home_area(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(reverse("dashboards:index"))
        self.assertRedirects(response, url(w.town_a.pk))
        response = self.client_for(w.li).get(reverse("dashboards:index"))
        self.assertRedirects(response, url(w.grid_a1_1.pk))
        self.assertEqual(self.client_for(w.stranger).get(reverse("dashboards:index")).status_code,
                         404)

    def test_it_shows_the_key_figures_with_the_change_since_yesterday(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(url(w.town_a.pk,
                                                     "metric=new_confirmed,current_confirmed"))
        self.assertEqual(response.status_code, 200)
        figures = {f["code"]: f for f in data_of(response)["figures"]}
        self.assertEqual(list(figures), ["new_confirmed", "current_confirmed"])
        self.assertEqual((figures["new_confirmed"]["value"], figures["new_confirmed"]["yesterday"],
                          figures["new_confirmed"]["change"]), (13, 12, 1))
        self.assertEqual(figures["current_confirmed"]["value"], 113)
        html = response.content.decode()
        block = re.search(r'data-figure="current_confirmed">(.*?)</div>', html, re.S)
        assert block is not None
        self.assertIn(">113</a>", block.group(1))
        self.assertIn("+1", block.group(1))
        # One more confirmed case is bad news: its change is coloured so.
        self.assertIn('<span class="change worse"', block.group(1))

    def test_it_shows_the_figures_as_stored_by_the_recount(self) -> None:
        w, today = self.world, timezone.localdate()
        screening_today(w)
        passages_today(w)
        services.recompute_day(today)
        stored = DailyFigures.objects.get(area=w.village_a1, day=today).now
        codes = "passages_in,turned_back,persons_screened_today,households_registered"
        response = self.client_for(w.alice).get(url(w.village_a1.pk, f"metric={codes}"))
        shown = {f["code"]: f["value"] for f in data_of(response)["figures"]}
        self.assertEqual(shown, {code: stored.get(code, 0) for code in codes.split(",")})
        self.assertEqual(shown["passages_in"], 4)  # three persons and a car at East Road

    def test_it_reads_the_latest_recount_after_the_cutoff(self) -> None:
        w = self.world
        store(w.town_a, days_ago(0), {"new_confirmed": 13}, now={"new_confirmed": 15})
        figures = data_of(self.client_for(w.alice).get(url(w.town_a.pk, "metric=new_confirmed")))
        self.assertEqual(figures["figures"][0]["value"], 15)

    def test_it_draws_the_trend_of_the_chosen_days(self) -> None:
        w = self.world
        data = data_of(self.client_for(w.alice).get(url(
            w.town_a.pk, "trend=new_confirmed&trend=current_confirmed")))
        self.assertEqual(data["trend"]["days"][0], days_ago(13).isoformat())
        self.assertEqual(data["trend"]["days"][-1], days_ago(0).isoformat())
        series = {s["code"]: s["values"] for s in data["trend"]["series"]}
        self.assertEqual(series["new_confirmed"], list(range(14)))
        self.assertEqual(series["current_confirmed"][-1], 113)
        month = data_of(self.client_for(w.alice).get(url(w.town_a.pk, "days=30")))
        values = month["trend"]["series"][0]["values"]
        self.assertEqual(len(values), 30)
        self.assertEqual(values[:16], [None] * 16)  # days never counted are gaps, not zeros
        self.assertEqual(values[16:], list(range(14)))

    def test_it_links_every_number_to_the_records_behind_it(self) -> None:
        w, today = self.world, timezone.localdate()
        client = self.client_for(w.alice)
        response = client.get(url(w.town_a.pk, "metric=new_confirmed,turned_back,"
                                                "waiting_over_24h&map=new_confirmed"))
        data = data_of(response)
        links = {f["code"]: f["url"] for f in data["figures"]}
        self.assertEqual(links["new_confirmed"], reverse(
            "cases:figure_records", args=(w.town_a.pk, "new_confirmed")) + f"?day={today}")
        self.assertEqual(links["turned_back"], reverse(
            "checkpoints:figure_area", args=(w.town_a.pk,)) + f"?day={today}&days=1")
        self.assertEqual(links["waiting_over_24h"],
                         reverse("care:bed_awaiting") + f"?area={w.town_a.pk}&over_24h=on")
        self.assertContains(response, f'href="{links["new_confirmed"]}"')
        trend = data["trend"]["series"][0]
        self.assertEqual(trend["urls"][0], reverse(
            "cases:figure_records", args=(w.town_a.pk, "new_confirmed"))
            + f"?day={days_ago(13)}")
        child = {a["name"]: a for a in data["map"]["areas"]}["Village A1"]
        self.assertEqual(child["url"], reverse(
            "cases:figure_records", args=(w.village_a1.pk, "new_confirmed")) + f"?day={today}")
        self.assertContains(response, f'href="{child["url"]}"')
        for link in [*links.values(), child["url"]]:  # each opens for the area's officer
            with self.subTest(link=link):
                self.assertEqual(client.get(link).status_code, 200)

    def test_it_puts_every_child_on_the_map_by_its_figure(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a1.pk).update(latitude=Decimal("30.61"),
                                                       longitude=Decimal("114.31"))
        Area.objects.filter(pk=w.village_a2.pk).update(latitude=Decimal("30.63"),
                                                       longitude=Decimal("114.34"))
        response = self.client_for(w.alice).get(url(w.town_a.pk, "map=new_confirmed"))
        data = data_of(response)["map"]
        self.assertEqual((data["by"], data["mode"], data["geojson"]),
                         ("new_confirmed", "points", None))
        self.assertEqual([(a["name"], a["value"], a["latitude"], a["longitude"])
                          for a in data["areas"]],
                         [("Village A1", 7, 30.61, 114.31), ("Village A2", 2, 30.63, 114.34)])
        self.assertEqual(data["areas"][0]["dashboard_url"], url(w.village_a1.pk))
        self.assertContains(response, 'id="map-chart"')

    def test_it_colours_the_children_by_their_risk_level(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a1.pk).update(risk_level="high", boundary=BOUNDARY_A1)
        response = self.client_for(w.alice).get(url(w.town_a.pk))  # by risk unless told
        data = data_of(response)["map"]
        self.assertEqual(data["by"], "risk")
        colours = {a["name"]: (a["risk"], a["value"], a["colour"]) for a in data["areas"]}
        self.assertEqual(colours, {"Village A1": ("high", 3, "#c62828"),
                                   "Village A2": ("low", 1, "#2e7d32")})
        self.assertContains(response, '<span class="badge risk-high">high</span>', html=True)

    def test_it_colours_a_past_day_by_the_risk_levels_of_that_day(self) -> None:
        w = self.world
        change_risk_level(w.village_a2, "medium", reason="two cases", changed_by=w.command,
                          effective_on=days_ago(3))
        w.village_a2.refresh_from_db()
        change_risk_level(w.village_a2, "high", reason="a cluster", changed_by=w.command,
                          effective_on=days_ago(1))
        client = self.client_for(w.alice)

        def levels(n: int) -> dict[str, tuple[str, int]]:
            data = data_of(client.get(url(w.town_a.pk, f"day={days_ago(n)}")))["map"]
            return {a["name"]: (a["risk"], a["value"]) for a in data["areas"]}

        self.assertEqual(levels(4)["Village A2"], ("low", 1))
        self.assertEqual(levels(3)["Village A2"], ("medium", 2))
        self.assertEqual(levels(2)["Village A2"], ("medium", 2))
        self.assertEqual(levels(1), {"Village A1": ("low", 1), "Village A2": ("high", 3)})

    def test_it_draws_boundaries_as_a_registered_map_when_the_children_have_them(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a1.pk).update(boundary=BOUNDARY_A1)
        response = self.client_for(w.alice).get(url(w.town_a.pk))
        data = data_of(response)["map"]
        self.assertEqual(data["mode"], "regions")
        self.assertEqual(data["geojson"], {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": str(w.village_a1.pk),
                                               "label": "Village A1"},
             "geometry": BOUNDARY_A1}]})
        self.assertEqual(data["unplaced"], ["Village A2"])
        self.assertContains(response, "Not on the map:")

    def test_it_says_when_the_children_have_no_place_or_there_are_none(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(url(w.town_a.pk))
        self.assertEqual(data_of(response)["map"]["mode"], "none")
        self.assertContains(response, "No sub-area has a boundary or a location yet")
        response = self.client_for(w.alice).get(url(w.grid_a1_1.pk))
        self.assertEqual(data_of(response)["map"]["areas"], [])
        self.assertContains(response, "This area has no sub-areas.")

    def test_it_says_when_the_day_was_never_counted(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(url(w.town_a.pk, "day=2020-02-01"))
        data = data_of(response)
        self.assertFalse(data["stored"])
        self.assertEqual(data["figures"][0]["yesterday"], None)
        self.assertContains(response, "have not been counted yet")

    def test_it_refuses_a_bad_choice_naming_the_parameter(self) -> None:
        client = self.client_for(self.world.alice)
        cases = [("metric=new_confirmed,bogus", "metric: No metric bogus"),
                 ("trend=nope", "trend: No metric nope"),
                 ("trend=" + ",".join(["new_confirmed", "new_suspected", "new_fever",
                                       "new_asymptomatic", "new_close_contact", "tests_done",
                                       "tests_positive"]), "trend: Choose at most 6"),
                 ("days=7", "days: The trend covers 14 or 30 days"),
                 ("map=colour", "map: Colour the map by"),
                 ("day=2020-13-01", "day: Give the day as YYYY-MM-DD"),
                 (f"day={days_ago(-1)}", "day: The day")]
        for query, why in cases:
            with self.subTest(query=query):
                response = client.get(url(self.world.town_a.pk, query))
                self.assertEqual(response.status_code, 400)
                self.assertIn(why, response.content.decode())

    def test_it_hides_another_towns_dashboard(self) -> None:
        client = self.client_for(self.world.bob)
        for area in (self.world.town_a, self.world.village_a1):
            self.assertEqual(client.get(url(area.pk)).status_code, 404)

    def test_it_keeps_to_the_content_security_policy(self) -> None:
        response = self.client_for(self.world.alice).get(url(self.world.town_a.pk))
        html = response.content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            with self.subTest(tag=tag):
                self.assertTrue("src=" in tag or 'type="application/json"' in tag)
        self.assertNotIn("style=", html)
        self.assertIn("vendor/echarts-6.1.0.min.js", html)

    def test_it_reads_the_page_in_the_same_queries_whatever_the_number_of_children(self) -> None:
        w = self.world
        client = self.client_for(w.command)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(url(w.village_a1.pk, "map=new_confirmed"))
                                 .status_code, 200)
            return len(captured.captured_queries)

        few = queries()  # two grids
        for extra in more_areas(w.village_a1, 12):
            store(extra, days_ago(0), {"new_confirmed": 1})
        self.assertEqual(queries(), few)  # fourteen grids
        self.assertLessEqual(few, 6)  # session, user, home area, area, children, figures
