"""The screening API: campaigns, idempotent visits (201 then 200), unvisited households."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import Client

from epigrid.registry import services as registry
from epigrid.registry.models import HouseholdVisit, PersonScreening, ScreeningCampaign
from tests.base import BaseTestCase
from tests.security.entries_registry_screening import town_a_campaign


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


class ScreeningApiTests(BaseTestCase):
    campaign: ScreeningCampaign

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = town_a_campaign(cls.world)

    def visits_url(self, household_pk: int) -> str:
        return f"/api/screening/campaigns/{self.campaign.pk}/households/{household_pk}/visits"

    def visit_body(self, key: uuid.UUID, temperature: str = "36.8") -> dict[str, Any]:
        w = self.world
        return {"idempotency_key": str(key),
                "members": [{"person_id": w.person_a.pk, "temperature": temperature,
                             "symptoms": ["cough"], "outcome": "fever_clinic"}],
                "new_members": [{"name": "Wang Xiao", "relation": "son",
                                 "returnee_origin": "Wuhan", "outcome": "home_quarantine"}]}

    def test_it_answers_201_then_200_with_the_same_visit(self) -> None:
        client, key = self.client_for(self.world.li), uuid.uuid4()
        first = post(client, self.visits_url(self.world.household_a.pk), self.visit_body(key))
        again = post(client, self.visits_url(self.world.household_a.pk), self.visit_body(key))
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        assert (first.json()["result"], again.json()["result"]) == ("created", "resent")
        assert [p["symptoms"] for p in first.json()["persons"]] == [["cough"], []]
        assert HouseholdVisit.objects.count() == 1
        assert PersonScreening.objects.count() == 2

    def test_it_names_a_bad_temperature_and_unknown_symptom(self) -> None:
        body = self.visit_body(uuid.uuid4(), temperature="33.0")
        body["new_members"][0]["symptoms"] = ["hiccups"]
        response = post(self.client_for(self.world.li),
                        self.visits_url(self.world.household_a.pk), body)
        assert response.status_code == 422
        found = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
        assert found == {
            ("body", "members.0.temperature"):
                "Wang Jun: a temperature of 33.0 °C is not possible; enter 35.0 to 42.0.",
            ("body", "new_members.0.symptoms"): "Wang Xiao: unknown symptom hiccups."}
        assert HouseholdVisit.objects.count() == 0

    def test_it_lists_unvisited_households_by_key_and_hides_them_from_bob(self) -> None:
        w = self.world
        second = registry.create_household(grid=w.grid_a1_1, address="No. 2, East Lane")
        alice = self.client_for(w.alice)
        url = f"/api/screening/campaigns/{self.campaign.pk}/unvisited"
        first_page = alice.get(url + "?limit=1").json()
        assert [h["address"] for h in first_page["items"]] == ["No. 14, East Lane"]
        assert first_page["items"][0]["grid_name"] == "Grid A1-1"
        rest = alice.get(url + f"?limit=1&after={first_page['next_after']}").json()
        assert [h["id"] for h in rest["items"]] == [second.pk] and rest["next_after"] is None
        post(self.client_for(w.li), self.visits_url(w.household_a.pk),
             self.visit_body(uuid.uuid4()))
        assert [h["id"] for h in alice.get(url).json()["items"]] == [second.pk]
        bob = self.client_for(w.bob)
        assert bob.get(url).status_code == 404
        assert post(bob, self.visits_url(w.household_a.pk),
                    self.visit_body(uuid.uuid4())).status_code == 404
        assert alice.get(url + f"?grid={w.grid_b1_1.pk}").status_code == 422

    def test_it_starts_campaigns_for_officers_and_lists_them_to_grid_workers(self) -> None:
        w = self.world
        body = {"area_id": w.village_a1.pk, "name": "Round two", "starts_on": "2020-02-17",
                "ends_on": "2020-02-19"}
        made = post(self.client_for(w.alice), "/api/screening/campaigns", body)
        assert made.status_code == 201 and made.json()["area_name"] == "Village A1"
        assert post(self.client_for(w.li), "/api/screening/campaigns", body).status_code == 403
        reversed_dates = post(self.client_for(w.alice), "/api/screening/campaigns",
                              body | {"ends_on": "2020-02-01"})
        assert reversed_dates.status_code == 422
        outside = post(self.client_for(w.alice), "/api/screening/campaigns",
                       body | {"area_id": w.town_b.pk})
        assert outside.status_code == 422
        listed = self.client_for(w.li).get("/api/screening/campaigns").json()["items"]
        assert {c["name"] for c in listed} == {"Matrix screening", "Round two"}
        assert self.client_for(w.bob).get("/api/screening/campaigns").json()["items"] == []
