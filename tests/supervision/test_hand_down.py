"""Handing a task down 分解下达: the town passes parts of the district's task to its villages,
decides on them, and reports its own task once none is still in hand."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.alerts.models import Receipt
from epigrid.areas.models import Area
from epigrid.core.access import Role
from epigrid.supervision import access, documents, handing, services
from epigrid.supervision.documents import Routing
from epigrid.supervision.models import Document, Part, Step, Task, TaskStatus
from tests.base import PASSWORD
from tests.supervision.helpers import SupervisionTestCase, days


class HandDownTestCase(SupervisionTestCase):
    """Guo's task for town A, due in 5 days; Wu, the officer of village A1."""

    wu: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.wu = create_user(username="wu", password=PASSWORD, role=Role.AREA_OFFICER,
                             home_area=cls.world.village_a1)

    def setUp(self) -> None:
        super().setUp()
        self.town_task = self.task(due_in=5, instructions="Every nursing home")

    def hand(self, *areas: Area, due_in: int = 3, by: Any = None, task: Task | None = None,
             **fields: Any) -> list[Task]:
        fields.setdefault("part", Part.ASSIST)  # as the API's rows: the first leads
        routings = [Routing(area, days(due_in), **fields) for area in areas]
        return handing.hand_down(task or self.town_task, routings, by=by or self.world.alice)

    def refusal(self, *areas: Area, **kwargs: Any) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as refused:
            self.hand(*areas, **kwargs)
        return refused.exception.message_dict


