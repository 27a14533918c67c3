"""Teams 工作队: formed in an area, standing down 撤编 with the members still on duty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from epigrid.core.models import AuditEntry
from epigrid.mobilization import services
from epigrid.mobilization.models import Deployment, Team, TeamKind
from tests.mobilization.helpers import MobilizationTestCase, days


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


class FormTeamTests(MobilizationTestCase):
    def test_it_forms_a_team_in_the_area_and_audits_it(self) -> None:
        team = self.team(sent_by=" District Party Committee ", duties=" Guard the gates ")
        team.refresh_from_db()
        assert (team.area, team.kind, team.name, team.formed_on, team.stood_down_on) == (
            self.world.town_a, TeamKind.COMMANDO, "Dongcheng Commando Team", days(-5), None)
        assert (team.sent_by, team.duties, team.created_by) == (
            "District Party Committee", "Guard the gates", self.world.alice)
        assert AuditEntry.objects.filter(action="create", model="mobilization.Team",
                                         object_pk=str(team.pk)).exists()

    def test_a_name_is_unique_in_its_area_only(self) -> None:
        self.team()
        errors = refusal(lambda: self.team())
        assert errors == {"name": ["Dongcheng Town has a team named Dongcheng Commando Team "
                                   "already."]}
        # The same name in town B is another team.
        other = self.team(self.world.town_b, by=self.world.bob)
        assert Team.objects.filter(name=other.name).count() == 2

    def test_only_a_medical_team_has_a_batch_numbered_from_one(self) -> None:
        errors = refusal(lambda: self.team(batch=2))
        assert errors == {"batch": ["Only a medical team is dispatched in batches."]}
        for batch in (0, -1):
            with self.subTest(batch=batch):
                errors = refusal(lambda batch=batch: self.team(  # type: ignore[misc]
                    name="Medical Team", kind=TeamKind.MEDICAL, batch=batch))
                assert errors == {"batch": ["A batch is numbered from 1."]}
        first = self.team(name="Union Hospital Team", kind=TeamKind.MEDICAL, batch=1)
        assert first.batch == 1

    def test_it_is_formed_today_at_the_latest(self) -> None:
        assert self.team(formed_on=days(0)).formed_on == days(0)
        errors = refusal(lambda: self.team(name="Tomorrow's", formed_on=days(1)))
        assert errors == {"formed_on": [f"{days(1).isoformat()} is in the future."]}

    def test_it_is_formed_only_in_an_area_one_sees(self) -> None:
        errors = refusal(lambda: self.team(self.world.town_b))  # Alice, in town B
        assert errors == {"area": ["Choose an area of your own."]}
        assert refusal(lambda: self.team(by=self.world.stranger)) == {
            "area": ["Choose an area of your own."]}
        assert not Team.objects.exists()

    def test_it_names_every_wrong_field_at_once(self) -> None:
        errors = refusal(lambda: services.form_team(
            self.world.town_a, by=self.world.alice, kind="choir", name="  ",
            formed_on=days(2)))
        assert set(errors) == {"kind", "name", "formed_on"}


class StandDownTests(MobilizationTestCase):
    def test_its_members_on_duty_leave_with_it_and_the_others_keep_their_day(self) -> None:
        team = self.team()
        staying = self.deployment(name="Chen Ming", team=team)
        left = self.deployment(name="Liu Fang", team=team)
        services.recall(left, by=self.world.alice, on=days(-2))
        outsider = self.deployment(name="Zhang Wei")  # not in the team
        services.stand_down_team(team, by=self.world.alice, on=days(-1))
        team.refresh_from_db()
        assert team.stood_down_on == days(-1)
        left_on = dict(Deployment.objects.values_list("name", "left_on"))
        assert left_on == {"Chen Ming": days(-1), "Liu Fang": days(-2), "Zhang Wei": None}
        assert staying.pk != outsider.pk
        # Each member's leaving is in the audit log, as a recall would be.
        assert AuditEntry.objects.filter(action="update", model="mobilization.Deployment",
                                         object_pk=str(staying.pk)).exists()

    def test_it_stands_down_on_the_day_it_was_formed_not_before(self) -> None:
        team = self.team(formed_on=days(-5))
        errors = refusal(lambda: services.stand_down_team(team, by=self.world.alice,
                                                           on=days(-6)))
        assert errors == {"on": [f"The team was formed on {days(-5).isoformat()}."]}
        services.stand_down_team(team, by=self.world.alice, on=days(-5))
        team.refresh_from_db()
        assert team.stood_down_on == days(-5)

    def test_it_stands_down_once(self) -> None:
        team = self.team()
        services.stand_down_team(team, by=self.world.alice, on=days(-1))
        errors = refusal(lambda: services.stand_down_team(team, by=self.world.alice,
                                                           on=days(0)))
        assert errors == {"__all__": [f"The team stood down on {days(-1).isoformat()}."]}
        team.refresh_from_db()
        assert team.stood_down_on == days(-1)

    def test_it_does_not_stand_down_in_the_future(self) -> None:
        team = self.team()
        errors = refusal(lambda: services.stand_down_team(team, by=self.world.alice,
                                                           on=days(1)))
        assert errors == {"on": [f"{days(1).isoformat()} is in the future."]}

    def test_a_member_who_arrived_after_the_day_is_named_and_nothing_changes(self) -> None:
        team = self.team(formed_on=days(-10))
        early = self.deployment(name="Chen Ming", team=team, arrived_on=days(-8))
        self.deployment(name="Liu Fang", team=team, arrived_on=days(-2))
        errors = refusal(lambda: services.stand_down_team(team, by=self.world.alice,
                                                           on=days(-4)))
        assert errors == {"on": ["Liu Fang arrived after that day."]}
        early.refresh_from_db()
        team.refresh_from_db()
        assert (early.left_on, team.stood_down_on) == (None, None)

    def test_only_an_officer_who_sees_the_team_stands_it_down(self) -> None:
        team = self.team()
        errors = refusal(lambda: services.stand_down_team(team, by=self.world.bob,
                                                           on=days(0)))
        assert errors == {"area": ["Choose an area of your own."]}
        services.stand_down_team(team, by=self.world.command, on=days(0))  # the district's
        team.refresh_from_db()
        assert team.stood_down_on == days(0)
