"""Starting, releasing and extending a quarantine, and the rooms of a quarantine site."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from epigrid.cases import quarantine as q
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, LabTest, Quarantine, Transition
from epigrid.cases.states import State
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.cases.quarantine_helpers import (
    asymptomatic,
    at,
    close_contact,
    days_ago,
    home_quarantine,
    lab_result,
    room_of_site_b,
)

NEG, POS = LabTest.Result.NEGATIVE, LabTest.Result.POSITIVE


class StartTests(BaseTestCase):
    def test_it_puts_a_close_contact_into_home_quarantine_for_14_days(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=3)
        assert quarantine.planned_end == days_ago(3) + datetime.timedelta(days=14)
        assert quarantine.area_path == w.person_a.area_path
        case = Case.objects.get(pk=quarantine.case_id)
        assert case.state == State.QUARANTINED
        step = Transition.objects.filter(case=case).last()
        assert step is not None and (step.from_state, step.by) == (State.CLOSE_CONTACT, w.alice)

    @override_settings(QUARANTINE_DAYS=21)
    def test_it_takes_the_length_from_the_settings(self) -> None:
        quarantine = home_quarantine(self.world)
        assert (quarantine.planned_end - quarantine.starts_on).days == 21

    def test_it_refuses_a_second_open_quarantine_and_other_states(self) -> None:
        w = self.world
        quarantine = home_quarantine(w)
        case = Case.objects.get(pk=quarantine.case_id)
        with pytest.raises(ValidationError, match="Only a close contact or an asymptomatic"):
            q.start_quarantine(case, Quarantine.Kind.HOME, starts_on=days_ago(0), by=w.alice)
        fever = services.open_case(w.person_b, State.FEVER, reason="38.5")
        with pytest.raises(ValidationError, match="this case is “fever, not ruled out”"):
            q.start_quarantine(fever, Quarantine.Kind.HOME, starts_on=days_ago(0), by=w.bob)

    def test_it_refuses_a_second_quarantine_of_an_isolated_asymptomatic_case(self) -> None:
        w = self.world
        case = asymptomatic(w.person_a)
        room = room_of_site_b(w, capacity=2)
        q.start_quarantine(case, Quarantine.Kind.CENTRALIZED, site=w.facility_b, room=room,
                           starts_on=days_ago(0), by=w.command)
        with pytest.raises(ValidationError, match="already in quarantine"):
            q.start_quarantine(case, Quarantine.Kind.CENTRALIZED, site=w.facility_b, room=room,
                               starts_on=days_ago(0), by=w.command)
        assert Case.objects.get(pk=case.pk).state == State.ASYMPTOMATIC  # isolated, same state

    def test_it_refuses_a_start_tomorrow_and_an_asymptomatic_case_at_home(self) -> None:
        w = self.world
        case = close_contact(w.person_a)
        with pytest.raises(ValidationError) as future:
            q.start_quarantine(case, Quarantine.Kind.HOME, starts_on=days_ago(-1), by=w.alice)
        assert future.value.message_dict == {
            "starts_on": ["A quarantine cannot start in the future."]}
        isolated = asymptomatic(w.person_b)
        with pytest.raises(ValidationError) as home:
            q.start_quarantine(isolated, Quarantine.Kind.HOME, starts_on=days_ago(0),
                               by=w.bob)
        assert "kind" in home.value.message_dict
        assert not Quarantine.objects.exists()

    def test_it_places_people_in_a_room_until_it_is_full(self) -> None:
        w = self.world
        room = room_of_site_b(w, capacity=1)
        first = q.start_quarantine(close_contact(w.person_a), Quarantine.Kind.CENTRALIZED,
                                   site=w.facility_b, room=room, starts_on=days_ago(0),
                                   by=w.command)
        assert (first.site, first.room) == (w.facility_b, room)
        second = close_contact(w.person_b)
        with pytest.raises(ValidationError) as full:
            q.start_quarantine(second, Quarantine.Kind.CENTRALIZED, site=w.facility_b, room=room,
                               starts_on=days_ago(0), by=w.command)
        assert full.value.message_dict == {"room": ["Room 101 is full (1 places)."]}
        assert Case.objects.get(pk=second.pk).state == State.CLOSE_CONTACT  # nothing half-done
        assert [(use.taken, use.free) for use in q.room_uses(w.facility_b)] == [(1, 0)]

    def test_it_needs_a_quarantine_site_and_one_of_its_rooms(self) -> None:
        w = self.world
        case = close_contact(w.person_a)
        with pytest.raises(ValidationError, match="is not a centralized quarantine site"):
            q.start_quarantine(case, Quarantine.Kind.CENTRALIZED, site=w.facility_a,
                               starts_on=days_ago(0), by=w.command)
        with pytest.raises(ValidationError, match="Choose a room of Xihe Quarantine Hotel"):
            q.start_quarantine(case, Quarantine.Kind.CENTRALIZED, site=w.facility_b,
                               starts_on=days_ago(0), by=w.command)
        room = room_of_site_b(w)
        q.update_room(room, capacity=1, active=False)
        with pytest.raises(ValidationError, match="Room 101 is not in use"):
            q.start_quarantine(case, Quarantine.Kind.CENTRALIZED, site=w.facility_b, room=room,
                               starts_on=days_ago(0), by=w.command)


class RoomTests(BaseTestCase):
    def test_it_refuses_a_doubled_number_and_shrinking_below_the_occupants(self) -> None:
        w = self.world
        room = room_of_site_b(w, capacity=2)
        with pytest.raises(ValidationError, match="already has a room 101"):
            q.create_room(w.facility_b, "101", 1)
        with pytest.raises(ValidationError, match="at least one person"):
            q.create_room(w.facility_b, "102", 0)
        with pytest.raises(ValidationError, match="not a centralized quarantine site"):
            q.create_room(w.facility_a, "1", 1)
        for person in (w.person_a, w.person_b):
            q.start_quarantine(close_contact(person), Quarantine.Kind.CENTRALIZED,
                               site=w.facility_b, room=room, starts_on=days_ago(0), by=w.command)
        with pytest.raises(ValidationError, match="holds 2 people now"):
            q.update_room(room, capacity=1, active=True)
        assert q.update_room(room, capacity=3, active=True).capacity == 3


class ReleaseTests(BaseTestCase):
    def started(self, days: int = 14) -> Quarantine:
        return home_quarantine(self.world, started=days)

    def negatives(self, quarantine: Quarantine, count: int, day_offset: int = 0) -> None:
        for n in range(count):
            lab_result(self.world, self.world.person_a, NEG,
                       at(quarantine.starts_on + datetime.timedelta(days=day_offset + n), 9))

    def test_it_releases_on_two_negative_tests_at_the_planned_end(self) -> None:
        quarantine = self.started()
        self.negatives(quarantine, 2, day_offset=12)
        released = q.release(quarantine, by=self.world.alice, on=days_ago(0))
        assert (released.ended_on, released.outcome) == (days_ago(0), "released")
        case = Case.objects.get(pk=quarantine.case_id)
        assert (case.state, case.is_open) == (State.RELEASED, False)
        step = Transition.objects.filter(case=case).last()
        assert step is not None and step.evidence == Evidence.TEST and step.lab_test is not None

    def test_it_refuses_one_negative_test_short(self) -> None:
        quarantine = self.started()
        self.negatives(quarantine, 1)
        # A negative sampled the day before the quarantine started does not count.
        lab_result(self.world, self.world.person_a, NEG,
                   at(quarantine.starts_on - datetime.timedelta(days=1), 23, 59))
        with pytest.raises(ValidationError, match="needs 2 negative tests sampled since .*; "
                                                  "1 found"):
            q.release(quarantine, by=self.world.alice, on=days_ago(0))
        assert Case.objects.get(pk=quarantine.case_id).state == State.QUARANTINED

    def test_it_refuses_a_release_the_day_before_the_planned_end(self) -> None:
        quarantine = self.started(days=13)
        self.negatives(quarantine, 2)
        with pytest.raises(ValidationError) as early:
            q.release(quarantine, by=self.world.alice, on=days_ago(0))
        assert early.value.message_dict == {"on": [
            f"The quarantine runs until {quarantine.planned_end.isoformat()}; it cannot be "
            "released before."]}

    def test_it_refuses_after_a_positive_result_and_a_second_release(self) -> None:
        quarantine = self.started(days=15)
        self.negatives(quarantine, 2)
        lab_result(self.world, self.world.person_a, POS, at(quarantine.starts_on, 10))
        with pytest.raises(ValidationError, match="positive result"):
            q.release(quarantine, by=self.world.alice, on=days_ago(0))
        LabTest.objects.filter(result=POS).delete()
        q.release(quarantine, by=self.world.alice, on=days_ago(1))
        with pytest.raises(ValidationError, match="This quarantine ended on"):
            q.release(quarantine, by=self.world.alice, on=days_ago(0))

    def test_it_releases_an_isolated_asymptomatic_case(self) -> None:
        w = self.world
        case = asymptomatic(w.person_b)
        quarantine = q.start_quarantine(case, Quarantine.Kind.CENTRALIZED, site=w.facility_b,
                                        room=room_of_site_b(w), starts_on=days_ago(14), by=w.bob)
        for n in range(2):
            lab_result(w, w.person_b, NEG, at(days_ago(2 - n), 8))
        q.release(quarantine, by=w.bob, on=days_ago(0))
        assert Case.objects.get(pk=case.pk).state == State.RELEASED
        assert [use.taken for use in q.room_uses(w.facility_b)] == [0]


class ExtendTests(BaseTestCase):
    def test_it_moves_the_end_to_14_days_after_a_new_exposure(self) -> None:
        quarantine = home_quarantine(self.world, started=5)
        extended = q.extend(quarantine, days_ago(1), "household member tested positive",
                            by=self.world.alice)
        assert extended.planned_end == days_ago(1) + datetime.timedelta(days=14)
        assert extended.extensions == 1
        entry = AuditEntry.objects.filter(model="cases.Quarantine", action="update").last()
        assert entry is not None and entry.reason == "household member tested positive"

    def test_it_refuses_an_exposure_that_does_not_move_the_end(self) -> None:
        quarantine = home_quarantine(self.world, started=5)
        with pytest.raises(ValidationError, match="already runs until"):
            q.extend(quarantine, days_ago(5), "same exposure")
        with pytest.raises(ValidationError) as future:
            q.extend(quarantine, days_ago(-1), "tomorrow")
        assert list(future.value.message_dict) == ["exposure_date"]
        with pytest.raises(ValidationError) as no_reason:
            q.extend(quarantine, days_ago(0), "  ")
        assert no_reason.value.message_dict == {"reason": ["Say why."]}
        assert Quarantine.objects.get(pk=quarantine.pk).extensions == 0


class VillageTests(BaseTestCase):
    def test_it_finds_the_village_above_a_grid_and_at_a_village(self) -> None:
        w = self.world
        found = q.villages_of({w.grid_a1_1.path, w.village_b1.path, w.town_a.path})
        assert found == {w.grid_a1_1.path: w.village_a1, w.village_b1.path: w.village_b1,
                         w.town_a.path: w.town_a}
