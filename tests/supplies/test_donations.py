"""Donations: a donor, a warehouse, a ledger line per item given."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from epigrid.supplies import services
from epigrid.supplies.models import Donation, Donor, Kind, Movement
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase


class DonationTest(SuppliesTestCase):
    def test_it_books_each_line_into_the_warehouse(self) -> None:
        w = self.world
        donation = services.record_donation(
            w.warehouse_a, by=self.ma, donor="Jinhe Textile Co.", donor_kind=Donor.ENTERPRISE,
            lines=[(self.n95, 2000), (self.disinfectant, 300)], contact="Mr Guo 027-8888")
        self.assertEqual(balance(w.warehouse_a, self.n95), 2000)
        self.assertEqual(balance(w.warehouse_a, self.disinfectant), 300)
        lines = donation.lines.order_by("item__code")
        self.assertEqual([(line.kind, line.party) for line in lines],
                         [(Kind.DONATION, "Jinhe Textile Co.")] * 2)
        self.assertEqual(donation.area_path, w.town_a.path)

    def test_it_names_each_bad_line_and_keeps_nothing(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            services.record_donation(
                self.world.warehouse_a, by=self.ma, donor="", donor_kind="alien",
                lines=[(self.n95, 10), (self.surgical, 0), (self.n95, 5)])
        errors = refused.exception.message_dict
        self.assertEqual(sorted(errors), ["donor", "donor_kind", "lines.2", "lines.3"])
        self.assertIn("listed twice", errors["lines.3"][0])
        self.assertFalse(Donation.objects.exists())
        self.assertFalse(Movement.objects.exists())

    def test_it_needs_at_least_one_line(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            services.record_donation(self.world.warehouse_a, by=self.ma, donor="A. Friend",
                                     donor_kind=Donor.INDIVIDUAL, lines=[])
        self.assertEqual(list(refused.exception.message_dict), ["lines"])
