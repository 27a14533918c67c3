"""Commendation pages 表彰: the list (who sees which, the recipient linked to the person or
team honoured, filters, a flat query count) and recording a commendation: one recipient only,
of the area's subtree, by those who mobilize."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.mobilization import services
from epigrid.mobilization.models import Commendation
from tests.mobilization.helpers import MobilizationTestCase, days

LIST = reverse("mobilization:commendations")
NEW = reverse("mobilization:commendation_new")


def listed(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="commendation-(\d+)"', body)]


def row(body: str, honour: Commendation) -> str:
    found = re.search(rf'<tr id="commendation-{honour.pk}".*?</tr>', body, re.S)
    assert found is not None, f"commendation {honour.pk} is not listed"
    return found.group()


class CommendationListTests(MobilizationTestCase):
    def commend(self, area: Any = None, **fields: Any) -> Commendation:
        values: dict[str, Any] = {"honour": "Model Cadre", "awarded_on": days(-1),
                                  "awarded_by": "Dongcheng Town Committee",
                                  "by": self.world.alice}
        values.update(fields)
        return services.commend(area or self.world.town_a, **values)

    def test_it_lists_the_commendations_each_user_sees_and_links_the_recipient(self) -> None:
        w = self.world
        person = self.deployment()
        team = self.team()
        to_person = self.commend(deployment=person, awarded_on=days(-1))
        to_team = self.commend(team=team, honour="Model Team", awarded_on=days(-2))
        named = self.commend(recipient="Wang Fang", honour="Volunteer", awarded_on=days(-3))
        town_b = self.commend(w.town_b, recipient="Zhao Lei", by=w.bob,
                              awarded_by="Xihe Town Committee")
        body = self.client_for(w.alice).get(LIST).content.decode()
        self.assertEqual(listed(body), [to_person.pk, to_team.pk, named.pk])
        self.assertIn(f'href="{reverse("mobilization:deployment", args=[person.pk])}"',
                      row(body, to_person))
        self.assertIn(f'href="{reverse("mobilization:team", args=[team.pk])}"',
                      row(body, to_team))
        self.assertNotIn("href", row(body, named))
        self.assertIn("Dongcheng Town", row(body, named))
        self.assertNotIn("Xihe", body)
        self.assertEqual(listed(self.client_for(w.bob).get(LIST).content.decode()),
                         [town_b.pk])
        self.assertEqual(listed(self.client_for(w.stranger).get(LIST).content.decode()), [])

    def test_it_filters_by_area_and_words(self) -> None:
        w = self.world
        town = self.commend(recipient="Wang Fang")
        village = self.commend(w.village_a2, recipient="Li Na", honour="Good Neighbour",
                               awarded_by="Village A2 Committee")
        client = self.client_for(w.alice)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(f"?area={w.village_a2.pk}"), [village.pk])
        self.assertEqual(ids("?q=neighbour"), [village.pk])  # the honour
        self.assertEqual(ids("?q=wang"), [town.pk])  # the recipient
        self.assertEqual(ids("?q=town committee"), [town.pk])  # who awarded it
        response = self.client_for(w.bob).get(LIST + f"?area={w.town_a.pk}")
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        honours = [self.commend(recipient=f"Person {n}", awarded_on=days(-n)) for n in range(3)]
        client = self.client_for(self.world.alice)
        first = client.get(LIST).content.decode()
        self.assertEqual(listed(first), [honours[0].pk, honours[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?page=2").content.decode()),
                         [honours[2].pk])

    def test_it_keeps_its_queries_flat_however_many_commendations(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.commend(deployment=self.deployment(name="Person 0"))
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(1, 7):
            if number % 3 == 0:
                self.commend(recipient=f"Named {number}")
            elif number % 3 == 1:
                self.commend(team=self.team(name=f"Team {number}"))
            else:
                self.commend(w.town_b, by=w.command, deployment=self.deployment(
                    w.village_b1, name=f"Person {number}", by=w.command))
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["commendations"]), 7)


class RecordCommendationPageTests(MobilizationTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "deployment": "", "team": "", "recipient": "",
                "honour": "Model Cadre", "citation": "Checked 300 households in two days.",
                "awarded_on": days(-1).isoformat(),
                "awarded_by": "Dongcheng Town Committee"} | fields

    def test_it_commends_a_person_sent_down(self) -> None:
        w = self.world
        person = self.deployment()
        response = self.client_for(w.alice).post(NEW, self.form(deployment=person.pk),
                                                 follow=True)
        self.assertRedirects(response, LIST)
        honour = Commendation.objects.get()
        self.assertEqual((honour.area, honour.deployment, honour.team, honour.recipient,
                          honour.honour, honour.awarded_on, honour.recorded_by),
                         (w.town_a, person, None, "Chen Ming", "Model Cadre", days(-1),
                          w.alice))
        self.assertIn("Chen Ming is commended: Model Cadre.", response.content.decode())

    def test_it_commends_a_team_or_someone_named(self) -> None:
        w = self.world
        team = self.team()
        client = self.client_for(w.alice)
        self.assertEqual(client.post(NEW, self.form(team=team.pk)).status_code, 302)
        self.assertEqual(client.post(NEW, self.form(recipient="Wang Fang")).status_code, 302)
        self.assertEqual(list(Commendation.objects.order_by("id")
                              .values_list("recipient", "team")),
                         [("Dongcheng Commando Team", team.pk), ("Wang Fang", None)])

    def test_it_refuses_two_recipients_or_none(self) -> None:
        w = self.world
        person = self.deployment()
        message = ["Name one recipient: a person sent down, a team, or someone else."]
        two = self.client_for(w.alice).post(NEW, self.form(deployment=person.pk,
                                                           recipient="Wang Fang"))
        self.assertEqual(two.status_code, 400)
        self.assertEqual(two.context["form"].errors["recipient"], message)
        none = self.client_for(w.alice).post(NEW, self.form(honour=""))
        self.assertEqual(none.context["form"].errors["recipient"], message)
        self.assertEqual(none.context["form"].errors["honour"], ["Give the honour."])
        self.assertFalse(Commendation.objects.exists())

    def test_it_refuses_a_person_outside_the_awarding_area(self) -> None:
        w = self.world
        person = self.deployment()  # in village A1
        response = self.client_for(w.alice).post(NEW, self.form(
            area=w.village_a2.pk, deployment=person.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["deployment"],
                         ["Chen Ming is not in Village A2."])
        self.assertFalse(Commendation.objects.exists())

    def test_it_offers_only_the_people_and_teams_the_user_sees(self) -> None:
        w = self.world
        person = self.deployment()
        form = self.client_for(w.bob).get(NEW).context["form"]
        self.assertEqual(list(form.fields["deployment"].queryset), [])
        response = self.client_for(w.bob).post(NEW, self.form(area=w.town_b.pk,
                                                              deployment=person.pk))
        self.assertEqual(response.status_code, 400)
        self.assertIn("deployment", response.context["form"].errors)
        self.assertNotIn("Chen Ming", response.content.decode())
        self.assertFalse(Commendation.objects.exists())

    def test_it_preselects_the_person_a_link_names(self) -> None:
        w = self.world
        person = self.deployment()
        response = self.client_for(w.alice).get(NEW + f"?deployment={person.pk}")
        self.assertEqual(response.context["form"]["deployment"].value(), person.pk)
        page = self.client_for(w.alice).get(reverse("mobilization:deployment",
                                                    args=[person.pk])).content.decode()
        self.assertIn(f'href="{NEW}?deployment={person.pk}"', page)

    def test_it_lets_only_those_who_mobilize_in(self) -> None:
        w = self.world
        for user in (w.li, w.stranger, w.medic):
            with self.subTest(user.username):
                self.assertEqual(self.client_for(user).get(NEW).status_code, 403)
                self.assertEqual(self.client_for(user).post(NEW, self.form(
                    recipient="Wang Fang")).status_code, 403)
        self.assertFalse(Commendation.objects.exists())
        self.assertNotIn(f'href="{NEW}"', self.client_for(w.li).get(LIST).content.decode())
        self.assertIn(f'href="{NEW}"', self.client_for(w.alice).get(LIST).content.decode())
