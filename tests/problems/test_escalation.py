"""Escalation 逐级上报 by the hourly task, at a given `now`: an overdue problem rises one level a
day, the new level's responsible people are told, the step is in the history, and the problem
stays visible to its origin while the upper level sees it as escalated to them."""

from __future__ import annotations

from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.core.access import Role
from epigrid.problems import queries, services
from epigrid.problems.escalation import escalate_overdue
from epigrid.problems.models import Problem, Step
from epigrid.problems.tasks import escalate_overdue_problems
from tests.base import PASSWORD, BaseTestCase
from tests.problems.helpers import at, days, raise_in, today


class EscalationTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.raised_on = today() - days(5)
        # Due two days after it was raised: overdue from raised_on + 3 at midnight.
        self.problem = raise_in(w.village_a1, w.alice, now=at(self.raised_on), due_in=2)
        self.due = self.problem.due_on

    def run_at(self, day_offset: int, hour: int = 9) -> int:
        """The task, as beat would call it, on due date + `day_offset`."""
        with self.captureOnCommitCallbacks(execute=True):
            return int(escalate_overdue_problems.delay(
                now=at(self.due + days(day_offset), hour).isoformat()).get())

    def level(self) -> str:
        return Problem.objects.get(pk=self.problem.pk).level_area.name

    def test_it_leaves_a_problem_alone_on_its_due_date(self) -> None:
        assert self.run_at(0, hour=23) == 0
        assert self.level() == "Village A1"

    def test_it_raises_an_overdue_problem_to_the_parent_and_tells_its_officers(self) -> None:
        w = self.world
        village_officer = create_user(username="wang_a2", password=PASSWORD,
                                      role=Role.AREA_OFFICER, home_area=w.village_a2)
        assert self.run_at(1, hour=0) == 1
        problem = Problem.objects.get(pk=self.problem.pk)
        assert (problem.level_area, problem.level_path) == (w.town_a, w.town_a.path)
        assert problem.area_path == w.village_a1.path and problem.escalations == 1
        event = problem.events.get(step=Step.ESCALATED)
        assert event.by is None and event.level_area == w.town_a
        assert event.note == (f"Overdue since {self.due.isoformat()}: raised from Village A1 "
                              "to Dongcheng Town.")
        notice = Notice.objects.get()
        assert notice.title == "Overdue problem escalated to Dongcheng Town: Masks run out at " \
                               "the gate"
        assert notice.link == f"/problems/{problem.pk}/"
        told = set(Receipt.objects.values_list("user__username", flat=True))
        # The town's own officers, not the village officers below it (notify(exact=True)).
        assert told == {"alice"}
        assert village_officer.username not in told

    def test_it_rises_once_a_day_up_to_the_top(self) -> None:
        assert self.run_at(1) == 1
        assert self.run_at(1, hour=10) == 0  # an hour later: not again
        assert self.run_at(2, hour=8) == 0  # 23 hours later: not yet
        assert self.run_at(2, hour=9) == 1
        assert self.level() == "Qingshan District"
        commanders = set(Receipt.objects.filter(notice__title__contains="Qingshan").values_list(
            "user__username", flat=True))
        assert commanders == {"zhou"}  # the command, not the medical team
        assert self.run_at(3) == 1
        assert self.level() == "Jinhe City"
        assert self.run_at(4) == 0  # the top of the tree
        assert self.run_at(30) == 0
        steps = list(Problem.objects.get(pk=self.problem.pk).events.filter(
            step=Step.ESCALATED).values_list("level_area__name", flat=True))
        assert steps == ["Dongcheng Town", "Qingshan District", "Jinhe City"]

    def test_it_leaves_closed_problems_where_they_are(self) -> None:
        w = self.world
        services.close(self.problem, by=w.alice, note="done", now=at(self.due))
        assert self.run_at(1) == 0
        services.reopen(self.problem, by=w.alice, note="not done", now=at(self.due + days(1)))
        assert self.run_at(1, hour=10) == 1  # reopened past its due date: overdue again

    def test_it_escalates_in_progress_problems_too(self) -> None:
        w = self.world
        services.change_status(self.problem, "in_progress", by=w.alice)
        assert self.run_at(1) == 1

    def test_the_upper_level_sees_it_as_escalated_to_them_and_the_origin_keeps_it(self) -> None:
        w = self.world
        escalate_overdue(at(self.due + days(1)))
        escalate_overdue(at(self.due + days(2)))  # now at the district
        for user, sees in ((w.alice, True), (w.command, True), (w.bob, False),
                           (w.stranger, False), (w.li, False)):
            assert Problem.objects.restrict(user).filter(pk=self.problem.pk).exists() == sees
        to_me = queries.Filters(where=queries.ESCALATED)
        assert queries.apply(w.command, queries.visible(w.command), to_me).count() == 1
        # Alice raised it; it has left her level: it is no longer "escalated to" her town.
        assert queries.apply(w.alice, queries.visible(w.alice), to_me).count() == 0
        raised = queries.Filters(where=queries.RAISED)
        assert queries.apply(w.alice, queries.visible(w.alice), raised).count() == 1

    def test_it_runs_with_the_current_time_when_none_is_given(self) -> None:
        overdue = Problem.objects.filter(pk=self.problem.pk)
        overdue.update(due_on=timezone.localdate() - days(1))
        assert escalate_overdue_problems.delay().get() == 1


class BeatTests(BaseTestCase):
    def test_it_adds_an_hourly_entry_to_the_beat_schedule(self) -> None:
        from celery import current_app

        entry = current_app.conf.beat_schedule["problems-escalate-overdue"]
        assert entry["task"] == "epigrid.problems.escalate_overdue"
        assert entry["schedule"].hour == set(range(24)) and entry["schedule"].minute == {5}
