"""The teams listed through the API by status: the words of the page's filter (active,
stood_down, any) with the page's meaning and default, so that a word lists the same teams in
both, and "active" the teams the area page counts at work; an unknown word refused naming
`status`; the deprecated `active` still read as its word (true: active, false: any) while
`status` is not given; the scope unchanged."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from epigrid.mobilization import services
from epigrid.mobilization.models import Team
from tests.mobilization.helpers import MobilizationTestCase, days

URL = "/api/mobilization/teams"
PAGE = reverse("mobilization:teams")
# In the order formed (the API pages by id).
ACTIVE = ["Last Week", "Standing Down Today"]
EVERY = ["Last Week", "Coming", "Standing Down Today", "Stood Down Yesterday"]


def errors_of(response: Any) -> dict[str, str]:
    """The refused query parameters by name."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:]): detail["msg"]
            for detail in response.json()["detail"]}


class TeamStatusTests(MobilizationTestCase):
    def setUp(self) -> None:
        """Town A's teams, one of each standing today: Last Week formed a week ago, Coming
        entered ahead of its first day in three days, Standing Down Today on its last day (so
        at work still), Stood Down Yesterday; and Town B Team, out of Alice's sight."""
        super().setUp()
        w = self.world
        self.team(name="Last Week", formed_on=days(-7))
        coming = self.team(name="Coming")
        # The services refuse a day ahead: a team entered before it was, or a clock put back.
        Team.objects.filter(pk=coming.pk).update(formed_on=days(3))
        services.stand_down_team(self.team(name="Standing Down Today"), by=w.alice, on=days(0))
        services.stand_down_team(self.team(name="Stood Down Yesterday"), by=w.alice,
                                 on=days(-1))
        self.team(w.town_b, name="Town B Team", by=w.bob)

    def names(self, client: Client, **query: Any) -> list[str]:
        response = client.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["items"]]

    def test_it_lists_exactly_the_teams_of_each_word(self) -> None:
        alice = self.client_for(self.world.alice)
        assert self.names(alice) == ACTIVE  # at work today by default
        assert self.names(alice, status="active") == ACTIVE
        assert self.names(alice, status="stood_down") == ["Stood Down Yesterday"]
        assert self.names(alice, status="any") == EVERY
        # Each team's own `active` says what the word lists.
        rows = alice.get(URL, {"status": "any"}).json()["items"]
        assert {row["name"]: row["active"] for row in rows} == {
            "Coming": False, "Last Week": True, "Standing Down Today": True,
            "Stood Down Yesterday": False}

    def test_it_lists_the_same_teams_as_the_page_and_the_area_panel(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        for word in ("", "active", "stood_down", "any"):
            query = {"status": word} if word else {}
            page = alice.get(PAGE, query).content.decode()
            shown = {int(pk) for pk in re.findall(r'<tr id="team-(\d+)"', page)}
            listed = {row["id"] for row in alice.get(URL, query).json()["items"]}
            assert listed == shown, word
            assert listed, word
        # The area page's "teams at work" opens the list at its default: the same two.
        area = alice.get(reverse("areas:detail", args=[w.town_a.pk])).content.decode()
        assert "2 teams at work" in area

    def test_it_refuses_an_unknown_word_naming_status(self) -> None:
        alice = self.client_for(self.world.alice)
        for word in ("gone", "ACTIVE", "on_duty", "left", "stood down"):
            refused = errors_of(alice.get(URL, {"status": word}))
            assert list(refused) == ["status"], word
            assert "active" in refused["status"] and "stood_down" in refused["status"]

    def test_it_still_reads_the_deprecated_active_as_its_word(self) -> None:
        alice = self.client_for(self.world.alice)
        assert self.names(alice, active="true") == ACTIVE
        assert self.names(alice, active="false") == EVERY
        # `status` rules when both are given.
        assert self.names(alice, status="stood_down", active="true") == [
            "Stood Down Yesterday"]
        assert self.names(alice, status="active", active="false") == ACTIVE
        assert list(errors_of(alice.get(URL, {"active": "perhaps"}))) == ["active"]

    def test_it_keeps_each_word_to_the_users_areas(self) -> None:
        w = self.world
        bob, zhou = self.client_for(w.bob), self.client_for(w.command)
        for word in ("active", "stood_down", "any"):
            assert "Town B Team" not in self.names(self.client_for(w.alice), status=word)
        assert self.names(bob, status="any") == ["Town B Team"]
        assert self.names(bob, status="stood_down") == []
        assert self.names(zhou) == [*ACTIVE, "Town B Team"]
        assert self.names(zhou, status="stood_down", area=w.town_a.pk) == [
            "Stood Down Yesterday"]
        assert self.names(zhou, status="stood_down", area=w.town_b.pk) == []
        assert list(errors_of(bob.get(URL, {"status": "any", "area": str(w.town_a.pk)}))) == [
            "area"]

    def test_it_asks_one_query_for_the_teams_whatever_the_word(self) -> None:
        client = self.client_for(self.world.command)
        # session, user, home area, a page of teams (their members counted in it)
        for word, n in (("active", 3), ("stood_down", 1), ("any", 5)):
            with self.assertNumQueries(4):
                assert len(client.get(URL, {"status": word}).json()["items"]) == n

    def test_it_documents_the_words_and_the_deprecated_alias(self) -> None:
        schema = Client().get("/api/openapi.json").json()
        params = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
        status = params["status"]["schema"]
        assert (status["allOf"][0]["enum"], status["default"]) == (
            ["active", "stood_down", "any"], "active")
        assert params["active"].get("deprecated") is True
        assert params["active"]["description"].startswith("Deprecated")
        assert "deprecated" not in params["status"]
        assert "stood down before today" in params["status"]["description"]
