"""Supervised tasks through the API: set by a desk (SUPERVISE) for an area of its subtree, the
area told; listed by key from both ends (pending by default, overdue, by area subtree, by
title); shown with their history; reported done by the handling area (the desk told), accepted,
sent back (the area told) or withdrawn by the desk that set them; refusals naming the field
with nothing written, 403 for the wrong side, 404 for a task out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Receipt
from epigrid.core.access import Role
from epigrid.supervision import services
from epigrid.supervision.models import Task, TaskEvent, TaskStatus
from tests.base import PASSWORD
from tests.supervision.helpers import SupervisionTestCase, days

URL = "/api/supervision/tasks"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name, `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


def inbox(user: Any) -> list[str]:
    return list(Receipt.objects.filter(user=user).order_by("pk")
                .values_list("notice__title", flat=True))


class SetTests(SupervisionTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "title": "Close the markets",
                "instructions": "Every wet market by Friday.", "due_on": days(3).isoformat(),
                **fields}

    def test_it_sets_the_area_a_task_and_tells_it(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            response = post(self.client_for(self.guo), URL, self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["issuer_area_name"], body["title"], body["due_on"],
                body["status"], body["overdue"], body["created_by"], body["document_id"]) == (
            "Dongcheng Town", "Qingshan District", "Close the markets", days(3).isoformat(),
            "open", False, "guo", None)
        assert [(step["step"], step["by"], step["note"]) for step in body["history"]] == [
            ("set", "guo", "Every wet market by Friday.")]
        stored = Task.objects.get(pk=body["id"])
        assert (stored.area, stored.issuer_area, stored.created_by) == (
            w.town_a, w.district, self.guo)
        assert inbox(w.alice) == ["New task: Close the markets"] and inbox(w.bob) == []

    def test_it_names_each_bad_input_and_needs_a_supervising_role(self) -> None:
        w = self.world
        guo = self.client_for(self.guo)
        assert errors_of(post(guo, URL, self.body(title="  "))) == {
            "title": "Say what is to be done."}
        assert errors_of(post(guo, URL, self.body(due_on=days(-1).isoformat()))) == {
            "due_on": f"{days(-1).isoformat()} has passed."}
        for area in (w.city.pk, 999_999):
            assert list(errors_of(post(guo, URL, self.body(area=area)))) == ["area"]
        assert list(errors_of(post(guo, URL, self.body(title="x" * 201)))) == ["title"]
        for user in (w.alice, w.li, w.medic, w.stranger):
            assert post(self.client_for(user), URL, self.body()).status_code == 403
        assert not Task.objects.exists()


class ListTests(SupervisionTestCase):
    def test_it_lists_the_pending_by_default_from_both_ends(self) -> None:
        w = self.world
        markets = self.task(title="Close the markets")
        village = self.task(w.village_a1, title="Count the returnees")
        reported = self.task(title="Put up notices")
        services.report_done(reported, by=w.alice, report="Notices up.")
        done = self.task(title="Disinfect the station")
        services.report_done(done, by=w.alice, report="Done.")
        services.accept(done, by=self.guo)
        withdrawn = self.task(title="Close the school")
        services.withdraw(withdrawn, by=self.guo, note="Closed already")
        late = self.task(title="Check the hotel", area=w.town_b)
        Task.objects.filter(pk=late.pk).update(due_on=days(-2))
        guo = self.client_for(self.guo)
        assert [row["id"] for row in guo.get(URL).json()["items"]] == [
            markets.pk, village.pk, reported.pk, late.pk]
        overdue = guo.get(URL, {"status": "overdue"}).json()["items"]
        assert [(row["id"], row["overdue"]) for row in overdue] == [(late.pk, True)]
        assert [row["id"] for row in guo.get(URL, {"status": "done"}).json()["items"]] == [
            done.pk]
        assert len(guo.get(URL, {"status": "any"}).json()["items"]) == 6
        assert [row["id"] for row in guo.get(URL, {"area": w.village_a1.pk}).json()[
            "items"]] == [village.pk]
        assert [row["id"] for row in guo.get(URL, {"q": "RETURNEES"}).json()["items"]] == [
            village.pk]
        # The area's end: Alice sees town A's, Bob town B's; the desk's end sees them all.
        alice = self.client_for(w.alice).get(URL, {"status": "any"}).json()["items"]
        assert {row["area_name"] for row in alice} == {"Dongcheng Town", "Village A1"}
        assert [row["id"] for row in self.client_for(w.bob).get(URL).json()["items"]] == [
            late.pk]
        refused = self.client_for(w.bob).get(URL, {"area": w.town_a.pk})
        assert list(errors_of(refused)) == ["area"]

    def test_it_pages_by_key_every_task_once(self) -> None:
        tasks = [self.task(title=f"Task {n}") for n in range(5)]
        client = self.client_for(self.world.alice)
        seen, after = [], None
        while True:
            page = client.get(URL, {"limit": 2} | ({"after": after} if after else {})).json()
            seen += [row["id"] for row in page["items"]]
            after = page["next_after"]
            if after is None:
                break
        assert seen == [task.pk for task in tasks]

    def test_it_keeps_its_queries_flat_however_many_tasks(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        for n in range(2):
            self.task(title=f"Task {n}")
        # session, user, home area, a page of tasks (with both areas and who set it)
        with self.assertNumQueries(4):
            assert len(client.get(URL).json()["items"]) == 2
        for n in range(8):
            self.task((w.village_a1, w.town_b)[n % 2], title=f"More {n}",
                      by=(self.guo, w.command)[n % 2])
        with self.assertNumQueries(4):
            assert len(client.get(URL).json()["items"]) == 10


class ActionTests(SupervisionTestCase):
    def url(self, task: Task, action: str = "") -> str:
        return f"{URL}/{task.pk}/{action}" if action else f"{URL}/{task.pk}"

    def test_it_shows_a_task_with_its_history_to_both_ends_only(self) -> None:
        w = self.world
        task = self.task()
        services.report_done(task, by=w.alice, report="Markets closed.")
        body = self.client_for(w.alice).get(self.url(task)).json()
        assert (body["status"], body["report"]) == ("reported", "Markets closed.")
        assert [(step["step"], step["by"]) for step in body["history"]] == [
            ("set", "guo"), ("reported", "alice")]
        assert self.client_for(self.guo).get(self.url(task)).status_code == 200
        for client in (self.client_for(w.bob), self.client_for(w.li)):
            assert client.get(self.url(task)).status_code == 404
        assert self.client_for(w.alice).get(f"{URL}/999999").status_code == 404

    def test_the_area_reports_it_done_and_the_desk_is_told(self) -> None:
        w = self.world
        task = self.task()
        alice = self.client_for(w.alice)
        assert errors_of(post(alice, self.url(task, "report"), {"report": " "})) == {
            "report": "Say what was done."}
        assert post(self.client_for(w.bob), self.url(task, "report"),
                    {"report": "x"}).status_code == 404
        with self.captureOnCommitCallbacks(execute=True):
            response = post(alice, self.url(task, "report"), {"report": "Markets closed."})
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "reported"
        task.refresh_from_db()
        assert (task.status, task.report) == (TaskStatus.REPORTED, "Markets closed.")
        assert inbox(self.guo) == ["Reported done: Close the markets"]
        again = post(alice, self.url(task, "report"), {"report": "Again."})
        assert list(errors_of(again)) == [""]

    def test_only_those_handling_the_area_report(self) -> None:
        w = self.world
        grid = self.task(w.grid_a1_1, title="Visit the elderly")  # Li sees it, may not handle
        response = post(self.client_for(w.li), self.url(grid, "report"), {"report": "Done"})
        assert response.status_code == 403
        assert response.json()["detail"] == "Only the area handling the task reports on it."
        assert Task.objects.get(pk=grid.pk).status == TaskStatus.OPEN

    def test_the_desk_accepts_or_sends_back_and_the_area_is_told(self) -> None:
        w = self.world
        accepted, returned = self.task(), self.task(title="Put up notices")
        for task in (accepted, returned):
            services.report_done(task, by=w.alice, report="Done.")
        guo = self.client_for(self.guo)
        assert post(self.client_for(w.alice), self.url(accepted, "accept"),
                    {}).status_code == 403  # the area does not accept its own work
        body = post(guo, self.url(accepted, "accept"), {"note": "Seen on site."}).json()
        assert (body["status"], body["history"][-1]["note"]) == ("done", "Seen on site.")
        assert Task.objects.get(pk=accepted.pk).closed_at is not None
        assert errors_of(post(guo, self.url(returned, "send-back"), {})) == {
            "note": "Say why it is sent back."}
        past = post(guo, self.url(returned, "send-back"),
                    {"note": "x", "due_on": days(-1).isoformat()})
        assert list(errors_of(past)) == ["due_on"]
        with self.captureOnCommitCallbacks(execute=True):
            sent = post(guo, self.url(returned, "send-back"),
                        {"note": "Two notices missing.", "due_on": days(5).isoformat()})
        assert (sent.json()["status"], sent.json()["due_on"]) == ("open", days(5).isoformat())
        assert inbox(w.alice)[-1] == "Sent back: Put up notices"
        assert list(TaskEvent.objects.filter(task=returned).values_list("step", "due_on"))[
            -1] == ("returned", days(5))
        assert list(errors_of(post(guo, self.url(returned, "accept"), {}))) == [""]

    def test_the_desk_withdraws_and_only_the_desk_that_set_it(self) -> None:
        w = self.world
        task = self.task(w.village_a1)  # set by the district's desk
        chen = create_user(username="chen", password=PASSWORD, role=Role.COMMAND,
                           home_area=w.town_a)
        assert post(self.client_for(chen), self.url(task, "withdraw"),
                    {"note": "x"}).status_code == 403  # town A supervises, but did not set it
        assert post(self.client_for(w.bob), self.url(task, "withdraw"),
                    {"note": "x"}).status_code == 404
        guo = self.client_for(self.guo)
        assert list(errors_of(post(guo, self.url(task, "withdraw"), {}))) == ["note"]
        body = post(guo, self.url(task, "withdraw"), {"note": "No longer needed."}).json()
        assert (body["status"], body["history"][-1]["step"]) == ("cancelled", "cancelled")
        assert Task.objects.get(pk=task.pk).status == TaskStatus.CANCELLED
