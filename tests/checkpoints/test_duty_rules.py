"""The rules of a duty shift 值守排班, at their edges: the end after the start, at most 24 hours,
the person assigned to the checkpoint and never in two places at once; who may plan, and who may
be assigned where."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epigrid.checkpoints import duty
from epigrid.checkpoints.models import Assignment, DutyShift
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.checkpoints.duty_helpers import later, staff, staff_the_world

H = datetime.timedelta(hours=1)


class ShiftRuleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = staff_the_world(cls.world)
        cls.start = later(days=1)

    def plan(self, person: str = "ma", start: datetime.datetime | None = None,
             hours: float = 8, checkpoint: object = None) -> DutyShift:
        w = self.world
        begin = start or self.start
        return duty.create_shift(w.alice, checkpoint or w.checkpoint_a, self.people[person],
                                 begin, begin + datetime.timedelta(hours=hours))

    def refused(self, field: str, **kwargs: object) -> str:
        with pytest.raises(ValidationError) as caught:
            self.plan(**kwargs)  # type: ignore[arg-type]
        assert field in caught.value.message_dict, caught.value.message_dict
        return " ".join(caught.value.message_dict[field])

    def test_it_plans_a_shift_and_logs_it(self) -> None:
        shift = self.plan()
        assert (shift.ends_at - shift.starts_at) == 8 * H
        assert AuditEntry.objects.filter(model="checkpoints.DutyShift", action="create",
                                         object_pk=str(shift.pk)).exists()

    def test_it_takes_a_shift_of_exactly_24_hours_but_not_a_minute_more(self) -> None:
        assert self.plan(hours=24).pk
        message = self.refused("ends_at", person="niu", hours=24 + 1 / 60)
        assert "24" in message

    def test_it_refuses_an_end_at_or_before_the_start(self) -> None:
        assert "after it starts" in self.refused("ends_at", hours=0)
        self.refused("ends_at", hours=-2)

    def test_it_refuses_the_same_person_in_two_overlapping_shifts(self) -> None:
        self.plan()
        message = self.refused("starts_at", start=self.start + 7 * H, hours=4)
        assert "Hua Ma" in message and "East Road Checkpoint" in message
        self.refused("starts_at", start=self.start - 2 * H, hours=12)  # wraps the first one
        self.refused("starts_at", start=self.start + H, hours=1)  # inside it

    def test_it_lets_shifts_touch_end_to_start(self) -> None:
        self.plan()
        assert self.plan(start=self.start + 8 * H, hours=8).pk
        assert self.plan(start=self.start - 8 * H, hours=8).pk

    def test_it_lets_two_people_share_an_hour(self) -> None:
        self.plan()
        assert self.plan(person="niu").pk

    def test_it_refuses_a_person_not_assigned_to_the_checkpoint(self) -> None:
        w = self.world
        message = self.refused("user", person="qin", checkpoint=w.checkpoint_a)
        assert "qin" not in message  # the planner may not know them
        assert "not assigned" in message

    def test_it_refuses_a_clash_at_a_checkpoint_the_planner_does_not_see_without_naming_it(
            self) -> None:
        w = self.world
        Assignment.objects.create(user=self.people["qin"], checkpoint=w.checkpoint_a)
        duty.create_shift(w.bob, w.checkpoint_b, self.people["qin"], self.start,
                          self.start + 8 * H)
        message = self.refused("starts_at", person="qin")
        assert "West Gate" not in message and "another checkpoint" in message

    def test_it_moves_a_shift_without_clashing_with_itself(self) -> None:
        shift = self.plan()
        moved = duty.update_shift(self.world.alice, shift, starts_at=self.start + 2 * H,
                                  ends_at=self.start + 10 * H)
        assert moved.starts_at == self.start + 2 * H
        with pytest.raises(ValidationError):
            duty.update_shift(self.world.alice, shift, ends_at=self.start + 27 * H)
        shift.refresh_from_db()
        assert shift.ends_at == self.start + 10 * H

    def test_it_lets_only_planners_plan(self) -> None:
        w = self.world
        for outsider in (w.li, w.medic):
            with pytest.raises(PermissionDenied):
                duty.create_shift(outsider, w.checkpoint_a, self.people["ma"], self.start,
                                  self.start + H)
        shift = self.plan()
        with pytest.raises(PermissionDenied):
            duty.delete_shift(w.li, shift)
        duty.delete_shift(w.alice, shift)
        assert not DutyShift.objects.filter(pk=shift.pk).exists()


class AssignmentRuleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = staff_the_world(cls.world)

    def test_it_offers_people_whose_home_contains_the_checkpoint_and_whom_the_planner_sees(
            self) -> None:
        w = self.world
        staff("zhang", w.village_a2)  # another village of town A: cannot see East Road
        offered = {u.username for u in duty.staff_for(w.alice, w.checkpoint_a)}
        assert {"ma", "niu", "alice"} <= offered
        assert not offered & {"zhang", "qin", "bob", "zhou"}  # zhou is above alice's town
        assert "zhou" in {u.username for u in duty.staff_for(w.command, w.checkpoint_a)}
        assert not duty.staff_for(w.stranger, w.checkpoint_a).exists()

    def test_it_assigns_once_and_logs_it(self) -> None:
        w = self.world
        newcomer = staff("han", w.village_a1)
        assignment = duty.assign(w.alice, w.checkpoint_a, newcomer)
        assert AuditEntry.objects.filter(model="checkpoints.Assignment", action="create",
                                         object_pk=str(assignment.pk)).exists()
        with pytest.raises(ValidationError) as caught:
            duty.assign(w.alice, w.checkpoint_a, newcomer)
        assert "already assigned" in caught.value.message_dict["user"][0]
        duty.unassign(w.alice, assignment)
        assert not Assignment.objects.filter(pk=assignment.pk).exists()

    def test_it_refuses_someone_of_another_town(self) -> None:
        w = self.world
        with pytest.raises(ValidationError) as caught:
            duty.assign(w.alice, w.checkpoint_a, self.people["qin"])
        assert "qin" not in str(caught.value)
        with pytest.raises(PermissionDenied):
            duty.assign(w.li, w.checkpoint_a, self.people["ma"])
