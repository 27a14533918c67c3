"""The demo's problems: raised and closed at moments up to now, the overdue ones risen a level."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.areas.models import Level
from epigrid.demo.problem_data import write_problems
from epigrid.problems.models import Problem, ProblemEvent, Status, Step
from epigrid.reporting.services import cutoff_at
from tests.base import BaseTestCase


class DemoProblemTests(BaseTestCase):
    def test_it_raises_closes_and_escalates_up_to_now(self) -> None:
        w = self.world
        now = cutoff_at(timezone.localdate())  # 16:00, the roll-up
        today = timezone.localdate(now)
        written = write_problems(w.city, 5, now=now)
        problems = list(Problem.objects.select_related("area", "level_area"))
        assert len(problems) == written["raised"] > 0
        assert any(p.raised_at.date() == today for p in problems)
        assert all(p.raised_at <= now and p.area.level == Level.VILLAGE for p in problems)
        done = [p for p in problems if p.status == Status.CLOSED]
        assert len(done) == written["closed"] > 0
        assert all(p.raised_at < p.closed_at <= now and p.close_note for p in done)
        overdue = [p for p in problems if p.status != Status.CLOSED and p.due_on < today]
        assert len(overdue) == written["escalated"] > 0
        assert all(p.escalations == 1 and p.level_area == p.area.parent for p in overdue)
        assert ProblemEvent.objects.filter(step=Step.ESCALATED).count() == len(overdue)

    def test_it_raises_nothing_of_today_before_the_day_begins(self) -> None:
        now = cutoff_at(timezone.localdate()) - datetime.timedelta(hours=9)  # 07:00
        write_problems(self.world.city, 5, now=now)
        assert not Problem.objects.filter(raised_at__date=timezone.localdate(now)).exists()
        assert Problem.objects.exists()
