"""Volunteers 志愿者 through the API: registered by those who keep an area's volunteers
(MANAGE_VOLUNTEERS), listed by key with filters and their hours summed, shown with their hours
by project; a volunteer leaving 退出; phones masked in every list and shown in full on a
volunteer's record only to who may keep their area; refusals naming the field with nothing
written, 403 for the wrong role, 404 for a volunteer out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.volunteers.models import ProjectKind, Volunteer
from tests.volunteers.helpers import VolunteersTestCase, days, new_phone

URL = "/api/volunteers"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name, `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


class RegisterTests(VolunteersTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.village_a1.pk, "name": "Xu Hong", "phone": "139 1234 0001",
                "skills": "driving, Hakka dialect", "party_member": True,
                "registered_on": days(-1).isoformat(), **fields}

    def test_it_registers_a_volunteer_with_the_phone_in_full_for_the_area(self) -> None:
        w = self.world
        response = post(self.client_for(w.alice), f"{URL}/volunteers", self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["name"], body["phone"], body["skills"],
                body["party_member"], body["registered_on"], body["left_on"], body["serving"],
                body["hours"], body["by_project"], body["recorded_by"]) == (
            "Village A1", "Xu Hong", "13912340001", "driving, Hakka dialect", True,
            days(-1).isoformat(), None, True, "0.0", [], "alice")
        stored = Volunteer.objects.get(pk=body["id"])
        assert (stored.phone, stored.created_by) == ("13912340001", w.alice)

    def test_it_registers_today_when_no_day_is_given(self) -> None:
        body = self.body()
        del body["registered_on"]
        response = post(self.client_for(self.world.alice), f"{URL}/volunteers", body)
        assert response.status_code == 201, response.json()
        assert response.json()["registered_on"] == days(0).isoformat()

    def test_it_names_each_refusal_and_writes_nothing(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        self.volunteer(w.village_a2, name="Xu Hong", phone="13912340001")
        taken = errors_of(post(alice, f"{URL}/volunteers", self.body()))
        assert list(taken) == ["phone"] and "Village A2" in taken["phone"]
        assert list(errors_of(post(alice, f"{URL}/volunteers", self.body(
            phone="12345", name=" ")))) == ["name", "phone"]
        assert list(errors_of(post(alice, f"{URL}/volunteers", self.body(
            phone=new_phone(), registered_on=days(1).isoformat())))) == ["registered_on"]
        # Town B is as unknown to Alice as an area that does not exist.
        for area in (w.town_b.pk, 999_999):
            assert list(errors_of(post(alice, f"{URL}/volunteers", self.body(
                phone=new_phone(), area=area)))) == ["area"]
        assert Volunteer.objects.count() == 1

    def test_it_refuses_a_role_that_does_not_keep_volunteers(self) -> None:
        w = self.world
        for user in (w.li, w.medic, w.stranger):
            response = post(self.client_for(user), f"{URL}/volunteers", self.body())
            assert response.status_code == 403, user
        assert not Volunteer.objects.exists()


class VolunteerRecordTests(VolunteersTestCase):
    def test_it_shows_the_phone_in_full_only_to_who_may_keep_the_area(self) -> None:
        w = self.world
        phone = new_phone()
        volunteer = self.volunteer(w.grid_a1_1, phone=phone)
        url = f"{URL}/volunteers/{volunteer.pk}"
        for user, shown in ((w.alice, phone), (w.command, phone), (w.admin, phone),
                            (w.li, masked(phone)), (w.medic, masked(phone))):
            response = self.client_for(user).get(url)
            assert response.status_code == 200, user
            assert response.json()["phone"] == shown, user
        for user in (w.bob, w.stranger):
            for pk in (volunteer.pk, 999_999):
                response = self.client_for(user).get(f"{URL}/volunteers/{pk}")
                assert response.status_code == 404, user
                assert response.json() == {"detail": "Not found."}

    def test_it_shows_their_hours_by_project_the_most_first(self) -> None:
        w = self.world
        wang = self.volunteer()
        deliveries = self.project()
        checkpoint = self.project(w.village_a1, name="East Road checkpoint",
                                  kind=ProjectKind.CHECKPOINT)
        self.hours(deliveries, wang, "3", days(-1))
        self.hours(deliveries, wang, "3.5", days(-2))
        self.hours(checkpoint, wang, "4", days(-1))
        # The district's project, recorded by Zhou: out of Alice's sight, but in Wang's total.
        hotline = self.project(w.district, name="District hotline",
                               kind=ProjectKind.COUNSELLING, by=w.command)
        self.hours(hotline, wang, "8", days(-3), by=w.command)

        def hours(user: Any) -> tuple[str, list[tuple[str, str, int]]]:
            body = self.client_for(user).get(f"{URL}/volunteers/{wang.pk}").json()
            return body["hours"], [(row["project_name"], row["hours"], row["days"])
                                   for row in body["by_project"]]

        assert hours(w.alice) == ("18.5", [("Deliveries to the quarantined", "6.5", 2),
                                           ("East Road checkpoint", "4.0", 1)])
        assert hours(w.command) == ("18.5", [("District hotline", "8.0", 1),
                                             ("Deliveries to the quarantined", "6.5", 2),
                                             ("East Road checkpoint", "4.0", 1)])


class ListTests(VolunteersTestCase):
    def test_it_lists_volunteers_serving_masked_with_filters_and_hours(self) -> None:
        w = self.world
        project = self.project()
        wang = self.volunteer(phone="13800009999")
        lin = self.volunteer(w.village_a2, name="Lin Hui", skills="Hakka dialect")
        gone = self.volunteer(name="Left Early")
        post(self.client_for(w.alice), f"{URL}/volunteers/{gone.pk}/leave",
             {"on": days(-2).isoformat()})
        zhao = self.volunteer(w.village_b1, name="Zhao Gang", by=w.bob)
        self.hours(project, wang, "3", days(-1))
        self.hours(project, wang, "2.5", days(-2))
        self.hours(project, gone, "1.5", days(-3))
        alice = self.client_for(w.alice)

        def rows(client: Client = alice, **query: Any) -> list[tuple[str, str]]:
            return [(row["name"], row["hours"])
                    for row in client.get(f"{URL}/volunteers", query).json()["items"]]

        assert rows() == [("Wang Fang", "5.5"), ("Lin Hui", "0.0")]
        assert rows(status="left") == [("Left Early", "1.5")]
        assert rows(status="any") == [("Wang Fang", "5.5"), ("Lin Hui", "0.0"),
                                      ("Left Early", "1.5")]
        assert rows(area=w.village_a2.pk) == [("Lin Hui", "0.0")]
        assert rows(q="lin") == [("Lin Hui", "0.0")]
        assert rows(skills="dialect") == [("Lin Hui", "0.0")]
        assert rows(self.client_for(w.command)) == [("Wang Fang", "5.5"), ("Lin Hui", "0.0"),
                                                     ("Zhao Gang", "0.0")]
        assert rows(self.client_for(w.bob)) == [("Zhao Gang", "0.0")]
        assert rows(self.client_for(w.stranger)) == []
        assert list(errors_of(self.client_for(w.bob).get(
            f"{URL}/volunteers", {"area": w.town_a.pk}))) == ["area"]
        assert list(errors_of(alice.get(f"{URL}/volunteers", {"status": "gone"}))) == [
            "status"]
        phones = {row["name"]: row["phone"]
                  for row in alice.get(f"{URL}/volunteers").json()["items"]}
        assert phones["Wang Fang"] == "138****9999"  # masked even for who may keep the area
        first = alice.get(f"{URL}/volunteers", {"status": "any", "limit": 2}).json()
        assert ([row["id"] for row in first["items"]], first["next_after"]) == (
            [wang.pk, lin.pk], lin.pk)
        rest = alice.get(f"{URL}/volunteers", {"status": "any", "after": lin.pk}).json()
        assert ([row["id"] for row in rest["items"]], rest["next_after"]) == ([gone.pk], None)
        assert zhao.pk not in [row["id"] for row in rest["items"]]

    def test_it_lists_a_grid_workers_own_grid_masked(self) -> None:
        w = self.world
        phone = new_phone()
        self.volunteer(w.grid_a1_1, name="Sun Mei", phone=phone)
        self.volunteer(name="Wang Fang")  # village A1: above Li's grid
        items = self.client_for(w.li).get(f"{URL}/volunteers").json()["items"]
        assert [(row["name"], row["phone"]) for row in items] == [("Sun Mei", masked(phone))]

    def test_it_keeps_its_queries_flat_however_many_volunteers(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        project = self.project()
        self.hours(project, self.volunteer(name="V0"))
        # session, user, home area, a page of volunteers (their area joined, hours summed)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/volunteers").json()["items"]) == 1
        for n in range(1, 9):
            volunteer = self.volunteer((w.village_a1, w.village_a2)[n % 2], name=f"V{n}")
            self.hours(project, volunteer, "1.5")
        with self.assertNumQueries(4):
            items = client.get(f"{URL}/volunteers").json()["items"]
        assert [row["hours"] for row in items] == ["3.0"] + ["1.5"] * 8


class LeaveTests(VolunteersTestCase):
    def test_it_records_a_volunteer_leaving(self) -> None:
        w = self.world
        volunteer = self.volunteer()
        alice = self.client_for(w.alice)
        response = post(alice, f"{URL}/volunteers/{volunteer.pk}/leave",
                        {"on": days(-1).isoformat()})
        assert response.status_code == 200, response.json()
        assert (response.json()["left_on"], response.json()["serving"]) == (
            days(-1).isoformat(), False)
        again = errors_of(post(alice, f"{URL}/volunteers/{volunteer.pk}/leave", {}))
        assert list(again) == [""] and days(-1).isoformat() in again[""]
        other = self.volunteer(name="Lin Hui")
        assert list(errors_of(post(alice, f"{URL}/volunteers/{other.pk}/leave",
                                   {"on": days(1).isoformat()}))) == ["on"]
        early = errors_of(post(alice, f"{URL}/volunteers/{other.pk}/leave",
                               {"on": days(-11).isoformat()}))
        assert list(early) == ["on"] and days(-10).isoformat() in early["on"]

    def test_it_lets_one_who_leaves_today_serve_out_the_day(self) -> None:
        w = self.world
        volunteer = self.volunteer()
        alice = self.client_for(w.alice)
        response = post(alice, f"{URL}/volunteers/{volunteer.pk}/leave", {})
        assert (response.json()["left_on"], response.json()["serving"]) == (
            days(0).isoformat(), True)
        assert [row["name"] for row in alice.get(f"{URL}/volunteers").json()["items"]] == [
            "Wang Fang"]
        assert alice.get(f"{URL}/volunteers", {"status": "left"}).json()["items"] == []

    def test_it_refuses_the_wrong_role_or_area(self) -> None:
        w = self.world
        volunteer = self.volunteer(w.grid_a1_1)
        url = f"{URL}/volunteers/{volunteer.pk}/leave"
        for user in (w.li, w.medic):
            assert post(self.client_for(user), url, {}).status_code == 403, user
        for user in (w.bob, w.stranger):
            assert post(self.client_for(user), url, {}).status_code == 404, user
        volunteer.refresh_from_db()
        assert volunteer.left_on is None
