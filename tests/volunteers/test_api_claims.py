"""Claims of hours 时长申报 through the API: a volunteer claims the hours they served a project
they signed up to, which wait for its keepers; the keepers and readers of the project's area
list them (phones masked), the keepers confirm one (its hours are recorded: the volunteer's and
the project's totals grow by them, every rule of a record applied, the 24-hour day among them)
or decline it saying why. Refusals name the field with nothing written; 404 for a claim out of
sight or missing, 403 for a reader who is no keeper."""

from __future__ import annotations

from typing import Any

from epigrid.volunteers import self_service
from epigrid.volunteers.models import ClaimState, HoursClaim, Project, ServiceRecord, Volunteer
from tests.volunteers.helpers import days
from tests.volunteers.test_api_self import URL, SelfTestCase, errors_of, masked, post


class ClaimsTestCase(SelfTestCase):
    def signed_up(self, project: Project | None = None) -> tuple[Any, Volunteer, Project]:
        """A volunteer of village A1 signed up to town A's project (or `project`)."""
        user, volunteer = self.enrolled()
        project = project or self.project(name="Town deliveries")
        self_service.sign_up(project, volunteer, by=user)
        return user, volunteer, project

    def claimed(self, user: Any, volunteer: Volunteer, project: Project, hours: str = "3.5",
                served_on: Any = None) -> HoursClaim:
        return self_service.claim_hours(project, volunteer, by=user, hours=hours,
                                        served_on=served_on or days(-1), note="Two rounds")


class ClaimTests(ClaimsTestCase):
    def test_it_claims_hours_that_wait_for_the_keepers(self) -> None:
        w = self.world
        user, mine, project = self.signed_up()
        client = self.client_for(user)
        response = post(client, f"{URL}/me/claims", {
            "project": project.pk, "served_on": days(-1).isoformat(), "hours": "3.5",
            "note": "Two rounds of deliveries"})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["project_id"], body["project_name"], body["project_area_name"],
                body["volunteer_id"], body["volunteer_phone"], body["served_on"], body["hours"],
                body["note"], body["state"], body["reason"], body["decided_by"],
                body["record_id"]) == (
            project.pk, "Town deliveries", "Dongcheng Town", mine.pk, masked(mine.phone),
            days(-1).isoformat(), "3.5", "Two rounds of deliveries", "pending", "", None, None)
        assert [row["id"] for row in client.get(f"{URL}/me/claims").json()["items"]] == [
            body["id"]]
        # Waiting, it counts nowhere.
        alice = self.client_for(w.alice)
        assert alice.get(f"{URL}/volunteers/{mine.pk}").json()["hours"] == "0.0"
        assert alice.get(f"{URL}/projects/{project.pk}").json()["hours"] == "0.0"
        assert client.get(f"{URL}/me").json()["hours"] == "0.0"

    def test_it_claims_on_a_project_closed_since_for_a_day_it_was_open(self) -> None:
        w = self.world
        user, _, project = self.signed_up()
        post(self.client_for(w.alice), f"{URL}/projects/{project.pk}/close",
             {"on": days(-1).isoformat()})
        response = post(self.client_for(user), f"{URL}/me/claims", {
            "project": project.pk, "served_on": days(-2).isoformat(), "hours": 2})
        assert response.status_code == 201, response.json()
        assert response.json()["hours"] == "2.0"

    def test_it_names_each_refusal_of_a_claim_and_writes_nothing(self) -> None:
        w = self.world
        user, mine, project = self.signed_up()
        self.hours(project, mine, "3", days(-2))
        self.claimed(user, mine, project, "2", days(-3))
        unsigned = self.project(w.village_a1, name="Village gate")
        client = self.client_for(user)

        def refused(**fields: Any) -> dict[str, str]:
            data = {"project": project.pk, "served_on": days(-1).isoformat(), "hours": "2"}
            return errors_of(post(client, f"{URL}/me/claims", data | fields))

        for hours in (0, "24.5", "1.3", -1, "abc"):
            assert list(refused(hours=hours)) == ["hours"], hours
        first = refused(project=unsigned.pk)
        assert list(first) == ["project"] and "Sign up" in first["project"]
        for other in (self.project(w.town_b, name="Xihe", by=w.bob).pk, 999_999):
            assert list(refused(project=other)) == ["project"]
        assert list(refused(served_on=days(1).isoformat())) == ["served_on"]
        early = refused(served_on=days(-8).isoformat())
        assert list(early) == ["served_on"] and days(-7).isoformat() in early["served_on"]
        recorded = refused(served_on=days(-2).isoformat())
        assert list(recorded) == ["served_on"] and "3.0 hours" in recorded["served_on"]
        waiting = refused(served_on=days(-3).isoformat())
        assert list(waiting) == ["served_on"] and "waiting" in waiting["served_on"]
        assert list(refused(note="x" * 201)) == ["note"]
        assert HoursClaim.objects.count() == 1


