"""交班 (08:00 in SCENARIOS.md): the night shift's Wang signs off with a note, Zhang on at 08:00
reads it beside his shift; only the shift's own person signs it off, once, from its start until
twelve hours after its end."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from epigrid.checkpoints import duty
from epigrid.checkpoints.duty_handover import sign_off
from epigrid.checkpoints.models import DutyShift
from epigrid.core.audit import acting_as
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.checkpoints.duty_helpers import at, later, staff_the_world

CHOOSE = "/checkpoints/log/"
DAY = datetime.date(2020, 2, 10)


class SignOffTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = staff_the_world(cls.world)

    def plan(self, person: str, start: datetime.datetime, hours: int = 8) -> DutyShift:
        return duty.create_shift(self.world.alice, self.world.checkpoint_a, self.people[person],
                                 start, start + datetime.timedelta(hours=hours))

    def refusal(self, person: str, shift: DutyShift, when: datetime.datetime,
                note: str = "") -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as refused:
            sign_off(self.people[person], shift, note, when)
        return refused.value.message_dict

    def test_the_person_on_duty_signs_off_once_with_a_note_and_it_is_logged(self) -> None:
        night = self.plan("niu", at(DAY, 0))
        with acting_as(self.people["niu"]):
            signed = sign_off(self.people["niu"], night, "  Lane 2's barrier is stuck. ",
                              at(DAY, 8, 5))
        assert (signed.signed_off_at, signed.handover_note) == (at(DAY, 8, 5),
                                                                "Lane 2's barrier is stuck.")
        entry = AuditEntry.objects.filter(model="checkpoints.DutyShift",
                                          action="update").latest("pk")
        assert entry.changes["handover_note"] == ["", "Lane 2's barrier is stuck."]
        assert entry.actor == self.people["niu"]
        assert self.refusal("niu", night, at(DAY, 8, 6)) == {
            "shift": ["This shift was signed off at 2020-02-10 08:05."]}

    def test_it_refuses_another_person_a_shift_not_begun_and_one_long_over(self) -> None:
        night = self.plan("niu", at(DAY, 0))
        assert self.refusal("ma", night, at(DAY, 7)) == {
            "shift": ["Only the person on duty signs a shift off."]}
        assert self.refusal("niu", night, at(DAY - datetime.timedelta(days=1), 23, 59)) == {
            "shift": ["This shift has not started yet."]}
        assert sign_off(self.people["niu"], night, "", at(DAY, 20)).signed_off_at == at(DAY, 20)
        late = self.plan("niu", at(DAY + datetime.timedelta(days=1), 0))
        assert self.refusal("niu", late, at(DAY + datetime.timedelta(days=1), 20, 1)) == {
            "shift": ["This shift ended more than 12 hours ago; ask the duty planner to note "
                      "it."]}

    def test_it_refuses_a_note_past_300_characters_by_its_field(self) -> None:
        night = self.plan("niu", at(DAY, 0))
        assert self.refusal("niu", night, at(DAY, 7), "x" * 301) == {"handover_note": [
            "A handover note has at most 300 characters; this one has 301."]}
        assert DutyShift.objects.get(pk=night.pk).signed_off_at is None

    def test_the_page_signs_off_and_the_next_shift_reads_the_note(self) -> None:
        night = self.plan("niu", later(hours=-8))
        day = self.plan("ma", later(hours=0))
        niu, ma = self.client_for(self.people["niu"]), self.client_for(self.people["ma"])
        before = ma.get(CHOOSE).content.decode()
        assert "niu has not signed off yet." in before
        page = niu.get(CHOOSE).content.decode()
        assert f'action="/checkpoints/duty/shifts/{night.pk}/sign-off/"' in page
        answer = niu.post(f"/checkpoints/duty/shifts/{night.pk}/sign-off/",
                          {"handover_note": "Lane 2's barrier is stuck."}, follow=True)
        assert "Your shift at East Road Checkpoint is signed off." in answer.content.decode()
        after = ma.get(CHOOSE).content.decode()
        shown = after[after.index(f'id="handover-{day.pk}"'):].split("</p>")[0]
        assert "niu signed off at" in shown and "Lane 2&#x27;s barrier is stuck." in shown
        # Tomorrow's shift after another's night says nothing of a sign-off yet to come.
        self.plan("niu", later(hours=16))  # tonight's, from 16 hours on
        tomorrow = self.plan("ma", later(hours=24))
        page = ma.get(CHOOSE).content.decode()
        assert f'id="shift-{tomorrow.pk}"' in page
        assert f'id="handover-{tomorrow.pk}"' not in page
        # Zhang may not sign off Wang's shift: refused with its reason, nothing changed.
        again = ma.post(f"/checkpoints/duty/shifts/{night.pk}/sign-off/", follow=True)
        assert "Only the person on duty signs a shift off." in again.content.decode()
        assert DutyShift.objects.get(pk=night.pk).handover_note == "Lane 2's barrier is stuck."

    def test_the_api_signs_off_and_shows_it_on_the_shift(self) -> None:
        night = self.plan("niu", later(hours=-8))
        answer = self.client_for(self.people["niu"]).post(
            f"/api/duty/shifts/{night.pk}/sign-off", json.dumps({"handover_note": "All quiet."}),
            content_type="application/json")
        assert answer.status_code == 200
        assert answer.json()["handover_note"] == "All quiet."
        assert answer.json()["signed_off_at"] is not None
        twice = self.client_for(self.people["niu"]).post(
            f"/api/duty/shifts/{night.pk}/sign-off", "{}", content_type="application/json")
        assert twice.status_code == 422
        assert twice.json()["detail"][0]["loc"] == ["body", "shift"]
