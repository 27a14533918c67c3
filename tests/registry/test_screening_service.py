"""Screening campaigns and visits: one visit per household, never doubled by a resend."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from epigrid.registry import screening
from epigrid.registry.models import (
    HouseholdVisit,
    Outcome,
    Person,
    PersonScreening,
    ScreeningCampaign,
    Tag,
)
from epigrid.registry.screening import MemberScreening, NewMember
from epigrid.registry.services import create_household
from tests.base import BaseTestCase, World

ID_SON = "420102200801010018"  # fictional, valid check digit (GB 11643)


def town_a_campaign(w: World, days_before: int = 1, days_after: int = 2) -> ScreeningCampaign:
    today = timezone.localdate()
    return screening.start_campaign(
        w.town_a, "Dongcheng spring screening", today - datetime.timedelta(days=days_before),
        today + datetime.timedelta(days=days_after), w.alice)


class CampaignTests(BaseTestCase):
    def test_it_starts_a_campaign_of_an_area_in_scope(self) -> None:
        campaign = town_a_campaign(self.world)
        assert campaign.area_path == self.world.town_a.path
        assert campaign.created_by == self.world.alice

    def test_it_refuses_an_area_outside_scope_a_grid_worker_and_reversed_dates(self) -> None:
        w, today = self.world, timezone.localdate()
        with pytest.raises(ValidationError) as outside:
            screening.start_campaign(w.town_b, "x", today, today, w.alice)
        assert "area" in outside.value.message_dict
        with pytest.raises(PermissionDenied):
            screening.start_campaign(w.grid_a1_1, "x", today, today, w.li)
        with pytest.raises(ValidationError) as reversed_dates:
            screening.start_campaign(w.town_a, "x", today, today - datetime.timedelta(days=1),
                                     w.alice)
        assert reversed_dates.value.message_dict["ends_on"] == [
            "A campaign cannot end before it starts."]
        assert ScreeningCampaign.objects.count() == 0

    def test_it_shows_a_grid_worker_the_campaigns_covering_her_grid_only(self) -> None:
        w = self.world
        campaign = town_a_campaign(w)
        today = timezone.localdate()
        other = screening.start_campaign(w.town_b, "Xihe", today, today, w.bob)
        assert list(screening.active_campaigns(w.li)) == [campaign]
        assert list(screening.campaigns_for(w.bob)) == [other]
        assert list(screening.campaigns_for(w.stranger)) == []


class VisitTests(BaseTestCase):
    campaign: ScreeningCampaign

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.campaign = town_a_campaign(cls.world)

    def visit(self, key: uuid.UUID, **kwargs: object) -> screening.RecordedVisit:
        w = self.world
        members = [
            MemberScreening(person_id=w.person_a.pk, temperature=Decimal("36.5")),
            MemberScreening(person_id=w.person_a2.pk, present=False),
        ]
        arguments: dict[str, object] = {"members": members, "new_members": [NewMember(
            name="Wang Xiao", id_number=ID_SON, relation="son", temperature=Decimal("36.8"),
            returnee_origin="Wuhan", returned_on=timezone.localdate() - datetime.timedelta(
                days=3), outcome=Outcome.HOME_QUARANTINE)]} | kwargs
        return screening.record_visit(self.campaign, w.household_a, w.li, key,
                                      **arguments)  # type: ignore[arg-type]

    def test_it_stores_the_same_key_twice_as_one_visit(self) -> None:
        key = uuid.uuid4()
        first = self.visit(key)
        again = self.visit(key)
        assert first.result == "created" and again.result == "resent"
        assert again.visit.pk == first.visit.pk
        assert HouseholdVisit.objects.count() == 1
        assert PersonScreening.objects.count() == 3
        assert Person.objects.filter(name="Wang Xiao").count() == 1

    def test_it_creates_a_new_member_as_a_returnee_of_the_household(self) -> None:
        recorded = self.visit(uuid.uuid4())
        son = Person.objects.get(name="Wang Xiao")
        assert son.household == self.world.household_a
        assert son.grid == self.world.grid_a1_1
        assert son.id_number_masked == "420102********0018"
        assert son.tag_list == [Tag.RETURNEE] and son.returnee_origin == "Wuhan"
        assert son.relation_to_head == "son"
        found = PersonScreening.objects.get(visit=recorded.visit, person=son)
        assert found.temperature == Decimal("36.8")
        assert found.outcome == Outcome.HOME_QUARANTINE and found.abnormal
        absent = PersonScreening.objects.get(visit=recorded.visit, person=self.world.person_a2)
        assert not absent.present and absent.temperature is None
        assert "Wang Xiao (son)" in recorded.visit.note
        assert recorded.visit.area_path == self.world.household_a.area_path

    def test_it_names_the_person_and_field_of_a_bad_temperature(self) -> None:
        w = self.world
        with pytest.raises(ValidationError) as error:
            self.visit(uuid.uuid4(), members=[
                MemberScreening(person_id=w.person_a.pk, temperature=Decimal("45.0"))])
        assert error.value.message_dict == {"members.0.temperature": [
            "Wang Jun: a temperature of 45.0 °C is not possible; enter 35.0 to 42.0."]}
        assert HouseholdVisit.objects.count() == 0
        assert not Person.objects.filter(name="Wang Xiao").exists()

    def test_it_names_a_new_members_bad_id_and_keeps_nothing(self) -> None:
        with pytest.raises(ValidationError) as error:
            self.visit(uuid.uuid4(), new_members=[NewMember(name="Wang Xiao",
                                                            id_number="420102200801010014")])
        [(key, [message])] = error.value.message_dict.items()
        assert key == "new_members.0.id_number"
        assert message.startswith("Wang Xiao: ")
        assert HouseholdVisit.objects.count() == 0

    def test_it_refuses_a_household_outside_the_workers_scope(self) -> None:
        w = self.world
        with pytest.raises(ValidationError) as error:
            screening.record_visit(self.campaign, w.household_b, w.li, uuid.uuid4())
        assert error.value.message_dict == {"household": ["No such household among yours."]}
        with pytest.raises(ValidationError):
            screening.record_visit(self.campaign, w.household_b, w.admin, uuid.uuid4())
        assert HouseholdVisit.objects.count() == 0

    def test_it_refuses_a_date_outside_the_campaign_and_a_stranger_to_the_household(self) -> None:
        w = self.world
        late = timezone.now() - datetime.timedelta(days=5)
        with pytest.raises(ValidationError) as error:
            self.visit(uuid.uuid4(), visited_at=late)
        assert list(error.value.message_dict) == ["visited_at"]
        with pytest.raises(ValidationError) as stranger:
            self.visit(uuid.uuid4(), members=[MemberScreening(person_id=w.person_b.pk)],
                       new_members=[])
        assert list(stranger.value.message_dict) == ["members.0.person_id"]
        assert HouseholdVisit.objects.count() == 0

    def test_it_rescreens_with_a_new_key_and_ignores_a_stale_resend(self) -> None:
        w = self.world
        old_key, new_key = uuid.uuid4(), uuid.uuid4()
        earlier = timezone.now() - datetime.timedelta(hours=1)
        self.visit(old_key, visited_at=earlier)
        second = self.visit(new_key, new_members=[], members=[
            MemberScreening(person_id=w.person_a.pk, temperature=Decimal("38.2"),
                            symptoms=["cough", "fever"], outcome=Outcome.FEVER_CLINIC)])
        assert second.result == "updated"
        # The first form's key is gone with its screenings; its late resend changes nothing.
        stale = self.visit(old_key, visited_at=earlier)
        assert stale.result == "stale" and stale.visit.pk == second.visit.pk
        visit = HouseholdVisit.objects.get()
        assert visit.idempotency_key == new_key
        [found] = visit.persons.all()
        assert (found.temperature, found.symptoms) == (Decimal("38.2"), "fever,cough")
        assert Person.objects.filter(name="Wang Xiao").count() == 1

    def test_it_refuses_a_key_of_another_household_and_a_role_that_does_not_screen(self) -> None:
        w = self.world
        key = uuid.uuid4()
        self.visit(key)
        household = create_household(grid=w.grid_a1_1, address="No. 15, East Lane")
        with pytest.raises(ValidationError) as error:  # the same key, another household
            screening.record_visit(self.campaign, household, w.alice, key)
        assert list(error.value.message_dict) == ["idempotency_key"]
        with pytest.raises(PermissionDenied):
            screening.record_visit(self.campaign, w.household_a, w.stranger, uuid.uuid4())

    def test_it_lists_the_unvisited_households_of_the_users_scope(self) -> None:
        w = self.world
        assert list(screening.unvisited_households(self.campaign, w.li)) == [w.household_a]
        assert list(screening.unvisited_households(self.campaign, w.bob)) == []
        self.visit(uuid.uuid4())
        assert list(screening.unvisited_households(self.campaign, w.li)) == []
