"""Volunteer projects 志愿服务项目 through the API: opened by those who keep an area's
volunteers (MANAGE_VOLUNTEERS), listed by key with filters, each with the hours served on it and
the volunteers who served it summed in the list's query; a project closed; refusals naming the
field with nothing written, 403 for the wrong role, 404 for a project out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.volunteers.models import Project, ProjectKind
from tests.volunteers.helpers import VolunteersTestCase, days

URL = "/api/volunteers"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name, `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


class OpenTests(VolunteersTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "kind": "care", "name": "Meals for the elderly",
                "description": "Lunch to those living alone.", "volunteers_needed": 12,
                "starts_on": days(-3).isoformat(), "ends_on": days(20).isoformat(), **fields}

    def test_it_opens_a_project_in_the_area(self) -> None:
        w = self.world
        response = post(self.client_for(w.alice), f"{URL}/projects", self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["kind"], body["name"], body["description"],
                body["volunteers_needed"], body["starts_on"], body["ends_on"],
                body["closed_on"], body["open"], body["hours"], body["volunteers"],
                body["created_by"]) == (
            "Dongcheng Town", "care", "Meals for the elderly", "Lunch to those living alone.",
            12, days(-3).isoformat(), days(20).isoformat(), None, True, "0.0", 0, "alice")
        assert Project.objects.get(pk=body["id"]).created_by == w.alice

    def test_it_names_each_refusal_and_writes_nothing(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        self.project(name="Meals for the elderly")
        taken = errors_of(post(alice, f"{URL}/projects", self.body()))
        assert list(taken) == ["name"] and "Dongcheng Town" in taken["name"]
        assert list(errors_of(post(alice, f"{URL}/projects", self.body(
            name="Other", kind="choir")))) == ["kind"]
        assert list(errors_of(post(alice, f"{URL}/projects", self.body(
            name="Other", starts_on=days(31).isoformat(), ends_on=None)))) == ["starts_on"]
        assert list(errors_of(post(alice, f"{URL}/projects", self.body(
            name="Other", ends_on=days(-4).isoformat())))) == ["ends_on"]
        assert list(errors_of(post(alice, f"{URL}/projects", self.body(
            name="Other", volunteers_needed=-1)))) == ["volunteers_needed"]
        assert list(errors_of(post(alice, f"{URL}/projects", self.body(name=" ")))) == ["name"]
        # Town B is as unknown to Alice as an area that does not exist.
        for area in (w.town_b.pk, 999_999):
            assert list(errors_of(post(alice, f"{URL}/projects", self.body(
                name="Other", area=area)))) == ["area"]
        assert Project.objects.count() == 1

    def test_it_refuses_a_role_that_does_not_keep_volunteers(self) -> None:
        w = self.world
        for user in (w.li, w.medic, w.stranger):
            response = post(self.client_for(user), f"{URL}/projects", self.body())
            assert response.status_code == 403, user
        assert not Project.objects.exists()


class ListTests(VolunteersTestCase):
    def test_it_lists_projects_with_their_hours_and_volunteers_by_filter(self) -> None:
        w = self.world
        deliveries = self.project()
        checkpoint = self.project(w.village_a1, name="East Road checkpoint",
                                  kind=ProjectKind.CHECKPOINT)
        closed = self.project(name="Spring publicity", kind=ProjectKind.PUBLICITY)
        post(self.client_for(w.alice), f"{URL}/projects/{closed.pk}/close",
             {"on": days(-2).isoformat()})
        ended = self.project(name="Screening week", kind=ProjectKind.SCREENING,
                             ends_on=days(-1))
        west = self.project(w.town_b, name="West deliveries", by=w.bob)
        wang, lin = self.volunteer(), self.volunteer(w.village_a2, name="Lin Hui")
        self.hours(deliveries, wang, "3", days(-1))
        self.hours(deliveries, wang, "4", days(-2))
        self.hours(deliveries, lin, "2.5", days(-1))
        self.hours(checkpoint, wang, "1.5", days(-1))
        self.hours(ended, lin, "6", days(-3))
        alice = self.client_for(w.alice)

        def rows(client: Client = alice, **query: Any) -> list[tuple[str, str, int]]:
            return [(row["name"], row["hours"], row["volunteers"])
                    for row in client.get(f"{URL}/projects", query).json()["items"]]

        assert rows() == [("Deliveries to the quarantined", "9.5", 2),
                          ("East Road checkpoint", "1.5", 1)]
        assert rows(status="closed") == [("Spring publicity", "0.0", 0),
                                         ("Screening week", "6.0", 1)]
        assert [name for name, _, _ in rows(status="any")] == [
            "Deliveries to the quarantined", "East Road checkpoint", "Spring publicity",
            "Screening week"]
        assert rows(status="any", kind="screening") == [("Screening week", "6.0", 1)]
        assert rows(area=w.village_a1.pk) == [("East Road checkpoint", "1.5", 1)]
        assert rows(self.client_for(w.command)) == [
            ("Deliveries to the quarantined", "9.5", 2), ("East Road checkpoint", "1.5", 1),
            ("West deliveries", "0.0", 0)]
        assert rows(self.client_for(w.bob)) == [("West deliveries", "0.0", 0)]
        assert rows(self.client_for(w.stranger)) == []
        assert list(errors_of(self.client_for(w.bob).get(
            f"{URL}/projects", {"area": w.town_a.pk}))) == ["area"]
        opened = {row["name"]: row["open"] for row in
                  alice.get(f"{URL}/projects", {"status": "any"}).json()["items"]}
        assert opened == {"Deliveries to the quarantined": True, "East Road checkpoint": True,
                          "Spring publicity": False, "Screening week": False}
        first = alice.get(f"{URL}/projects", {"status": "any", "limit": 3}).json()
        assert ([row["id"] for row in first["items"]], first["next_after"]) == (
            [deliveries.pk, checkpoint.pk, closed.pk], closed.pk)
        rest = alice.get(f"{URL}/projects", {"status": "any", "after": closed.pk}).json()
        assert ([row["id"] for row in rest["items"]], rest["next_after"]) == ([ended.pk], None)
        assert west.pk not in [row["id"] for row in rest["items"]]

    def test_it_lists_a_project_yet_to_start_under_all_only(self) -> None:
        self.project(name="Next week's deliveries", starts_on=days(7))
        alice = self.client_for(self.world.alice)

        def rows(status: str) -> list[tuple[str, bool]]:
            items = alice.get(f"{URL}/projects", {"status": status}).json()["items"]
            return [(row["name"], row["open"]) for row in items]

        assert (rows("open"), rows("closed"), rows("any")) == (
            [], [], [("Next week's deliveries", False)])

    def test_it_keeps_its_queries_flat_however_many_projects(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        wang = self.volunteer()
        self.hours(self.project(name="P0"), wang)
        # session, user, home area, a page of projects (hours summed, volunteers counted in it)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/projects").json()["items"]) == 1
        for n in range(1, 9):
            project = self.project((w.town_a, w.village_a1)[n % 2], name=f"P{n}")
            self.hours(project, wang, "0.5")
        with self.assertNumQueries(4):
            items = client.get(f"{URL}/projects").json()["items"]
        assert [(row["hours"], row["volunteers"]) for row in items] == [("3.0", 1)] + [
            ("0.5", 1)] * 8


class ProjectRecordTests(VolunteersTestCase):
    def test_it_shows_a_project_with_its_totals_to_its_area_only(self) -> None:
        w = self.world
        project = self.project()
        wang, lin = self.volunteer(), self.volunteer(w.village_a2, name="Lin Hui")
        self.hours(project, wang, "3", days(-1))
        self.hours(project, wang, "2", days(-2))
        self.hours(project, lin, "4.5", days(-1))
        for user in (w.alice, w.command, w.medic):
            body = self.client_for(user).get(f"{URL}/projects/{project.pk}").json()
            assert (body["name"], body["hours"], body["volunteers"], body["open"]) == (
                "Deliveries to the quarantined", "9.5", 2, True), user
        for user in (w.bob, w.stranger, w.li):
            for pk in (project.pk, 999_999):
                response = self.client_for(user).get(f"{URL}/projects/{pk}")
                assert response.status_code == 404, user
                assert response.json() == {"detail": "Not found."}


class CloseTests(VolunteersTestCase):
    def test_it_closes_a_project(self) -> None:
        w = self.world
        project = self.project()
        alice = self.client_for(w.alice)
        response = post(alice, f"{URL}/projects/{project.pk}/close",
                        {"on": days(-1).isoformat()})
        assert response.status_code == 200, response.json()
        assert (response.json()["closed_on"], response.json()["open"]) == (
            days(-1).isoformat(), False)
        again = errors_of(post(alice, f"{URL}/projects/{project.pk}/close", {}))
        assert list(again) == [""] and days(-1).isoformat() in again[""]
        other = self.project(name="Meals for the elderly", kind=ProjectKind.CARE)
        early = errors_of(post(alice, f"{URL}/projects/{other.pk}/close",
                               {"on": days(-8).isoformat()}))
        assert list(early) == ["on"] and days(-7).isoformat() in early["on"]
        assert list(errors_of(post(alice, f"{URL}/projects/{other.pk}/close",
                                   {"on": days(1).isoformat()}))) == ["on"]
        other.refresh_from_db()
        assert other.closed_on is None

    def test_it_closes_today_when_no_day_is_given_and_keeps_today_open(self) -> None:
        project = self.project()
        zhou = self.client_for(self.world.command)
        response = post(zhou, f"{URL}/projects/{project.pk}/close", {})
        assert response.status_code == 200, response.json()
        # Today's hours are still recorded, as the day's work ends.
        assert (response.json()["closed_on"], response.json()["open"]) == (
            days(0).isoformat(), True)
        assert [row["id"] for row in zhou.get(f"{URL}/projects").json()["items"]] == [
            project.pk]
        assert zhou.get(f"{URL}/projects", {"status": "closed"}).json()["items"] == []

    def test_it_refuses_the_wrong_role_or_area(self) -> None:
        w = self.world
        project = self.project()
        url = f"{URL}/projects/{project.pk}/close"
        assert post(self.client_for(w.medic), url, {}).status_code == 403
        for user in (w.bob, w.li, w.stranger):
            assert post(self.client_for(user), url, {}).status_code == 404, user
        project.refresh_from_db()
        assert project.closed_on is None
