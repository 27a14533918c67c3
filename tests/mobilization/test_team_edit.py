"""Correcting a team: the area's officers change its kind, name, batch, who sent it, its duties
and the day it formed (the rules of forming it; formed not after it stood down), on its page
and in the API (a kind other than medical clears the batch); others get 403 or 404."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from epigrid.mobilization import services
from epigrid.mobilization.models import Team, TeamKind
from tests.base import refusal
from tests.mobilization.helpers import MobilizationTestCase, days

API = "/api/mobilization/teams"



class ChangeTestCase(MobilizationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.commando = self.team(name="Dongcheng Comando Team")

    def change(self, **fields: Any) -> Team:
        values = {"kind": TeamKind.COMMANDO, "name": "Dongcheng Commando Team",
                  "formed_on": days(-5), "batch": None, "sent_by": "Town Party Committee",
                  "duties": "Night patrols"} | fields
        by = values.pop("by", self.world.alice)
        return services.change_team(self.commando, by=by, **values)


class ServiceTests(ChangeTestCase):
    def test_it_corrects_the_team(self) -> None:
        changed = self.change(kind=TeamKind.MEDICAL, batch=3)
        changed.refresh_from_db()
        self.assertEqual((changed.name, changed.kind, changed.batch, changed.sent_by),
                         ("Dongcheng Commando Team", TeamKind.MEDICAL, 3,
                          "Town Party Committee"))

    def test_it_refuses_each_field_by_its_rule(self) -> None:
        self.team(name="Dongcheng Medical Team", kind=TeamKind.MEDICAL)
        self.assertEqual(refusal(lambda: self.change(
            name="Dongcheng Medical Team", batch=2, formed_on=days(1))), {
            "name": ["Dongcheng Town has a team named Dongcheng Medical Team already."],
            "batch": ["Only a medical team is dispatched in batches."],
            "formed_on": [f"{days(1)} is in the future."]})
        self.assertEqual(refusal(lambda: self.change(by=self.world.bob)),
                         {"area": ["Choose an area of your own."]})

    def test_a_team_stood_down_formed_on_or_before_that_day(self) -> None:
        services.stand_down_team(self.commando, by=self.world.alice, on=days(-2))
        self.assertEqual(refusal(lambda: self.change(formed_on=days(-1))),
                         {"formed_on": [f"The team stood down on {days(-2)}."]})
        self.assertEqual(self.change(formed_on=days(-2)).formed_on, days(-2))


class PageAndApiTests(ChangeTestCase):
    def test_the_officer_corrects_it_from_its_page(self) -> None:
        client = self.client_for(self.world.alice)
        url = reverse("mobilization:team_edit", args=[self.commando.pk])
        detail = reverse("mobilization:team", args=[self.commando.pk])
        self.assertIn(f'href="{url}"', client.get(detail).content.decode())
        response = client.post(url, {"kind": "commando", "name": "Dongcheng Commando Team",
                                     "formed_on": days(-5).isoformat()})
        self.assertRedirects(response, detail)
        self.commando.refresh_from_db()
        self.assertEqual(self.commando.name, "Dongcheng Commando Team")
        refused_page = client.post(url, {"kind": "commando", "name": "", "batch": "2",
                                         "formed_on": days(-5).isoformat()})
        self.assertEqual(refused_page.status_code, 400)
        self.assertEqual(set(refused_page.context["form"].errors), {"name", "batch"})
        self.assertEqual(self.client_for(self.world.medic).get(url).status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).get(url).status_code, 404)

    def test_the_api_changes_the_fields_given_and_a_new_kind_clears_the_batch(self) -> None:
        client = self.client_for(self.world.alice)
        url = f"{API}/{self.commando.pk}"
        medical = client.patch(url, {"kind": "medical", "batch": 2},
                               content_type="application/json")
        self.assertEqual((medical.status_code, medical.json()["batch"]), (200, 2))
        back = client.patch(url, {"kind": "commando"}, content_type="application/json")
        self.assertEqual((back.status_code, back.json()["batch"]), (200, None))
        self.assertEqual(back.json()["name"], "Dongcheng Comando Team")  # kept
        self.assertEqual(client.patch(url, {"name": " "}, content_type="application/json")
                         .status_code, 422)
        self.assertEqual(self.client_for(self.world.medic).patch(
            url, {"name": "X"}, content_type="application/json").status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).patch(
            url, {"name": "X"}, content_type="application/json").status_code, 404)
