"""The mobilization export page: a run of the user's own scope (or an area of it), followed on
its page; a bad choice is refused on its field (tests.areas.export_page_checks)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.core.models import ExportRun
from tests.areas.export_page_checks import ExportPageChecks
from tests.mobilization.helpers import MobilizationTestCase

URL = "mobilization:export"


class MobilizationExportPageTests(ExportPageChecks, MobilizationTestCase):
    URL, KIND, OTHER_KIND = URL, "mobilization_people", "mobilization_ledger"

    def exporter(self) -> User:
        return self.world.command

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
