"""Task pages 督办: the list (who sees what, filters, overdue and to-accept marks, a flat query
count), setting a task and its refusals, a task's page with the forms its viewer may use, and
the actions (report done, accept, send back, withdraw): who may, and refusals on their fields."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.supervision import services
from epigrid.supervision.models import Step, Task, TaskStatus
from tests.base import PASSWORD
from tests.supervision.helpers import SupervisionTestCase, days

LIST = reverse("supervision:tasks")
NEW = reverse("supervision:task_new")


def listed(body: str) -> list[int]:
    """The ids of the tasks a list shows, in its order."""
    return [int(pk) for pk in re.findall(r'<tr id="task-(\d+)"', body)]


def url(name: str, task: Task) -> str:
    return reverse(f"supervision:{name}", args=[task.pk])


def row(body: str, task: Task) -> str:
    found = re.search(rf'<tr id="task-{task.pk}".*?</tr>', body, re.S)
    assert found is not None, f"task {task.pk} is not listed"
    return found.group()


class TaskListTests(SupervisionTestCase):
    def test_it_lists_the_tasks_each_user_sees_by_their_day(self) -> None:
        w = self.world
        later = self.task(due_in=5, title="Count the returnees")
        sooner = self.task(w.village_a1, due_in=1, title="Check the fever clinic")
        town_b = self.task(w.town_b, due_in=2, title="Close the market of Xihe")
        self.assertEqual(listed(self.client_for(w.alice).get(LIST).content.decode()),
                         [sooner.pk, later.pk])
        self.assertEqual(listed(self.client_for(w.bob).get(LIST).content.decode()),
                         [town_b.pk])
        self.assertEqual(listed(self.client_for(self.guo).get(LIST).content.decode()),
                         [sooner.pk, town_b.pk, later.pk])
        self.assertEqual(listed(self.client_for(w.stranger).get(LIST).content.decode()), [])
        body = self.client_for(w.alice).get(LIST).content.decode()
        self.assertNotIn("Xihe", body)
        self.assertIn("Qingshan District", row(body, later))  # set by the district's desk

    def test_it_filters_by_status_area_and_title(self) -> None:
        w = self.world
        in_hand = self.task(title="Close the markets")
        reported = self.task(w.village_a1, title="Count the returnees")
        services.report_done(reported, by=w.alice, report="312 counted")
        done = self.task(w.village_a2, title="Disinfect the station")
        services.report_done(done, by=w.alice, report="Done twice a day")
        services.accept(done, by=self.guo)
        withdrawn = self.task(title="Close the schools")
        services.withdraw(withdrawn, by=self.guo, note="The city closed them")
        late = self.task(w.village_a1, title="Register the visitors")
        Task.objects.filter(pk=late.pk).update(due_on=days(-1))
        client = self.client_for(self.guo)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [late.pk, in_hand.pk, reported.pk])
        self.assertEqual(ids("?status=open"), [late.pk, in_hand.pk])
        self.assertEqual(ids("?status=reported"), [reported.pk])
        self.assertEqual(ids("?status=overdue"), [late.pk])
        self.assertEqual(ids("?status=done"), [done.pk])
        self.assertEqual(ids("?status=cancelled"), [withdrawn.pk])
        self.assertEqual(len(ids("?status=any")), 5)
        self.assertEqual(ids(f"?area={w.village_a1.pk}"), [late.pk, reported.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}&status=any"), [done.pk])
        self.assertEqual(ids("?q=close&status=any"), [in_hand.pk, withdrawn.pk])

    def test_it_refuses_an_area_filter_of_another_town(self) -> None:
        w = self.world
        self.task(title="Close the markets")
        response = self.client_for(w.bob).get(LIST + f"?area={w.town_a.pk}")
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Dongcheng", response.content.decode())

    def test_it_marks_overdue_tasks_and_those_the_desk_is_to_accept(self) -> None:
        w = self.world
        late = self.task(title="Close the markets")
        Task.objects.filter(pk=late.pk).update(due_on=days(-3))
        reported = self.task(w.village_a1, title="Count the returnees")
        services.report_done(reported, by=w.alice, report="312 counted")
        desk = self.client_for(self.guo).get(LIST)
        rows = {item.task.pk: item for item in desk.context["rows"]}
        self.assertEqual((rows[late.pk].overdue, rows[late.pk].to_accept), (3, False))
        self.assertEqual((rows[reported.pk].overdue, rows[reported.pk].to_accept), (0, True))
        body = desk.content.decode()
        self.assertIn("3 days overdue", row(body, late))
        self.assertIn('class="overdue"', row(body, late))
        self.assertIn("to accept", row(body, reported))
        # The area that reported it waits on the desk: nothing for Alice to accept.
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertNotIn("to accept", row(alice, reported))
        self.assertIn("3 days overdue", row(alice, late))

    def test_it_links_the_document_for_those_who_see_it(self) -> None:
        w = self.world
        document = self.document()
        routed = self.task(document=document)
        # Town A's desk set town B a task of the district's document: Alice sees the task (her
        # desk set it), not the document (neither its desk nor this task is town A's).
        elsewhere = self.task(w.town_b, document=document, issuer_area=w.town_a)
        link = f'href="{reverse("supervision:document", args=[document.pk])}"'
        desk = self.client_for(self.guo).get(LIST).content.decode()
        self.assertIn(link, row(desk, routed))
        self.assertIn(link, row(desk, elsewhere))
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertIn(link, row(alice, routed))  # an area sees what it was routed
        self.assertIn(document.serial, row(alice, elsewhere))
        self.assertNotIn(link, row(alice, elsewhere))

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        tasks = [self.task(due_in=n + 1, title=f"Task {n}") for n in range(3)]
        client = self.client_for(self.guo)
        first = client.get(LIST + "?status=any").content.decode()
        self.assertEqual(listed(first), [tasks[0].pk, tasks[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?status=any&page=2").content.decode()),
                         [tasks[2].pk])

    def test_it_keeps_its_queries_flat_however_many_tasks(self) -> None:
        w = self.world
        client = self.client_for(self.guo)
        for number in range(2):
            self.task(title=f"Task {number}", document=self.document(title=f"Notice {number}"))
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(8):
            task = self.task(w.village_a1, title=f"More {number}")
            if number % 2:
                services.report_done(task, by=w.alice, report="Done")
        # Session, user, home area, the area menu, the count, the page; then, after its LIMIT,
        # its documents and their areas, and the tasks handed down from and theirs (none here).
        self.assertLessEqual(len(few), 8, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["rows"]), 10)


class SetTaskPageTests(SupervisionTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "title": "Close the markets",
                "instructions": "Report the markets closed by noon.",
                "due_on": days(2).isoformat()} | fields

    def test_it_sets_a_task_for_an_area_of_the_desks_own(self) -> None:
        w = self.world
        response = self.client_for(self.guo).post(NEW, self.form(), follow=True)
        task = Task.objects.get()
        self.assertRedirects(response, url("task", task))
        self.assertEqual((task.area, task.issuer_area, task.title, task.due_on, task.status,
                          task.created_by),
                         (w.town_a, w.district, "Close the markets", days(2), TaskStatus.OPEN,
                          self.guo))
        self.assertIn(f"The task is set to Dongcheng Town, due {days(2).isoformat()}.",
                      response.content.decode())

    def test_it_refuses_an_empty_title_and_a_day_past(self) -> None:
        response = self.client_for(self.guo).post(NEW, self.form(
            title="  ", due_on=days(-1).isoformat()))
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["Say what is to be done."])
        self.assertEqual(errors["due_on"], [f"{days(-1).isoformat()} has passed."])
        self.assertFalse(Task.objects.exists())
        missing = self.client_for(self.guo).post(NEW, self.form(due_on=""))
        self.assertIn("due_on", missing.context["form"].errors)

    def test_it_refuses_an_area_outside_the_desks_subtree(self) -> None:
        w = self.world
        desk_b = create_user(username="xu", password=PASSWORD, role=Role.SUPERVISOR,
                             home_area=w.town_b)
        response = self.client_for(desk_b).post(NEW, self.form(area=w.village_a1.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Village A1", response.content.decode())
        self.assertFalse(Task.objects.exists())
        # A village is accepted though its menu lists the towns only.
        self.assertEqual(self.client_for(desk_b).post(NEW, self.form(
            area=w.village_b1.pk)).status_code, 302)

    def test_it_lets_only_the_desks_in(self) -> None:
        w = self.world
        self.assertEqual(self.client_for(w.alice).get(NEW).status_code, 403)
        self.assertEqual(self.client_for(w.alice).post(NEW, self.form()).status_code, 403)
        self.assertFalse(Task.objects.exists())
        form = self.client_for(self.guo).get(NEW).context["form"]
        self.assertEqual(form.fields["area"].initial, w.district.pk)


class TaskDetailTests(SupervisionTestCase):
    def test_it_shows_the_task_its_document_and_its_history(self) -> None:
        w = self.world
        document = self.document()
        task = self.task(document=document, instructions="Every market, by noon.")
        services.report_done(task, by=w.alice, report="All 14 markets closed.")
        response = self.client_for(w.alice).get(url("task", task))
        body = response.content.decode()
        self.assertIn('<dd id="status">reported done</dd>', body)
        self.assertIn("Qingshan District", body)
        self.assertIn("Every market, by noon.", body)
        self.assertIn("All 14 markets closed.", body)
        self.assertEqual([event.step for event in response.context["events"]],
                         [Step.SET, Step.REPORTED])
        # Routed to town A: Alice reads the district's document from her task.
        link = reverse("supervision:document", args=[document.pk])
        self.assertIn(f'<a href="{link}">{document.serial} Notice on closing the markets</a>',
                      body)

    def test_it_names_a_document_the_viewer_does_not_see_without_a_link(self) -> None:
        w = self.world
        document = self.document()
        # Town A's desk set town B a task of the district's document: Alice sees the task,
        # not the document.
        task = self.task(w.town_b, document=document, issuer_area=w.town_a)
        body = self.client_for(w.alice).get(url("task", task)).content.decode()
        self.assertIn(f'<dd id="document">{document.serial} Notice on closing the markets</dd>',
                      body)
        self.assertNotIn(reverse("supervision:document", args=[document.pk]), body)

    def test_it_offers_each_viewer_the_actions_they_may_take(self) -> None:
        w = self.world
        task = self.task()
        names = ("report_form", "accept_form", "send_back_form", "withdraw_form")

        def offered(user: Any) -> list[str]:
            context = self.client_for(user).get(url("task", task)).context
            return [name for name in names if context[name] is not None]

        self.assertEqual(offered(w.alice), ["report_form"])
        self.assertEqual(offered(self.guo), ["report_form", "withdraw_form"])
        services.report_done(task, by=w.alice, report="Closed")
        self.assertEqual(offered(w.alice), [])
        self.assertEqual(offered(self.guo), ["accept_form", "send_back_form", "withdraw_form"])

    def test_it_hides_another_towns_task(self) -> None:
        task = self.task()
        bob = self.client_for(self.world.bob)
        self.assertEqual(bob.get(url("task", task)).status_code, 404)
        for name, data in (("task_report", {"report": "done"}), ("task_accept", {}),
                           ("task_send_back", {"note": "no"}), ("task_withdraw", {"note": "x"})):
            with self.subTest(name):
                self.assertEqual(bob.post(url(name, task), data).status_code, 404)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.OPEN)


class TaskActionTests(SupervisionTestCase):
    def test_it_takes_actions_by_post_only(self) -> None:
        task = self.task()
        for name in ("task_report", "task_accept", "task_send_back", "task_withdraw"):
            with self.subTest(name):
                self.assertEqual(self.client_for(self.guo).get(url(name, task)).status_code,
                                 405)

    def test_it_lets_the_area_report_a_task_done_with_a_report_only(self) -> None:
        w = self.world
        task = self.task()
        client = self.client_for(w.alice)
        refused = client.post(url("task_report", task), {"report": " "})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.context["report_form"].errors["report"],
                         ["Say what was done."])
        with self.captureOnCommitCallbacks(execute=True):
            done = client.post(url("task_report", task), {"report": "All 14 closed."},
                               follow=True)
        self.assertRedirects(done, url("task", task))
        self.assertIn("The task is reported done; the desk is told.", done.content.decode())
        task.refresh_from_db()
        self.assertEqual((task.status, task.report), (TaskStatus.REPORTED, "All 14 closed."))
        again = client.post(url("task_report", task), {"report": "Twice"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("The task is reported done, not in hand.", again.content.decode())

    def test_it_lets_only_the_desk_accept(self) -> None:
        w = self.world
        task = self.task()
        services.report_done(task, by=w.alice, report="Closed")
        self.assertEqual(self.client_for(w.alice).post(url("task_accept", task), {
            "note": "mine"}).status_code, 403)
        response = self.client_for(self.guo).post(url("task_accept", task), {"note": "Good."})
        self.assertRedirects(response, url("task", task))
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertEqual(task.events.last().note, "Good.")  # type: ignore[union-attr]

    def test_it_refuses_to_accept_a_task_in_hand_on_the_page(self) -> None:
        task = self.task()
        response = self.client_for(self.guo).post(url("task_accept", task), {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["accept_form"].non_field_errors(),
                         ["Only a task reported done is accepted or sent back."])
        self.assertIn("Only a task reported done is accepted or sent back.",
                      response.content.decode())

    def test_it_sends_back_with_a_note_and_a_new_day(self) -> None:
        w = self.world
        task = self.task()
        services.report_done(task, by=w.alice, report="Closed")
        client = self.client_for(self.guo)
        refused = client.post(url("task_send_back", task), {"note": "", "due_on": ""})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.context["send_back_form"].errors["note"],
                         ["Say why it is sent back."])
        past = client.post(url("task_send_back", task), {"note": "No photos",
                                                         "due_on": days(-2).isoformat()})
        self.assertEqual(past.context["send_back_form"].errors["due_on"],
                         [f"{days(-2).isoformat()} has passed."])
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(url("task_send_back", task), {
                "note": "Send photos of each market.", "due_on": days(5).isoformat()})
        self.assertRedirects(response, url("task", task))
        task.refresh_from_db()
        self.assertEqual((task.status, task.due_on), (TaskStatus.OPEN, days(5)))

    def test_it_withdraws_with_a_reason_only(self) -> None:
        w = self.world
        task = self.task()
        self.assertEqual(self.client_for(w.alice).post(url("task_withdraw", task), {
            "note": "not ours"}).status_code, 403)
        client = self.client_for(self.guo)
        refused = client.post(url("task_withdraw", task), {"note": ""})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.context["withdraw_form"].errors["note"],
                         ["Say why the task is withdrawn."])
        self.assertRedirects(client.post(url("task_withdraw", task), {
            "note": "The city closed them."}), url("task", task))
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.CANCELLED)
