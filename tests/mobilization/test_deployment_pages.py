"""Pages of the people sent down 下沉人员: the list (who sees whom, phones always masked, the
days on duty, filters, a flat query count), recording a person and the refusals naming their
field, a person's page (the phone in full to the area's officers only, their commendations),
and recalling a person 返岗: who may, and refusals on the form."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.core.identity import mask_phone
from epigrid.mobilization import services
from epigrid.mobilization.models import Deployment, TeamKind
from tests.base import PASSWORD
from tests.mobilization.helpers import MobilizationTestCase, days, new_phone

LIST = reverse("mobilization:deployments")
NEW = reverse("mobilization:deployment_new")


def listed(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="person-(\d+)"', body)]


def row(body: str, person: Deployment) -> str:
    found = re.search(rf'<tr id="person-{person.pk}".*?</tr>', body, re.S)
    assert found is not None, f"person {person.pk} is not listed"
    return found.group()


def url(name: str, person: Deployment) -> str:
    return reverse(f"mobilization:{name}", args=[person.pk])


class PeopleListTests(MobilizationTestCase):
    def test_it_lists_the_people_each_user_sees_with_their_phone_masked(self) -> None:
        w = self.world
        chen = self.deployment(name="Chen Ming")
        team = self.team()
        yang = self.deployment(w.village_a2, name="Yang Fan", team=team, leader=True)
        zhao = self.deployment(w.village_b1, name="Zhao Lei", by=w.bob)
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertEqual(listed(alice), [chen.pk, yang.pk])
        self.assertNotIn("Zhao Lei", alice)
        self.assertNotIn("Xihe", alice)
        # Even the area's officer reads masked phones in a list.
        self.assertNotIn(chen.phone, alice)
        self.assertIn(mask_phone(chen.phone), row(alice, chen))
        line = row(alice, yang)
        self.assertIn(f'href="{reverse("mobilization:team", args=[team.pk])}"', line)
        self.assertIn("leader", line)
        self.assertIn("Village A2", line)
        self.assertIn('<td class="num days">4</td>', row(alice, chen))  # arrived 3 days ago
        bob = self.client_for(w.bob).get(LIST).content.decode()
        self.assertEqual(listed(bob), [zhao.pk])
        self.assertNotIn(zhao.phone, bob)
        self.assertEqual(listed(self.client_for(w.stranger).get(LIST).content.decode()), [])

    def test_it_names_a_team_the_viewer_does_not_see_without_a_link(self) -> None:
        w = self.world
        team = self.team()  # town A's team, a member in village A1
        member = self.deployment(team=team)
        officer = create_user(username="xie", password=PASSWORD, role=Role.AREA_OFFICER,
                              home_area=w.village_a1)
        body = self.client_for(officer).get(LIST).content.decode()
        self.assertIn("Dongcheng Commando Team", row(body, member))
        self.assertNotIn(reverse("mobilization:team", args=[team.pk]), body)

    def test_it_filters_by_duty_area_team_party_and_words(self) -> None:
        w = self.world
        team = self.team()
        chen = self.deployment(name="Chen Ming", team=team, party_member=True,
                               post="Deputy Director")
        yang = self.deployment(w.village_a2, name="Yang Fan", unit="District Water Bureau")
        gone = self.deployment(name="Zhang Wei", arrived_on=days(-9), team=team)
        services.recall(gone, by=w.alice, on=days(-2))
        ahead = self.deployment(name="Xu Ke", arrived_on=days(3))
        client = self.client_for(w.alice)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [chen.pk, yang.pk])  # on duty today
        self.assertEqual(ids("?status=left"), [gone.pk])
        self.assertEqual(ids("?status=any"), [chen.pk, ahead.pk, gone.pk, yang.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}"), [yang.pk])
        self.assertEqual(ids(f"?team={team.pk}&status=any"), [chen.pk, gone.pk])
        self.assertEqual(ids("?party=on"), [chen.pk])
        self.assertEqual(ids("?q=water"), [yang.pk])  # the unit
        self.assertEqual(ids("?q=deputy"), [chen.pk])  # the post
        self.assertEqual(ids("?q=zhang&status=any"), [gone.pk])  # the name
        self.assertEqual(ids(f"?q={yang.phone}"), [yang.pk])  # a whole phone
        self.assertEqual(ids(f"?q={yang.phone[:7]}"), [])  # not a part of one
        days_left = row(client.get(LIST + "?status=left").content.decode(), gone)
        self.assertIn('<td class="num days">8</td>', days_left)  # day -9 to day -2

    def test_it_refuses_a_team_filter_of_another_town(self) -> None:
        w = self.world
        team = self.team()
        response = self.client_for(w.bob).get(LIST + f"?team={team.pk}")
        self.assertIn("team", response.context["form"].errors)
        self.assertNotIn("Dongcheng", response.content.decode())

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        people = [self.deployment(name=f"Person {n}") for n in range(3)]
        client = self.client_for(self.world.alice)
        first = client.get(LIST).content.decode()
        self.assertEqual(listed(first), [people[0].pk, people[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?page=2").content.decode()), [people[2].pk])

    def test_it_keeps_its_queries_flat_however_many_people(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.deployment(team=self.team(), name="Person 0")
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(1, 8):
            team = self.team(w.town_b, name=f"Team {number}", by=w.command)
            self.deployment(w.village_b1, name=f"Person {number}", by=w.command,
                            team=team if number % 2 else None, party_member=bool(number % 3))
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["rows"]), 8)


class RecordPersonPageTests(MobilizationTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.village_a1.pk, "name": "Liu Yang",
                "unit": "District Education Bureau", "post": "Section Chief",
                "phone": "138 1234 5678", "party_member": "on", "team": "", "duties":
                "Households 1 to 40 of East Lane.", "arrived_on": days(-1).isoformat()} | fields

    def test_it_records_a_person_sent_down(self) -> None:
        w = self.world
        team = self.team()
        response = self.client_for(w.alice).post(NEW, self.form(team=team.pk, leader="on"),
                                                 follow=True)
        person = Deployment.objects.get()
        self.assertRedirects(response, url("deployment", person))
        self.assertEqual((person.area, person.name, person.unit, person.post, person.phone,
                          person.party_member, person.team, person.leader, person.arrived_on,
                          person.created_by),
                         (w.village_a1, "Liu Yang", "District Education Bureau",
                          "Section Chief", "13812345678", True, team, True, days(-1), w.alice))
        self.assertIn("Liu Yang is recorded as sent down to Village A1.",
                      response.content.decode())

    def test_it_preselects_the_team_a_link_names(self) -> None:
        w = self.world
        team = self.team(w.village_a2, name="Village A2 Pioneer Post", kind=TeamKind.PIONEER)
        form = self.client_for(w.alice).get(NEW + f"?team={team.pk}").context["form"]
        self.assertEqual((form["team"].value(), form["area"].value()),
                         (team.pk, w.village_a2.pk))
        other = self.team(w.town_b, name="Xihe Work Group", kind=TeamKind.SECTOR, by=w.bob)
        response = self.client_for(w.alice).get(NEW + f"?team={other.pk}")
        self.assertIsNone(response.context["form"]["team"].value())
        self.assertNotIn("Xihe", response.content.decode())

    def test_it_refuses_a_bad_phone_and_names_the_field(self) -> None:
        response = self.client_for(self.world.alice).post(NEW, self.form(phone="12345"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["phone"],
                         ["A mobile number has 11 digits and starts with 13 to 19, like "
                          "138 0013 8000."])
        self.assertFalse(Deployment.objects.exists())

    def test_it_refuses_a_phone_whose_holder_is_on_duty_elsewhere(self) -> None:
        w = self.world
        phone = new_phone()
        self.deployment(w.village_a2, name="Chen Ming", phone=phone)
        response = self.client_for(w.alice).post(NEW, self.form(phone=phone))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["phone"],
                         [f"Chen Ming is on duty in Village A2 since {days(-3).isoformat()}."])
        self.assertEqual(Deployment.objects.count(), 1)

    def test_it_refuses_a_team_of_another_area_and_a_leader_without_team(self) -> None:
        w = self.world
        team = self.team(w.village_a2, name="Village A2 Pioneer Post", kind=TeamKind.PIONEER)
        response = self.client_for(w.alice).post(NEW, self.form(team=team.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["team"],
                         ["Village A2 Pioneer Post works in Village A2."])
        alone = self.client_for(w.alice).post(NEW, self.form(leader="on"))
        self.assertEqual(alone.context["form"].errors["leader"],
                         ["Only a member of a team leads it."])
        self.assertFalse(Deployment.objects.exists())

    def test_it_offers_only_the_active_teams_the_user_sees(self) -> None:
        w = self.world
        active = self.team()
        old = self.team(name="Spring Festival Work Group", kind=TeamKind.SECTOR)
        services.stand_down_team(old, by=w.alice, on=days(-1))
        self.team(w.town_b, name="Xihe Work Group", kind=TeamKind.SECTOR, by=w.bob)
        form = self.client_for(w.alice).get(NEW).context["form"]
        self.assertEqual(list(form.fields["team"].queryset), [active])
        refused = self.client_for(w.alice).post(NEW, self.form(team=old.pk))
        self.assertIn("team", refused.context["form"].errors)
        self.assertFalse(Deployment.objects.exists())

    def test_it_lets_only_those_who_mobilize_in(self) -> None:
        w = self.world
        for user in (w.li, w.stranger, w.medic):
            with self.subTest(user.username):
                self.assertEqual(self.client_for(user).get(NEW).status_code, 403)
                self.assertEqual(self.client_for(user).post(NEW, self.form()).status_code, 403)
        self.assertFalse(Deployment.objects.exists())


class PersonPageTests(MobilizationTestCase):
    def test_it_shows_the_person_with_the_phone_in_full_to_the_areas_officer(self) -> None:
        w = self.world
        team = self.team()
        person = self.deployment(team=team, leader=True, post="Deputy Director",
                                 duties="Households 1 to 40 of East Lane.")
        response = self.client_for(w.alice).get(url("deployment", person))
        body = response.content.decode()
        self.assertIn(f'<dd id="phone">{person.phone}</dd>', body)
        self.assertIn('<dd id="days">4</dd>', body)
        self.assertIn("Households 1 to 40 of East Lane.", body)
        self.assertIn(f'href="{reverse("mobilization:team", args=[team.pk])}"', body)
        self.assertIsNotNone(response.context["recall_form"])

    def test_it_masks_the_phone_for_those_who_do_not_keep_the_area(self) -> None:
        w = self.world
        person = self.deployment()
        response = self.client_for(w.medic).get(url("deployment", person))
        body = response.content.decode()
        self.assertNotIn(person.phone, body)
        self.assertIn(f'<dd id="phone">{mask_phone(person.phone)}</dd>', body)
        self.assertIsNone(response.context["recall_form"])

    def test_it_lists_the_persons_commendations(self) -> None:
        w = self.world
        person = self.deployment()
        services.commend(w.town_a, by=w.alice, deployment=person, honour="Model Cadre",
                         awarded_on=days(-1), awarded_by="Dongcheng Town Committee",
                         citation="Checked 300 households in two days.")
        services.commend(w.town_a, by=w.alice, recipient="Someone else", honour="Best Helper",
                         awarded_on=days(-1), awarded_by="Dongcheng Town Committee")
        body = self.client_for(w.alice).get(url("deployment", person)).content.decode()
        self.assertIn("Model Cadre", body)
        self.assertIn("Checked 300 households in two days.", body)
        self.assertNotIn("Best Helper", body)

    def test_it_hides_another_towns_person(self) -> None:
        w = self.world
        person = self.deployment()
        bob = self.client_for(w.bob)
        self.assertEqual(bob.get(url("deployment", person)).status_code, 404)
        self.assertEqual(bob.post(url("deployment_recall", person),
                                  {"on": days(0).isoformat()}).status_code, 404)
        self.assertEqual(self.client_for(w.stranger).get(url("deployment", person)).status_code,
                         404)
        person.refresh_from_db()
        self.assertIsNone(person.left_on)


class RecallTests(MobilizationTestCase):
    def test_it_records_the_day_the_person_left(self) -> None:
        w = self.world
        person = self.deployment()
        response = self.client_for(w.alice).post(url("deployment_recall", person),
                                                 {"on": days(-1).isoformat()}, follow=True)
        self.assertRedirects(response, url("deployment", person))
        self.assertIn(f"Chen Ming left the area on {days(-1).isoformat()}.",
                      response.content.decode())
        person.refresh_from_db()
        self.assertEqual(person.left_on, days(-1))
        self.assertIsNone(response.context["recall_form"])
        self.assertIn('<dd id="days">3</dd>', response.content.decode())

    def test_it_refuses_a_day_before_arrival_and_a_second_recall(self) -> None:
        w = self.world
        person = self.deployment()
        client = self.client_for(w.alice)
        early = client.post(url("deployment_recall", person), {"on": days(-7).isoformat()})
        self.assertEqual(early.status_code, 400)
        self.assertEqual(early.context["recall_form"].errors["on"],
                         [f"Chen Ming arrived on {days(-3).isoformat()}."])
        services.recall(person, by=w.alice, on=days(-1))
        again = client.post(url("deployment_recall", person), {"on": days(0).isoformat()})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(again.context["recall_form"].non_field_errors(),
                         [f"Chen Ming left on {days(-1).isoformat()}."])

    def test_it_lets_only_the_areas_officers_recall(self) -> None:
        w = self.world
        person = self.deployment()
        in_grid = self.deployment(w.grid_a1_1, name="Wu Gang")
        data = {"on": days(0).isoformat()}
        self.assertEqual(self.client_for(w.medic).post(url("deployment_recall", person),
                                                       data).status_code, 403)
        li = self.client_for(w.li)
        self.assertEqual(li.get(url("deployment", in_grid)).status_code, 200)
        self.assertEqual(li.post(url("deployment_recall", in_grid), data).status_code, 403)
        self.assertEqual(self.client_for(w.alice).get(url("deployment_recall", person))
                         .status_code, 405)
        self.assertFalse(Deployment.objects.filter(left_on__isnull=False).exists())
