"""The mobilization export page: a run of the user's own scope (or an area of it), followed on
its page; a bad choice is refused on its field."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client
from django.urls import reverse

from epigrid.core.models import ExportRun
from tests.mobilization.helpers import MobilizationTestCase

URL = "mobilization:export"


class MobilizationExportPageTests(MobilizationTestCase):
    def post(self, client: Client, **data: Any) -> Any:
        return client.post(reverse(URL), {"kind": "mobilization_people", "format": "csv",
                                          **data})

    def test_it_starts_an_export_of_the_roster_and_follows_its_run(self) -> None:
        self.deployment(phone="13912340001")
        client = self.client_for(self.world.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.post(client, area=str(self.world.village_a1.pk))
        run = ExportRun.objects.get()
        self.assertRedirects(response, reverse("exports:detail", args=[run.pk]),
                             fetch_redirect_response=False)
        self.assertEqual((run.exporter, run.user, run.format, run.params),
                         ("mobilization_people", self.world.alice, "csv",
                          {"area": self.world.village_a1.pk}))
        self.assertEqual(run.status, ExportRun.Status.DONE)
        with run.file.open("rb") as file:
            table = list(csv.reader(io.StringIO(file.read().decode("utf-8-sig"))))
        self.assertEqual([row[:4] for row in table[1:]],
                         [["Chen Ming", "District Housing Bureau", "", "139****0001"]])
        page = client.get(reverse(URL)).content.decode()
        self.assertIn(run.file_name, page)

    def test_it_offers_both_exports_and_takes_the_kind_from_its_link(self) -> None:
        page = self.client_for(self.wu).get(reverse(URL) + "?kind=mobilization_ledger")
        form = page.context["form"]
        self.assertEqual([value for value, _label in form.fields["kind"].choices],
                         ["mobilization_people", "mobilization_ledger"])
        self.assertEqual(form["kind"].value(), "mobilization_ledger")

    def test_it_refuses_an_unknown_kind_or_format_on_its_field(self) -> None:
        client = self.client_for(self.world.command)
        for data, field in (({"kind": "phones"}, "kind"), ({"format": "pdf"}, "format"),
                            ({"area": "999999"}, "area")):
            with self.subTest(field=field):
                response = self.post(client, **data)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.context["form"].errors), [field])
        self.assertFalse(ExportRun.objects.exists())

    def test_bob_can_neither_choose_nor_be_offered_town_a(self) -> None:
        w = self.world
        client = self.client_for(w.bob)
        page = client.get(reverse(URL))
        offered = {value for value, _label in page.context["form"].fields["area"].widget.choices}
        self.assertIn(w.town_b.pk, offered)
        self.assertFalse({w.district.pk, w.town_a.pk, w.village_a1.pk} & offered)
        for area in (w.district, w.town_a):
            with self.subTest(area=area.name):
                response = self.post(client, kind="mobilization_ledger", area=str(area.pk))
                self.assertEqual(response.status_code, 400)
                self.assertIn("area", response.context["form"].errors)
                self.assertNotContains(response, "Dongcheng", status_code=400)
        self.assertFalse(ExportRun.objects.exists())

    def test_it_is_refused_to_a_role_without_exports(self) -> None:
        self.assertEqual(self.client_for(self.world.alice).get(reverse(URL)).status_code, 200)
        self.assertEqual(self.client_for(self.world.li).get(reverse(URL)).status_code, 403)
        self.assertEqual(self.post(self.client_for(self.world.li)).status_code, 403)
        self.assertFalse(ExportRun.objects.exists())
