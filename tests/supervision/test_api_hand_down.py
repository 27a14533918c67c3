"""Handing a task down 分解下达 through the API: the parts in the task's answer, refusals on
their rows with nothing written, 403 for those who see the task but do not handle it, 404 out
of sight; a part shows the task it came from and is accepted by the town."""

from __future__ import annotations

from typing import Any

from epigrid.supervision.models import Part, Task
from tests.supervision.helpers import days
from tests.supervision.test_api_tasks import errors_of, post
from tests.supervision.test_hand_down import HandDownTestCase

URL = "/api/supervision/tasks"


class HandDownApiTest(HandDownTestCase):
    def url(self, task: Task | None = None, action: str = "hand-down") -> str:
        return f"{URL}/{(task or self.town_task).pk}/{action}"

    def body(self, *rows: tuple[Any, int]) -> dict[str, Any]:
        return {"routings": [{"area": area.pk, "due_on": days(due).isoformat()}
                             for area, due in rows]}

    def test_it_answers_the_task_with_its_parts(self) -> None:
        w = self.world
        response = post(self.client_for(w.alice), self.url(),
                        self.body((w.village_a1, 2), (w.village_a2, 5)))
        self.assertEqual(response.status_code, 200, response.content)
        answer = response.json()
        self.assertEqual([(part["area_name"], part["part"], part["parent_id"])
                          for part in answer["parts"]],
                         [("Village A1", Part.LEAD, self.town_task.pk),
                          ("Village A2", Part.ASSIST, self.town_task.pk)])
        self.assertEqual(answer["history"][-1]["step"], "handed")
        # The village sees its part, where it came from, and not its sibling.
        part = self.client_for(self.wu).get(f"{URL}/{answer['parts'][0]['id']}").json()
        self.assertEqual((part["parent_id"], part["issuer_area_name"]),
                         (self.town_task.pk, "Dongcheng Town"))

    def test_it_names_the_refused_row_and_writes_nothing(self) -> None:
        w = self.world
        errors = errors_of(post(self.client_for(w.alice), self.url(),
                                self.body((w.village_a1, 2), (w.village_a2, 6))))
        self.assertEqual(list(errors), ["routings.1.due_on"])
        errors = errors_of(post(self.client_for(w.alice), self.url(),
                                self.body((w.village_a1, 2), (w.village_b1, 2))))
        self.assertEqual(list(errors), ["routings.1.area"])  # out of Alice's sight
        errors = errors_of(post(self.client_for(w.alice), self.url(), {"routings": []}))
        self.assertEqual(list(errors), ["routings"])
        self.assertFalse(self.town_task.parts.exists())

    def test_who_may_hand_down(self) -> None:
        w = self.world
        body = self.body((w.grid_a1_1, 1))
        self.assertEqual(post(self.client_for(w.bob), self.url(), body).status_code, 404)
        grid_task = self.task(w.grid_a1_1)
        self.assertEqual(post(self.client_for(w.li), self.url(grid_task), body).status_code,
                         403)
        self.assertFalse(Task.objects.filter(parent__isnull=False).exists())

    def test_the_town_accepts_what_the_village_reported(self) -> None:
        w = self.world
        [part] = self.hand(w.village_a1)
        post(self.client_for(self.wu), self.url(part, "report"), {"report": "Closed"})
        self.assertEqual(post(self.client_for(self.wu), self.url(part, "accept"),
                              {}).status_code, 403)
        accepted = post(self.client_for(w.alice), self.url(part, "accept"), {})
        self.assertEqual(accepted.json()["status"], "done")
        listed = {row["id"]: row for row in self.client_for(w.alice).get(URL).json()["items"]}
        self.assertEqual((listed[self.town_task.pk]["parts_done"],
                          listed[self.town_task.pk]["parts_total"]), (1, 1))
        self.assertEqual(post(self.client_for(w.alice), self.url(action="report"),
                              {"report": "All closed"}).json()["status"], "reported")
