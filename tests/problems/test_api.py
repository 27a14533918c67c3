"""The problems API: keyset lists with filters, a problem with its history, raise, assign,
status, close, reopen; refusals answer 422 naming the field, 404 outside the user's area and
403 without the capability."""

from __future__ import annotations

from typing import Any

from django.test import Client

from epigrid.problems import services
from epigrid.problems.models import Problem, Status
from tests.base import BaseTestCase
from tests.problems.helpers import days, raise_in, today

URL = "/api/problems"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def error_of(response: Any) -> tuple[list[str], str]:
    detail = response.json()["detail"][0]
    return detail["loc"], detail["msg"]


class ListTests(BaseTestCase):
    def test_it_pages_by_key_within_the_users_area_with_a_bounded_query_count(self) -> None:
        w = self.world
        for n in range(3):
            raise_in(w.village_a1, w.alice, f"Problem {n}")
        raise_in(w.village_b1, w.bob, "Rice")
        client = self.client_for(w.alice)
        with self.assertNumQueries(4):  # session, user, home area, rows
            first = client.get(URL, {"limit": 2}).json()
        assert [row["title"] for row in first["items"]] == ["Problem 0", "Problem 1"]
        second = client.get(URL, {"limit": 2, "after": first["next_after"]}).json()
        assert [row["title"] for row in second["items"]] == ["Problem 2"]
        assert second["next_after"] is None
        row = first["items"][0]
        assert (row["area_name"], row["level_area_name"], row["status"], row["overdue"]) == (
            "Village A1", "Village A1", "open", False)

    def test_it_filters_and_refuses_an_unknown_area(self) -> None:
        w = self.world
        done = raise_in(w.village_a2, w.alice, "Done")
        raise_in(w.village_a1, w.alice, "Open")
        services.close(done, by=w.alice, note="ok")
        client = self.client_for(w.alice)
        assert [r["title"] for r in client.get(URL, {"status": "closed"}).json()["items"]] == [
            "Done"]
        assert [r["title"] for r in client.get(URL, {"area": w.village_a1.pk}).json()[
            "items"]] == ["Open"]
        refused = self.client_for(w.bob).get(URL, {"area": w.town_a.pk})
        assert refused.status_code == 422 and error_of(refused)[0] == ["query", "area"]
        assert self.client_for(w.stranger).get(URL).json()["items"] == []


class RaiseTests(BaseTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area_id": self.world.village_a1.pk, "title": "Masks", "category": "other",
                "due_on": today().isoformat(), **fields}

    def test_it_raises_and_answers_the_problem_with_its_history(self) -> None:
        w = self.world
        response = post(self.client_for(w.alice), URL, self.body(
            urgency="critical", assignee_id=w.command.pk, assignee_unit="District depot"))
        assert response.status_code == 201
        body = response.json()
        assert (body["urgency"], body["assignee_username"], body["raised_by"]) == (
            "critical", "zhou", "alice")
        assert [step["step"] for step in body["history"]] == ["raised", "assigned"]

    def test_it_names_the_field_of_each_bad_input(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        past = post(client, URL, self.body(due_on=(today() - days(1)).isoformat()))
        assert past.status_code == 422
        assert error_of(past)[0] == ["body", "due_on"] and "in the past" in error_of(past)[1]
        blind = post(client, URL, self.body(area_id=w.village_a2.pk, assignee_id=w.li.pk))
        assert error_of(blind) == (["body", "assignee_id"],
                                   f"No user {w.li.pk} who can see Village A2.")
        missing = post(client, URL, self.body(assignee_id=999_999))
        assert error_of(missing) == (["body", "assignee_id"],
                                     "No user 999999 who can see Village A1.")
        assert post(client, URL, self.body(area_id=w.town_b.pk)).status_code == 404
        assert not Problem.objects.exists()

    def test_it_needs_the_capability_to_raise(self) -> None:
        w = self.world
        from epigrid.accounts.services import create_user
        from epigrid.core.access import Role
        from tests.base import PASSWORD

        volunteer = create_user(username="vol", password=PASSWORD, role=Role.VOLUNTEER,
                                home_area=w.village_a1)
        assert post(self.client_for(volunteer), URL, self.body()).status_code == 403


class ResolveTests(BaseTestCase):
    def test_it_assigns_changes_status_closes_and_reopens(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        client = self.client_for(w.alice)
        base = f"{URL}/{problem.pk}"
        assigned = post(client, f"{base}/assign", {"assignee_id": w.li.pk, "note": "yours"})
        assert assigned.json()["assignee_username"] == "li"
        assert assigned.json()["history"][-1]["due_on"] is None
        past = post(client, f"{base}/assign", {"assignee_id": w.li.pk,
                                               "due_on": (today() - days(1)).isoformat()})
        assert past.status_code == 422 and error_of(past)[0] == ["body", "due_on"]
        due = (today() + days(5)).isoformat()
        moved = post(client, f"{base}/assign", {"assignee_unit": "Town A logistics",
                                                "due_on": due}).json()
        assert (moved["due_on"], moved["history"][-1]["due_on"]) == (due, due)
        assert post(client, f"{base}/status", {"status": "in_progress"}).json()[
            "status"] == "in_progress"
        no_note = post(client, f"{base}/close", {"note": " "})
        assert no_note.status_code == 422 and error_of(no_note)[0] == ["body", "note"]
        closed = post(client, f"{base}/close", {"note": "done"}).json()
        assert (closed["status"], closed["close_note"]) == ("closed", "done")
        again = post(client, f"{base}/close", {"note": "done"})
        assert error_of(again)[0] == ["body", "status"]
        reopened = post(client, f"{base}/reopen", {"note": "not done"}).json()
        assert reopened["status"] == Status.OPEN
        assert [s["step"] for s in reopened["history"]] == [
            "raised", "assigned", "assigned", "status", "closed", "reopened"]

    def test_it_refuses_by_role_and_by_area(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        base = f"{URL}/{problem.pk}"
        assert post(self.client_for(w.li), f"{base}/close", {"note": "x"}).status_code == 403
        assert post(self.client_for(w.bob), f"{base}/close", {"note": "x"}).status_code == 404
        assert self.client_for(w.bob).get(base).status_code == 404
        assert self.client_for(w.command).get(base).status_code == 200
        blind = post(self.client_for(w.alice), f"{base}/assign", {"assignee_id": w.bob.pk})
        assert error_of(blind)[0] == ["body", "assignee_id"]
        nobody = post(self.client_for(w.alice), f"{base}/assign", {"note": "?"})
        assert error_of(nobody)[0] == ["body", "assignee_unit"]
        closing = post(self.client_for(w.alice), f"{base}/status", {"status": "closed"})
        assert closing.status_code == 422  # close through /close, which needs a note