class ListTests(ClaimsTestCase):
    def test_it_lists_the_claims_of_the_projects_in_sight(self) -> None:
        w = self.world
        user, mine, town = self.signed_up()
        waiting = self.claimed(user, mine, town, "2", days(-2))
        answered = self.claimed(user, mine, town, "3", days(-1))
        self_service.decline_claim(answered, by=w.alice, reason="Not on the sheet")
        hotline = self.project(w.district, name="District hotline", by=w.command)
        self_service.sign_up(hotline, mine, by=user)
        above = self.claimed(user, mine, hotline, "1", days(-1))

        def ids(who: Any, **query: Any) -> list[int]:
            body = self.client_for(who).get(f"{URL}/claims", query).json()
            assert all(row["volunteer_phone"].count("*") == 4 for row in body["items"])
            return [row["id"] for row in body["items"]]

        assert ids(w.alice) == [waiting.pk]
        assert ids(w.alice, state="any") == [waiting.pk, answered.pk]
        assert ids(w.alice, state="declined") == [answered.pk]
        assert ids(w.alice, state="confirmed") == []
        assert ids(w.command) == [waiting.pk, above.pk]
        assert ids(w.command, project=hotline.pk) == [above.pk]
        assert ids(w.medic, state="any") == [waiting.pk, answered.pk, above.pk]
        # Bob sees nothing of town A's claims; the stranger has no area; Li's grid holds none.
        for outsider in (w.bob, w.stranger, w.li):
            assert ids(outsider, state="any") == [], outsider
        assert ids(w.alice, project=hotline.pk) == []
        assert errors_of(self.client_for(w.alice).get(f"{URL}/claims", {"state": "all"})
                         ).keys() == {"state"}
        mine_all = self.client_for(user).get(f"{URL}/me/claims").json()["items"]
        assert [(row["project_name"], row["state"], row["reason"]) for row in mine_all] == [
            ("District hotline", "pending", ""), ("Town deliveries", "declined",
                                                  "Not on the sheet"),
            ("Town deliveries", "pending", "")]
        assert [row["id"] for row in self.client_for(user).get(
            f"{URL}/me/claims", {"state": "pending"}).json()["items"]] == [above.pk, waiting.pk]

    def test_it_keeps_its_queries_flat_however_many_claims(self) -> None:
        w = self.world
        town = self.project(name="Town deliveries")
        client = self.client_for(w.alice)
        user, mine, _ = self.signed_up(town)
        self.claimed(user, mine, town)
        # session, user, home area, a page of claims (project, volunteer, areas, decider)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/claims").json()["items"]) == 1
        for n in range(8):
            user, mine, _ = self.signed_up(town)
            claim = self.claimed(user, mine, town, "1.5", days(-1 - n % 3))
            if n % 2:
                self_service.confirm_claim(claim, by=(w.alice, w.command)[n % 4 // 2])
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/claims", {"state": "any"}).json()["items"]) == 9
        mine_client = self.client_for(user)
        # session, user, their record, a page of their claims
        with self.assertNumQueries(4):
            assert len(mine_client.get(f"{URL}/me/claims").json()["items"]) == 1


class AnswerTests(ClaimsTestCase):
    def test_it_confirms_a_claim_and_the_hours_grow(self) -> None:
        w = self.world
        user, mine, project = self.signed_up()
        self.hours(project, mine, "3", days(-2))
        claim = self.claimed(user, mine, project, "3.5", days(-1))
        alice = self.client_for(w.alice)
        before = alice.get(f"{URL}/volunteers/{mine.pk}").json()["hours"]
        response = post(alice, f"{URL}/claims/{claim.pk}/confirm")
        assert response.status_code == 200, response.json()
        body = response.json()
        record = ServiceRecord.objects.get(pk=body["record_id"])
        assert (body["state"], body["decided_by"], body["decided_at"] is not None) == (
            "confirmed", "alice", True)
        assert (record.served_on, record.hours, record.note, record.recorded_by) == (
            days(-1), claim.hours, "Two rounds", w.alice)
        assert (before, alice.get(f"{URL}/volunteers/{mine.pk}").json()["hours"]) == (
            "3.0", "6.5")
        assert alice.get(f"{URL}/projects/{project.pk}").json()["hours"] == "6.5"
        assert self.client_for(user).get(f"{URL}/me").json()["hours"] == "6.5"
        again = errors_of(post(alice, f"{URL}/claims/{claim.pk}/confirm"))
        assert list(again) == [""] and "confirmed" in again[""]
        assert ServiceRecord.objects.count() == 2

    def test_it_refuses_a_confirmation_past_the_24_hour_day(self) -> None:
        w = self.world
        user, mine, project = self.signed_up()
        # Claimed while the day had room; the gate's 20 hours recorded before the answer.
        claim = self.claimed(user, mine, project, "6", days(-1))
        self.hours(self.project(w.village_a1, name="Village gate"), mine, "20", days(-1))
        over = errors_of(post(self.client_for(w.alice), f"{URL}/claims/{claim.pk}/confirm"))
        assert list(over) == ["hours"] and "20.0 hours" in over["hours"]
        assert HoursClaim.objects.get(pk=claim.pk).state == ClaimState.PENDING
        assert ServiceRecord.objects.count() == 1

    def test_it_declines_a_claim_saying_why(self) -> None:
        w = self.world
        user, mine, project = self.signed_up()
        claim = self.claimed(user, mine, project)
        alice = self.client_for(w.alice)
        url = f"{URL}/claims/{claim.pk}/decline"
        assert list(errors_of(post(alice, url, {"reason": "  "}))) == ["reason"]
        assert list(errors_of(post(alice, url, {}))) == ["reason"]
        assert list(errors_of(post(alice, url, {"reason": "x" * 201}))) == ["reason"]
        assert HoursClaim.objects.get(pk=claim.pk).state == ClaimState.PENDING
        response = post(alice, url, {"reason": "Not on the sign-in sheet"})
        assert response.status_code == 200, response.json()
        assert (response.json()["state"], response.json()["reason"],
                response.json()["decided_by"], response.json()["record_id"]) == (
            "declined", "Not on the sign-in sheet", "alice", None)
        assert alice.get(f"{URL}/volunteers/{mine.pk}").json()["hours"] == "0.0"
        assert not ServiceRecord.objects.exists()
        assert list(errors_of(post(alice, url, {"reason": "again"}))) == [""]
        # Declined, the day may be claimed again.
        assert post(self.client_for(user), f"{URL}/me/claims", {
            "project": project.pk, "served_on": days(-1).isoformat(),
            "hours": "2"}).status_code == 201

    def test_it_refuses_readers_and_outsiders(self) -> None:
        w = self.world
        user, mine, project = self.signed_up()
        claim = self.claimed(user, mine, project)
        for action, data in (("confirm", {}), ("decline", {"reason": "No"})):
            url = f"{URL}/claims/{claim.pk}/{action}"
            # Dr He reads the district's projects and keeps none.
            assert post(self.client_for(w.medic), url, data).status_code == 403
            # Bob, the stranger, Li's grid and the volunteer (their village) see no town project.
            for who in (w.bob, w.stranger, w.li, user):
                response = post(self.client_for(who), url, data)
                assert response.status_code == 404, (who, action)
                assert response.json() == {"detail": "Not found."}
            assert post(self.client_for(w.alice), f"{URL}/claims/999999/{action}",
                        data).status_code == 404
        assert HoursClaim.objects.get(pk=claim.pk).state == ClaimState.PENDING
        assert not ServiceRecord.objects.exists()

    def test_it_refuses_the_volunteer_answering_their_own_claim_on_their_village(
            self) -> None:
        w = self.world
        user, mine, gate = self.signed_up(self.project(w.village_a1, name="Village gate"))
        claim = self.claimed(user, mine, gate)
        assert post(self.client_for(user), f"{URL}/claims/{claim.pk}/confirm").status_code == 403
        assert HoursClaim.objects.get(pk=claim.pk).state == ClaimState.PENDING
