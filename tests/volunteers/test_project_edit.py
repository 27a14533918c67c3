"""Correcting a project: its keepers change its kind, name, description, the volunteers it
needs and its days (the rules of opening it; its days still holding its hours; the volunteers
it needs not below those signed up), on the page and in the API; others get 403 or 404."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from epigrid.volunteers import services
from epigrid.volunteers.models import Project, ProjectKind
from tests.volunteers.helpers import days, refusal, waiting_claim
from tests.volunteers.test_self_pages import SelfServiceTestCase

API = "/api/volunteers/projects"


class ProjectChangeTestCase(SelfServiceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliveries = self.project(name="Deliveries to the quarantnied")
        self.wang = self.volunteer()
        self.hours(self.deliveries, self.wang, "3", days(-5))
        self.hours(self.deliveries, self.wang, "2", days(-2))

    def change(self, **fields: Any) -> Project:
        values = {"kind": ProjectKind.DELIVERY, "name": "Deliveries to the quarantined",
                  "description": "Rice and medicine", "volunteers_needed": 10,
                  "starts_on": days(-7), "ends_on": None} | fields
        by = values.pop("by", self.world.alice)
        return services.change_project(self.deliveries, by=by, **values)


class ServiceTests(ProjectChangeTestCase):
    def test_it_corrects_the_project(self) -> None:
        changed = self.change(ends_on=days(10), kind=ProjectKind.CARE)
        changed.refresh_from_db()
        self.assertEqual((changed.name, changed.kind, changed.ends_on, changed.description),
                         ("Deliveries to the quarantined", ProjectKind.CARE, days(10),
                          "Rice and medicine"))

    def test_its_days_keep_its_hours_at_the_edges(self) -> None:
        self.assertEqual(refusal(lambda: self.change(starts_on=days(-4), ends_on=days(-3))), {
            "starts_on": [f"Hours are recorded on {days(-5)}, before that day."],
            "ends_on": [f"Hours are recorded on {days(-2)}, after that day: withdraw them "
                        "first."]})
        edge = self.change(starts_on=days(-5), ends_on=days(-2))
        self.assertEqual((edge.starts_on, edge.ends_on), (days(-5), days(-2)))
        self.assertIn("ends_on", refusal(lambda: self.change(starts_on=days(-5),
                                                             ends_on=days(-6))))

    def test_it_needs_no_fewer_volunteers_than_signed_up(self) -> None:
        for _n in range(3):
            waiting_claim(self.world, self.deliveries)
        self.assertEqual(refusal(lambda: self.change(volunteers_needed=2)), {
            "volunteers_needed": ["3 volunteers are signed up to it: withdraw some first, or "
                                  "say 0."]})
        self.assertEqual(self.change(volunteers_needed=3).volunteers_needed, 3)
        self.assertEqual(self.change(volunteers_needed=0).volunteers_needed, 0)

    def test_it_refuses_a_name_its_area_has_and_another_towns_officer(self) -> None:
        self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        self.assertEqual(refusal(lambda: self.change(name="Calls to the elderly")), {
            "name": ["Dongcheng Town has a project named Calls to the elderly already."]})
        self.assertEqual(refusal(lambda: self.change(by=self.world.bob)),
                         {"area": ["Choose an area of your own."]})


class PageAndApiTests(ProjectChangeTestCase):
    def test_the_keeper_corrects_it_from_its_page(self) -> None:
        client = self.client_for(self.world.alice)
        url = reverse("volunteers:project_edit", args=[self.deliveries.pk])
        page = client.get(reverse("volunteers:project", args=[self.deliveries.pk]))
        self.assertIn(f'href="{url}"', page.content.decode())
        response = client.post(url, {"kind": "delivery", "name": "Deliveries to the quarantined",
                                     "volunteers_needed": "", "starts_on": days(-7).isoformat(),
                                     "ends_on": ""})
        self.assertRedirects(response, reverse("volunteers:project", args=[self.deliveries.pk]))
        self.deliveries.refresh_from_db()
        self.assertEqual((self.deliveries.name, self.deliveries.volunteers_needed),
                         ("Deliveries to the quarantined", 0))
        refused = client.post(url, {"kind": "delivery", "name": "",
                                    "starts_on": days(-1).isoformat()})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(set(refused.context["form"].errors), {"name", "starts_on"})
        self.assertEqual(self.client_for(self.world.medic).get(url).status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).get(url).status_code, 404)

    def test_the_api_changes_the_fields_given(self) -> None:
        client = self.client_for(self.world.alice)
        url = f"{API}/{self.deliveries.pk}"
        ended = client.patch(url, {"ends_on": days(3).isoformat()},
                             content_type="application/json")
        self.assertEqual((ended.status_code, ended.json()["ends_on"]), (200, days(3).isoformat()))
        self.assertEqual(ended.json()["name"], "Deliveries to the quarantnied")  # kept
        reopened = client.patch(url, {"open_ended": True}, content_type="application/json")
        self.assertIsNone(reopened.json()["ends_on"])
        refused = client.patch(url, {"starts_on": days(-1).isoformat()},
                               content_type="application/json")
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(self.client_for(self.world.medic).patch(
            url, {"name": "X"}, content_type="application/json").status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).patch(
            url, {"name": "X"}, content_type="application/json").status_code, 404)
