"""Where a door is, learnt at its first visit: the phone's position at the door becomes the
household's location when it has none, so that the next round can go nearest first."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.core.models import AuditEntry
from epigrid.registry.models import Household, HouseholdVisit, ScreeningCampaign
from tests.base import BaseTestCase
from tests.security.entries_registry_screening import town_a_campaign


class DoorLocationTests(BaseTestCase):
    campaign: ScreeningCampaign

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = town_a_campaign(cls.world)

    def form_url(self) -> str:
        return reverse("registry:screening_household",
                       args=[self.campaign.pk, self.world.household_a.pk])

    def visit(self, position: str) -> Any:
        w = self.world
        return self.client_for(w.li).post(self.form_url(), {
            "idempotency_key": str(uuid.uuid4()), "position": position,
            f"m{w.person_a.pk}-present": "on", f"m{w.person_a.pk}-temperature": "36.6",
            f"m{w.person_a.pk}-outcome": "normal", f"m{w.person_a2.pk}-outcome": "normal"})

    def api_visit(self, **position: Any) -> Any:
        url = (f"/api/screening/campaigns/{self.campaign.pk}/households/"
               f"{self.world.household_a.pk}/visits")
        body = {"idempotency_key": str(uuid.uuid4()), **position}
        return self.client_for(self.world.li).post(url, json.dumps(body),
                                                   content_type="application/json")

    def location(self) -> tuple[Decimal | None, Decimal | None]:
        return Household.objects.values_list("latitude", "longitude").get(
            pk=self.world.household_a.pk)

    def test_it_asks_the_phone_only_at_a_door_without_a_location(self) -> None:
        client = self.client_for(self.world.li)
        assert "data-locate-door" in client.get(self.form_url()).content.decode()
        Household.objects.filter(pk=self.world.household_a.pk).update(
            latitude=Decimal("30.6"), longitude=Decimal("114.3"))
        assert "data-locate-door" not in client.get(self.form_url()).content.decode()

    def test_it_keeps_the_first_position_and_logs_it_as_the_households_change(self) -> None:
        assert self.visit("30.6012345,114.3012345").status_code == 302
        assert self.location() == (Decimal("30.601235"), Decimal("114.301235"))
        entry = AuditEntry.objects.get(model="registry.Household", action="update",
                                       object_pk=str(self.world.household_a.pk))
        assert entry.changes == {"latitude": [None, "30.601235"],
                                 "longitude": [None, "114.301235"]}
        assert entry.actor == self.world.li
        # A later visit from across the lane never moves the door.
        assert self.visit("30.7,114.4").status_code == 302
        assert self.location() == (Decimal("30.601235"), Decimal("114.301235"))
        assert HouseholdVisit.objects.count() == 1

    def test_it_learns_the_door_without_reading_the_household_again(self) -> None:
        def household_queries(position: str) -> tuple[int, int]:
            with CaptureQueriesContext(connection) as queries:
                assert self.visit(position).status_code == 302
            sql = [query["sql"] for query in queries]
            return (sum('FROM "registry_household"' in text for text in sql),
                    sum(text.startswith('UPDATE "registry_household"') for text in sql))

        reads, writes = household_queries("30.6012345,114.3012345")
        assert writes == 1
        # The same visit without a position reads the household as often: the visit's own
        # locked read serves the location too.
        assert household_queries("") == (reads, 0)

    def test_it_drops_a_position_it_cannot_read_and_keeps_the_visit(self) -> None:
        for position in ("91,114.3", "here", "30.6"):
            assert self.visit(position).status_code == 302, position
        assert self.location() == (None, None)
        assert HouseholdVisit.objects.count() == 1

    def test_the_api_keeps_a_position_given_whole(self) -> None:
        answer = self.api_visit(latitude=30.6001, longitude=114.3001)
        assert answer.status_code == 201
        assert self.location() == (Decimal("30.600100"), Decimal("114.300100"))

    def test_the_api_refuses_half_a_position_or_one_off_the_globe_and_stores_nothing(
            self) -> None:
        for position, field, message in (
                ({"latitude": 30.6}, "longitude", "Give both latitude and longitude, or neither."),
                ({"longitude": 114.3}, "latitude", "Give both latitude and longitude, or neither."),
                ({"latitude": 91, "longitude": 114.3}, "latitude",
                 "A latitude lies between -90 and 90; were latitude and longitude swapped?"),
                ({"latitude": 30.6, "longitude": -181}, "longitude",
                 "A longitude lies between -180 and 180.")):
            answer = self.api_visit(**position)
            assert answer.status_code == 422, position
            assert {tuple(e["loc"]): e["msg"] for e in answer.json()["detail"]} == {
                ("body", field): message}, position
        assert HouseholdVisit.objects.count() == 0
        assert self.location() == (None, None)


class HouseholdLocationTests(BaseTestCase):
    """An officer, or a town's system, may give a door's location by hand."""

    def edit(self, location: str) -> Any:
        w = self.world
        return self.client_for(w.alice).post(
            reverse("registry:household_edit", args=[w.household_a.pk]),
            {"grid_code": "420102001001-01", "address": "No. 14, East Lane",
             "head_name": "Wang Jun", "number": "A-0014", "phone": "", "location": location})

    def location(self) -> tuple[Decimal | None, Decimal | None]:
        return Household.objects.values_list("latitude", "longitude").get(
            pk=self.world.household_a.pk)

    def test_the_form_takes_a_location_shows_it_and_clears_it(self) -> None:
        w = self.world
        assert self.edit("30.5928， 114.3055").status_code == 302  # a full-width comma too
        assert self.location() == (Decimal("30.592800"), Decimal("114.305500"))
        client = self.client_for(w.alice)
        detail = client.get(reverse("registry:household_detail", args=[w.household_a.pk]))
        assert 'id="household-location">30.592800, 114.305500<' in detail.content.decode()
        form = client.get(reverse("registry:household_edit", args=[w.household_a.pk]))
        assert 'value="30.592800, 114.305500"' in form.content.decode()
        assert self.edit("").status_code == 302
        assert self.location() == (None, None)

    def test_the_form_names_a_location_it_cannot_take(self) -> None:
        self.edit("30.6, 114.3")
        for bad, message in (
                ("north", "Give the latitude and the longitude as two numbers, like 30.5928, "
                          "114.3055."),
                ("30.6", "Give the latitude and the longitude as two numbers, like 30.5928, "
                         "114.3055."),
                ("NaN, 1", "Give the latitude and the longitude as two numbers, like 30.5928, "
                           "114.3055."),
                ("114.3, 30.6", "A latitude lies between -90 and 90; were latitude and "
                                "longitude swapped?"),
                ("30.6, 181", "A longitude lies between -180 and 180.")):
            answer = self.edit(bad)
            assert answer.status_code == 400, bad
            assert answer.context["form"].errors == {"location": [message]}, bad
        assert self.location() == (Decimal("30.600000"), Decimal("114.300000"))

    def test_the_api_takes_a_location_whole_and_refuses_half_of_one(self) -> None:
        client = self.client_for(self.world.alice)
        made = client.post("/api/registry/households/", json.dumps({
            "grid_code": "420102001001-01", "address": "No. 7, East Lane",
            "latitude": "30.6001", "longitude": "114.3001"}), content_type="application/json")
        assert made.status_code == 201
        assert (Decimal(made.json()["latitude"]), Decimal(made.json()["longitude"])) == (
            Decimal("30.6001"), Decimal("114.3001"))
        half = client.post("/api/registry/households/", json.dumps({
            "grid_code": "420102001001-01", "address": "No. 8, East Lane", "latitude": 30.6}),
            content_type="application/json")
        assert half.status_code == 422
        assert {tuple(e["loc"]): e["msg"] for e in half.json()["detail"]} == {
            ("body", "longitude"): "Give both latitude and longitude, or neither."}
        moved = client.patch(f"/api/registry/households/{self.world.household_a.pk}",
                             json.dumps({"latitude": 30.7, "longitude": 114.4}),
                             content_type="application/json")
        assert moved.status_code == 200
        assert self.location() == (Decimal("30.700000"), Decimal("114.400000"))
        off = client.patch(f"/api/registry/households/{self.world.household_a.pk}",
                           json.dumps({"latitude": 91, "longitude": 114.4}),
                           content_type="application/json")
        assert off.status_code == 422 and off.json()["detail"][0]["loc"][-1] == "latitude"
        assert not Household.objects.filter(address="No. 8, East Lane").exists()

    def test_the_api_removes_a_location_only_when_both_halves_are_null(self) -> None:
        client = self.client_for(self.world.alice)
        url = f"/api/registry/households/{self.world.household_a.pk}"

        def patch(body: dict[str, Any]) -> Any:
            return client.patch(url, json.dumps(body), content_type="application/json")

        assert patch({"latitude": 30.7, "longitude": 114.4}).status_code == 200
        # null keeps a value, as leaving the field out does: half a null changes nothing.
        assert patch({"latitude": None, "address": "No. 14, East Lane"}).status_code == 200
        assert self.location() == (Decimal("30.700000"), Decimal("114.400000"))
        half = patch({"latitude": None, "longitude": 114.5})
        assert half.status_code == 422
        assert {tuple(e["loc"]): e["msg"] for e in half.json()["detail"]} == {
            ("body", "latitude"): "Give both latitude and longitude, or neither."}
        cleared = patch({"latitude": None, "longitude": None})
        assert cleared.status_code == 200
        assert (cleared.json()["latitude"], cleared.json()["longitude"]) == (None, None)
        assert self.location() == (None, None)
        entry = AuditEntry.objects.filter(model="registry.Household", action="update").latest("id")
        assert entry.changes == {"latitude": ["30.700000", None],
                                 "longitude": ["114.400000", None]}
