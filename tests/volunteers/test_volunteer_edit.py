"""Correcting a volunteer's record: the keepers of their area change the name, phone, skills,
party membership and the day registered (the rules of registering; not after their first hours,
nor after they left), on the page and in the API; others get 403 or 404; audited."""

from __future__ import annotations

from django.urls import reverse

from epigrid.core.models import AuditEntry
from epigrid.volunteers import services
from epigrid.volunteers.models import Volunteer
from tests.volunteers.helpers import VolunteersTestCase, days, refusal

API = "/api/volunteers/volunteers"


class ChangeTestCase(VolunteersTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.wang = self.volunteer(name="Wang Fnag", phone="13700001111")
        self.deliveries = self.project()
        self.hours(self.deliveries, self.wang, "3", days(-5))

    def change(self, **fields: object) -> Volunteer:
        values = {"name": "Wang Fang", "phone": "13700001111", "skills": "driving, nursing",
                  "party_member": True, "registered_on": days(-10)} | fields
        by = values.pop("by", self.world.alice)
        return services.change_volunteer(self.wang, by=by, **values)  # type: ignore[arg-type]


class ServiceTests(ChangeTestCase):
    def test_it_corrects_the_fields_and_logs_only_those_that_changed(self) -> None:
        changed = self.change(registered_on=days(-12))
        changed.refresh_from_db()
        self.assertEqual((changed.name, changed.skills, changed.party_member,
                          changed.registered_on), ("Wang Fang", "driving, nursing", True,
                                                   days(-12)))
        entry = AuditEntry.objects.filter(model="volunteers.Volunteer", action="update").get()
        self.assertEqual(set(entry.changes), {"name", "skills", "party_member",
                                              "registered_on"})

    def test_it_refuses_each_field_by_its_rule(self) -> None:
        other = self.volunteer(name="Li Na", phone="13700002222")
        self.assertEqual(refusal(lambda: self.change(
            name=" ", phone="13700002222", registered_on=days(-4))), {
            "name": ["Name the volunteer."],
            "phone": [f"Li Na, with this phone, is registered in Village A1 since "
                      f"{other.registered_on}."],
            "registered_on": [f"Hours are recorded on {days(-5)}, before that day."]})
        self.assertIn("phone", refusal(lambda: self.change(phone="12345")))
        self.assertIn("registered_on", refusal(lambda: self.change(registered_on=days(1))))
        self.assertEqual(self.change(registered_on=days(-5)).registered_on, days(-5))  # edge

    def test_a_phone_of_one_who_left_is_free_and_one_who_left_keeps_a_day_before(self) -> None:
        gone = self.volunteer(name="Zhao Lan", phone="13700003333")
        services.leave(gone, by=self.world.alice, on=days(-2))
        self.assertEqual(self.change(phone="13700003333").phone, "13700003333")
        self.assertEqual(refusal(lambda: services.change_volunteer(
            gone, by=self.world.alice, name="Zhao Lan", phone="13700003333", skills="",
            party_member=False, registered_on=days(-1))),
            {"registered_on": [f"Zhao Lan left on {days(-2)}."]})

    def test_only_who_sees_the_area_corrects(self) -> None:
        self.assertEqual(refusal(lambda: self.change(by=self.world.bob)),
                         {"area": ["Choose an area of your own."]})


class PageTests(ChangeTestCase):
    def url(self) -> str:
        return reverse("volunteers:volunteer_edit", args=[self.wang.pk])

    def test_the_keeper_corrects_from_the_volunteers_page(self) -> None:
        client = self.client_for(self.world.alice)
        page = client.get(reverse("volunteers:volunteer", args=[self.wang.pk]))
        self.assertIn(f'href="{self.url()}"', page.content.decode())
        form = client.get(self.url())
        self.assertEqual(form.context["form"]["name"].value(), "Wang Fnag")
        response = client.post(self.url(), {"name": "Wang Fang", "phone": "137 0000 1111",
                                            "skills": "driving", "registered_on":
                                            days(-10).isoformat()})
        self.assertRedirects(response, reverse("volunteers:volunteer", args=[self.wang.pk]))
        self.wang.refresh_from_db()
        self.assertEqual((self.wang.name, self.wang.phone), ("Wang Fang", "13700001111"))

    def test_it_shows_each_refusal_on_its_field_and_writes_nothing(self) -> None:
        response = self.client_for(self.world.alice).post(self.url(), {
            "name": "", "phone": "1234", "registered_on": days(-4).isoformat()})
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(set(errors), {"name", "phone", "registered_on"})
        self.wang.refresh_from_db()
        self.assertEqual(self.wang.name, "Wang Fnag")

    def test_a_reader_gets_403_and_another_town_404(self) -> None:
        w = self.world
        self.assertNotIn(f'href="{self.url()}"', self.client_for(w.medic).get(
            reverse("volunteers:volunteer", args=[self.wang.pk])).content.decode())
        self.assertEqual(self.client_for(w.medic).post(self.url(), {"name": "X"}).status_code,
                         403)
        self.assertEqual(self.client_for(w.bob).get(self.url()).status_code, 404)


class ApiTests(ChangeTestCase):
    def test_it_changes_the_fields_given_and_keeps_the_others(self) -> None:
        client = self.client_for(self.world.alice)
        response = client.patch(f"{API}/{self.wang.pk}", {"name": "Wang Fang"},
                                content_type="application/json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["name"], "Wang Fang")
        self.wang.refresh_from_db()
        self.assertEqual((self.wang.phone, self.wang.skills), ("13700001111", "driving"))
        refused = client.patch(f"{API}/{self.wang.pk}",
                               {"registered_on": days(-4).isoformat()},
                               content_type="application/json")
        self.assertEqual(refused.status_code, 422)
        self.assertIn("registered_on", str(refused.json()))
        self.assertEqual(self.client_for(self.world.medic).patch(
            f"{API}/{self.wang.pk}", {"name": "X"}, content_type="application/json")
            .status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).patch(
            f"{API}/{self.wang.pk}", {"name": "X"}, content_type="application/json")
            .status_code, 404)
