"""Volunteers' pages: the list (who sees whom, phones masked, the hours each served and the
projects, filters, a flat query count), registering a volunteer and its refusals, a volunteer's
page (the phone whole only to who keeps the area, hours by project) and their leaving."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.core.identity import mask_phone
from epigrid.volunteers import services
from epigrid.volunteers.models import ProjectKind, Volunteer
from tests.volunteers.helpers import VolunteersTestCase, days, new_phone

LIST = reverse("volunteers:volunteers")
NEW = reverse("volunteers:volunteer_new")


def listed(body: str, what: str = "volunteer") -> list[int]:
    """The ids of the rows a table shows, in its order."""
    return [int(pk) for pk in re.findall(rf'<tr id="{what}-(\d+)"', body)]


def row(body: str, pk: int, what: str = "volunteer") -> str:
    found = re.search(rf'<tr id="{what}-{pk}".*?</tr>', body, re.S)
    assert found is not None, f"{what} {pk} is not listed"
    return found.group()


def url(name: str, volunteer: Volunteer) -> str:
    return reverse(f"volunteers:{name}", args=[volunteer.pk])


class VolunteerListTests(VolunteersTestCase):
    def test_it_lists_the_volunteers_each_user_sees(self) -> None:
        w = self.world
        wang = self.volunteer()
        zhao = self.volunteer(w.village_a2, name="Zhao Lan")
        in_grid = self.volunteer(w.grid_a1_1, name="Sun Yue")
        xihe = self.volunteer(w.village_b1, name="Ma Jun", by=w.bob)

        def ids(user: Any) -> list[int]:
            return listed(self.client_for(user).get(LIST).content.decode())

        self.assertEqual(ids(w.alice), [wang.pk, in_grid.pk, zhao.pk])  # by area, then name
        self.assertEqual(ids(w.bob), [xihe.pk])
        self.assertEqual(ids(w.li), [in_grid.pk])  # a grid worker reads his grid's
        self.assertEqual(ids(w.command), [wang.pk, in_grid.pk, zhao.pk, xihe.pk])
        self.assertEqual(ids(w.stranger), [])
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertNotIn("Ma Jun", alice)
        self.assertIn("Village A2", row(alice, zhao.pk))

    def test_it_masks_every_phone_even_for_the_areas_keeper(self) -> None:
        wang = self.volunteer()
        body = self.client_for(self.world.alice).get(LIST).content.decode()
        self.assertNotIn(wang.phone, body)
        self.assertIn(f'<td class="nowrap phone">{mask_phone(wang.phone)}</td>',
                      row(body, wang.pk))

    def test_it_shows_the_hours_each_served_and_the_projects_served(self) -> None:
        w = self.world
        wang = self.volunteer()
        idle = self.volunteer(name="Li Na")
        deliveries = self.project()
        care = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        self.hours(deliveries, wang, "3", days(-1))
        self.hours(deliveries, wang, "2.5", days(-2))
        self.hours(care, wang, "4", days(-1))
        body = self.client_for(w.alice).get(LIST).content.decode()
        line = row(body, wang.pk)
        self.assertIn('<td class="num hours">9.5</td>', line)
        self.assertIn(f'href="{reverse("volunteers:project", args=[care.pk])}"', line)
        self.assertIn("Calls to the elderly</a>, <a", line)  # by name
        self.assertIn("Deliveries to the quarantined", line)
        idle_line = row(body, idle.pk)
        self.assertIn('<td class="num hours">0.0</td>', idle_line)
        self.assertIn('<td class="projects">—</td>', idle_line)

    def test_it_filters_by_status_area_skills_and_words(self) -> None:
        w = self.world
        wang = self.volunteer(skills="driving, Hakka dialect")
        zhao = self.volunteer(w.village_a2, name="Zhao Lan", skills="nursing")
        gone = self.volunteer(name="Qian Bo", skills="")
        services.leave(gone, by=w.alice, on=days(-2))
        client = self.client_for(w.alice)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [wang.pk, zhao.pk])  # serving today
        self.assertEqual(ids("?status=left"), [gone.pk])
        self.assertEqual(ids("?status=any"), [gone.pk, wang.pk, zhao.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}"), [zhao.pk])
        self.assertEqual(ids("?skills=hakka"), [wang.pk])
        self.assertEqual(ids("?q=zhao"), [zhao.pk])  # the name
        self.assertEqual(ids(f"?q={wang.phone}"), [wang.pk])  # a whole phone
        self.assertEqual(ids(f"?q={wang.phone[:7]}"), [])  # not a part of one
        self.assertIn(days(-2).isoformat(), row(client.get(LIST + "?status=left")
                                                .content.decode(), gone.pk))

    def test_it_refuses_an_area_filter_of_another_town(self) -> None:
        w = self.world
        self.volunteer()
        response = self.client_for(w.bob).get(LIST + f"?area={w.town_a.pk}")
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Dongcheng", response.content.decode())

    def test_it_offers_to_register_to_the_keepers_only(self) -> None:
        w = self.world
        self.assertIn(f'href="{NEW}"', self.client_for(w.alice).get(LIST).content.decode())
        for user in (w.li, w.medic):
            self.assertNotIn(f'href="{NEW}"', self.client_for(user).get(LIST).content.decode())

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        people = [self.volunteer(name=f"Volunteer {n}") for n in range(3)]
        client = self.client_for(self.world.alice)
        first = client.get(LIST).content.decode()
        self.assertEqual(listed(first), [people[0].pk, people[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?page=2").content.decode()), [people[2].pk])

    def test_it_keeps_its_queries_flat_however_many_volunteers_and_hours(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        project = self.project()
        self.hours(project, self.volunteer(name="Volunteer 0"))
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        other = self.project(w.town_b, name="Xihe deliveries", by=w.command)
        for number in range(1, 7):
            volunteer = self.volunteer(w.village_b1 if number % 2 else w.village_a2,
                                       name=f"Volunteer {number}", by=w.command)
            self.hours(other if number % 2 else project, volunteer, by=w.command)
            self.hours(other if number % 2 else project, volunteer, "1", days(-2),
                       by=w.command)
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["rows"]), 7)
        self.assertEqual({line.hours for line in many.context["rows"][1:]}, {Decimal(4)})


class RegisterPageTests(VolunteersTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.village_a1.pk, "name": "Xu Hong", "phone": "139 1234 0001",
                "skills": "driving, Hakka dialect", "party_member": "on",
                "registered_on": days(-1).isoformat()} | fields

    def test_it_registers_a_volunteer_in_an_area_of_the_keepers_own(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(NEW, self.form(), follow=True)
        volunteer = Volunteer.objects.get()
        self.assertRedirects(response, url("volunteer", volunteer))
        self.assertEqual((volunteer.area, volunteer.name, volunteer.phone, volunteer.skills,
                          volunteer.party_member, volunteer.registered_on, volunteer.left_on,
                          volunteer.created_by),
                         (w.village_a1, "Xu Hong", "13912340001", "driving, Hakka dialect",
                          True, days(-1), None, w.alice))
        self.assertIn("Xu Hong is registered as a volunteer of Village A1.",
                      response.content.decode())

    def test_it_refuses_a_phone_registered_elsewhere_naming_where(self) -> None:
        w = self.world
        phone = new_phone()
        self.volunteer(w.village_a2, name="Zhao Lan", phone=phone)
        response = self.client_for(w.alice).post(NEW, self.form(phone=phone))
        self.assertEqual(response.status_code, 400)
        message = (f"Zhao Lan, with this phone, is registered in Village A2 since "
                   f"{days(-10).isoformat()}.")
        self.assertEqual(response.context["form"].errors["phone"], [message])
        self.assertIn(message, response.content.decode())
        self.assertEqual(Volunteer.objects.count(), 1)

    def test_it_refuses_a_bad_phone_an_empty_name_and_a_day_ahead(self) -> None:
        response = self.client_for(self.world.alice).post(NEW, self.form(
            phone="12345", name=" ", registered_on=days(1).isoformat()))
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(errors["phone"], ["A mobile number has 11 digits and starts with 13 "
                                           "to 19, like 138 0013 8000."])
        self.assertEqual(errors["name"], ["Name the volunteer."])
        self.assertEqual(errors["registered_on"], [f"{days(1).isoformat()} is in the future."])
        self.assertFalse(Volunteer.objects.exists())

    def test_it_refuses_an_area_outside_the_keepers_subtree(self) -> None:
        w = self.world
        response = self.client_for(w.bob).post(NEW, self.form(area=w.village_a1.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Village A1", response.content.decode())
        self.assertFalse(Volunteer.objects.exists())

    def test_it_lets_only_those_who_keep_volunteers_in(self) -> None:
        w = self.world
        for user in (w.li, w.stranger, w.medic):
            with self.subTest(user.username):
                self.assertEqual(self.client_for(user).get(NEW).status_code, 403)
                self.assertEqual(self.client_for(user).post(NEW, self.form()).status_code, 403)
        self.assertFalse(Volunteer.objects.exists())
        form = self.client_for(w.alice).get(NEW).context["form"]
        self.assertEqual(form.fields["area"].initial, w.town_a.pk)
        self.assertEqual(form.fields["registered_on"].initial, days(0))


class VolunteerPageTests(VolunteersTestCase):
    def test_it_shows_the_volunteer_with_the_phone_whole_to_the_areas_keeper(self) -> None:
        w = self.world
        wang = self.volunteer(party_member=True)
        deliveries = self.project()
        care = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        self.hours(deliveries, wang, "3", days(-1), note="Rice to East Lane")
        self.hours(deliveries, wang, "2.5", days(-3))
        self.hours(care, wang, "1", days(-2))
        response = self.client_for(w.alice).get(url("volunteer", wang))
        body = response.content.decode()
        self.assertIn(f'<dd id="phone">{wang.phone}</dd>', body)
        self.assertIn('<dd id="total">6.5</dd>', body)
        by_project = row(body, deliveries.pk, "project")
        self.assertIn('<td class="num days">2</td>', by_project)
        self.assertIn('<td class="num hours">5.5</td>', by_project)
        self.assertIn('<td class="num hours">1.0</td>', row(body, care.pk, "project"))
        self.assertEqual(listed(body, "project"), [deliveries.pk, care.pk])  # most hours first
        self.assertEqual(len(listed(body, "record")), 3)
        self.assertIn("Rice to East Lane", body)
        self.assertNotIn('id="elsewhere"', body)
        self.assertIsNotNone(response.context["leave_form"])

    def test_it_masks_the_phone_for_those_who_do_not_keep_the_area(self) -> None:
        w = self.world
        in_grid = self.volunteer(w.grid_a1_1, name="Sun Yue")
        for user in (w.li, w.medic):
            with self.subTest(user.username):
                response = self.client_for(user).get(url("volunteer", in_grid))
                body = response.content.decode()
                self.assertNotIn(in_grid.phone, body)
                self.assertIn(f'<dd id="phone">{mask_phone(in_grid.phone)}</dd>', body)
                self.assertIsNone(response.context["leave_form"])
                self.assertNotIn('id="leave-form"', body)

    def test_it_sums_apart_the_hours_of_projects_the_viewer_does_not_see(self) -> None:
        w = self.world
        in_grid = self.volunteer(w.grid_a1_1, name="Sun Yue")
        town = self.project()  # town A's: above the grid worker
        grid = self.project(w.grid_a1_1, name="Grid A1-1 door duty", kind=ProjectKind.CHECKPOINT)
        self.hours(town, in_grid, "4")
        self.hours(grid, in_grid, "2")
        body = self.client_for(w.li).get(url("volunteer", in_grid)).content.decode()
        self.assertIn('<dd id="total">6.0</dd>', body)
        self.assertEqual(listed(body, "project"), [grid.pk])
        self.assertNotIn("Deliveries to the quarantined", body)
        elsewhere = re.search(r'<tr id="elsewhere">.*?</tr>', body, re.S)
        assert elsewhere is not None
        self.assertIn('<td class="num hours">4.0</td>', elsewhere.group())

    def test_it_hides_another_towns_volunteer(self) -> None:
        w = self.world
        wang = self.volunteer()
        bob = self.client_for(w.bob)
        self.assertEqual(bob.get(url("volunteer", wang)).status_code, 404)
        self.assertEqual(bob.post(url("volunteer_leave", wang),
                                  {"on": days(0).isoformat()}).status_code, 404)
        self.assertEqual(self.client_for(w.stranger).get(url("volunteer", wang)).status_code,
                         404)
        self.assertEqual(bob.get(reverse("volunteers:volunteer", args=[9999])).status_code, 404)
        wang.refresh_from_db()
        self.assertIsNone(wang.left_on)

    def test_it_keeps_its_queries_flat_however_many_records(self) -> None:
        w = self.world
        wang = self.volunteer()
        client = self.client_for(w.alice)
        first = self.project()
        self.hours(first, wang)
        client.get(url("volunteer", wang))  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(url("volunteer", wang))
        for number in range(1, 6):
            project = self.project(name=f"Project {number}")
            self.hours(project, wang, "1", days(-2))
            self.hours(project, wang, "1", days(-3))
        with self.assertNumQueries(len(few)):
            many = client.get(url("volunteer", wang))
        self.assertEqual(len(many.context["projects"]), 6)
        self.assertEqual(many.context["total"], 13)


class LeaveTests(VolunteersTestCase):
    def test_it_records_the_day_the_volunteer_left(self) -> None:
        w = self.world
        wang = self.volunteer()
        response = self.client_for(w.alice).post(url("volunteer_leave", wang),
                                                 {"on": days(-1).isoformat()}, follow=True)
        self.assertRedirects(response, url("volunteer", wang))
        body = response.content.decode()
        self.assertIn(f"Wang Fang left on {days(-1).isoformat()}.", body)
        self.assertIn(f'<dd id="left-on">{days(-1).isoformat()}</dd>', body)
        wang.refresh_from_db()
        self.assertEqual(wang.left_on, days(-1))
        self.assertIsNone(response.context["leave_form"])  # nothing more to leave

    def test_it_refuses_a_day_before_registering_and_a_second_leaving(self) -> None:
        w = self.world
        wang = self.volunteer()
        client = self.client_for(w.alice)
        early = client.post(url("volunteer_leave", wang), {"on": days(-12).isoformat()})
        self.assertEqual(early.status_code, 400)
        self.assertEqual(early.context["leave_form"].errors["on"],
                         [f"Wang Fang registered on {days(-10).isoformat()}."])
        self.assertIn(f"Wang Fang registered on {days(-10).isoformat()}.",
                      early.content.decode())
        missing = client.post(url("volunteer_leave", wang), {})
        self.assertEqual(missing.status_code, 400)
        self.assertIn("on", missing.context["leave_form"].errors)
        services.leave(wang, by=w.alice, on=days(-1))
        again = client.post(url("volunteer_leave", wang), {"on": days(0).isoformat()})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(again.context["leave_form"].non_field_errors(),
                         [f"Wang Fang left on {days(-1).isoformat()}."])

    def test_it_lets_only_the_areas_keepers_record_a_leaving(self) -> None:
        w = self.world
        wang = self.volunteer()
        in_grid = self.volunteer(w.grid_a1_1, name="Sun Yue")
        data = {"on": days(0).isoformat()}
        self.assertEqual(self.client_for(w.medic).post(url("volunteer_leave", wang),
                                                       data).status_code, 403)
        li = self.client_for(w.li)
        self.assertEqual(li.get(url("volunteer", in_grid)).status_code, 200)
        self.assertEqual(li.post(url("volunteer_leave", in_grid), data).status_code, 403)
        self.assertEqual(li.post(url("volunteer_leave", in_grid), {}).status_code, 403)
        self.assertEqual(self.client_for(w.alice).get(url("volunteer_leave", wang))
                         .status_code, 405)
        self.assertFalse(Volunteer.objects.filter(left_on__isnull=False).exists())


class IndexTests(VolunteersTestCase):
    def test_it_opens_the_volunteers_list(self) -> None:
        response = self.client_for(self.world.li).get(reverse("volunteers:index"))
        self.assertRedirects(response, LIST)

    def test_it_has_a_group_in_the_bar_of_those_who_keep_or_read_volunteers(self) -> None:
        w = self.world

        def group(user: Any) -> list[str]:
            groups = self.client_for(user).get(LIST).context["nav_groups"]
            return [str(link.label) for g in groups if str(g.label) == "Volunteers"
                    for link in g.links]

        self.assertEqual(group(w.alice), ["Volunteers", "Projects", "Roster and hours export",
                                          "My volunteering", "Certificates of hours"])
        self.assertEqual(group(w.li), [])  # a grid worker's phone bar stays short
