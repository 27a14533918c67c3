"""Reminders 催办: a task in hand past its day is reminded once a day, the area above from the
second day."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from epigrid.alerts.models import Receipt
from epigrid.supervision import reminders, services
from epigrid.supervision.models import Step, Task
from epigrid.supervision.tasks import remind_overdue_tasks
from tests.base import World
from tests.supervision.helpers import SupervisionTestCase, days


def overdue(task: Task, by_days: int) -> Task:
    Task.objects.filter(pk=task.pk).update(due_on=days(-by_days))
    task.refresh_from_db()
    return task


class RemindTest(SupervisionTestCase):
    def test_it_reminds_the_area_then_the_area_above_too(self) -> None:
        w = self.world
        task = overdue(self.task(area=w.village_a1), 2)
        now = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(reminders.remind_overdue(now), [task.pk])
        self.assertFalse(Receipt.objects.exists())  # the village has no officer of its own
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(reminders.remind_overdue(now + datetime.timedelta(hours=24)),
                             [task.pk])
        self.assertEqual(set(Receipt.objects.values_list("user__username", flat=True)),
                         {"alice"})
        notice = Receipt.objects.get().notice
        self.assertEqual(notice.title, "Overdue task: Close the markets")
        self.assertIn("overdue by 3 days, reminder 2", notice.body)  # a day later

    def test_it_tells_an_area_once_of_all_its_tasks_reminded(self) -> None:
        w = self.world
        first = overdue(self.task(title="Close the markets"), 1)
        second = overdue(self.task(title="Check the nursing homes"), 3)
        overdue(self.task(area=w.town_b, title="Disinfect the station"), 2)
        self.assertEqual(len(reminders.remind_overdue()), 3)
        notice = Receipt.objects.get(user=w.alice).notice
        self.assertEqual(notice.title, "2 overdue tasks")
        self.assertEqual(notice.body.splitlines(), [
            f"Dongcheng Town: Close the markets, due {first.due_on}, overdue by 1 days, "
            "reminder 1.",
            f"Dongcheng Town: Check the nursing homes, due {second.due_on}, overdue by 3 "
            "days, reminder 1."])
        self.assertTrue(notice.link.endswith(
            f"/supervision/tasks/?area={w.town_a.pk}&status=overdue"))
        self.assertEqual(Receipt.objects.get(user=w.bob).notice.title,
                         "Overdue task: Disinfect the station")

    def test_it_reminds_in_as_many_statements_for_six_tasks_as_for_two(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from epigrid.core.models import AuditEntry

        def statements(count: int) -> int:
            for _n in range(count):
                overdue(self.task(), 2)
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(len(reminders.remind_overdue()), count)
            Task.objects.all().delete()
            return len(captured.captured_queries)

        self.assertEqual(statements(2), statements(6))
        entry = AuditEntry.objects.filter(model="supervision.Task", action="update").last()
        assert entry is not None
        self.assertEqual(entry.changes["reminders"], [0, 1])

    def test_it_reminds_once_a_day_not_every_hour(self) -> None:
        task = overdue(self.task(), 1)
        now = timezone.now()
        self.assertEqual(reminders.remind_overdue(now), [task.pk])
        self.assertEqual(reminders.remind_overdue(now + datetime.timedelta(hours=23)), [])
        task.refresh_from_db()
        self.assertEqual(task.reminders, 1)
        self.assertEqual(task.events.filter(step=Step.REMINDED).get().note,
                         "Overdue by 1 days (reminder 1).")

    def test_a_task_due_today_or_reported_or_done_is_not_reminded(self) -> None:
        w = self.world
        self.task(due_in=0)
        reported = overdue(self.task(area=w.town_b), 3)
        services.report_done(reported, by=w.bob, report="Done")
        withdrawn = overdue(self.task(area=w.village_a2), 3)
        services.withdraw(withdrawn, by=self.guo, note="Not needed")
        self.assertEqual(reminders.remind_overdue(), [])

    def test_the_beat_task_takes_a_replayed_time(self) -> None:
        overdue(self.task(), 1)
        at = timezone.localtime(timezone.now() + datetime.timedelta(minutes=1)).replace(tzinfo=None)
        self.assertEqual(remind_overdue_tasks(at.isoformat()), 1)
        self.assertEqual(remind_overdue_tasks(), 0)


class ReminderScheduleProperty(HypothesisTestCase):
    """However often the hourly job runs, a task has at most one reminder per 24 hours and
    never misses a day it was due one."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = World()

    @settings(max_examples=25, deadline=None)
    @given(gaps=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=12))
    def test_one_reminder_per_day_at_most(self, gaps: list[int]) -> None:
        w = self.world
        with transaction.atomic():
            task = services.set_task(w.town_a, by=w.command, title="Property", due_on=days(0))
            Task.objects.filter(pk=task.pk).update(due_on=days(-30))
            now = timezone.now()
            runs = []
            for gap in gaps:
                now += datetime.timedelta(hours=gap)
                runs.append(now)
                reminders.remind_overdue(now)
            times = list(task.events.filter(step=Step.REMINDED).values_list("at", flat=True))
            self.assertEqual(times[0], runs[0])
            for before, after in zip(times, times[1:], strict=False):
                self.assertGreaterEqual(after - before, reminders.REMIND_EVERY)
            # The last run reminded unless one was sent within the day before it.
            self.assertTrue(times[-1] == runs[-1]
                            or runs[-1] - times[-1] < reminders.REMIND_EVERY)
            transaction.set_rollback(True)
