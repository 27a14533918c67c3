"""The wall screen 大屏: a dark full-screen page without navigation that refetches its data from
the API every N seconds — and that refresh answers the same figures as the page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from epigrid.areas.models import Area
from tests.base import BaseTestCase
from tests.dashboards.helpers import BOUNDARY_A1, data_of, days_ago, fortnight, store


def wall_url(area_id: int, query: str = "") -> str:
    return reverse("dashboards:wall", args=(area_id,)) + (f"?{query}" if query else "")


class WallScreenTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fortnight(cls.world)
        Area.objects.filter(pk=cls.world.village_a1.pk).update(boundary=BOUNDARY_A1)

    def test_it_is_a_dark_full_screen_page_without_navigation(self) -> None:
        response = self.client_for(self.world.alice).get(wall_url(self.world.town_a.pk))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('<body class="wall">', html)
        self.assertIn("dashboards/wall.css", html)
        self.assertIn("dashboards/wall.js", html)
        for navigation in ('class="mainnav"', 'class="topbar"', "Log out", 'name="language"'):
            self.assertNotIn(navigation, html)
        self.assertNotIn("style=", html)
        self.assertContains(response, 'data-figure="new_confirmed"')

    def test_it_refreshes_itself_from_the_api_with_the_same_choice(self) -> None:
        w = self.world
        query = "metric=current_confirmed&trend=new_confirmed&days=30&map=new_confirmed"
        response = self.client_for(w.alice).get(wall_url(w.town_a.pk, query + "&refresh=30"))
        config = response.context["wall"]
        self.assertEqual(config["refresh_seconds"], 30)
        self.assertContains(response, 'id="wall-config"')
        refresh = urlsplit(config["url"])
        self.assertEqual(refresh.path, f"/api/dashboards/{w.town_a.pk}")
        self.assertEqual(parse_qs(refresh.query), {
            "metric": ["current_confirmed"], "trend": ["new_confirmed"], "days": ["30"],
            "map": ["new_confirmed"], "geo": ["false"]})
        self.assertEqual(self.client_for(w.alice).get(wall_url(w.town_a.pk)).context["wall"][
            "refresh_seconds"], 60)  # once a minute unless told

    def test_its_refresh_answers_the_figures_of_the_page_and_what_changed_since(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        page = client.get(wall_url(w.town_a.pk))
        first = data_of(page)
        self.assertIsNotNone(first["map"]["geojson"])  # the page registers the map once
        refresh = client.get(page.context["wall"]["url"])
        self.assertEqual(refresh.status_code, 200)
        again = refresh.json()
        self.assertIsNone(again["map"]["geojson"])  # the refresh leaves the boundaries out
        self.assertEqual(again["map"]["mode"], "regions")
        first["map"]["geojson"] = None
        self.assertEqual(again, first)
        store(w.town_a, days_ago(0), {"new_confirmed": 20, "current_confirmed": 120})
        figures = {f["code"]: f for f in client.get(page.context["wall"]["url"]).json()[
            "figures"]}
        self.assertEqual((figures["new_confirmed"]["value"], figures["new_confirmed"]["change"]),
                         (20, 8))

    def test_it_refuses_a_bad_interval_or_a_day_naming_the_parameter(self) -> None:
        client = self.client_for(self.world.alice)
        for query, why in (("refresh=5", "refresh: Refresh every 10 to 3600 seconds"),
                           ("refresh=soon", "refresh: Refresh every"),
                           ("day=2020-02-01", "day: The wall screen always shows today"),
                           ("map=bogus", "map: Colour the map by")):
            with self.subTest(query=query):
                response = client.get(wall_url(self.world.town_a.pk, query))
                self.assertEqual(response.status_code, 400)
                self.assertIn(why, response.content.decode())

    def test_it_hides_another_towns_wall_and_its_refresh(self) -> None:
        w = self.world
        client = self.client_for(w.bob)
        self.assertEqual(client.get(wall_url(w.town_a.pk)).status_code, 404)
        self.assertEqual(client.get(reverse("api:dashboard", args=(w.town_a.pk,))).status_code,
                         404)
