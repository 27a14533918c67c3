"""The daily report API (/api/figures/reports): list by area and days, submit, completeness."""

from __future__ import annotations

import datetime
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from epigrid.reporting.models import DailyReport
from epigrid.reporting.report_services import save_report
from tests.base import BaseTestCase
from tests.reporting.helpers import more_areas
from tests.reporting.report_helpers import TODAY, after_cutoff, before_cutoff, days_ago

BASE = "/api/figures/reports"


class ReportApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        save_report(w.village_a1, days_ago(1), by=w.alice, situation="Yesterday in A1",
                    submit=True, at=before_cutoff(days_ago(1)))
        save_report(w.village_a1, TODAY(), by=w.alice, situation="Today in A1", submit=True,
                    at=before_cutoff(TODAY()))
        save_report(w.village_b1, TODAY(), by=w.bob, situation="Today in B1", submit=True,
                    at=after_cutoff(TODAY()))

    def post(self, user: object, body: dict[str, object]) -> object:
        return self.client_for(user).post(BASE, json.dumps(body),  # type: ignore[arg-type]
                                          content_type="application/json")

    def test_it_lists_the_reports_of_an_areas_subtree_over_days(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(
            f"{BASE}?area={w.town_a.pk}&start={days_ago(1).isoformat()}")
        items = response.json()["items"]
        self.assertEqual([(i["area_name"], i["day"], i["late"]) for i in items],
                         [("Village A1", days_ago(1).isoformat(), False),
                          ("Village A1", TODAY().isoformat(), False)])
        only_today = self.client_for(w.command).get(f"{BASE}?area={w.district.pk}").json()
        self.assertEqual(sorted(i["situation"] for i in only_today["items"]),
                         ["Today in A1", "Today in B1"])

    def test_it_hides_an_area_outside_the_scope(self) -> None:
        w = self.world
        self.assertEqual(self.client_for(w.bob).get(f"{BASE}?area={w.town_a.pk}").status_code,
                         404)
        report = DailyReport.objects.get(area=w.village_a1, day=TODAY())
        self.assertEqual(self.client_for(w.bob).get(f"{BASE}/{report.pk}").status_code, 404)
        self.assertEqual(self.client_for(w.alice).get(f"{BASE}/{report.pk}").json()["situation"],
                         "Today in A1")

    def test_it_submits_a_report_and_marks_it_late_after_the_cutoff(self) -> None:
        w = self.world
        response = self.post(w.alice, {"area_id": w.town_a.pk, "day": days_ago(2).isoformat(),
                                       "situation": "Catching up", "remarks": "sorry"})
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        body = response.json()  # type: ignore[attr-defined]
        self.assertEqual((body["status"], body["late"], body["submitted_by"]),
                         ("submitted", True, "alice"))

    def test_it_refuses_bad_input_naming_the_field(self) -> None:
        w = self.world
        tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
        cases = {
            "day": {"area_id": w.town_a.pk, "day": tomorrow, "situation": "x"},
            "situation": {"area_id": w.town_a.pk, "day": TODAY().isoformat(), "situation": ""},
            "area_id": {"area_id": w.grid_a1_1.pk, "day": TODAY().isoformat(),
                        "situation": "x"},
        }
        for field, body in cases.items():
            with self.subTest(field=field):
                response = self.post(w.alice, body)
                self.assertEqual(response.status_code, 422)  # type: ignore[attr-defined]
                detail = response.json()["detail"]  # type: ignore[attr-defined]
                self.assertEqual(detail[0]["loc"], ["body", field])
        self.assertEqual(DailyReport.objects.filter(area=w.town_a).count(), 0)

    def test_it_refuses_an_area_out_of_scope_404_and_a_role_403(self) -> None:
        w = self.world
        body = {"area_id": w.town_a.pk, "day": TODAY().isoformat(), "situation": "x"}
        self.assertEqual(self.post(w.bob, body).status_code, 404)  # type: ignore[attr-defined]
        refused = self.post(w.medic, body)
        self.assertEqual(refused.status_code, 403)  # type: ignore[attr-defined]
        self.assertIn("Dongcheng Town", refused.json()["detail"])  # type: ignore[attr-defined]

    def test_it_answers_the_completeness_of_a_day(self) -> None:
        w = self.world
        body = self.client_for(w.command).get(
            f"{BASE}/completeness?area={w.district.pk}").json()
        self.assertEqual([(c["name"], c["state"], c["missing_below"]) for c in body["children"]],
                         [("Dongcheng Town", "missing", 1), ("Xihe Town", "missing", 0)])
        village = next(level for level in body["levels"] if level["level"] == 4)
        self.assertEqual((village["expected"], village["on_time"], village["late"],
                          village["missing"]), (3, 1, 1, 1))
        bad = self.client_for(w.command).get(f"{BASE}/completeness?area={w.district.pk}"
                                             "&day=tomorrow")
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(bad.json()["detail"][0]["loc"], ["query", "day"])

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(f"{BASE}?area={w.district.pk}")
        with CaptureQueriesContext(connection) as few:
            client.get(f"{BASE}?area={w.district.pk}")
        for village in more_areas(w.town_b, 5):
            save_report(village, TODAY(), by=w.bob, situation="x", submit=True)
        with CaptureQueriesContext(connection) as many:
            response = client.get(f"{BASE}?area={w.district.pk}")
        self.assertEqual(len(response.json()["items"]), 7)
        self.assertEqual(len(many), len(few))
