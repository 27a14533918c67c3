"""Volunteer self-service 我的志愿服务 through the API: a signed-in resident enrols (their own
record, or the one the officers kept of their phone), reads the projects open to them (their
area's and those above it) with the sign-ups counted, signs up 报名 and withdraws; a project's
readers list its sign-ups (phones masked), its keepers withdraw one. Refusals name the field
with nothing written; 404 for one not enrolled, for a sign-up or project out of sight; 403 for
a reader who is no keeper."""

from __future__ import annotations

import itertools
import json
from typing import Any

from django.test import Client

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.areas.models import Area
from epigrid.core.access import Role
from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import Signup, Volunteer
from tests.base import PASSWORD
from tests.volunteers.helpers import VolunteersTestCase, days, new_phone

URL = "/api/volunteers"
NOT_ENROLLED = "You are not registered as a volunteer"
_accounts = itertools.count(1)


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name, `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


class SelfTestCase(VolunteersTestCase):
    """With residents of the volunteer role who sign in themselves."""

    def account(self, area: Area | None = None, phone: str | None = None,
                name: str = "Fang") -> User:
        """A resident of village A1 (or `area`) with a mobile number of their own."""
        return create_user(username=f"resident{next(_accounts)}", password=PASSWORD,
                           role=Role.VOLUNTEER, home_area=area or self.world.village_a1,
                           first_name=name, last_name="Wang",
                           phone=new_phone() if phone is None else phone)

    def enrolled(self, area: Area | None = None, name: str = "Fang") -> tuple[User, Volunteer]:
        """A resident who enrolled ten days ago (so that they may claim the days since):
        their account and their record."""
        user = self.account(area, name=name)
        volunteer = self_service.enrol(user, skills="driving")
        Volunteer.objects.filter(pk=volunteer.pk).update(registered_on=days(-10))
        volunteer.refresh_from_db()
        return user, volunteer


class MeTests(SelfTestCase):
    def test_it_enrols_the_caller_in_their_home_area(self) -> None:
        user = self.account(phone="13755500001")
        client = self.client_for(user)
        missing = client.get(f"{URL}/me")
        assert missing.status_code == 404 and NOT_ENROLLED in missing.json()["detail"]
        response = post(client, f"{URL}/me", {"skills": "driving, Hakka", "party_member": True})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["name"], body["phone"], body["skills"],
                body["party_member"], body["registered_on"], body["hours"],
                body["by_project"]) == (
            "Village A1", "Fang Wang", "13755500001", "driving, Hakka", True,
            days(0).isoformat(), "0.0", [])
        assert Volunteer.objects.get(pk=body["id"]).account == user
        assert client.get(f"{URL}/me").json() == body

    def test_it_links_the_record_the_officers_kept_with_its_hours(self) -> None:
        w = self.world
        kept = self.volunteer(phone="13755500002")
        self.hours(self.project(), kept, "3")
        # Their hours on the district's project count too, though it is above their sight.
        hotline = self.project(w.district, name="District hotline", by=w.command)
        self.hours(hotline, kept, "1.5", by=w.command)
        client = self.client_for(self.account(phone="+86 137 5550 0002"))
        response = post(client, f"{URL}/me", {})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["id"], body["name"], body["hours"]) == (kept.pk, "Wang Fang", "4.5")
        assert [(row["project_name"], row["hours"], row["days"])
                for row in body["by_project"]] == [
            ("Deliveries to the quarantined", "3.0", 1), ("District hotline", "1.5", 1)]
        assert Volunteer.objects.count() == 1  # linked, not registered twice

    def test_it_names_each_refusal_of_enrolling_and_writes_nothing(self) -> None:
        w = self.world
        self.volunteer(w.village_b1, name="Zhao Gang", phone="13755500003", by=w.bob)
        enrolled_user, _ = self.enrolled()
        before = Volunteer.objects.count()
        no_phone = errors_of(post(self.client_for(self.account(phone="")), f"{URL}/me"))
        assert list(no_phone) == ["phone"] and "mobile" in no_phone["phone"]
        landline = errors_of(post(self.client_for(self.account(phone="027-8888 1234")),
                                  f"{URL}/me"))
        assert list(landline) == ["phone"]
        elsewhere = errors_of(post(self.client_for(self.account(phone="13755500003")),
                                   f"{URL}/me"))
        assert list(elsewhere) == ["phone"] and "Village B1" in elsewhere["phone"]
        assert list(errors_of(post(self.client_for(w.stranger), f"{URL}/me"))) == ["", "phone"]
        twice = errors_of(post(self.client_for(enrolled_user), f"{URL}/me"))
        assert list(twice) == [""] and "already" in twice[""]
        assert errors_of(post(self.client_for(self.account()), f"{URL}/me",
                              {"skills": "x" * 201})).keys() == {"skills"}
        assert Volunteer.objects.count() == before

    def test_it_answers_404_on_every_own_route_to_one_not_enrolled(self) -> None:
        w = self.world
        project = self.project()
        user, left = self.enrolled()
        left.left_on = days(0)
        left.save(update_fields=["left_on"])
        for who in (w.alice, w.stranger, self.account(), user):
            client = self.client_for(who)
            for response in (client.get(f"{URL}/me"), client.get(f"{URL}/me/projects"),
                             client.get(f"{URL}/me/signups"), client.get(f"{URL}/me/claims"),
                             post(client, f"{URL}/me/signups", {"project": project.pk}),
                             post(client, f"{URL}/me/claims", {
                                 "project": project.pk, "served_on": days(-1).isoformat(),
                                 "hours": "2"})):
                assert response.status_code == 404, (who, response.content)
                assert NOT_ENROLLED in response.json()["detail"]
        assert not Signup.objects.exists()


class OpenProjectsTests(SelfTestCase):
    def test_it_lists_the_projects_of_the_callers_area_and_those_above(self) -> None:
        w = self.world
        user, mine = self.enrolled()
        town = self.project(name="Town deliveries", volunteers_needed=3)
        self.project(w.village_a1, name="Village checkpoint", kind="checkpoint")
        self.project(w.district, name="District hotline", by=w.command, kind="counselling")
        self.project(name="Next week", starts_on=days(5))
        # Out of their line, ended or closed: not offered.
        self.project(w.village_a2, name="Village A2 care", kind="care")
        self.project(w.town_b, name="Xihe deliveries", by=w.bob)
        self.project(name="Ended", ends_on=days(-1))
        services.close_project(self.project(name="Closed"), by=w.alice, on=days(-1))
        theirs = self_service.sign_up(town, mine, by=user)
        lin_user, other = self.enrolled(w.village_a2, name="Lin")
        self_service.sign_up(town, other, by=w.alice)
        _, gone = self.enrolled(name="Gone")
        self_service.withdraw_signup(self_service.sign_up(town, gone, by=w.alice), by=w.alice)
        body = self.client_for(user).get(f"{URL}/me/projects").json()
        rows = {row["name"]: (row["area_name"], row["kind"], row["volunteers_needed"],
                              row["volunteers_signed_up"], row["signed_up"], row["signup_id"])
                for row in body["items"]}
        assert rows == {
            "Town deliveries": ("Dongcheng Town", "delivery", 3, 2, True, theirs.pk),
            "Village checkpoint": ("Village A1", "checkpoint", 10, 0, False, None),
            "District hotline": ("Qingshan District", "counselling", 10, 0, False, None),
            "Next week": ("Dongcheng Town", "delivery", 10, 0, False, None)}
        assert body["next_after"] is None
        # The one of village A2 sees the town's and the district's, not village A1's.
        lin = self.client_for(lin_user).get(f"{URL}/me/projects").json()
        assert {row["name"]: row["signed_up"] for row in lin["items"]} == {
            "Town deliveries": True, "District hotline": False, "Next week": False,
            "Village A2 care": False}

    def test_it_pages_by_key_in_few_queries(self) -> None:
        user, mine = self.enrolled()
        made = [self.project(name=f"P{n}") for n in range(3)]
        client = self.client_for(user)
        # session, user, their record (its area joined), a page of projects (counted in it)
        with self.assertNumQueries(4):
            first = client.get(f"{URL}/me/projects", {"limit": 2}).json()
        assert ([row["id"] for row in first["items"]], first["next_after"]) == (
            [made[0].pk, made[1].pk], made[1].pk)
        for n in range(3, 12):
            project = self.project(name=f"P{n}")
            for volunteer in (mine, self.enrolled(name=f"V{n}")[1]):
                self_service.sign_up(project, volunteer, by=self.world.alice)
        with self.assertNumQueries(4):
            rest = client.get(f"{URL}/me/projects", {"after": made[1].pk}).json()
        assert len(rest["items"]) == 10
        assert {(row["volunteers_signed_up"], row["signed_up"]) for row in rest["items"]} == {
            (0, False), (2, True)}


class SignUpTests(SelfTestCase):
    def test_it_signs_up_to_a_project_above_and_lists_it(self) -> None:
        w = self.world
        user, mine = self.enrolled()
        hotline = self.project(w.district, name="District hotline", by=w.command)
        client = self.client_for(user)
        response = post(client, f"{URL}/me/signups", {"project": hotline.pk})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["project_id"], body["project_name"], body["project_kind"],
                body["project_area_name"], body["volunteer_id"], body["volunteer_name"],
                body["volunteer_area_name"], body["volunteer_phone"], body["withdrawn_at"],
                body["active"]) == (
            hotline.pk, "District hotline", "delivery", "Qingshan District", mine.pk,
            "Fang Wang", "Village A1", masked(mine.phone), None, True)
        listed = client.get(f"{URL}/me/signups").json()
        assert [row["id"] for row in listed["items"]] == [body["id"]]
        # The district's readers see it; Alice, below the district, does not see the project.
        signups = self.client_for(w.command).get(f"{URL}/projects/{hotline.pk}/signups").json()
        assert [(row["volunteer_name"], row["volunteer_phone"]) for row in signups["items"]] == [
            ("Fang Wang", masked(mine.phone))]
        assert self.client_for(w.alice).get(
            f"{URL}/projects/{hotline.pk}/signups").status_code == 404

    def test_it_names_each_refusal_of_signing_up_and_writes_nothing(self) -> None:
        w = self.world
        user, mine = self.enrolled()
        client = self.client_for(user)
        town = self.project(name="Town deliveries", volunteers_needed=2)
        self_service.sign_up(town, mine, by=user)
        full = self.project(w.village_a1, name="Village gate", volunteers_needed=1)
        self_service.sign_up(full, self.enrolled(name="Lin")[1], by=w.alice)
        closed = self.project(name="Closed")
        services.close_project(closed, by=w.alice, on=days(-1))
        before = Signup.objects.count()
        for project_id in (self.project(w.village_a2, name="A2 care").pk,
                           self.project(w.town_b, name="Xihe", by=w.bob).pk,
                           closed.pk, 999_999):
            refused = errors_of(post(client, f"{URL}/me/signups", {"project": project_id}))
            assert list(refused) == ["project"] and str(project_id) in refused["project"]
        twice = errors_of(post(client, f"{URL}/me/signups", {"project": town.pk}))
        assert list(twice) == ["project"] and "signed up already" in twice["project"]
        crowded = errors_of(post(client, f"{URL}/me/signups", {"project": full.pk}))
        assert list(crowded) == ["project"] and "1 volunteers" in crowded["project"]
        assert list(errors_of(post(client, f"{URL}/me/signups", {}))) == ["project"]
        assert Signup.objects.count() == before


class WithdrawTests(SelfTestCase):
    def test_it_lets_the_volunteer_withdraw_from_a_project_above_their_sight(self) -> None:
        w = self.world
        user, mine = self.enrolled()
        hotline = self.project(w.district, name="District hotline", by=w.command)
        signup = self_service.sign_up(hotline, mine, by=user)
        client = self.client_for(user)
        response = post(client, f"{URL}/signups/{signup.pk}/withdraw")
        assert response.status_code == 200, response.json()
        assert (response.json()["active"], response.json()["withdrawn_at"] is not None) == (
            False, True)
        again = errors_of(post(client, f"{URL}/signups/{signup.pk}/withdraw"))
        assert list(again) == [""] and "already" in again[""]
        assert client.get(f"{URL}/me/signups").json()["items"] == []
        assert [row["id"] for row in client.get(f"{URL}/me/signups", {"status": "withdrawn"})
                .json()["items"]] == [signup.pk]
        # Withdrawn, they may sign up again; the project counts them once.
        assert post(client, f"{URL}/me/signups", {"project": hotline.pk}).status_code == 201
        offered = client.get(f"{URL}/me/projects").json()["items"]
        assert [(row["volunteers_signed_up"], row["signed_up"]) for row in offered] == [(1, True)]

    def test_it_lets_the_projects_keepers_withdraw_and_refuses_the_others(self) -> None:
        w = self.world
        user, mine = self.enrolled()
        town = self.project(name="Town deliveries")
        signup = self_service.sign_up(town, mine, by=user)
        url = f"{URL}/signups/{signup.pk}/withdraw"
        # Dr He reads town A's projects, she does not keep them.
        assert post(self.client_for(w.medic), url).status_code == 403
        # Bob and the stranger see nothing of town A; Li's grid and another volunteer's village
        # hold none of the town's projects: missing and forbidden alike.
        for who in (w.bob, w.stranger, w.li, self.enrolled(name="Lin")[0]):
            response = post(self.client_for(who), url)
            assert response.status_code == 404, who
            assert response.json() == {"detail": "Not found."}
        assert post(self.client_for(w.alice), f"{URL}/signups/999999/withdraw"
                    ).status_code == 404
        assert Signup.objects.get(pk=signup.pk).withdrawn_at is None
        response = post(self.client_for(w.alice), url)
        assert response.status_code == 200, response.json()
        assert response.json()["active"] is False

    def test_it_refuses_a_reader_of_a_village_project_who_is_no_keeper(self) -> None:
        w = self.world
        user, mine = self.enrolled()
        gate = self.project(w.village_a1, name="Village gate")
        signup = self_service.sign_up(gate, mine, by=user)
        # Another volunteer of the village sees its project, but keeps nothing.
        other = self.enrolled(name="Lin")[0]
        assert post(self.client_for(other), f"{URL}/signups/{signup.pk}/withdraw"
                    ).status_code == 403
        assert Signup.objects.get(pk=signup.pk).withdrawn_at is None


class ProjectSignupsTests(SelfTestCase):
    def test_it_lists_a_projects_signups_to_its_readers(self) -> None:
        w = self.world
        town = self.project(name="Town deliveries")
        made = []
        for name, area in (("Fang", w.village_a1), ("Lin", w.village_a2), ("Gone", w.village_a1)):
            user, volunteer = self.enrolled(area, name=name)
            made.append(self_service.sign_up(town, volunteer, by=user))
        self_service.withdraw_signup(made[2], by=w.alice)
        url = f"{URL}/projects/{town.pk}/signups"
        for reader in (w.alice, w.command, w.medic):
            body = self.client_for(reader).get(url).json()
            assert [(row["id"], row["volunteer_name"], row["volunteer_area_name"])
                    for row in body["items"]] == [
                (made[0].pk, "Fang Wang", "Village A1"), (made[1].pk, "Lin Wang", "Village A2")]
            assert all("****" in row["volunteer_phone"] for row in body["items"])
        alice = self.client_for(w.alice)
        withdrawn = alice.get(url, {"status": "withdrawn"}).json()["items"]
        assert [row["id"] for row in withdrawn] == [made[2].pk]
        paged = alice.get(url, {"status": "any", "limit": "2"}).json()
        assert paged["next_after"] == made[1].pk
        assert [row["id"] for row in alice.get(url, {"status": "any", "after": str(made[1].pk)})
                .json()["items"]] == [made[2].pk]
        for outsider in (w.bob, w.stranger, w.li):
            assert self.client_for(outsider).get(url).status_code == 404, outsider
        assert errors_of(alice.get(url, {"status": "all"})).keys() == {"status"}

    def test_it_keeps_its_queries_flat_however_many_signups(self) -> None:
        w = self.world
        town = self.project(name="Town deliveries")
        client = self.client_for(w.command)
        user, volunteer = self.enrolled()
        self_service.sign_up(town, volunteer, by=user)
        # session, user, home area, the project, a page of sign-ups (project, volunteer, areas)
        with self.assertNumQueries(5):
            assert len(client.get(f"{URL}/projects/{town.pk}/signups").json()["items"]) == 1
        for n in range(8):
            volunteer = self.enrolled((w.village_a1, w.village_a2)[n % 2], name=f"V{n}")[1]
            self_service.sign_up(town, volunteer, by=w.alice)
        with self.assertNumQueries(5):
            assert len(client.get(f"{URL}/projects/{town.pk}/signups").json()["items"]) == 9

    def test_it_keeps_the_callers_own_signups_in_few_queries(self) -> None:
        w = self.world
        user, mine = self.enrolled()
        client = self.client_for(user)
        self_service.sign_up(self.project(name="P0"), mine, by=user)
        # session, user, their record, a page of sign-ups
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/me/signups").json()["items"]) == 1
        for n in range(1, 6):
            area = (w.town_a, w.village_a1, w.district)[n % 3]
            project = self.project(area, name=f"P{n}", by=w.command)
            self_service.sign_up(project, mine, by=user)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/me/signups").json()["items"]) == 6
