"""Correcting the record of a person sent down: the area's officers change the name, unit,
post, phone, party membership, duties and day of arrival (the rules of sending them; the phone
not on duty elsewhere; the day not after they left), on the page and in the API; others get 403
or 404; only the fields changed are logged."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from epigrid.core.models import AuditEntry
from epigrid.mobilization import services
from epigrid.mobilization.models import Deployment
from tests.base import refusal
from tests.mobilization.helpers import MobilizationTestCase, days

API = "/api/mobilization/people"



class ChangeTestCase(MobilizationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.chen = self.deployment(name="Chen Mign", phone="13600001111")

    def change(self, person: Deployment | None = None, **fields: Any) -> Deployment:
        values = {"name": "Chen Ming", "unit": "District Housing Bureau", "post": "deputy head",
                  "phone": "13600001111", "party_member": True, "duties": "East Lane",
                  "arrived_on": days(-3)} | fields
        by = values.pop("by", self.world.alice)
        return services.change_deployment(person or self.chen, by=by, **values)


class ServiceTests(ChangeTestCase):
    def test_it_corrects_the_record_and_logs_the_fields_changed(self) -> None:
        changed = self.change(arrived_on=days(-4))
        changed.refresh_from_db()
        self.assertEqual((changed.name, changed.post, changed.party_member, changed.arrived_on),
                         ("Chen Ming", "deputy head", True, days(-4)))
        entry = AuditEntry.objects.filter(model="mobilization.Deployment",
                                          action="update").get()
        self.assertEqual(set(entry.changes), {"name", "post", "party_member", "duties",
                                              "arrived_on"})
        self.change(arrived_on=days(-4))  # the same again: nothing to log
        self.assertEqual(AuditEntry.objects.filter(model="mobilization.Deployment",
                                                   action="update").count(), 1)

    def test_it_refuses_each_field_by_its_rule(self) -> None:
        other = self.deployment(name="Li Na", phone="13600002222")
        self.assertEqual(refusal(lambda: self.change(name="", unit=" ", phone="13600002222",
                                                     arrived_on=days(40))), {
            "name": ["Give the person's name."],
            "unit": ["Give the unit that sent them."],
            "phone": [f"Li Na is on duty in Village A1 since {other.arrived_on}."],
            "arrived_on": [f"{days(40)} is more than 30 days ahead."]})
        self.assertIn("phone", refusal(lambda: self.change(phone="555")))

    def test_one_who_left_arrived_on_or_before_the_day_they_left(self) -> None:
        services.recall(self.chen, by=self.world.alice, on=days(-1))
        self.assertEqual(refusal(lambda: self.change(arrived_on=days(0))),
                         {"arrived_on": [f"Chen Mign left on {days(-1)}."]})
        self.assertEqual(self.change(arrived_on=days(-1)).arrived_on, days(-1))

    def test_only_the_officers_of_the_area_correct(self) -> None:
        self.assertEqual(refusal(lambda: self.change(by=self.world.bob)),
                         {"area": ["Choose an area of your own."]})


class PageAndApiTests(ChangeTestCase):
    def test_the_officer_corrects_from_the_persons_page(self) -> None:
        client = self.client_for(self.world.alice)
        url = reverse("mobilization:deployment_edit", args=[self.chen.pk])
        detail = reverse("mobilization:deployment", args=[self.chen.pk])
        self.assertIn(f'href="{url}"', client.get(detail).content.decode())
        self.assertEqual(client.get(url).context["form"]["name"].value(), "Chen Mign")
        response = client.post(url, {"name": "Chen Ming", "unit": "District Housing Bureau",
                                     "phone": "13600001111",
                                     "arrived_on": days(-3).isoformat()})
        self.assertRedirects(response, detail)
        self.chen.refresh_from_db()
        self.assertEqual(self.chen.name, "Chen Ming")
        refused_page = client.post(url, {"name": "", "unit": "", "phone": "1",
                                         "arrived_on": days(-3).isoformat()})
        self.assertEqual(refused_page.status_code, 400)
        self.assertEqual(set(refused_page.context["form"].errors), {"name", "unit", "phone"})
        self.assertEqual(self.client_for(self.world.medic).get(url).status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).get(url).status_code, 404)

    def test_the_api_changes_the_fields_given(self) -> None:
        client = self.client_for(self.world.alice)
        url = f"{API}/{self.chen.pk}"
        done = client.patch(url, {"name": "Chen Ming"}, content_type="application/json")
        self.assertEqual((done.status_code, done.json()["name"]), (200, "Chen Ming"))
        self.chen.refresh_from_db()
        self.assertEqual(self.chen.unit, "District Housing Bureau")
        self.assertEqual(client.patch(url, {"phone": "1"}, content_type="application/json")
                         .status_code, 422)
        self.assertEqual(self.client_for(self.world.medic).patch(
            url, {"name": "X"}, content_type="application/json").status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).patch(
            url, {"name": "X"}, content_type="application/json").status_code, 404)
