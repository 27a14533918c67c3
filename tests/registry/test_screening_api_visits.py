"""The screening API's list of a campaign's visits: newest first, by key, narrowed to an area or
a household, each visit's screenings with it, in a fixed number of queries, scoped."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from epigrid.accounts.models import User
from epigrid.registry import screening
from epigrid.registry import services as registry
from epigrid.registry.models import Household, Outcome, ScreeningCampaign
from epigrid.registry.screening import MemberScreening
from tests.base import BaseTestCase
from tests.security.entries_registry_screening import town_a_campaign


class ScreeningVisitListTests(BaseTestCase):
    campaign: ScreeningCampaign
    hill: Household

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.campaign = town_a_campaign(w)
        screening.record_visit(cls.campaign, w.household_a, w.li, uuid.uuid4(), members=[
            MemberScreening(outcome=Outcome.FEVER_CLINIC, person_id=w.person_a.pk),
            MemberScreening(person_id=w.person_a2.pk)], note="son away")
        cls.hill = registry.create_household(grid=w.grid_a2_1, address="No. 9, Hill Road")
        screening.record_visit(cls.campaign, cls.hill, w.alice, uuid.uuid4())

    def url(self, query: str = "") -> str:
        return f"/api/screening/campaigns/{self.campaign.pk}/visits{query}"

    def get(self, user: User, query: str = "") -> Any:
        return self.client_for(user).get(self.url(query))

    def test_it_lists_the_visits_newest_first_with_their_screenings(self) -> None:
        w = self.world
        items = self.get(w.alice).json()["items"]
        assert [(v["household_address"], v["worker"], v["persons_screened"],
                 v["persons_abnormal"]) for v in items] == [
            ("No. 9, Hill Road", "alice", 0, 0), ("No. 14, East Lane", "li", 2, 1)]
        east = items[1]
        assert east["note"] == "son away"
        assert [(p["person_id"], p["outcome"], p["abnormal"]) for p in east["persons"]] == [
            (w.person_a.pk, "fever_clinic", True), (w.person_a2.pk, "normal", False)]

    def test_it_narrows_to_an_area_or_a_household_and_to_the_readers_scope(self) -> None:
        w = self.world

        def addresses(user: User, query: str = "") -> list[str]:
            return [v["household_address"] for v in self.get(user, query).json()["items"]]

        assert addresses(w.alice, f"?grid={w.village_a2.pk}") == ["No. 9, Hill Road"]
        assert addresses(w.alice, f"?household={w.household_a.pk}") == ["No. 14, East Lane"]
        assert addresses(w.li) == ["No. 14, East Lane"]  # her grid's only
        assert self.get(w.li, f"?grid={w.grid_a2_1.pk}").status_code == 422
        assert self.get(w.bob).status_code == 404
        assert self.get(w.stranger).status_code == 404

    def test_it_pages_by_key_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        first = self.get(w.alice, "?limit=1").json()
        second = self.get(w.alice, f"?limit=1&after={first['next_after']}").json()
        assert [v["household_address"] for v in first["items"] + second["items"]] == [
            "No. 9, Hill Road", "No. 14, East Lane"]
        assert second["next_after"] is None
        client = self.client_for(w.alice)
        client.get(self.url())
        with CaptureQueriesContext(connection) as two:
            client.get(self.url())
        for n in range(3):
            household = registry.create_household(grid=w.grid_a1_2, address=f"No. {n}, Elm Row")
            screening.record_visit(self.campaign, household, w.alice, uuid.uuid4())
        with CaptureQueriesContext(connection) as five:
            assert len(client.get(self.url()).json()["items"]) == 5
        assert len(five.captured_queries) == len(two.captured_queries)
