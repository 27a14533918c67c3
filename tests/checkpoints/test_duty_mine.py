"""A staff member's own shifts on the page where they start logging (08:00 in SCENARIOS.md):
the shift on duty now, who hands over, the next ones of the day ahead."""

from __future__ import annotations

import datetime

from epigrid.checkpoints import duty
from epigrid.checkpoints.duty_mine import AHEAD, my_shifts
from epigrid.checkpoints.models import Assignment, DutyShift
from tests.base import BaseTestCase
from tests.checkpoints.duty_helpers import at, later, staff_the_world

CHOOSE = "/checkpoints/log/"
DAY = datetime.date(2020, 2, 10)


class MyShiftTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = staff_the_world(cls.world)

    def plan(self, person: str, start: datetime.datetime, hours: int = 8,
             checkpoint: object = None) -> DutyShift:
        return duty.create_shift(self.world.alice, checkpoint or self.world.checkpoint_a,
                                 self.people[person], start,
                                 start + datetime.timedelta(hours=hours))

    def seen_by(self, person: str, when: datetime.datetime) -> list[tuple[int, bool, int | None]]:
        return [(mine.shift.pk, mine.now, mine.after.pk if mine.after else None)
                for mine in my_shifts(self.people[person], when)]

    def test_it_shows_the_shift_on_duty_now_and_who_hands_over(self) -> None:
        night = self.plan("niu", at(DAY, 0))  # 00:00-08:00
        day = self.plan("ma", at(DAY, 8))  # 08:00-16:00
        assert self.seen_by("ma", at(DAY, 7, 30)) == [(day.pk, False, night.pk)]
        assert self.seen_by("ma", at(DAY, 8)) == [(day.pk, True, night.pk)]
        assert self.seen_by("ma", at(DAY, 15, 59)) == [(day.pk, True, night.pk)]
        # Over at its end, but kept until it is signed off (duty_handover), then gone.
        assert self.seen_by("ma", at(DAY, 16)) == [(day.pk, False, night.pk)]
        day.signed_off_at = at(DAY, 16)
        day.save(update_fields=["signed_off_at"])
        assert self.seen_by("ma", at(DAY, 16)) == []
        assert self.seen_by("niu", at(DAY, 7)) == [(night.pk, True, None)]

    def test_it_looks_a_day_ahead_and_no_further(self) -> None:
        now = at(DAY, 9)
        first = self.plan("ma", now + AHEAD - datetime.timedelta(hours=1), hours=1)
        self.plan("ma", now + AHEAD)
        assert self.seen_by("ma", now) == [(first.pk, False, None)]

    def test_it_hands_over_only_from_the_same_checkpoint(self) -> None:
        w = self.world
        Assignment.objects.create(user=self.people["niu"], checkpoint=w.checkpoint_b)
        self.plan("niu", at(DAY, 0), checkpoint=w.checkpoint_b)
        day = self.plan("ma", at(DAY, 8))
        assert self.seen_by("ma", at(DAY, 8)) == [(day.pk, True, None)]

    def test_the_log_page_lists_them_in_a_fixed_number_of_queries(self) -> None:
        ma = self.people["ma"]
        client = self.client_for(ma)
        client.get(CHOOSE)
        with self.assertNumQueries(5) as bare:  # the session, the user, the checkpoints,
            # the user's home area, the user's shifts (none: the handovers are not looked up)
            body = client.get(CHOOSE).content.decode()
        assert 'id="my-shifts"' not in body
        self.plan("niu", later(hours=-2), hours=4)
        mine = self.plan("ma", later(hours=-1), hours=8)
        self.plan("ma", later(hours=12), hours=8)
        with self.assertNumQueries(len(bare.captured_queries) + 2):  # + the handovers, and
            body = client.get(CHOOSE).content.decode()  # which of the checkpoints are hers
        assert body.count('<li id="shift-') == 2
        shown = body[body.index(f'id="shift-{mine.pk}"'):]
        assert "on duty now" in shown.split("</li>")[0]
        assert "after niu (until" in shown.split("</li>")[0]
        assert f'href="/checkpoints/log/{self.world.checkpoint_a.pk}/"' in shown.split("</li>")[0]

    def test_it_does_not_link_a_checkpoint_she_was_unassigned_from(self) -> None:
        ma = self.people["ma"]
        mine = self.plan("ma", later(hours=-1), hours=8)
        Assignment.objects.filter(user=ma, checkpoint=self.world.checkpoint_a).delete()
        body = self.client_for(ma).get(CHOOSE).content.decode()
        shown = body[body.index(f'id="shift-{mine.pk}"'):].split("</li>")[0]
        assert "/checkpoints/log/" not in shown
        assert "not assigned to you: ask the duty planner" in shown
