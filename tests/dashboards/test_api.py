"""GET /api/dashboards/{area_id}: an area's dashboard data, scoped, from stored figures only."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.services import create_api_token
from epigrid.areas.models import Area
from epigrid.areas.services import change_risk_level
from tests.base import BaseTestCase
from tests.dashboards.helpers import days_ago, fortnight, store
from tests.reporting.helpers import more_areas


def api_url(area_id: int, query: str = "") -> str:
    return reverse("api:dashboard", args=(area_id,)) + (f"?{query}" if query else "")


class DashboardApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fortnight(cls.world)

    def test_it_answers_the_figures_trend_and_map_of_the_area(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a2.pk).update(risk_level="medium",
                                                       latitude=Decimal("30.6"),
                                                       longitude=Decimal("114.3"))
        response = self.client_for(w.alice).get(api_url(
            w.town_a.pk, "metric=new_confirmed&trend=current_confirmed&map=risk"))
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["area"], {"id": w.town_a.pk, "name": "Dongcheng Town",
                                        "code": "420102001000"})
        self.assertEqual(data["day"], days_ago(0).isoformat())
        self.assertTrue(data["stored"])
        self.assertEqual([(f["code"], f["value"], f["yesterday"], f["change"], f["trend"])
                          for f in data["figures"]], [("new_confirmed", 13, 12, 1, "worse")])
        self.assertEqual(data["trend"]["series"][0]["values"], [100 + d for d in range(14)])
        self.assertEqual(data["map"]["mode"], "points")
        self.assertEqual([(a["name"], a["risk"], a["colour"]) for a in data["map"]["areas"]],
                         [("Village A1", "low", "#2e7d32"), ("Village A2", "medium", "#f9a825")])
        self.assertEqual(data["map"]["unplaced"], ["Village A1"])

    def test_it_answers_a_past_days_risk_levels_as_they_stood(self) -> None:
        w = self.world
        change_risk_level(w.village_a1, "high", reason="cluster", changed_by=w.command,
                          effective_on=days_ago(0))
        client = self.client_for(w.alice)

        def levels(query: str) -> list[tuple[str, str]]:
            areas = client.get(api_url(w.town_a.pk, query)).json()["map"]["areas"]
            return [(a["name"], a["risk"]) for a in areas]

        self.assertEqual(levels(f"day={days_ago(1)}"), [("Village A1", "low"),
                                                        ("Village A2", "low")])
        self.assertEqual(levels(""), [("Village A1", "high"), ("Village A2", "low")])

    def test_it_answers_a_token_holder_too(self) -> None:
        w = self.world
        _token, secret = create_api_token(w.alice, "wall")
        response = self.client.get(api_url(w.town_a.pk), HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 200)

    def test_it_refuses_a_bad_choice_with_422_naming_the_parameter(self) -> None:
        client = self.client_for(self.world.alice)
        for query, field in (("metric=bogus", "metric"), ("trend=bogus", "trend"),
                             ("days=15", "days"), ("map=bogus", "map"), ("day=yesterday", "day"),
                             ("geo=perhaps", "geo")):
            with self.subTest(query=query):
                response = client.get(api_url(self.world.town_a.pk, query))
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["detail"][0]["loc"], ["query", field])

    def test_it_answers_404_outside_the_users_area(self) -> None:
        w = self.world
        for user, area in ((w.bob, w.town_a), (w.li, w.village_a1), (w.stranger, w.town_b),
                           (w.alice, Area(pk=987654))):
            with self.subTest(user=user.username, area=area.pk):
                response = self.client_for(user).get(api_url(area.pk))
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get(api_url(w.town_a.pk)).status_code, 401)

    def test_it_reads_the_same_queries_whatever_the_number_of_children(self) -> None:
        w = self.world
        client = self.client_for(w.command)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(api_url(w.town_a.pk, "map=new_confirmed"))
                                 .status_code, 200)
            return len(captured.captured_queries)

        few = queries()  # two villages
        for extra in more_areas(w.town_a, 20):
            store(extra, days_ago(0), {"new_confirmed": 3})
        self.assertEqual(queries(), few)  # twenty-two villages
        self.assertLessEqual(few, 6)  # session, user, home area, area, children, figures
