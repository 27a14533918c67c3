"""The people sent down 下沉人员 listed through the API by status: the words of the page's filter
(on_duty, left, any) with the page's meaning and default, so that a word lists the same people
in both; an unknown word refused naming `status`; the deprecated `on_duty` still read as its
word (true: on duty, false: any) while `status` is not given; the scope unchanged."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from epigrid.mobilization.models import Deployment
from tests.mobilization.helpers import MobilizationTestCase, days

URL = "/api/mobilization/people"
PAGE = reverse("mobilization:deployments")


def errors_of(response: Any) -> dict[str, str]:
    """The refused query parameters by name."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:]): detail["msg"]
            for detail in response.json()["detail"]}


class PeopleStatusTests(MobilizationTestCase):
    def setUp(self) -> None:
        """Village A1's people, one of each standing today: Chen Ming on duty, Lin Fang on
        her last day (she leaves today, so is on duty still), Song Jie whose team stood down
        yesterday, Left Early recalled two days ago, Coming arriving in three days; and Zhao
        Gang on duty in town B, out of Alice's sight."""
        super().setUp()
        w = self.world
        alice = self.client_for(w.alice)
        self.chen = self.deployment()
        self.lin = self.deployment(name="Lin Fang")
        self.post(alice, f"{URL}/{self.lin.pk}/recall", {"on": days(0).isoformat()})
        team = self.team(name="Stood Down Team")
        self.song = self.deployment(name="Song Jie", team=team)
        self.post(alice, f"/api/mobilization/teams/{team.pk}/stand-down",
                  {"on": days(-1).isoformat()})
        self.left = self.deployment(name="Left Early", arrived_on=days(-5))
        self.post(alice, f"{URL}/{self.left.pk}/recall", {"on": days(-2).isoformat()})
        self.coming = self.deployment(name="Coming", arrived_on=days(3))
        self.zhao = self.deployment(w.village_b1, name="Zhao Gang", by=w.bob)

    def post(self, client: Client, url: str, data: dict[str, Any]) -> None:
        response = client.post(url, json.dumps(data), content_type="application/json")
        assert response.status_code == 200, response.content

    def names(self, client: Client, **query: Any) -> list[str]:
        response = client.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["items"]]

    def test_it_lists_exactly_the_people_of_each_word(self) -> None:
        alice = self.client_for(self.world.alice)
        assert Deployment.objects.get(pk=self.song.pk).left_on == days(-1)  # with the team
        assert self.names(alice) == ["Chen Ming", "Lin Fang"]  # on duty today by default
        assert self.names(alice, status="on_duty") == ["Chen Ming", "Lin Fang"]
        assert self.names(alice, status="left") == ["Song Jie", "Left Early"]
        assert self.names(alice, status="any") == [
            "Chen Ming", "Lin Fang", "Song Jie", "Left Early", "Coming"]
        on_duty = alice.get(URL, {"status": "any"}).json()["items"]
        assert {row["name"]: row["on_duty"] for row in on_duty} == {
            "Chen Ming": True, "Coming": False, "Left Early": False, "Lin Fang": True,
            "Song Jie": False}

    def test_it_lists_the_same_people_as_the_page_for_each_word(self) -> None:
        alice = self.client_for(self.world.alice)
        for word in ("", "on_duty", "left", "any"):
            query = {"status": word} if word else {}
            page = alice.get(PAGE, query).content.decode()
            shown = {int(pk) for pk in re.findall(r'<tr id="person-(\d+)"', page)}
            listed = {row["id"] for row in alice.get(URL, query).json()["items"]}
            assert listed == shown, word
            assert listed, word

    def test_it_refuses_an_unknown_word_naming_status(self) -> None:
        alice = self.client_for(self.world.alice)
        for word in ("gone", "ON_DUTY", "stood_down", "active"):
            refused = errors_of(alice.get(URL, {"status": word}))
            assert list(refused) == ["status"], word
            assert "on_duty" in refused["status"] and "left" in refused["status"]

    def test_it_still_reads_the_deprecated_on_duty_as_its_word(self) -> None:
        alice = self.client_for(self.world.alice)
        assert self.names(alice, on_duty="true") == ["Chen Ming", "Lin Fang"]
        assert self.names(alice, on_duty="false") == self.names(alice, status="any")
        # `status` rules when both are given.
        assert self.names(alice, status="left", on_duty="true") == ["Song Jie", "Left Early"]
        assert self.names(alice, status="on_duty", on_duty="false") == ["Chen Ming", "Lin Fang"]
        assert list(errors_of(alice.get(URL, {"on_duty": "perhaps"}))) == ["on_duty"]

    def test_it_keeps_each_word_to_the_users_areas(self) -> None:
        w = self.world
        bob, zhou = self.client_for(w.bob), self.client_for(w.command)
        for word in ("on_duty", "left", "any"):
            assert "Zhao Gang" not in self.names(self.client_for(w.alice), status=word)
        assert self.names(bob, status="any") == ["Zhao Gang"]
        assert self.names(bob, status="left") == []
        assert self.names(zhou) == ["Chen Ming", "Lin Fang", "Zhao Gang"]
        assert self.names(zhou, status="left", area=w.village_a1.pk) == [
            "Song Jie", "Left Early"]
        assert self.names(zhou, status="left", area=w.town_b.pk) == []

    def test_it_documents_the_words_and_the_deprecated_alias(self) -> None:
        schema = Client().get("/api/openapi.json").json()
        params = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
        status = params["status"]["schema"]
        assert (status["allOf"][0]["enum"], status["default"]) == (
            ["on_duty", "left", "any"], "on_duty")
        assert params["on_duty"].get("deprecated") is True
        assert params["on_duty"]["description"].startswith("Deprecated")
        assert "deprecated" not in params["status"]
