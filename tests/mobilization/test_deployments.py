"""People sent down 下沉: one place at a time, a team of the area's line, leaving 返岗."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from epigrid.mobilization import services
from epigrid.mobilization.models import Deployment, TeamKind
from tests.mobilization.helpers import MobilizationTestCase, days, new_phone


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


class DeployTests(MobilizationTestCase):
    def test_it_records_the_person_with_the_phone_as_eleven_digits(self) -> None:
        person = self.deployment(phone="+86 139 1234 5601", post=" Deputy director ",
                                 party_member=True, duties=" Door-to-door checks ")
        person.refresh_from_db()
        assert (person.area, person.name, person.unit, person.phone) == (
            self.world.village_a1, "Chen Ming", "District Housing Bureau", "13912345601")
        assert (person.post, person.party_member, person.duties, person.arrived_on,
                person.left_on, person.created_by) == (
            "Deputy director", True, "Door-to-door checks", days(-3), None, self.world.alice)

    def test_it_refuses_a_phone_that_is_no_mainland_mobile(self) -> None:
        for phone in ("12345", "027-8888 6666", "1381234567", ""):
            with self.subTest(phone=phone):
                errors = refusal(lambda phone=phone: self.deployment(  # type: ignore[misc]
                    phone=phone))
                assert errors == {"phone": ["A mobile number has 11 digits and starts with 13 "
                                            "to 19, like 138 0013 8000."]}
        assert not Deployment.objects.exists()

    def test_it_needs_a_name_and_a_unit(self) -> None:
        errors = refusal(lambda: self.deployment(name=" ", unit=""))
        assert errors == {"name": ["Give the person's name."],
                          "unit": ["Give the unit that sent them."]}

    def test_one_on_duty_elsewhere_is_refused_naming_the_area_and_day(self) -> None:
        phone = new_phone()
        self.deployment(phone=phone, arrived_on=days(-3))
        errors = refusal(lambda: self.deployment(self.world.village_b1, by=self.world.bob,
                                                 name="Chen M.", phone=f"+86{phone}"))
        assert errors == {"phone": [f"Chen Ming is on duty in Village A1 since "
                                    f"{days(-3).isoformat()}."]}
        # The same area again is the same person twice: refused too.
        assert "phone" in refusal(lambda: self.deployment(phone=phone))
        assert Deployment.objects.count() == 1

    def test_once_recalled_the_person_may_be_sent_elsewhere(self) -> None:
        phone = new_phone()
        first = self.deployment(phone=phone, arrived_on=days(-5))
        services.recall(first, by=self.world.alice, on=days(-1))
        again = self.deployment(self.world.village_b1, by=self.world.bob, phone=phone,
                                arrived_on=days(0))
        assert services.on_duty_elsewhere(phone) == again
        assert services.on_duty_elsewhere(phone, exclude=again.pk) is None

    def test_it_arrives_at_most_thirty_days_ahead(self) -> None:
        assert self.deployment(arrived_on=days(30)).arrived_on == days(30)
        errors = refusal(lambda: self.deployment(arrived_on=days(31)))
        assert errors == {"arrived_on": [f"{days(31).isoformat()} is more than 30 days "
                                         "ahead."]}

    def test_it_joins_a_team_of_its_line_that_has_not_stood_down(self) -> None:
        w = self.world
        town_team = self.team()  # town A's
        member = self.deployment(w.village_a1, team=town_team, leader=True)
        assert (member.team, member.leader) == (town_team, True)
        village_team = self.team(w.village_a2, name="Village A2 Group", kind=TeamKind.SECTOR)
        assert self.deployment(w.town_a, team=village_team).team == village_team  # below
        b_team = self.team(w.town_b, by=w.bob, name="Xihe Commando Team")
        errors = refusal(lambda: self.deployment(w.village_a1, team=b_team))
        assert errors == {"team": ["Xihe Commando Team works in Xihe Town."]}
        # A sibling's team is not of the line either.
        errors = refusal(lambda: self.deployment(w.village_a1, team=village_team))
        assert errors == {"team": ["Village A2 Group works in Village A2."]}

    def test_a_team_stood_down_takes_no_one(self) -> None:
        team = self.team()
        services.stand_down_team(team, by=self.world.alice, on=days(-1))
        team.refresh_from_db()
        errors = refusal(lambda: self.deployment(team=team))
        assert errors == {"team": [f"Dongcheng Commando Team stood down on "
                                   f"{days(-1).isoformat()}."]}

    def test_only_a_member_of_a_team_leads_it(self) -> None:
        errors = refusal(lambda: self.deployment(leader=True))
        assert errors == {"leader": ["Only a member of a team leads it."]}

    def test_it_is_recorded_only_in_an_area_one_sees(self) -> None:
        errors = refusal(lambda: self.deployment(self.world.village_b1))  # by Alice
        assert errors == {"area": ["Choose an area of your own."]}
        assert self.deployment(self.world.village_b1, by=self.world.command).area == (
            self.world.village_b1)


class OnDutyOnceTests(MobilizationTestCase):
    """The database itself holds one place at a time: a write around the service (an admin
    edit, a script) cannot put a phone on duty twice; once left, it may be again."""

    def test_it_refuses_a_second_open_row_for_a_phone_below_the_service(self) -> None:
        first = self.deployment()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Deployment.objects.create(area=self.world.village_b1, name="Chen Ming",
                                      unit="District Housing Bureau", phone=first.phone,
                                      arrived_on=days(-1))

    def test_it_takes_the_phone_again_once_the_first_row_has_left(self) -> None:
        first = self.deployment()
        services.recall(first, by=self.world.alice, on=days(0))
        again = Deployment.objects.create(area=self.world.village_b1, name="Chen Ming",
                                          unit="District Housing Bureau", phone=first.phone,
                                          arrived_on=days(0))
        self.assertIsNone(again.left_on)


class RecallTests(MobilizationTestCase):
    def test_it_records_the_day_the_person_left(self) -> None:
        person = self.deployment(arrived_on=days(-3))
        services.recall(person, by=self.world.alice, on=days(0))
        person.refresh_from_db()
        assert person.left_on == days(0)
        assert services.on_duty_elsewhere(person.phone) is None

    def test_it_leaves_on_the_day_of_arrival_at_the_earliest_and_not_ahead(self) -> None:
        person = self.deployment(arrived_on=days(-3))
        errors = refusal(lambda: services.recall(person, by=self.world.alice, on=days(-4)))
        assert errors == {"on": [f"Chen Ming arrived on {days(-3).isoformat()}."]}
        errors = refusal(lambda: services.recall(person, by=self.world.alice, on=days(1)))
        assert errors == {"on": [f"{days(1).isoformat()} is in the future."]}
        services.recall(person, by=self.world.alice, on=days(-3))
        person.refresh_from_db()
        assert person.left_on == days(-3)

    def test_it_leaves_once(self) -> None:
        person = self.deployment()
        services.recall(person, by=self.world.alice, on=days(-1))
        errors = refusal(lambda: services.recall(person, by=self.world.alice, on=days(0)))
        assert errors == {"__all__": [f"Chen Ming left on {days(-1).isoformat()}."]}

    def test_another_town_cannot_recall_the_person(self) -> None:
        person = self.deployment()
        errors = refusal(lambda: services.recall(person, by=self.world.bob, on=days(0)))
        assert errors == {"area": ["Choose an area of your own."]}
        person.refresh_from_db()
        assert person.left_on is None
