"""The supplies export page: a run of the user's own scope, followed on its page."""

from __future__ import annotations

from django.urls import reverse

from epigrid.core.models import ExportRun
from tests.supplies.helpers import SuppliesTestCase


class SuppliesExportPageTests(SuppliesTestCase):
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

    def test_it_refuses_an_unknown_kind_and_an_area_out_of_sight(self) -> None:
        client = self.client_for(self.ma)
        bad = client.post(reverse("supplies:export"), {"kind": "persons", "format": "csv"})
        self.assertEqual(bad.status_code, 400)
        elsewhere = client.post(reverse("supplies:export"), {
            "kind": "supply_ledger", "format": "csv", "area": self.world.town_b.pk})
        self.assertEqual(elsewhere.status_code, 400)
        self.assertFalse(ExportRun.objects.exists())

    def test_it_is_refused_to_a_role_without_exports(self) -> None:
        response = self.client_for(self.world.alice).get(reverse("supplies:export"))
        self.assertEqual(response.status_code, 200)  # officers export
        self.assertEqual(self.client_for(self.world.li).get(
            reverse("supplies:export")).status_code, 403)

    def test_it_offers_export_and_import_on_the_stock_page_to_those_who_may(self) -> None:
        url = reverse("supplies:stock", args=[self.world.town_a.pk])
        desk = self.client_for(self.ma).get(url).content.decode()
        self.assertIn("?importer=supply_receipts", desk)
        self.assertIn(reverse("supplies:export"), desk)
        officer = self.client_for(self.world.alice).get(url).content.decode()
        self.assertNotIn("?importer=supply_receipts", officer)
