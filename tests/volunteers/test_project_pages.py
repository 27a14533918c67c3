"""Projects' pages: the list (who sees which project, hours served and volunteers counted,
filters, a flat query count), opening a project and its refusals, and a project's page (its
records newest first, its totals, the keepers' forms, a flat query count). Its actions are in
test_hours_pages.py."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import Project, ProjectKind, ServiceRecord
from tests.volunteers.helpers import VolunteersTestCase, days, enrolled, volunteer_user

LIST = reverse("volunteers:projects")
NEW = reverse("volunteers:project_new")


def listed(body: str, what: str = "project") -> list[int]:
    """The ids of the rows a table shows, in its order."""
    return [int(pk) for pk in re.findall(rf'<tr id="{what}-(\d+)"', body)]


def row(body: str, pk: int, what: str = "project") -> str:
    found = re.search(rf'<tr id="{what}-{pk}".*?</tr>', body, re.S)
    assert found is not None, f"{what} {pk} is not listed"
    return found.group()


def url(name: str, project: Project) -> str:
    return reverse(f"volunteers:{name}", args=[project.pk])


def withdraw(record: ServiceRecord) -> str:
    return reverse("volunteers:hours_withdraw", args=[record.pk])


class ProjectListTests(VolunteersTestCase):
    def test_it_lists_the_projects_each_user_sees(self) -> None:
        w = self.world
        town = self.project()
        grid = self.project(w.grid_a1_1, name="Grid A1-1 door duty", kind=ProjectKind.CHECKPOINT)
        xihe = self.project(w.town_b, name="Xihe deliveries", by=w.bob)

        def ids(user: Any) -> list[int]:
            return listed(self.client_for(user).get(LIST).content.decode())

        self.assertEqual(ids(w.alice), [town.pk, grid.pk])  # by area
        self.assertEqual(ids(w.bob), [xihe.pk])
        self.assertEqual(ids(w.li), [grid.pk])
        self.assertEqual(ids(w.command), [town.pk, grid.pk, xihe.pk])
        self.assertEqual(ids(w.stranger), [])
        self.assertNotIn("Xihe", self.client_for(w.alice).get(LIST).content.decode())

    def test_it_counts_the_hours_served_and_the_volunteers_who_served(self) -> None:
        w = self.world
        project = self.project(volunteers_needed=12)
        wang, zhao = self.volunteer(), self.volunteer(w.village_a2, name="Zhao Lan")
        self.hours(project, wang, "3", days(-1))
        self.hours(project, wang, "2.5", days(-2))
        self.hours(project, zhao, "4", days(-1))
        idle = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        body = self.client_for(w.alice).get(LIST).content.decode()
        line = row(body, project.pk)
        self.assertIn('<td class="num hours">9.5</td>', line)
        self.assertIn('<td class="num served">2</td>', line)  # two people, three records
        self.assertIn('<td class="num needed">12</td>', line)
        self.assertIn("deliveries for the quarantined", line)
        idle_line = row(body, idle.pk)
        self.assertIn('<td class="num hours">0.0</td>', idle_line)
        self.assertIn('<td class="num served">0</td>', idle_line)

    def test_it_counts_the_standing_sign_ups_and_the_claims_waiting(self) -> None:
        w = self.world
        project = self.project()
        idle = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        users = []
        for n, phone in enumerate(("13912340091", "13912340092", "13912340093")):
            volunteer = self.volunteer(name=f"Volunteer {n}", phone=phone)
            users.append((volunteer_user(w.village_a1, phone=phone), volunteer))
            self_service.sign_up(project, volunteer, by=w.alice)
        first, second, third = users
        self_service.withdraw_signup(third[1].signups.get(), by=w.alice)  # not standing
        waiting = self_service.claim_hours(project, enrolled(first[0]), by=first[0],
                                           served_on=days(-1), hours="2")
        answered = self_service.claim_hours(project, enrolled(second[0]), by=second[0],
                                            served_on=days(-1), hours="3")
        self_service.confirm_claim(answered, by=w.alice)
        body = self.client_for(w.alice).get(LIST).content.decode()
        line = row(body, project.pk)
        self.assertIn('<td class="num signed-up">2</td>', line)
        self.assertIn('<td class="num waiting hide-sm">1</td>', line)
        self.assertEqual(waiting.state, "pending")
        idle_line = row(body, idle.pk)
        self.assertIn('<td class="num signed-up">0</td>', idle_line)
        self.assertIn('<td class="num waiting hide-sm">0</td>', idle_line)

    def test_it_filters_by_status_kind_area_and_name(self) -> None:
        w = self.world
        deliveries = self.project()
        care = self.project(w.village_a2, name="Calls to the elderly", kind=ProjectKind.CARE)
        closed = self.project(name="Spring publicity", kind=ProjectKind.PUBLICITY)
        services.close_project(closed, by=w.alice, on=days(-2))
        ended = self.project(name="Winter checkpoint", kind=ProjectKind.CHECKPOINT,
                             starts_on=days(-20), ends_on=days(-5))
        ahead = self.project(name="Summer counselling", kind=ProjectKind.COUNSELLING,
                             starts_on=days(3))
        client = self.client_for(w.alice)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [deliveries.pk, care.pk])  # open today
        self.assertEqual(ids("?status=closed"), [closed.pk, ended.pk])
        self.assertEqual(set(ids("?status=any")),
                         {deliveries.pk, care.pk, closed.pk, ended.pk, ahead.pk})
        self.assertEqual(ids("?kind=care"), [care.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}"), [care.pk])
        self.assertEqual(ids("?q=deliver"), [deliveries.pk])

    def test_it_offers_to_open_a_project_to_the_keepers_only(self) -> None:
        w = self.world
        self.assertIn(f'href="{NEW}"', self.client_for(w.alice).get(LIST).content.decode())
        self.assertNotIn(f'href="{NEW}"', self.client_for(w.li).get(LIST).content.decode())

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        projects = [self.project(name=f"Project {n}") for n in range(3)]
        client = self.client_for(self.world.alice)
        first = client.get(LIST).content.decode()
        self.assertEqual(listed(first), [projects[0].pk, projects[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?page=2").content.decode()),
                         [projects[2].pk])

    def test_it_keeps_its_queries_flat_however_many_projects_and_records(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.hours(self.project(name="Project 0"), self.volunteer(name="Volunteer 0"))
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(1, 6):
            area = w.town_b if number % 2 else w.town_a
            project = self.project(area, name=f"Project {number}", by=w.command)
            for n in range(2):
                volunteer = self.volunteer(area, name=f"Volunteer {number}-{n}", by=w.command)
                self.hours(project, volunteer, "2", by=w.command)
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["projects"]), 6)
        self.assertEqual([p.served for p in many.context["projects"]][1:], [2] * 5)

    def test_it_counts_its_projects_without_reading_their_records(self) -> None:
        # The hours are a subquery of each row on the page: the page's count (and the rows
        # past it) never sum records (a joined Sum grouped every record in sight, twice).
        self.hours(self.project(), self.volunteer())
        client = self.client_for(self.world.alice)
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST)
        counts = [q["sql"] for q in queries.captured_queries
                  if q["sql"].upper().startswith("SELECT COUNT(")]
        self.assertEqual(len(counts), 1)
        self.assertNotIn("servicerecord", counts[0].lower())
        self.assertNotIn("GROUP BY", counts[0].upper())


class OpenProjectPageTests(VolunteersTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "kind": ProjectKind.CARE,
                "name": "Calls to the elderly", "description": "Call each morning.",
                "volunteers_needed": "6", "starts_on": days(-1).isoformat(),
                "ends_on": days(30).isoformat()} | fields

    def test_it_opens_a_project_in_an_area_of_the_keepers_own(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(NEW, self.form(), follow=True)
        project = Project.objects.get()
        self.assertRedirects(response, url("project", project))
        self.assertEqual((project.area, project.kind, project.name, project.description,
                          project.volunteers_needed, project.starts_on, project.ends_on,
                          project.closed_on, project.created_by),
                         (w.town_a, ProjectKind.CARE, "Calls to the elderly",
                          "Call each morning.", 6, days(-1), days(30), None, w.alice))
        self.assertIn("Calls to the elderly is opened by Dongcheng Town.",
                      response.content.decode())

    def test_it_refuses_a_second_project_of_the_same_name_in_the_area(self) -> None:
        self.project(name="Calls to the elderly")
        response = self.client_for(self.world.alice).post(NEW, self.form())
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["name"],
                         ["Dongcheng Town has a project named Calls to the elderly already."])
        self.assertEqual(Project.objects.count(), 1)

    def test_it_refuses_an_end_before_the_start_a_start_far_ahead_and_no_name(self) -> None:
        response = self.client_for(self.world.alice).post(NEW, self.form(
            name="", starts_on=days(40).isoformat(), ends_on=days(35).isoformat()))
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(errors["name"], ["Name the project."])
        self.assertEqual(errors["starts_on"], ["A project starts at most 30 days ahead."])
        self.assertEqual(errors["ends_on"], ["A project ends on or after the day it starts."])
        self.assertFalse(Project.objects.exists())

    def test_it_refuses_an_area_outside_the_keepers_subtree(self) -> None:
        w = self.world
        response = self.client_for(w.bob).post(NEW, self.form())
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Dongcheng", response.content.decode())
        self.assertFalse(Project.objects.exists())

    def test_it_lets_only_those_who_keep_volunteers_in(self) -> None:
        w = self.world
        for user in (w.li, w.stranger, w.medic):
            with self.subTest(user.username):
                self.assertEqual(self.client_for(user).get(NEW).status_code, 403)
                self.assertEqual(self.client_for(user).post(NEW, self.form()).status_code, 403)
        self.assertFalse(Project.objects.exists())
        form = self.client_for(w.alice).get(NEW).context["form"]
        self.assertEqual(form.fields["area"].initial, w.town_a.pk)
        self.assertEqual(form.fields["starts_on"].initial, days(0))


class ProjectPageTests(VolunteersTestCase):
    def test_it_shows_the_records_newest_first_and_the_totals(self) -> None:
        w = self.world
        project = self.project(description="Rice and medicine to the quarantined.")
        wang, zhao = self.volunteer(), self.volunteer(w.village_a2, name="Zhao Lan")
        old = self.hours(project, wang, "4", days(-7))  # a week ago: out of the last 7 days
        mid = self.hours(project, zhao, "2.5", days(-3), note="East Lane")
        new = self.hours(project, wang, "3", days(-1))
        response = self.client_for(w.alice).get(url("project", project))
        body = response.content.decode()
        self.assertEqual(listed(body, "record"), [new.pk, mid.pk, old.pk])
        line = row(body, mid.pk, "record")
        for shown in (days(-3).isoformat(), "Zhao Lan", '<td class="num hours">2.5</td>',
                      "East Lane", "alice",
                      f'href="{reverse("volunteers:volunteer", args=[zhao.pk])}"',
                      f'action="{withdraw(mid)}"'):
            self.assertIn(shown, line)
        self.assertIn('<dd id="hours">9.5</dd>', body)
        self.assertIn('<dd id="served">2</dd>', body)
        self.assertIn('<dd id="week">5.5</dd>', body)
        self.assertIn("Rice and medicine to the quarantined.", body)
        self.assertIsNotNone(response.context["hours_form"])
        self.assertIsNotNone(response.context["close_form"])

    def test_it_offers_the_serving_volunteers_the_keeper_sees_by_name(self) -> None:
        w = self.world
        project = self.project()
        zhao = self.volunteer(w.village_a2, name="Zhao Lan")
        wang = self.volunteer()
        gone = self.volunteer(name="Qian Bo")
        services.leave(gone, by=w.alice, on=days(-1))
        self.volunteer(w.village_b1, name="Ma Jun", by=w.bob)
        form = self.client_for(w.alice).get(url("project", project)).context["hours_form"]
        self.assertEqual(list(form.fields["volunteer"].queryset), [wang, zhao])
        self.assertEqual(form.fields["served_on"].initial, days(0))

    def test_it_lets_a_grid_worker_read_without_forms(self) -> None:
        w = self.world
        project = self.project(w.grid_a1_1, name="Grid A1-1 door duty",
                               kind=ProjectKind.CHECKPOINT)
        record = self.hours(project, self.volunteer(w.grid_a1_1, name="Sun Yue"))
        response = self.client_for(w.li).get(url("project", project))
        body = response.content.decode()
        self.assertEqual(listed(body, "record"), [record.pk])
        self.assertIsNone(response.context["hours_form"])
        self.assertIsNone(response.context["close_form"])
        self.assertNotIn(withdraw(record), body)
        self.assertNotIn('id="hours-form"', body)

    def test_it_names_a_volunteer_the_viewer_does_not_see_without_a_link(self) -> None:
        w = self.world
        project = self.project(w.grid_a1_1, name="Grid A1-1 door duty",
                               kind=ProjectKind.CHECKPOINT)
        wang = self.volunteer()  # of village A1: above the grid worker
        record = self.hours(project, wang)
        body = self.client_for(w.li).get(url("project", project)).content.decode()
        self.assertIn("Wang Fang", row(body, record.pk, "record"))
        self.assertNotIn(reverse("volunteers:volunteer", args=[wang.pk]), body)

    def test_it_hides_another_towns_project(self) -> None:
        w = self.world
        project = self.project()
        record = self.hours(project, self.volunteer())
        bob = self.client_for(w.bob)
        self.assertEqual(bob.get(url("project", project)).status_code, 404)
        for action in ("project_hours", "project_close"):
            self.assertEqual(bob.post(url(action, project),
                                      {"on": days(0).isoformat()}).status_code, 404)
        self.assertEqual(bob.post(withdraw(record)).status_code, 404)
        self.assertEqual(self.client_for(w.stranger).get(url("project", project)).status_code,
                         404)
        self.assertEqual(bob.get(reverse("volunteers:project", args=[9999])).status_code, 404)
        self.assertTrue(ServiceRecord.objects.filter(pk=record.pk).exists())

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_the_records_a_page_at_a_time(self) -> None:
        project = self.project()
        wang = self.volunteer()
        records = [self.hours(project, wang, "1", days(-n)) for n in (1, 2, 3)]
        client = self.client_for(self.world.alice)
        first = client.get(url("project", project)).content.decode()
        self.assertEqual(listed(first, "record"), [records[0].pk, records[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertIn('<dd id="hours">3.0</dd>', first)  # the totals count every page
        second = client.get(url("project", project) + "?page=2").content.decode()
        self.assertEqual(listed(second, "record"), [records[2].pk])

    def test_it_keeps_its_queries_flat_however_many_records_and_volunteers(self) -> None:
        w = self.world
        project = self.project()
        client = self.client_for(w.alice)
        self.hours(project, self.volunteer(name="Volunteer 0"))
        client.get(url("project", project))  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(url("project", project))
        for number in range(1, 6):
            volunteer = self.volunteer(w.village_a2 if number % 2 else w.village_a1,
                                       name=f"Volunteer {number}")
            self.hours(project, volunteer, "2", days(-1), note=f"Note {number}")
            self.hours(project, volunteer, "1", days(-2))
        with self.assertNumQueries(len(few)):
            many = client.get(url("project", project))
        self.assertEqual(len(many.context["records"]), 11)
        self.assertEqual(many.context["totals"]["hours"], Decimal(18))
