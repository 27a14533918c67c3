"""The supplies family: requests raised and waiting (late ones apart), donations received."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.reporting.families_supplies import compute
from epigrid.supplies import services
from epigrid.supplies.models import Donor, RequestStatus, SupplyRequest
from tests.supplies.helpers import SuppliesTestCase


class SuppliesFamilyTests(SuppliesTestCase):
    def test_it_counts_the_days_requests_the_waiting_and_the_late(self) -> None:
        w = self.world
        today = timezone.localdate()
        self.stock(100)
        first, second = self.ask(10), self.ask(20, area=w.village_b1)
        services.issue(w.warehouse_a, self.n95, 10, by=self.ma, request=first)  # filled
        late = self.ask(5, area=w.village_b1, needed_in=0)
        SupplyRequest.objects.filter(pk=late.pk).update(
            needed_by=today - datetime.timedelta(days=1))
        leaves = compute(today, timezone.now())
        a1, b1 = w.village_a1.path, w.village_b1.path
        self.assertEqual(leaves[a1], {"supply_requests_raised": 1})
        self.assertEqual(leaves[b1], {"supply_requests_raised": 2, "supply_requests_waiting": 2,
                                      "supply_requests_late": 1})
        second.refresh_from_db()
        self.assertEqual(second.status, RequestStatus.OPEN)

    def test_it_counts_the_donations_of_the_day_only(self) -> None:
        w = self.world
        now = timezone.now()
        services.record_donation(w.warehouse_a, by=self.ma, donor="Jinhe", donor_kind=Donor.
                                 ENTERPRISE, lines=[(self.n95, 10)])
        services.record_donation(w.warehouse_a, by=self.ma, donor="Earlier",
                                 donor_kind=Donor.INDIVIDUAL, lines=[(self.n95, 5)],
                                 received_at=now - datetime.timedelta(days=2))
        leaves = compute(timezone.localdate(), now + datetime.timedelta(minutes=1))
        self.assertEqual(leaves[w.town_a.path], {"donations_received": 1})
