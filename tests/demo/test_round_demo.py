"""The demo's grid worker's morning (SCENARIOS.md, 07:30): a returnee of her grid confirmed,
the two others of his household in home quarantine on their third day, their morning due."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.cases.followup import home_today
from epigrid.cases.followup_round import due_now
from epigrid.cases.models import Case, Exposure, FollowUp, Origin, Quarantine
from epigrid.cases.states import State
from epigrid.demo.outbreak_data import Outbreak, Story, Writer, at_hour
from epigrid.demo.round_data import returnee_at_home
from epigrid.registry import services as registry
from tests.base import BaseTestCase


class DemoRoundTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.third = registry.create_person(grid=w.grid_a1_1, household=w.household_a,
                                            name="Wang Fang")
        self.outbreak = Outbreak("tiny", 3, w.city)
        self.today = timezone.localdate()

    def tell(self) -> int:
        told = returnee_at_home(self.outbreak, self.world.grid_a1_1)
        self.outbreak.up_to(timezone.now())
        Writer(self.outbreak).write()
        return told

    def test_it_confirms_the_returnee_and_quarantines_his_household_at_home(self) -> None:
        w = self.world
        assert self.tell() == 3
        returnee = Case.objects.get(person=w.person_a)
        assert returnee.origin == Origin.IMPORTED and returnee.imported_from
        assert returnee.state == State.ADMITTED
        moves = list(returnee.transitions.values_list("to_state", flat=True))
        assert moves == [State.FEVER, State.SUSPECTED, State.CONFIRMED, State.ADMITTED]
        quarantines = Quarantine.objects.select_related("case")
        assert {q.case.person_id for q in quarantines} == {w.person_a2.pk, self.third.pk}
        third_day = self.today - datetime.timedelta(days=2)
        assert all(q.kind == Quarantine.Kind.HOME and q.starts_on == third_day
                   and q.ended_on is None and q.case.state == State.QUARANTINED
                   for q in quarantines)
        exposures = Exposure.objects.values_list("source", "contact", "setting")
        assert set(exposures) == {(w.person_a.pk, w.person_a2.pk, "household"),
                                  (w.person_a.pk, self.third.pk, "household")}

    def test_it_has_their_morning_temperature_due_on_her_round(self) -> None:
        self.tell()
        # The demo wrote today's slots whose time had come; at 07:30 none had.
        FollowUp.objects.filter(day=self.today).delete()
        rows = home_today(self.world.li, self.today)
        due = due_now(rows, self.today, at_hour(self.today, 7) + datetime.timedelta(minutes=30))
        assert len(due) == 2
        slots = [[(slot.slot, slot.missed) for slot in row.slots] for row in due]
        assert slots == [[(FollowUp.Slot.MORNING, False)]] * 2

    def test_it_leaves_a_household_already_in_a_story_alone(self) -> None:
        self.outbreak.stories[self.third.pk] = Story(self.third)  # a fever clinic's patient
        assert returnee_at_home(self.outbreak, self.world.grid_a1_1) == 0

    def test_it_tells_nothing_without_a_grid(self) -> None:
        assert returnee_at_home(self.outbreak, None) == 0
