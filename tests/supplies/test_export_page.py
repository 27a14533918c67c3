"""The supplies export page: a run of the user's own scope, followed on its page; a bad choice
is refused on its field (tests.areas.export_page_checks)."""

from __future__ import annotations

from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.core.models import ExportRun
from tests.areas.export_page_checks import ExportPageChecks
from tests.supplies.helpers import SuppliesTestCase


class SuppliesExportPageTests(ExportPageChecks, SuppliesTestCase):
    URL, KIND, OTHER_KIND = "supplies:export", "supply_stock", "supply_ledger"

    def exporter(self) -> User:
        return self.ma
    def test_it_starts_an_export_of_the_stock_and_follows_its_run(self) -> None:
        self.stock(100)
        client = self.client_for(self.ma)
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("supplies:export"),
                                   {"kind": "supply_stock", "format": "csv"})
        run = ExportRun.objects.get()
        self.assertRedirects(response, reverse("exports:detail", args=[run.pk]),
                             fetch_redirect_response=False)
        self.assertEqual((run.exporter, run.user), ("supply_stock", self.ma))
        page = client.get(reverse("supplies:export")).content.decode()
        self.assertIn(run.file_name, page)

    def test_it_offers_export_and_import_on_the_stock_page_to_those_who_may(self) -> None:
        url = reverse("supplies:stock", args=[self.world.town_a.pk])
        desk = self.client_for(self.ma).get(url).content.decode()
        self.assertIn("?importer=supply_receipts", desk)
        self.assertIn(reverse("supplies:export"), desk)
        officer = self.client_for(self.world.alice).get(url).content.decode()
        self.assertNotIn("?importer=supply_receipts", officer)
