"""Team pages: the list (who sees which team, the members on duty counted, filters, a flat
query count), forming a team and its refusals, a team's page with its members (phones masked
but to the area's officers), and standing a team down: who may, and refusals on their fields."""

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
from epigrid.mobilization.models import Deployment, Team, TeamKind
from tests.base import PASSWORD
from tests.mobilization.helpers import MobilizationTestCase, days

LIST = reverse("mobilization:teams")
NEW = reverse("mobilization:team_new")


def listed(body: str, what: str = "team") -> list[int]:
    """The ids of the rows a table shows, in its order."""
    return [int(pk) for pk in re.findall(rf'<tr id="{what}-(\d+)"', body)]


def row(body: str, pk: int, what: str = "team") -> str:
    found = re.search(rf'<tr id="{what}-{pk}".*?</tr>', body, re.S)
    assert found is not None, f"{what} {pk} is not listed"
    return found.group()


def url(name: str, team: Team) -> str:
    return reverse(f"mobilization:{name}", args=[team.pk])


class TeamListTests(MobilizationTestCase):
    def test_it_lists_the_teams_each_user_sees(self) -> None:
        w = self.world
        town_a = self.team()
        village = self.team(w.village_a2, name="Village A2 Pioneer Post", kind=TeamKind.PIONEER)
        town_b = self.team(w.town_b, name="Xihe Work Group", kind=TeamKind.SECTOR, by=w.bob)
        self.assertEqual(listed(self.client_for(w.alice).get(LIST).content.decode()),
                         [town_a.pk, village.pk])
        self.assertEqual(listed(self.client_for(w.bob).get(LIST).content.decode()),
                         [town_b.pk])
        self.assertEqual(len(listed(self.client_for(w.command).get(LIST).content.decode())), 3)
        self.assertEqual(listed(self.client_for(w.stranger).get(LIST).content.decode()), [])
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertNotIn("Xihe", alice)
        self.assertIn("Dongcheng Town", row(alice, town_a.pk))

    def test_it_counts_the_members_on_duty_today_and_shows_a_medical_batch(self) -> None:
        w = self.world
        team = self.team(w.town_a, name="Third Medical Team", kind=TeamKind.MEDICAL, batch=3,
                         sent_by="Provincial People's Hospital")
        self.deployment(team=team, name="Dr Chen")
        self.deployment(team=team, name="Nurse Lin", arrived_on=days(-1))
        left = self.deployment(team=team, name="Dr Ma")
        services.recall(left, by=w.alice, on=days(-1))
        self.deployment(team=team, name="Dr Xu", arrived_on=days(2))  # not arrived yet
        body = self.client_for(w.alice).get(LIST).content.decode()
        line = row(body, team.pk)
        self.assertIn('<td class="num on-duty">2</td>', line)
        self.assertIn("medical team · batch 3", line)
        self.assertIn("Provincial People&#x27;s Hospital", line)
        self.assertIn(days(-5).isoformat(), line)

    def test_it_filters_by_status_kind_area_and_words(self) -> None:
        w = self.world
        commando = self.team(sent_by="District Housing Bureau")
        medical = self.team(w.village_a2, name="First Medical Team", kind=TeamKind.MEDICAL,
                            batch=1, sent_by="City Hospital No. 3")
        old = self.team(name="Spring Festival Work Group", kind=TeamKind.SECTOR)
        services.stand_down_team(old, by=w.alice, on=days(-1))
        client = self.client_for(w.alice)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [commando.pk, medical.pk])  # the active ones
        self.assertEqual(ids("?status=stood_down"), [old.pk])
        self.assertEqual(ids("?status=any"), [commando.pk, old.pk, medical.pk])
        self.assertEqual(ids("?kind=medical"), [medical.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}"), [medical.pk])
        self.assertEqual(ids("?q=hospital"), [medical.pk])  # the sending unit
        self.assertEqual(ids("?q=festival&status=any"), [old.pk])  # the name
        self.assertIn(days(-1).isoformat(), row(client.get(LIST + "?status=any")
                                                .content.decode(), old.pk))

    def test_it_refuses_an_area_filter_of_another_town(self) -> None:
        w = self.world
        self.team()
        response = self.client_for(w.bob).get(LIST + f"?area={w.town_a.pk}")
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Dongcheng", response.content.decode())

    def test_it_offers_to_form_a_team_to_the_officers_only(self) -> None:
        w = self.world
        self.assertIn(f'href="{NEW}"', self.client_for(w.alice).get(LIST).content.decode())
        self.assertNotIn(f'href="{NEW}"', self.client_for(w.li).get(LIST).content.decode())

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        teams = [self.team(name=f"Team {n}") for n in range(3)]
        client = self.client_for(self.world.alice)
        first = client.get(LIST).content.decode()
        self.assertEqual(listed(first), [teams[0].pk, teams[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?page=2").content.decode()), [teams[2].pk])

    def test_it_keeps_its_queries_flat_however_many_teams_and_members(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.deployment(team=self.team(name="Team 0"))
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(1, 6):
            team = self.team(w.town_b if number % 2 else w.town_a, name=f"Team {number}",
                             by=w.command)
            self.deployment(team.area, team=team, name=f"Member {number}", by=w.command)
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["teams"]), 6)
        self.assertEqual([team.on_duty for team in many.context["teams"]], [1] * 6)


class FormTeamPageTests(MobilizationTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "kind": TeamKind.MEDICAL,
                "name": "Second Medical Team", "batch": "2", "sent_by": "City Hospital",
                "duties": "Run the fever clinic.", "formed_on": days(-1).isoformat()} | fields

    def test_it_forms_a_team_in_an_area_of_the_officers_own(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(NEW, self.form(), follow=True)
        team = Team.objects.get()
        self.assertRedirects(response, url("team", team))
        self.assertEqual((team.area, team.kind, team.name, team.batch, team.sent_by,
                          team.formed_on, team.created_by),
                         (w.town_a, TeamKind.MEDICAL, "Second Medical Team", 2, "City Hospital",
                          days(-1), w.alice))
        self.assertIn("Second Medical Team is formed in Dongcheng Town.",
                      response.content.decode())

    def test_it_refuses_a_batch_of_another_kind_an_empty_name_and_a_day_ahead(self) -> None:
        response = self.client_for(self.world.alice).post(NEW, self.form(
            kind=TeamKind.COMMANDO, name=" ", formed_on=days(1).isoformat()))
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(errors["batch"], ["Only a medical team is dispatched in batches."])
        self.assertEqual(errors["name"], ["Name the team."])
        self.assertEqual(errors["formed_on"], [f"{days(1).isoformat()} is in the future."])
        self.assertFalse(Team.objects.exists())

    def test_it_refuses_a_second_team_of_the_same_name_in_the_area(self) -> None:
        self.team(name="Second Medical Team", kind=TeamKind.MEDICAL)
        response = self.client_for(self.world.alice).post(NEW, self.form())
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["name"],
                         ["Dongcheng Town has a team named Second Medical Team already."])

    def test_it_refuses_an_area_outside_the_officers_subtree(self) -> None:
        w = self.world
        response = self.client_for(w.bob).post(NEW, self.form(area=w.village_a1.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Village A1", response.content.decode())
        self.assertFalse(Team.objects.exists())

    def test_it_lets_only_those_who_mobilize_in(self) -> None:
        w = self.world
        for user in (w.li, w.stranger, w.medic):
            with self.subTest(user.username):
                self.assertEqual(self.client_for(user).get(NEW).status_code, 403)
                self.assertEqual(self.client_for(user).post(NEW, self.form()).status_code, 403)
        self.assertFalse(Team.objects.exists())
        form = self.client_for(w.alice).get(NEW).context["form"]
        self.assertEqual(form.fields["area"].initial, w.town_a.pk)
        self.assertEqual(form.fields["formed_on"].initial, days(0))


class TeamPageTests(MobilizationTestCase):
    def test_it_shows_the_team_and_its_members_on_duty_first(self) -> None:
        w = self.world
        team = self.team(duties="Guard the east gate of each compound.")
        gone = self.deployment(team=team, name="Zhang Wei")
        services.recall(gone, by=w.alice, on=days(-1))
        member = self.deployment(team=team, name="Chen Ming")
        leader = self.deployment(w.village_a2, team=team, name="Yang Fan", leader=True)
        response = self.client_for(w.alice).get(url("team", team))
        body = response.content.decode()
        self.assertEqual(listed(body, "member"), [leader.pk, member.pk, gone.pk])
        self.assertIn("leader", row(body, leader.pk, "member"))
        self.assertNotIn("leader", row(body, member.pk, "member"))
        self.assertIn('<dd id="on-duty">2</dd>', body)
        self.assertIn("Guard the east gate of each compound.", body)
        self.assertIn(days(-1).isoformat(), row(body, gone.pk, "member"))
        # Alice keeps town A's people: she reads their phones in full.
        self.assertIn(member.phone, row(body, member.pk, "member"))
        self.assertIn(f'href="{reverse("mobilization:deployment_new")}?team={team.pk}"', body)
        self.assertIsNotNone(response.context["stand_down_form"])

    def test_it_masks_the_phones_for_those_who_do_not_keep_the_area(self) -> None:
        w = self.world
        team = self.team()
        member = self.deployment(team=team)
        response = self.client_for(w.medic).get(url("team", team))
        body = response.content.decode()
        self.assertNotIn(member.phone, body)
        self.assertIn(mask_phone(member.phone), row(body, member.pk, "member"))
        self.assertIsNone(response.context["stand_down_form"])
        self.assertNotIn("?team=", body)

    def test_it_lists_a_member_posted_above_the_team_to_the_teams_own_officer(self) -> None:
        w = self.world
        chen = create_user(username="chen", password=PASSWORD, role=Role.AREA_OFFICER,
                           home_area=w.village_a1)
        team = self.team(w.village_a1, name="East Lane Commando Team")
        own = self.deployment(w.village_a1, team=team, name="Li Lei")
        above = self.deployment(w.town_a, team=team, name="Zhang Wei", leader=True)
        body = self.client_for(chen).get(url("team", team)).content.decode()
        self.assertEqual(listed(body, "member"), [above.pk, own.pk])
        self.assertIn('<dd id="on-duty">2</dd>', body)
        theirs = row(body, above.pk, "member")
        # Read through the team: named, its phone masked, no link to a page out of his sight.
        self.assertIn("Zhang Wei <span class=\"muted\">(Dongcheng Town)</span>", theirs)
        self.assertIn(mask_phone(above.phone), theirs)
        self.assertNotIn(reverse("mobilization:deployment", args=[above.pk]), theirs)
        self.assertEqual(self.client_for(chen).get(
            reverse("mobilization:deployment", args=[above.pk])).status_code, 404)
        self.assertIn(reverse("mobilization:deployment", args=[own.pk]),
                      row(body, own.pk, "member"))
        self.assertIn(own.phone, row(body, own.pk, "member"))
        # The team list counts the same two on duty.
        listing = self.client_for(chen).get(reverse("mobilization:teams")).content.decode()
        self.assertIn(">2<", row(listing, team.pk))
        # Alice, who keeps the town, reads his phone and follows his link.
        alices = row(self.client_for(w.alice).get(url("team", team)).content.decode(),
                     above.pk, "member")
        self.assertIn(above.phone, alices)
        self.assertIn(reverse("mobilization:deployment", args=[above.pk]), alices)
        api = self.client_for(chen).get(f"/api/mobilization/teams/{team.pk}").json()
        self.assertEqual([(m["name"], m["phone"]) for m in api["members"]],
                         [("Li Lei", mask_phone(own.phone)),
                          ("Zhang Wei", mask_phone(above.phone))])

    def test_it_hides_another_towns_team(self) -> None:
        w = self.world
        team = self.team()
        bob = self.client_for(w.bob)
        self.assertEqual(bob.get(url("team", team)).status_code, 404)
        self.assertEqual(bob.post(url("team_stand_down", team),
                                  {"on": days(0).isoformat()}).status_code, 404)
        self.assertEqual(self.client_for(w.stranger).get(url("team", team)).status_code, 404)
        self.assertEqual(bob.get(reverse("mobilization:team", args=[9999])).status_code, 404)
        team.refresh_from_db()
        self.assertIsNone(team.stood_down_on)


class StandDownTests(MobilizationTestCase):
    def test_it_stands_the_team_down_and_its_members_leave_that_day(self) -> None:
        w = self.world
        team = self.team()
        member = self.deployment(team=team)
        response = self.client_for(w.alice).post(url("team_stand_down", team),
                                                 {"on": days(-1).isoformat()}, follow=True)
        self.assertRedirects(response, url("team", team))
        self.assertIn("Dongcheng Commando Team stood down; its members on duty left that day.",
                      response.content.decode())
        team.refresh_from_db()
        member.refresh_from_db()
        self.assertEqual((team.stood_down_on, member.left_on), (days(-1), days(-1)))
        self.assertIsNone(response.context["stand_down_form"])  # nothing more to stand down

    def test_it_refuses_a_day_before_the_team_was_formed(self) -> None:
        team = self.team()
        response = self.client_for(self.world.alice).post(url("team_stand_down", team),
                                                          {"on": days(-9).isoformat()})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["stand_down_form"].errors["on"],
                         [f"The team was formed on {days(-5).isoformat()}."])
        self.assertIn(f"The team was formed on {days(-5).isoformat()}.",
                      response.content.decode())
        missing = self.client_for(self.world.alice).post(url("team_stand_down", team), {})
        self.assertIn("on", missing.context["stand_down_form"].errors)
        team.refresh_from_db()
        self.assertIsNone(team.stood_down_on)

    def test_it_refuses_to_stand_a_team_down_twice(self) -> None:
        w = self.world
        team = self.team()
        services.stand_down_team(team, by=w.alice, on=days(-2))
        response = self.client_for(w.alice).post(url("team_stand_down", team),
                                                 {"on": days(0).isoformat()})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["stand_down_form"].non_field_errors(),
                         [f"The team stood down on {days(-2).isoformat()}."])

    def test_it_lets_only_the_areas_officers_stand_a_team_down(self) -> None:
        w = self.world
        team = self.team()
        grid_team = self.team(w.grid_a1_1, name="Grid A1-1 Pioneer Post",
                              kind=TeamKind.PIONEER)
        data = {"on": days(0).isoformat()}
        self.assertEqual(self.client_for(w.medic).post(url("team_stand_down", team),
                                                       data).status_code, 403)
        # Li sees his grid's post, but a grid worker does not keep teams.
        self.assertEqual(self.client_for(w.li).get(url("team", grid_team)).status_code, 200)
        self.assertEqual(self.client_for(w.li).post(url("team_stand_down", grid_team),
                                                    data).status_code, 403)
        self.assertEqual(self.client_for(w.alice).get(url("team_stand_down", team)).status_code,
                         405)
        self.assertFalse(Team.objects.filter(stood_down_on__isnull=False).exists())
        self.assertFalse(Deployment.objects.exists())
