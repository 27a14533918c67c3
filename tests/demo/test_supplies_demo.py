"""The demo's supplies: a week of stock that never goes below zero, requests served and waiting,
and N95 masks short at the reserve this morning."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone

from epigrid.core.days import day_bounds
from epigrid.demo.supplies_data import CATALOGUE, WAITING_TODAY, write_supplies
from epigrid.supplies.models import OUTSTANDING, Donation, Movement, RequestStatus, SupplyRequest
from epigrid.supplies.stock import stock_rows
from tests.base import BaseTestCase


class DemoSuppliesTests(BaseTestCase):
    def test_it_writes_a_week_that_leaves_the_reserve_short_of_n95(self) -> None:
        w = self.world
        written = write_supplies(w.city, 5)
        assert written["items"] == len(CATALOGUE)
        assert Donation.objects.count() == written["donations"] > 0
        held = Movement.objects.values("warehouse", "item").annotate(total=Sum("quantity"))
        assert all(row["total"] >= 0 for row in held)
        reserve = {row.item.code: row for row in stock_rows(w.town_a.path,
                                                             warehouse=w.warehouse_a)}
        assert reserve["n95"].short and reserve["n95"].stock > 0
        assert not reserve["surgical-mask"].short
        statuses = set(SupplyRequest.objects.values_list("status", flat=True))
        assert RequestStatus.FILLED in statuses
        waiting = SupplyRequest.objects.filter(status__in=OUTSTANDING).count()
        assert waiting >= WAITING_TODAY
        # The week's requests were raised on its days, this morning's today.
        start, _end = day_bounds(timezone.localdate())
        earlier = SupplyRequest.objects.filter(created_at__lt=start).count()
        assert earlier == written["requests"] - WAITING_TODAY > 0
