"""Commendations 表彰: one recipient (a person sent down, a team, or someone named) of the area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from epigrid.mobilization import services
from epigrid.mobilization.models import Commendation
from tests.mobilization.helpers import MobilizationTestCase, days


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


class CommendTests(MobilizationTestCase):
    def commend(self, **fields: Any) -> Commendation:
        """Alice records town A's honour, awarded yesterday by the district's committee."""
        values: dict[str, Any] = {"honour": "Advanced Individual", "awarded_on": days(-1),
                                  "awarded_by": "District Party Committee"}
        values.update(fields)
        area = values.pop("area", self.world.town_a)
        return services.commend(area, by=values.pop("by", self.world.alice), **values)

    def test_it_honours_a_person_a_team_or_someone_named_by_their_name(self) -> None:
        person = self.deployment()
        team = self.team()
        honours = [self.commend(deployment=person, citation=" Worked 40 days "),
                   self.commend(team=team, honour="Advanced Collective"),
                   self.commend(recipient=" Volunteer Zhao Lin ")]
        got = [(c.recipient, c.deployment, c.team, c.honour) for c in honours]
        assert got == [("Chen Ming", person, None, "Advanced Individual"),
                       ("Dongcheng Commando Team", None, team, "Advanced Collective"),
                       ("Volunteer Zhao Lin", None, None, "Advanced Individual")]
        assert honours[0].citation == "Worked 40 days"
        assert honours[0].recorded_by == self.world.alice

    def test_it_names_exactly_one_recipient(self) -> None:
        person = self.deployment()
        team = self.team()
        message = {"recipient": ["Name one recipient: a person sent down, a team, or someone "
                                 "else."]}
        assert refusal(lambda: self.commend()) == message
        assert refusal(lambda: self.commend(recipient="   ")) == message
        assert refusal(lambda: self.commend(deployment=person, team=team)) == message
        assert refusal(lambda: self.commend(deployment=person, recipient="Chen")) == message
        assert not Commendation.objects.exists()

    def test_the_person_or_team_is_of_the_areas_subtree(self) -> None:
        w = self.world
        person = self.deployment(w.village_a1)
        errors = refusal(lambda: self.commend(area=w.village_a2, deployment=person))
        assert errors == {"deployment": ["Chen Ming is not in Village A2."]}
        b_team = self.team(w.town_b, by=w.bob, name="Xihe Commando Team")
        errors = refusal(lambda: self.commend(team=b_team))
        assert errors == {"team": ["Xihe Commando Team is not in Dongcheng Town."]}
        # The district holds town B: its command honours the team.
        assert self.commend(area=w.district, by=w.command, team=b_team).team == b_team

    def test_it_is_awarded_by_someone_on_a_day_not_ahead_in_an_area_one_sees(self) -> None:
        errors = refusal(lambda: self.commend(recipient="Zhao Lin", awarded_by=" ",
                                              awarded_on=days(1)))
        assert errors == {"awarded_by": ["Say who awards it."],
                          "awarded_on": [f"{days(1).isoformat()} is in the future."]}
        errors = refusal(lambda: self.commend(recipient="Zhao Lin", area=self.world.town_b))
        assert errors == {"area": ["Choose an area of your own."]}
        assert self.commend(recipient="Zhao Lin", awarded_on=days(0)).awarded_on == days(0)
