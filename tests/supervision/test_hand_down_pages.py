"""The task page's handing down 分解下达: the form for those handling the task, its refusals on
their rows, the parts listed, a part's page, and the list's "to accept" for the town."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.supervision import services
from epigrid.supervision.models import Step, Task, TaskStatus
from tests.supervision.helpers import days
from tests.supervision.test_hand_down import HandDownTestCase


def url(name: str, task: Task) -> str:
    return reverse(f"supervision:{name}", args=[task.pk])


def rows(**given: Any) -> dict[str, str]:
    """The hand-down form's fields, row by row (`area_0=...`)."""
    return {name: str(value) for name, value in given.items()}


class HandDownPageTest(HandDownTestCase):
    def test_it_offers_the_villages_of_the_town_to_those_handling_the_task(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(url("task", self.town_task))
        form = response.context["hand_down_form"]
        offered = {value for value, _label in form.fields["area_0"].choices[1:]}
        self.assertEqual(offered, {w.village_a1.pk, w.village_a2.pk})
        self.assertIn('id="hand-down-form"', response.content.decode())
        # The desk that set it decides on it; it does not hand it down.
        desk = self.client_for(self.guo).get(url("task", self.town_task))
        self.assertIsNotNone(desk.context["hand_down_form"])  # a supervisor handles tasks too
        grid_task = self.task(w.grid_a1_1)
        self.assertIsNone(self.client_for(w.alice).get(url("task", grid_task))
                          .context["hand_down_form"])  # nothing below a grid

    def test_it_hands_down_and_lists_the_parts(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        response = client.post(url("task_hand_down", self.town_task), rows(
            area_0=w.village_a1.pk, part_0="lead", due_on_0=days(2), instructions_0="Home 1",
            area_1=w.village_a2.pk, part_1="assist", due_on_1=days(5)), follow=True)
        self.assertRedirects(response, url("task", self.town_task))
        parts = list(self.town_task.parts.order_by("pk"))
        self.assertEqual([(part.area, part.part, part.due_on) for part in parts],
                         [(w.village_a1, "lead", days(2)), (w.village_a2, "assist", days(5))])
        body = response.content.decode()
        self.assertEqual(re.findall(r'<tr id="part-(\d+)"', body),
                         [str(part.pk) for part in parts])
        self.assertIn("The task is handed down to 2 areas.", body)

    def test_a_refused_row_is_named_and_nothing_is_handed_down(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(url("task_hand_down", self.town_task), rows(
            area_0=w.village_a1.pk, due_on_0=days(2), area_2=w.village_a2.pk,
            due_on_2=days(9)))
        self.assertEqual(response.status_code, 400)
        form = response.context["hand_down_form"]
        self.assertEqual(form.errors["due_on_2"],
                         [f"The task is due {days(5).isoformat()}: its parts are due by then."])
        self.assertIn('id="hand-down-3-errors"', response.content.decode())
        self.assertFalse(self.town_task.parts.exists())

    def test_an_area_of_another_town_posted_by_hand_is_refused_on_its_row(self) -> None:
        w = self.world
        response = self.client_for(self.world.command).post(
            url("task_hand_down", self.town_task),
            rows(area_0=w.village_b1.pk, due_on_0=days(2)))
        self.assertEqual(response.context["hand_down_form"].errors["area_0"],
                         ["Village B1 is not under Dongcheng Town."])

    def test_who_may_hand_down(self) -> None:
        w = self.world
        data = rows(area_0=w.grid_a1_1.pk, due_on_0=days(1))
        self.assertEqual(self.client_for(w.bob).post(url("task_hand_down", self.town_task),
                                                     data).status_code, 404)
        grid_task = self.task(w.grid_a1_1)
        self.assertEqual(self.client_for(w.li).post(url("task_hand_down", grid_task),
                                                    data).status_code, 403)
        self.assertEqual(self.client_for(w.li).get(url("task", grid_task)).status_code, 200)
        self.assertFalse(Task.objects.filter(parent__isnull=False).exists())


class PartPageTest(HandDownTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client_for(self.world.alice).post(url("task_hand_down", self.town_task), rows(
            area_0=self.world.village_a1.pk, due_on_0=days(2)))
        self.part = self.town_task.parts.get()

    def test_the_village_sees_where_its_part_came_from_without_a_link_it_cannot_open(
            self) -> None:
        body = self.client_for(self.wu).get(url("task", self.part)).content.decode()
        parent = re.search(r'<dd id="parent">(.*?)</dd>', body, re.S)
        assert parent is not None
        self.assertEqual(parent.group(1), "the task of Dongcheng Town")
        self.assertEqual(self.client_for(self.wu).get(url("task", self.town_task)).status_code,
                         404)
        town = self.client_for(self.world.alice).get(url("task", self.part)).content.decode()
        self.assertIn(f'href="{url("task", self.town_task)}"', town)

    def test_the_town_accepts_the_part_the_village_reported(self) -> None:
        w = self.world
        self.client_for(self.wu).post(url("task_report", self.part), {"report": "Closed"})
        village = self.client_for(self.wu).get(url("task", self.part))
        self.assertIsNone(village.context["accept_form"])
        self.assertEqual(self.client_for(self.wu).post(url("task_accept", self.part),
                                                       {"note": ""}).status_code, 403)
        listed = self.client_for(w.alice).get(reverse("supervision:tasks"))
        row = {item.task.pk: item for item in listed.context["rows"]}[self.part.pk]
        self.assertTrue(row.to_accept)
        self.assertRedirects(self.client_for(w.alice).post(url("task_accept", self.part),
                                                           {"note": "Good"}),
                             url("task", self.part))
        self.part.refresh_from_db()
        self.assertEqual(self.part.status, TaskStatus.DONE)

    def test_the_towns_report_is_refused_on_its_form_while_a_part_is_in_hand(self) -> None:
        response = self.client_for(self.world.alice).post(url("task_report", self.town_task),
                                                          {"report": "All closed"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["report_form"].non_field_errors(),
                         ["1 part handed down is still in hand."])
        self.assertIn(str(Step.HANDED_DOWN.label), self.client_for(self.world.alice).get(
            url("task", self.town_task)).content.decode())

    def test_the_task_page_reads_its_parts_in_flat_queries(self) -> None:
        client = self.client_for(self.world.alice)
        client.get(url("task", self.town_task))
        with CaptureQueriesContext(connection) as one:
            client.get(url("task", self.town_task))
        services.set_task(self.world.village_a2, by=self.world.alice, title="More",
                          due_on=days(1), parent=self.town_task,
                          issuer_area=self.world.town_a)
        services.set_task(self.world.grid_a1_1, by=self.world.alice, title="More",
                          due_on=days(1), parent=self.town_task,
                          issuer_area=self.world.town_a)
        with CaptureQueriesContext(connection) as three:
            client.get(url("task", self.town_task))
        self.assertEqual(len(three), len(one))


class TaskListPartsTest(HandDownTestCase):
    def test_it_says_how_many_parts_are_completed_beside_the_task(self) -> None:
        w = self.world
        done, _in_hand, withdrawn = self.hand(w.village_a1, w.village_a2, w.grid_a1_1)
        services.report_done(done, by=self.wu, report="Closed")
        services.accept(done, by=w.alice)
        services.withdraw(withdrawn, by=w.alice, note="Not needed")
        body = self.client_for(w.alice).get(reverse("supervision:tasks")).content.decode()
        found = re.search(rf'<tr id="task-{self.town_task.pk}".*?</tr>', body, re.S)
        assert found is not None
        self.assertIn("parts: 1 of 2 completed", found.group())
        self.assertEqual(body.count('class="muted parts-done"'), 1)  # the parts have none
