"""Supervised tasks 督办: set, reported done, accepted or sent back, withdrawn."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from epigrid.alerts.models import Receipt
from epigrid.supervision import access, services
from epigrid.supervision.models import Step, TaskStatus
from tests.supervision.helpers import SupervisionTestCase, days


def told() -> set[str]:
    return set(Receipt.objects.values_list("user__username", flat=True))


class SetTaskTest(SupervisionTestCase):
    def test_it_tells_the_towns_officers_and_nobody_below_or_beside(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            task = self.task()
        self.assertEqual(told(), {"alice"})
        notice = Receipt.objects.get().notice
        self.assertEqual(notice.title, "New task: Close the markets")
        self.assertTrue(notice.link.endswith(f"/supervision/tasks/{task.pk}/"))

    def test_it_tells_the_command_of_a_district(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.task(area=self.world.district)
        self.assertEqual(told(), {"zhou"})

    def test_it_is_set_by_the_desks_own_area_and_written_in_the_history(self) -> None:
        task = self.task(instructions="All six markets, by Friday")
        self.assertEqual((task.issuer_area, task.status), (self.world.district, TaskStatus.OPEN))
        event = task.events.get()
        self.assertEqual((event.step, event.by, event.note, event.due_on),
                         (Step.SET, self.guo, "All six markets, by Friday", days(3)))

    def test_it_takes_today_and_refuses_yesterday(self) -> None:
        self.task(due_in=0)
        with self.assertRaises(ValidationError) as refused:
            self.task(due_in=-1)
        self.assertEqual(list(refused.exception.message_dict), ["due_on"])

    def test_it_names_every_wrong_field_at_once(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.task(title="  ", due_in=-2, part="boss")
        self.assertEqual(set(refused.exception.message_dict), {"title", "due_on", "part"})

    def test_it_refuses_an_area_the_desk_does_not_see(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.task(area=self.world.town_b, by=self.world.alice)
        self.assertEqual(list(refused.exception.message_dict), ["area"])

    def test_a_desk_may_back_date_what_it_set(self) -> None:
        """The demo's and an import's past: due on or after the day it was set."""
        week_ago = timezone.now() - datetime.timedelta(days=7)
        task = self.task(due_in=-3, at=week_ago)
        self.assertEqual(task.events.get().at, week_ago)


class ReportAndDecideTest(SupervisionTestCase):
    def test_it_goes_round_report_send_back_report_accept(self) -> None:
        w = self.world
        task = self.task()
        with self.captureOnCommitCallbacks(execute=True):
            services.report_done(task, by=w.alice, report="Five of six closed")
        self.assertEqual(told(), {"guo"})  # the desk that set it
        self.assertEqual(Receipt.objects.get(user=self.guo).notice.title,
                         "Reported done: Close the markets")
        with self.captureOnCommitCallbacks(execute=True):
            services.send_back(task, by=self.guo, note="The sixth too", due_on=days(5))
        task.refresh_from_db()
        self.assertEqual((task.status, task.due_on, task.reported_at),
                         (TaskStatus.OPEN, days(5), None))
        self.assertEqual(Receipt.objects.get(user=w.alice).notice.title,
                         "Sent back: Close the markets")
        services.report_done(task, by=w.alice, report="All six closed")
        services.accept(task, by=self.guo, note="Checked on site")
        task.refresh_from_db()
        self.assertEqual((task.status, task.report), (TaskStatus.DONE, "All six closed"))
        self.assertIsNotNone(task.closed_at)
        self.assertEqual(list(task.events.values_list("step", flat=True)),
                         [Step.SET, Step.REPORTED, Step.RETURNED, Step.REPORTED, Step.ACCEPTED])

    def test_it_accepts_only_a_reported_task(self) -> None:
        task = self.task()
        for decide in (lambda: services.accept(task, by=self.guo),
                       lambda: services.send_back(task, by=self.guo, note="no")):
            with self.assertRaises(ValidationError) as refused:
                decide()
            self.assertEqual(list(refused.exception.message_dict), ["__all__"])

    def test_a_report_says_what_was_done_and_only_once(self) -> None:
        task = self.task()
        with self.assertRaises(ValidationError) as refused:
            services.report_done(task, by=self.world.alice, report=" ")
        self.assertEqual(list(refused.exception.message_dict), ["report"])
        services.report_done(task, by=self.world.alice, report="Done")
        with self.assertRaises(ValidationError):
            services.report_done(task, by=self.world.alice, report="Done again")

    def test_sending_back_says_why_and_refuses_a_past_day(self) -> None:
        task = self.task()
        services.report_done(task, by=self.world.alice, report="Done")
        with self.assertRaises(ValidationError) as refused:
            services.send_back(task, by=self.guo, note="", due_on=days(-1))
        self.assertEqual(set(refused.exception.message_dict), {"note", "due_on"})

    def test_a_new_day_starts_the_reminders_again(self) -> None:
        task = self.task()
        type(task).objects.filter(pk=task.pk).update(reminders=3,
                                                     reminded_at=timezone.now())
        services.report_done(task, by=self.world.alice, report="Done")
        services.send_back(task, by=self.guo, note="Not yet", due_on=days(2))
        task.refresh_from_db()
        self.assertEqual((task.reminders, task.reminded_at), (0, None))

    def test_it_withdraws_a_pending_task_with_a_reason_once(self) -> None:
        task = self.task()
        with self.assertRaises(ValidationError) as refused:
            services.withdraw(task, by=self.guo, note="")
        self.assertEqual(list(refused.exception.message_dict), ["note"])
        services.withdraw(task, by=self.guo, note="Markets reopened by the city")
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.CANCELLED)
        with self.assertRaises(ValidationError):
            services.withdraw(task, by=self.guo, note="again")


class WhoMayTest(SupervisionTestCase):
    def test_the_area_handles_and_the_desk_decides(self) -> None:
        w = self.world
        task = access.get_task_for_user(w.alice, self.task().pk)
        self.assertEqual([access.may_handle(u, task) for u in (w.alice, w.bob, self.guo, w.li)],
                         [True, False, True, False])
        self.assertEqual([access.may_decide(u, task) for u in (w.alice, self.guo, w.command)],
                         [False, True, True])

    def test_a_town_desk_decides_on_what_it_set_its_village(self) -> None:
        w = self.world
        task = self.task(area=w.village_a1, by=w.command, issuer_area=w.town_a)
        self.assertFalse(access.may_decide(w.alice, task))  # an officer does not supervise
        self.assertTrue(access.may_decide(self.guo, task))

    def test_the_town_sees_its_task_and_the_other_town_does_not(self) -> None:
        w = self.world
        task = self.task()
        self.assertEqual(access.get_task_for_user(w.alice, task.pk), task)
        from django.http import Http404
        with self.assertRaises(Http404):
            access.get_task_for_user(w.bob, task.pk)

    def test_a_village_officer_sees_the_task_the_village_set_below_it(self) -> None:
        """Seen from the desk that set it as from the area that handles it."""
        from epigrid.accounts.services import create_user
        from epigrid.supervision.models import Task
        w = self.world
        chen = create_user(username="chen", password="x", role="area_officer",
                           home_area=w.village_a1)
        task = self.task(area=w.grid_a1_1, issuer_area=w.village_a1)
        self.assertIn(task, Task.objects.restrict(chen))
        self.assertNotIn(self.task(), Task.objects.restrict(chen))
