"""The daily figures API: the metrics, stored figures, recount, DHIS2 dataValueSets."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from epigrid.reporting import services
from epigrid.reporting.metrics import all_metrics
from epigrid.reporting.models import DailyFigures
from tests.base import BaseTestCase
from tests.checkpoints.figure_helpers import at, passage, store
from tests.reporting.helpers import passages_today

TODAY = timezone.localdate


class FiguresApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        passages_today(cls.world)
        services.recompute_day(TODAY() - datetime.timedelta(days=1))
        services.recompute_day(TODAY())

    def test_it_lists_the_registry_of_metrics(self) -> None:
        response = self.client_for(self.world.alice).get("/api/figures/metrics")
        self.assertEqual(response.status_code, 200)
        found = {m["code"]: m for m in response.json()}
        self.assertEqual(list(found), [m.code for m in all_metrics()])
        self.assertEqual(found["turned_back"], {
            "code": "turned_back", "name": "Persuaded to turn back", "unit": "passages",
            "family": "checkpoints", "rollup": "sum", "snapshot": False,
            "computed": "Passages persuaded to turn back on the day.", "rise": "neutral"})
        self.assertEqual(found["longest_wait_hours"]["rollup"], "max")
        self.assertEqual((found["longest_wait_hours"]["rise"], found["free_beds_icu"]["rise"]),
                         ("worse", "better"))
        self.assertEqual(found["free_beds_icu"]["rollup"], "latest")

    def test_it_answers_an_areas_stored_days_with_totals_by_rollup(self) -> None:
        w, today = self.world, TODAY()
        yesterday = today - datetime.timedelta(days=1)
        response = self.client_for(w.alice).get("/api/figures", {
            "area": w.village_a1.pk, "start": yesterday.isoformat(), "end": today.isoformat(),
            "metric": "passages_in,households_registered"})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["area_code"], body["area_name"]), ("420102001001", "Village A1"))
        self.assertEqual([d["day"] for d in body["days"]], [yesterday.isoformat(),
                                                            today.isoformat()])
        self.assertEqual(body["days"][1]["values"], {"passages_in": 4,
                                                     "households_registered": 1})
        self.assertEqual(body["days"][0]["values"]["passages_in"], 1)
        # A flow adds up over the days; a stock is the last day's.
        self.assertEqual(body["totals"], {"passages_in": 5, "households_registered": 1})
        self.assertFalse(body["days"][1]["frozen"])

    def test_it_defaults_to_today(self) -> None:
        response = self.client_for(self.world.alice).get(
            "/api/figures", {"area": self.world.town_a.pk})
        self.assertEqual([d["day"] for d in response.json()["days"]], [TODAY().isoformat()])
        self.assertEqual(len(response.json()["days"][0]["values"]), len(all_metrics()))

    def test_it_refuses_bad_input_naming_the_field(self) -> None:
        client = self.client_for(self.world.alice)
        tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
        area = self.world.town_a.pk
        cases = [
            ({"area": area, "metric": "new_zombies"}, "metric", "No metric new_zombies"),
            ({"area": area, "metric": "passages_in,nope"}, "metric", "No metric nope"),
            ({"area": area, "end": tomorrow}, "end", "future"),
            ({"area": area, "start": "2020-02-30"}, "start", "YYYY-MM-DD"),
            ({"area": area, "start": "2020-03-02", "end": "2020-03-01"}, "start",
             "must not come after"),
            ({"area": area, "start": "2020-01-01", "end": "2020-06-01"}, "start", "at most 92"),
        ]
        for params, field, why in cases:
            with self.subTest(params=params):
                response = client.get("/api/figures", params)
                self.assertEqual(response.status_code, 422)
                detail = response.json()["detail"][0]
                self.assertEqual(detail["loc"], ["query", field])
                self.assertIn(why, detail["msg"])
        self.assertEqual(client.get("/api/figures").status_code, 422)  # no area

    def test_it_answers_404_for_an_area_outside_the_users_scope(self) -> None:
        w = self.world
        client = self.client_for(w.bob)
        for url in ("/api/figures", "/api/figures/data-value-sets"):
            with self.subTest(url=url):
                response = client.get(url, {"area": w.town_a.pk})
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Dongcheng", response.content.decode())
                self.assertEqual(client.get(url, {"area": 999999}).status_code, 404)
        self.assertEqual(client.get("/api/figures", {"area": w.town_b.pk}).status_code, 200)

    def test_it_recounts_for_the_command_only(self) -> None:
        w, today = self.world, TODAY()
        store([passage(w.checkpoint_a, at(today, 4))])
        officer = self.client_for(w.alice)
        response = officer.post("/api/figures/recompute", "{}", content_type="application/json")
        self.assertEqual(response.status_code, 403)
        command = self.client_for(w.command)
        response = command.post("/api/figures/recompute", "{}", content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["day"], response.json()["rows"],
                          response.json()["frozen"]), (today.isoformat(), 11, False))
        self.assertEqual(DailyFigures.objects.get(area=w.village_a1, day=today)
                         .values["passages_in"], 5)
        tomorrow = (today + datetime.timedelta(days=1)).isoformat()
        bad = command.post("/api/figures/recompute", json.dumps({"day": tomorrow}),
                           content_type="application/json")
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(bad.json()["detail"][0]["loc"], ["body", "day"])
        self.assertIn("future", bad.json()["detail"][0]["msg"])

    def test_it_answers_a_dhis2_data_value_set(self) -> None:
        w, today = self.world, TODAY()
        response = self.client_for(w.alice).get("/api/figures/data-value-sets", {
            "area": w.village_a1.pk, "start": (today - datetime.timedelta(days=1)).isoformat()})
        self.assertEqual(response.status_code, 200)
        values = response.json()["dataValues"]
        self.assertEqual(len(values), 2 * len(all_metrics()))
        self.assertIn({"dataElement": "passages_in", "period": today.strftime("%Y%m%d"),
                       "orgUnit": "420102001001", "value": "4"}, values)
        self.assertIn({"dataElement": "fever_referrals", "period": today.strftime("%Y%m%d"),
                       "orgUnit": "420102001001", "value": "1"}, values)
        self.assertTrue(all(isinstance(v["value"], str) for v in values))
