"""The stock of an area: held, used over a week, waited for, days of supply, short."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from epigrid.supplies import services
from epigrid.supplies.stock import days_of_supply, stock_rows
from tests.supplies.helpers import SuppliesTestCase


class StockRowsTest(SuppliesTestCase):
    def rows(self, path: str) -> dict[str, tuple[int, int, int, Decimal | None, bool]]:
        return {row.item.code: (row.stock, row.used, row.waiting, row.days, row.short)
                for row in stock_rows(path)}

    def test_it_sums_the_towns_and_the_district(self) -> None:
        w = self.world
        self.stock(700)
        self.stock(300, warehouse=w.warehouse_b)
        services.issue(w.warehouse_a, self.n95, 140, by=self.ma, party="Fever clinic")
        self.ask(50)
        rows = self.rows(w.district.path)
        # 860 left, 140 used in 7 days = 20 a day: 43 days.
        self.assertEqual(rows["n95"], (860, 140, 50, Decimal("43.0"), False))
        self.assertEqual(self.rows(w.town_b.path)["n95"], (300, 0, 0, None, False))

    def test_it_counts_only_the_last_seven_days_of_use(self) -> None:
        w = self.world
        now = timezone.now()
        services.receive(w.warehouse_a, self.n95, 100, by=self.ma,
                         at=now - datetime.timedelta(days=10))
        services.issue(w.warehouse_a, self.n95, 60, by=self.ma, party="old",
                       at=now - datetime.timedelta(days=7, minutes=1))
        services.issue(w.warehouse_a, self.n95, 7, by=self.ma, party="new",
                       at=now - datetime.timedelta(days=6, hours=23))
        self.assertEqual(self.rows(w.town_a.path)["n95"][:4], (33, 7, 0, Decimal("33.0")))

    def test_it_flags_an_item_short_below_its_alert_days(self) -> None:
        w = self.world
        self.stock(100, item=self.disinfectant)  # warns below 5 days
        services.issue(w.warehouse_a, self.disinfectant, 70, by=self.ma, party="Village A1")
        # 30 left at 10 a day: 3 days.
        self.assertEqual(self.rows(w.town_a.path)["disinfectant"][3:], (Decimal("3.0"), True))

    def test_it_flags_an_empty_stock_with_requests_waiting(self) -> None:
        self.ask(10)
        self.assertEqual(self.rows(self.world.town_a.path)["n95"], (0, 0, 10, None, True))
        self.assertFalse(self.rows(self.world.town_a.path)["surgical-mask"][4])

    def test_it_counts_a_transfer_within_the_area_as_no_change(self) -> None:
        w = self.world
        self.stock(100)
        services.transfer(w.warehouse_a, w.warehouse_b, self.n95, 40, by=self.xu)
        self.assertEqual(self.rows(w.district.path)["n95"][0], 100)
        self.assertEqual(self.rows(w.town_a.path)["n95"][0], 60)

    def test_it_reads_in_five_queries_whatever_the_ledger(self) -> None:
        for _ in range(5):
            self.stock(10)
            self.stock(10, item=self.surgical)
        with self.assertNumQueries(5):  # held, used, asked, issued to them, the items
            stock_rows(self.world.district.path)


@given(stock=st.integers(min_value=0, max_value=10**7), used=st.integers(min_value=1,
                                                                         max_value=10**6))
def test_days_of_supply_is_stock_over_the_daily_use(stock: int, used: int) -> None:
    days = days_of_supply(stock, used)
    assert days is not None
    assert abs(days - Decimal(stock) * 7 / used) <= Decimal("0.05")


def test_days_of_supply_is_none_without_use() -> None:
    assert days_of_supply(100, 0) is None
