"""The actions of a project's page: recording a volunteer's hours and the refusals shown on
their fields with 400 (more than 24 hours a day, a day outside the project, a second record of
the day), withdrawing a record typed wrongly, and closing the project: who may, who may not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from epigrid.volunteers import services
from epigrid.volunteers.models import ProjectKind, ServiceRecord
from tests.volunteers.helpers import VolunteersTestCase, days
from tests.volunteers.test_project_pages import LIST, listed, url, withdraw


class RecordHoursTests(VolunteersTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliveries = self.project()
        self.wang = self.volunteer()

    def post(self, user: Any = None, **fields: Any) -> Any:
        data = {"volunteer": self.wang.pk, "served_on": days(-1).isoformat(), "hours": "3.5",
                "note": "Rice to East Lane"} | fields
        return self.client_for(user or self.world.alice).post(
            url("project_hours", self.deliveries), data, follow=True)

    def test_it_records_the_hours_and_shows_them(self) -> None:
        response = self.post()
        self.assertRedirects(response, url("project", self.deliveries))
        record = ServiceRecord.objects.get()
        self.assertEqual((record.volunteer, record.served_on, record.hours, record.note,
                          record.recorded_by),
                         (self.wang, days(-1), Decimal("3.5"), "Rice to East Lane",
                          self.world.alice))
        body = response.content.decode()
        self.assertIn(f"3.5 hours of Wang Fang on {days(-1).isoformat()} recorded.", body)
        self.assertIn('<dd id="hours">3.5</dd>', body)

    def test_it_refuses_more_than_24_hours_in_a_day_across_projects(self) -> None:
        other = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        self.hours(other, self.wang, "20", days(-1))
        response = self.post(hours="5")
        self.assertEqual(response.status_code, 400)
        message = f"Wang Fang has 20.0 hours on {days(-1).isoformat()} already: a day has 24."
        self.assertEqual(response.context["hours_form"].errors["hours"], [message])
        self.assertIn(message, response.content.decode())
        self.assertFalse(ServiceRecord.objects.filter(project=self.deliveries).exists())

    def test_it_refuses_hours_past_24_and_not_in_half_hours(self) -> None:
        for hours in ("25", "2.25", "0"):
            with self.subTest(hours):
                response = self.post(hours=hours)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["hours_form"].errors["hours"],
                                 ["Hours are more than 0 and at most 24, in half hours."])
        self.assertFalse(ServiceRecord.objects.exists())

    def test_it_refuses_a_day_outside_the_project(self) -> None:
        response = self.post(served_on=days(-9).isoformat())  # it starts 7 days ago
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["hours_form"].errors["served_on"],
                         [f"The project is open from {days(-7).isoformat()} to no end set."])
        services.close_project(self.deliveries, by=self.world.alice, on=days(-2))
        after = self.post()
        self.assertEqual(after.context["hours_form"].errors["served_on"],
                         [f"The project is open from {days(-7).isoformat()} to "
                          f"{days(-2).isoformat()}."])
        self.assertFalse(ServiceRecord.objects.exists())

    def test_it_refuses_a_second_record_of_the_day_naming_the_first(self) -> None:
        self.hours(self.deliveries, self.wang, "3", days(-1))
        response = self.post()
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["hours_form"].errors["served_on"],
                         [f"Wang Fang has 3.0 hours on this project on "
                          f"{days(-1).isoformat()} already."])
        self.assertEqual(ServiceRecord.objects.count(), 1)

    def test_it_refuses_a_volunteer_the_keeper_does_not_see(self) -> None:
        w = self.world
        ma = self.volunteer(w.village_b1, name="Ma Jun", by=w.bob)
        response = self.post(volunteer=ma.pk)
        self.assertEqual(response.status_code, 400)
        self.assertIn("volunteer", response.context["hours_form"].errors)
        self.assertNotIn("Ma Jun", response.content.decode())
        self.assertFalse(ServiceRecord.objects.exists())

    def test_it_lets_only_the_areas_keepers_record(self) -> None:
        w = self.world
        grid = self.project(w.grid_a1_1, name="Grid A1-1 door duty",
                            kind=ProjectKind.CHECKPOINT)
        sun = self.volunteer(w.grid_a1_1, name="Sun Yue")
        li = self.client_for(w.li)
        self.assertEqual(li.get(url("project", grid)).status_code, 200)
        data = {"volunteer": sun.pk, "served_on": days(-1).isoformat(), "hours": "2"}
        self.assertEqual(li.post(url("project_hours", grid), data).status_code, 403)
        self.assertEqual(li.post(url("project_hours", grid), {}).status_code, 403)
        self.assertEqual(self.post(w.medic).status_code, 403)
        self.assertEqual(self.client_for(w.alice).get(url("project_hours", grid)).status_code,
                         405)
        self.assertFalse(ServiceRecord.objects.exists())


class WithdrawTests(VolunteersTestCase):
    def test_it_withdraws_a_record_and_the_totals_follow(self) -> None:
        w = self.world
        project = self.project()
        wang = self.volunteer()
        kept = self.hours(project, wang, "3", days(-1))
        wrong = self.hours(project, wang, "12", days(-2))
        response = self.client_for(w.alice).post(withdraw(wrong), follow=True)
        self.assertRedirects(response, url("project", project))
        body = response.content.decode()
        self.assertIn(f"12.0 hours of Wang Fang on {days(-2).isoformat()} withdrawn.", body)
        self.assertEqual(listed(body, "record"), [kept.pk])
        self.assertIn('<dd id="hours">3.0</dd>', body)
        self.assertFalse(ServiceRecord.objects.filter(pk=wrong.pk).exists())

    def test_it_lets_only_the_areas_keepers_withdraw(self) -> None:
        w = self.world
        grid = self.project(w.grid_a1_1, name="Grid A1-1 door duty",
                            kind=ProjectKind.CHECKPOINT)
        record = self.hours(grid, self.volunteer(w.grid_a1_1, name="Sun Yue"))
        self.assertEqual(self.client_for(w.li).post(withdraw(record)).status_code, 403)
        self.assertEqual(self.client_for(w.medic).post(withdraw(record)).status_code, 403)
        self.assertEqual(self.client_for(w.alice).get(withdraw(record)).status_code, 405)
        self.assertEqual(self.client_for(w.alice).post(
            reverse("volunteers:hours_withdraw", args=[9999])).status_code, 404)
        self.assertTrue(ServiceRecord.objects.filter(pk=record.pk).exists())


class CloseTests(VolunteersTestCase):
    def test_it_closes_the_project(self) -> None:
        w = self.world
        project = self.project()
        response = self.client_for(w.alice).post(url("project_close", project),
                                                 {"on": days(-1).isoformat()}, follow=True)
        self.assertRedirects(response, url("project", project))
        body = response.content.decode()
        self.assertIn(f"Deliveries to the quarantined closed on {days(-1).isoformat()}.", body)
        self.assertIn(f'<dd id="closed-on">{days(-1).isoformat()}</dd>', body)
        project.refresh_from_db()
        self.assertEqual(project.closed_on, days(-1))
        self.assertIsNone(response.context["close_form"])  # nothing more to close
        self.assertNotIn(f'id="project-{project.pk}"',
                         self.client_for(w.alice).get(LIST).content.decode())

    def test_it_refuses_a_day_before_the_start_and_a_second_closing(self) -> None:
        w = self.world
        project = self.project()
        client = self.client_for(w.alice)
        early = client.post(url("project_close", project), {"on": days(-9).isoformat()})
        self.assertEqual(early.status_code, 400)
        self.assertEqual(early.context["close_form"].errors["on"],
                         [f"The project starts on {days(-7).isoformat()}."])
        self.assertIn(f"The project starts on {days(-7).isoformat()}.", early.content.decode())
        services.close_project(project, by=w.alice, on=days(-2))
        again = client.post(url("project_close", project), {"on": days(0).isoformat()})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(again.context["close_form"].non_field_errors(),
                         [f"The project closed on {days(-2).isoformat()}."])

    def test_it_lets_only_the_areas_keepers_close(self) -> None:
        w = self.world
        grid = self.project(w.grid_a1_1, name="Grid A1-1 door duty",
                            kind=ProjectKind.CHECKPOINT)
        data = {"on": days(0).isoformat()}
        self.assertEqual(self.client_for(w.li).post(url("project_close", grid),
                                                    data).status_code, 403)
        self.assertEqual(self.client_for(w.medic).post(url("project_close", grid),
                                                       data).status_code, 403)
        grid.refresh_from_db()
        self.assertIsNone(grid.closed_on)
