"""Teams, people sent down 下沉 and commendations 表彰 through the API: formed, recorded and
commended by those who mobilize an area (MOBILIZE), listed by key with filters, shown with
their members; a team stood down (its members leave with it), a person recalled; phones
masked in every list and shown in full on a person's record only to who may mobilize their
area; refusals naming the field with nothing written, 403 for the wrong role, 404 for a record
out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.mobilization.models import Commendation, Deployment, Team
from tests.mobilization.helpers import MobilizationTestCase, days, new_phone

URL = "/api/mobilization"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name, `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


class TeamTests(MobilizationTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "kind": "commando",
                "name": "East Lane Commando Team", "sent_by": "Town Party Committee",
                "formed_on": days(-2).isoformat(), **fields}

    def test_it_forms_a_team_in_the_area(self) -> None:
        w = self.world
        response = post(self.client_for(w.alice), f"{URL}/teams", self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["kind"], body["name"], body["formed_on"],
                body["stood_down_on"], body["active"], body["members_on_duty"],
                body["created_by"], body["members"]) == (
            "Dongcheng Town", "commando", "East Lane Commando Team", days(-2).isoformat(),
            None, True, 0, "alice", [])
        assert Team.objects.get(pk=body["id"]).created_by == w.alice

    def test_it_names_each_refusal_and_writes_nothing(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        self.team(name="East Lane Commando Team")
        assert list(errors_of(post(alice, f"{URL}/teams", self.body()))) == ["name"]
        assert list(errors_of(post(alice, f"{URL}/teams", self.body(
            name="Other", batch=2)))) == ["batch"]
        assert list(errors_of(post(alice, f"{URL}/teams", self.body(
            name="Other", formed_on=days(1).isoformat())))) == ["formed_on"]
        assert list(errors_of(post(alice, f"{URL}/teams", self.body(kind="choir")))) == ["kind"]
        # Town B is as unknown to Alice as an area that does not exist.
        for area in (w.town_b.pk, 999_999):
            assert list(errors_of(post(alice, f"{URL}/teams", self.body(area=area)))) == [
                "area"]
        assert Team.objects.count() == 1

    def test_it_refuses_a_role_that_does_not_mobilize(self) -> None:
        w = self.world
        for user in (w.li, w.medic):
            response = post(self.client_for(user), f"{URL}/teams", self.body())
            assert response.status_code == 403
        assert not Team.objects.exists()

    def test_it_lists_teams_by_key_with_their_members_on_duty(self) -> None:
        w = self.world
        east = self.team(name="East")
        self.deployment(team=east)
        self.deployment(team=east, name="Lin Fang")
        self.deployment(team=east, name="Gone", arrived_on=days(-4))
        Deployment.objects.filter(name="Gone").update(left_on=days(-1))
        medics = self.team(w.village_a1, name="Medics", kind="medical", batch=3)
        stood = self.team(name="Stood down")
        post(self.client_for(w.alice), f"{URL}/teams/{stood.pk}/stand-down",
             {"on": days(-1).isoformat()})
        west = self.team(w.town_b, name="West", by=w.bob)
        zhou = self.client_for(w.command)

        def rows(**query: Any) -> list[tuple[str, int]]:
            return [(row["name"], row["members_on_duty"])
                    for row in zhou.get(f"{URL}/teams", query).json()["items"]]

        assert rows() == [("East", 2), ("Medics", 0), ("West", 0)]  # those at work
        assert rows(status="any") == [("East", 2), ("Medics", 0), ("Stood down", 0),
                                      ("West", 0)]
        assert rows(kind="medical") == [("Medics", 0)]
        assert rows(status="stood_down") == [("Stood down", 0)]
        assert rows(area=w.village_a1.pk) == [("Medics", 0)]
        first = zhou.get(f"{URL}/teams", {"status": "any", "limit": "2"}).json()
        assert ([row["id"] for row in first["items"]], first["next_after"]) == (
            [east.pk, medics.pk], medics.pk)
        rest = zhou.get(f"{URL}/teams", {"status": "any", "limit": "2",
                                         "after": str(medics.pk)}).json()
        assert ([row["id"] for row in rest["items"]], rest["next_after"]) == (
            [stood.pk, west.pk], None)
        bob = [row["name"] for row in
               self.client_for(w.bob).get(f"{URL}/teams").json()["items"]]
        assert bob == ["West"]
        assert errors_of(self.client_for(w.bob).get(f"{URL}/teams", {"area": w.town_a.pk}))

    def test_it_keeps_its_queries_flat_however_many_teams(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.deployment(team=self.team(name="T0"))
        # session, user, home area, a page of teams (their members counted in it)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/teams").json()["items"]) == 1
        for n in range(1, 9):
            team = self.team((w.town_a, w.village_a1)[n % 2], name=f"T{n}")
            self.deployment(team=team, name=f"Member {n}")
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/teams").json()["items"]) == 9

    def test_it_shows_a_team_with_its_members_masked_to_its_area_only(self) -> None:
        w = self.world
        team = self.team()
        phone = new_phone()
        self.deployment(team=team, phone=phone, leader=True)
        body = self.client_for(w.alice).get(f"{URL}/teams/{team.pk}").json()
        assert [(m["name"], m["phone"], m["leader"], m["area_name"])
                for m in body["members"]] == [("Chen Ming", masked(phone), True, "Village A1")]
        for pk in (team.pk, 999_999):
            assert self.client_for(w.bob).get(f"{URL}/teams/{pk}").status_code == 404
        assert self.client_for(w.bob).get(f"{URL}/teams/{team.pk}").json() == {
            "detail": "Not found."}

    def test_it_stands_a_team_down_with_its_members(self) -> None:
        w = self.world
        team = self.team()
        member = self.deployment(team=team)
        alice = self.client_for(w.alice)
        response = post(alice, f"{URL}/teams/{team.pk}/stand-down", {"on": days(-1).isoformat()})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["stood_down_on"], body["active"], body["members_on_duty"]) == (
            days(-1).isoformat(), False, 0)
        member.refresh_from_db()
        assert member.left_on == days(-1)
        again = errors_of(post(alice, f"{URL}/teams/{team.pk}/stand-down", {}))
        assert list(again) == [""]
        assert days(-1).isoformat() in again[""]

    def test_it_refuses_to_stand_down_for_the_wrong_role_or_area(self) -> None:
        w = self.world
        team = self.team()
        assert post(self.client_for(w.medic), f"{URL}/teams/{team.pk}/stand-down",
                    {}).status_code == 403
        assert post(self.client_for(w.bob), f"{URL}/teams/{team.pk}/stand-down",
                    {}).status_code == 404
        early = post(self.client_for(w.alice), f"{URL}/teams/{team.pk}/stand-down",
                     {"on": days(-9).isoformat()})
        assert list(errors_of(early)) == ["on"]
        team.refresh_from_db()
        assert team.stood_down_on is None


class PeopleTests(MobilizationTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.village_a1.pk, "name": "Xu Hong", "unit": "District Tax "
                "Office", "post": "Section chief", "phone": "139 1234 0001",
                "party_member": True, "arrived_on": days(-1).isoformat(), **fields}

    def test_it_records_a_person_sent_down_with_the_phone_in_full_for_the_area(self) -> None:
        w = self.world
        team = self.team()
        response = post(self.client_for(w.alice), f"{URL}/people",
                        self.body(team=team.pk, leader=True))
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["team_name"], body["name"], body["unit"], body["phone"],
                body["party_member"], body["leader"], body["arrived_on"], body["on_duty"],
                body["recorded_by"]) == (
            "Village A1", team.name, "Xu Hong", "District Tax Office", "13912340001", True,
            True, days(-1).isoformat(), True, "alice")
        assert Deployment.objects.get(pk=body["id"]).phone == "13912340001"

    def test_it_names_each_refusal_and_writes_nothing(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        self.deployment(w.village_a2, name="Xu Hong", phone="13912340001")
        taken = errors_of(post(alice, f"{URL}/people", self.body()))
        assert list(taken) == ["phone"] and "Village A2" in taken["phone"]
        assert list(errors_of(post(alice, f"{URL}/people", self.body(
            phone="12345", name=" ")))) == ["name", "phone"]
        assert list(errors_of(post(alice, f"{URL}/people", self.body(
            phone=new_phone(), leader=True)))) == ["leader"]
        assert list(errors_of(post(alice, f"{URL}/people", self.body(
            phone=new_phone(), arrived_on=days(40).isoformat())))) == ["arrived_on"]
        west = self.team(w.town_b, name="West", by=w.bob)
        assert list(errors_of(post(alice, f"{URL}/people", self.body(
            phone=new_phone(), team=west.pk)))) == ["team"]
        assert Deployment.objects.count() == 1

    def test_it_refuses_a_role_that_does_not_mobilize(self) -> None:
        w = self.world
        assert post(self.client_for(w.li), f"{URL}/people", self.body()).status_code == 403
        person = self.deployment()
        assert post(self.client_for(w.medic), f"{URL}/people/{person.pk}/recall",
                    {}).status_code == 403
        assert post(self.client_for(w.bob), f"{URL}/people/{person.pk}/recall",
                    {}).status_code == 404
        person.refresh_from_db()
        assert person.left_on is None

    def test_it_shows_the_phone_in_full_only_to_who_may_mobilize_the_area(self) -> None:
        w = self.world
        phone = new_phone()
        person = self.deployment(w.grid_a1_1, phone=phone)
        url = f"{URL}/people/{person.pk}"
        for user, shown in ((w.alice, phone), (w.command, phone), (w.admin, phone),
                            (w.li, masked(phone)), (w.medic, masked(phone))):
            response = self.client_for(user).get(url)
            assert response.status_code == 200, user
            assert response.json()["phone"] == shown, user
        for pk in (person.pk, 999_999):
            assert self.client_for(w.bob).get(f"{URL}/people/{pk}").status_code == 404

    def test_it_lists_people_on_duty_masked_with_filters(self) -> None:
        w = self.world
        team = self.team()
        chen = self.deployment(team=team, phone="13800009999")
        lin = self.deployment(w.village_a2, name="Lin Fang", unit="District Water Bureau")
        left = self.deployment(name="Left Early", arrived_on=days(-5))
        post(self.client_for(w.alice), f"{URL}/people/{left.pk}/recall",
             {"on": days(-2).isoformat()})
        coming = self.deployment(name="Coming", arrived_on=days(3))
        zhao = self.deployment(w.village_b1, name="Zhao Gang", by=w.bob)
        alice = self.client_for(w.alice)

        def names(client: Client = alice, **query: Any) -> list[str]:
            return [row["name"] for row in client.get(f"{URL}/people", query).json()["items"]]

        assert names() == ["Chen Ming", "Lin Fang"]
        assert names(status="any") == ["Chen Ming", "Lin Fang", "Left Early", "Coming"]
        assert names(area=w.village_a2.pk) == ["Lin Fang"]
        assert names(team=team.pk) == ["Chen Ming"]
        assert names(q="water") == ["Lin Fang"]
        assert names(self.client_for(w.command)) == ["Chen Ming", "Lin Fang", "Zhao Gang"]
        assert names(self.client_for(w.bob)) == ["Zhao Gang"]
        assert names(self.client_for(w.bob), team=team.pk) == []
        phones = {row["name"]: row["phone"] for row in
                  alice.get(f"{URL}/people").json()["items"]}
        assert phones["Chen Ming"] == "138****9999"  # masked even for who may mobilize
        first = alice.get(f"{URL}/people", {"status": "any", "limit": "3"}).json()
        assert ([row["id"] for row in first["items"]], first["next_after"]) == (
            [chen.pk, lin.pk, left.pk], left.pk)
        rest = alice.get(f"{URL}/people", {"status": "any", "after": str(left.pk)}).json()
        assert ([row["id"] for row in rest["items"]], rest["next_after"]) == ([coming.pk], None)
        assert zhao.pk not in [row["id"] for row in rest["items"]]

    def test_it_keeps_its_queries_flat_however_many_people(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        team = self.team()
        self.deployment(team=team)
        # session, user, home area, a page of people (their area and team joined)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/people").json()["items"]) == 1
        for n in range(8):
            self.deployment((w.village_a1, w.village_a2)[n % 2], name=f"P{n}",
                            team=team if n % 3 else None, arrived_on=days(n % 2 * 2 - 1))
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/people").json()["items"]) == 5
        # Each status word is a condition of the same query, not a query of its own.
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/people", {"status": "any"}).json()["items"]) == 9

    def test_it_recalls_a_person(self) -> None:
        w = self.world
        person = self.deployment()
        alice = self.client_for(w.alice)
        response = post(alice, f"{URL}/people/{person.pk}/recall", {"on": days(-1).isoformat()})
        assert response.status_code == 200, response.json()
        assert (response.json()["left_on"], response.json()["on_duty"]) == (
            days(-1).isoformat(), False)
        assert list(errors_of(post(alice, f"{URL}/people/{person.pk}/recall", {}))) == [""]
        other = self.deployment(name="Lin Fang")
        assert list(errors_of(post(alice, f"{URL}/people/{other.pk}/recall",
                                   {"on": days(1).isoformat()}))) == ["on"]


class CommendationTests(MobilizationTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "honour": "Outstanding individual",
                "citation": "Forty nights at the checkpoint.", "awarded_by": "Town Committee",
                "awarded_on": days(0).isoformat(), **fields}

    def test_it_commends_a_person_sent_down(self) -> None:
        w = self.world
        person = self.deployment()
        response = post(self.client_for(w.alice), f"{URL}/commendations",
                        self.body(deployment=person.pk))
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["deployment_id"], body["recipient"], body["honour"],
                body["awarded_on"], body["recorded_by"]) == (
            "Dongcheng Town", person.pk, "Chen Ming", "Outstanding individual",
            days(0).isoformat(), "alice")

    def test_it_names_each_refusal_and_writes_nothing(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        person = self.deployment()
        team = self.team()
        assert list(errors_of(post(alice, f"{URL}/commendations", self.body(
            deployment=person.pk, team=team.pk)))) == ["recipient"]
        assert list(errors_of(post(alice, f"{URL}/commendations", self.body(
            recipient="Dr Fang", awarded_on=days(1).isoformat())))) == ["awarded_on"]
        zhao = self.deployment(w.village_b1, name="Zhao Gang", by=w.bob)
        assert list(errors_of(post(alice, f"{URL}/commendations", self.body(
            deployment=zhao.pk)))) == ["deployment"]
        assert post(self.client_for(w.li), f"{URL}/commendations",
                    self.body(recipient="Dr Fang")).status_code == 403
        assert not Commendation.objects.exists()

    def test_it_lists_commendations_latest_first_to_their_area_only(self) -> None:
        w = self.world
        alice, bob = self.client_for(w.alice), self.client_for(w.bob)
        made = [post(alice, f"{URL}/commendations", self.body(recipient=name)).json()["id"]
                for name in ("Dr Fang", "Nurse Ma", "Driver Qi")]
        post(bob, f"{URL}/commendations", self.body(area=w.town_b.pk, recipient="Clerk Yu"))
        page = alice.get(f"{URL}/commendations", {"limit": 2}).json()
        assert ([row["recipient"] for row in page["items"]], page["next_after"]) == (
            ["Driver Qi", "Nurse Ma"], made[1])
        rest = alice.get(f"{URL}/commendations", {"after": made[1]}).json()
        assert [row["recipient"] for row in rest["items"]] == ["Dr Fang"]
        assert [row["recipient"] for row in bob.get(f"{URL}/commendations").json()["items"]] == [
            "Clerk Yu"]
        zhou = self.client_for(w.command)
        assert [row["recipient"] for row in zhou.get(
            f"{URL}/commendations", {"area": w.town_b.pk}).json()["items"]] == ["Clerk Yu"]
        # session, user, home area, a page of commendations (with their area and recorder)
        with self.assertNumQueries(4):
            assert len(zhou.get(f"{URL}/commendations").json()["items"]) == 4