class HandDownTest(HandDownTestCase):
    def test_it_gives_each_village_a_part_set_by_the_towns_desk(self) -> None:
        w = self.world
        first, second = self.hand(w.village_a1, w.village_a2, instructions="Both homes")
        for part in (first, second):
            self.assertEqual((part.parent, part.issuer_area, part.created_by, part.title,
                              part.due_on, part.status),
                             (self.town_task, w.town_a, w.alice, "Close the markets", days(3),
                              TaskStatus.OPEN))
        self.assertEqual([first.area, second.area], [w.village_a1, w.village_a2])
        self.assertEqual([first.part, second.part], [Part.LEAD, Part.ASSIST])
        event = self.town_task.events.get(step=Step.HANDED_DOWN)
        self.assertEqual((event.by, event.note), (w.alice, "Village A1, Village A2"))

    def test_it_tells_the_villages_officers(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.hand(self.world.village_a1)
        receipt = Receipt.objects.get(user=self.wu)
        self.assertEqual(receipt.notice.title, "New task: Close the markets")

    def test_a_part_may_be_due_on_the_tasks_day_and_not_after(self) -> None:
        self.hand(self.world.village_a1, due_in=5)
        errors = self.refusal(self.world.village_a2, due_in=6)
        self.assertEqual(list(errors), ["routings.0.due_on"])
        self.assertIn(days(5).isoformat(), errors["routings.0.due_on"][0])

    def test_it_refuses_the_tasks_own_area_and_one_beside_it(self) -> None:
        w = self.world
        errors = self.refusal(w.village_a1, w.town_a, w.village_b1, by=self.guo)
        self.assertEqual(set(errors), {"routings.1.area", "routings.2.area"})
        self.assertEqual(errors["routings.2.area"], ["Village B1 is not under Dongcheng Town."])
        self.assertFalse(self.town_task.parts.exists())

    def test_it_goes_down_to_a_grid(self) -> None:
        [part] = self.hand(self.world.grid_a1_1)
        self.assertEqual(part.area, self.world.grid_a1_1)

    def test_it_refuses_no_area_and_an_area_named_twice(self) -> None:
        self.assertEqual(list(self.refusal()), ["areas"])
        self.assertEqual(list(self.refusal(self.world.village_a1, self.world.village_a1)),
                         ["areas"])

    def test_an_area_holding_a_part_in_hand_is_refused_until_it_is_closed(self) -> None:
        [part] = self.hand(self.world.village_a1)
        errors = self.refusal(self.world.village_a1)
        self.assertEqual(errors["areas"], ["Village A1 already holds a part of this task."])
        services.withdraw(part, by=self.world.alice, note="Wrong village")
        [again] = self.hand(self.world.village_a1)
        self.assertEqual(again.part, Part.LEAD)  # the lead withdrawn, the next one leads

    def test_a_later_row_assists_while_a_lead_is_in_hand(self) -> None:
        self.hand(self.world.village_a1)
        [second] = self.hand(self.world.village_a2)
        self.assertEqual(second.part, Part.ASSIST)

    def test_only_a_task_in_hand_is_handed_down(self) -> None:
        services.report_done(self.town_task, by=self.world.alice, report="Done")
        self.assertEqual(list(self.refusal(self.world.village_a1)), ["__all__"])

    def test_it_carries_the_document_which_the_village_then_reads(self) -> None:
        document = self.document()
        [town_task] = documents.route(document, [Routing(self.world.town_a, days(4))],
                                      by=self.guo)
        self.assertFalse(Document.objects.restrict(self.wu).filter(pk=document.pk).exists())
        [part] = self.hand(self.world.village_a1, task=town_task)
        self.assertEqual(part.document, document)
        self.assertTrue(Document.objects.restrict(self.wu).filter(pk=document.pk).exists())


class DecidingOnAPartTest(HandDownTestCase):
    def setUp(self) -> None:
        super().setUp()
        [self.part] = self.hand(self.world.village_a1)

    def test_the_town_decides_on_its_villages_part_and_the_village_does_not(self) -> None:
        part = Task.objects.select_related("parent__area").get(pk=self.part.pk)
        w = self.world
        self.assertEqual([access.may_decide(user, part) for user in (w.alice, self.wu, w.bob)],
                         [True, False, False])
        self.assertTrue(access.may_handle(self.wu, part))

    def test_the_village_reports_and_the_town_is_told(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.report_done(self.part, by=self.wu, report="Both homes closed")
        self.assertEqual(Receipt.objects.get(user=self.world.alice).notice.title,
                         "Reported done: Close the markets")

    def test_the_town_reports_only_once_no_part_is_in_hand(self) -> None:
        alice = self.world.alice
        with self.assertRaises(ValidationError) as refused:
            services.report_done(self.town_task, by=alice, report="Done")
        self.assertEqual(refused.exception.message_dict["__all__"],
                         ["1 part handed down is still in hand."])
        services.report_done(self.part, by=self.wu, report="Closed")
        with self.assertRaises(ValidationError):  # reported is still pending: the town decides
            services.report_done(self.town_task, by=alice, report="Done")
        services.accept(self.part, by=alice)
        services.report_done(self.town_task, by=alice, report="Done")
        self.town_task.refresh_from_db()
        self.assertEqual(self.town_task.status, TaskStatus.REPORTED)

    def test_withdrawing_the_task_withdraws_its_parts_in_hand_down_the_tree(self) -> None:
        w = self.world
        [grid_part] = self.hand(w.grid_a1_1, task=self.part, by=self.wu)
        [done] = self.hand(w.village_a2)
        services.report_done(done, by=w.alice, report="Closed")
        services.accept(done, by=w.alice)
        services.withdraw(self.town_task, by=self.guo, note="The city lifted it")
        statuses = dict(Task.objects.values_list("pk", "status"))
        self.assertEqual([statuses[task.pk] for task in (self.town_task, self.part, grid_part,
                                                          done)],
                         [TaskStatus.CANCELLED, TaskStatus.CANCELLED, TaskStatus.CANCELLED,
                          TaskStatus.DONE])
        note = "Withdrawn with the task it was handed down from: The city lifted it"
        for task in (self.part, grid_part):
            self.assertEqual(task.events.get(step=Step.CANCELLED).note, note)
