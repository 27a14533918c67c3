"""The labs API: labs with their load, results by filter, one result and batches posted
idempotently, the unmatched queue and its resolution."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.cases.models import Case, Lab, LabTest
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.lab_helpers import (
    ID_A,
    ID_A2,
    ID_BAD_CHECK,
    ID_NOBODY,
    hours_ago,
    record,
    town_lab,
)

R = LabTest.Result
M = LabTest.Match


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def item(sample: str, id_number: str = ID_A, result: str = "negative", sampled: float = 10,
         resulted: float | None = 2) -> dict[str, Any]:
    return {"sample_id": sample, "id_number": id_number, "name": "Wang Jun",
            "sampled_at": hours_ago(sampled).isoformat(),
            "resulted_at": hours_ago(resulted).isoformat() if resulted is not None else None,
            "result": result}


class LabApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)
        self.client = self.client_for(self.world.medic)
        self.results = f"/api/labs/{self.lab.pk}/results"

    def test_it_lists_labs_with_their_load(self) -> None:
        record(self.lab, self.world.medic, sample_id="S1", sampled=10, resulted=4)
        record(self.lab, self.world.medic, sample_id="S2", id_number=ID_NOBODY)
        body = self.client.get("/api/labs/").json()
        lab = body["items"][0]
        self.assertEqual((lab["code"], lab["daily_capacity"], lab["waiting"]), ("LAB-A", 100, 1))
        self.assertEqual(lab["median_hours"], 7.0)
        detail = self.client.get(f"/api/labs/{self.lab.pk}").json()
        self.assertEqual(sum(day["results"] for day in detail["days"]), 2)

    def test_it_posts_a_result_once(self) -> None:
        first = post(self.client, self.results, item("S1"))
        self.assertEqual(first.status_code, 201)
        self.assertEqual((first.json()["outcome"], first.json()["match"]), ("created", "matched"))
        again = post(self.client, self.results, item("S1"))
        self.assertEqual((again.status_code, again.json()["outcome"]), (200, "unchanged"))
        self.assertEqual(again.json()["id"], first.json()["id"])

    def test_it_answers_422_with_the_field_for_bad_input(self) -> None:
        response = post(self.client, self.results, item("S1", ID_BAD_CHECK))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "id_number"])
        response = post(self.client, self.results, item("S1", result="maybe"))
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "result"])
        post(self.client, self.results, item("S2"))
        response = post(self.client, self.results, item("S2", result="阳性"))
        self.assertEqual(response.status_code, 422)
        self.assertIn("already has the result negative", response.json()["detail"][0]["msg"])

    def test_it_reports_a_positive_case(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            body = post(self.client, self.results, item("S1", result="阳性")).json()
        self.assertEqual(body["case_state"], State.ASYMPTOMATIC)
        self.assertEqual(body["case_id"], Case.objects.get(person=self.world.person_a).pk)

    def test_it_keeps_the_valid_items_of_a_batch_and_names_the_others(self) -> None:
        batch = {"results": [item("B1"), item("B2", ID_BAD_CHECK), item("B3", ID_A2, "阳性"),
                             item("B1"), item("B4", sampled=1, resulted=3),
                             item("B5", ID_NOBODY, "pending", resulted=None)]}
        body = post(self.client, f"{self.results}/batch", batch).json()
        self.assertEqual((body["created"], body["refused"]), (3, 3))
        errors = {(e["index"], e["field"]) for e in body["errors"]}
        self.assertEqual(errors, {(1, "id_number"), (3, "sample_id"), (4, "resulted_at")})
        self.assertEqual(Case.objects.get().person, self.world.person_a2)
        again = post(self.client, f"{self.results}/batch", {"results": [
            item("B1"), item("B3", ID_A2, "阳性"), item("B5", ID_NOBODY, "negative")]}).json()
        self.assertEqual((again["created"], again["updated"], again["unchanged"]), (0, 1, 2))
        self.assertEqual(Case.objects.count(), 1)

    def test_it_refuses_a_batch_over_the_limit(self) -> None:
        response = post(self.client, f"{self.results}/batch",
                        {"results": [item(f"X{n}") for n in range(1001)]})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(LabTest.objects.exists())

    def test_it_filters_results(self) -> None:
        record(self.lab, self.world.medic, sample_id="N1")
        record(self.lab, self.world.medic, sample_id="U1", id_number=ID_NOBODY)
        found = self.client.get(f"{self.results}?match=unmatched").json()["items"]
        self.assertEqual([t["sample_id"] for t in found], ["U1"])
        found = self.client.get(f"{self.results}?sample_id=N1").json()["items"]
        self.assertEqual([t["sample_id"] for t in found], ["N1"])

    def test_it_resolves_and_discards_the_queue(self) -> None:
        first = record(self.lab, self.world.medic, sample_id="U1", id_number=ID_NOBODY).test
        second = record(self.lab, self.world.medic, sample_id="U2", id_number=ID_NOBODY).test
        queue = self.client.get("/api/labs/unmatched").json()["items"]
        self.assertEqual([t["sample_id"] for t in queue], ["U1", "U2"])
        body = post(self.client, f"/api/labs/results/{first.pk}/resolve",
                    {"person_id": self.world.person_a.pk, "note": "typo"}).json()
        self.assertEqual((body["match"], body["person_id"]), (M.RESOLVED,
                                                              self.world.person_a.pk))
        response = post(self.client, f"/api/labs/results/{second.pk}/resolve",
                        {"id_number": ID_NOBODY})
        self.assertEqual(response.status_code, 422)
        body = post(self.client, f"/api/labs/results/{second.pk}/discard",
                    {"note": "not ours"}).json()
        self.assertEqual(body["match"], M.DISCARDED)
        self.assertEqual(self.client.get("/api/labs/unmatched").json()["items"], [])

    def test_it_keeps_other_roles_and_areas_out(self) -> None:
        officer = self.client_for(self.world.alice)
        self.assertEqual(officer.get("/api/labs/").status_code, 403)
        other = Lab.objects.create(code="LAB-B", name="Xihe Lab", area=self.world.town_b)
        from epigrid.accounts.services import create_user
        from epigrid.core.access import Role
        from tests.base import PASSWORD
        a_command = self.client_for(create_user(username="chen", password=PASSWORD,
                                                role=Role.COMMAND, home_area=self.world.town_a))
        self.assertEqual(a_command.get(f"/api/labs/{other.pk}").status_code, 404)
        response = post(a_command, f"/api/labs/{other.pk}/results/batch",
                        {"results": [item("Z1")]})
        self.assertEqual(response.status_code, 404)

    def test_it_lists_results_in_a_fixed_number_of_queries(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(self.results).status_code, 200)
            return len(captured.captured_queries)

        record(self.lab, self.world.medic, sample_id="S")
        one = queries()
        for number in range(5):
            record(self.lab, self.world.medic, sample_id=f"S{number}")
        self.assertEqual(queries(), one)
        self.assertLessEqual(one, 5)  # session, user, lab, the page (and the token check)
