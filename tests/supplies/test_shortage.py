"""A warehouse running short: its logistics desks are told once, as it crosses the line."""

from __future__ import annotations

from epigrid.alerts.models import Notice, Receipt
from epigrid.supplies import allocation, services
from tests.supplies.helpers import SuppliesTestCase


class ShortageNoticeTests(SuppliesTestCase):
    def issue(self, quantity: int) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.issue(self.world.warehouse_a, self.disinfectant, quantity, by=self.ma,
                           party="Village A1")

    def test_it_tells_the_desks_once_as_the_stock_falls_below_its_days(self) -> None:
        self.stock(100, item=self.disinfectant)  # warns below 5 days
        self.issue(60)  # 40 left at 60 a week: 4.7 days
        notice = Notice.objects.get()
        self.assertEqual(notice.title, "Dongcheng Depot is running short of Disinfectant 500 ml")
        self.assertEqual(notice.body, "40 bottles left: 4.7 days of supply at this week's use.")
        self.assertEqual(set(Receipt.objects.values_list("user__username", flat=True)),
                         {"ma", "xu"})
        self.issue(10)  # short already: nothing more
        self.assertEqual(Notice.objects.count(), 1)

    def test_it_says_nothing_while_the_stock_lasts(self) -> None:
        self.stock(100, item=self.disinfectant)
        self.issue(50)  # 50 left at 50 a week: 7 days
        self.assertFalse(Notice.objects.exists())

    def test_it_says_none_is_left_when_the_last_is_issued(self) -> None:
        self.stock(10)
        services.adjust(self.world.warehouse_a, self.n95, 10, by=self.ma, note="counted")
        with self.captureOnCommitCallbacks(execute=True):
            services.issue(self.world.warehouse_a, self.n95, 10, by=self.ma, party="Clinic")
        self.assertEqual(Notice.objects.get().body,
                         "None left: it was issued at 1.4 pcs a day this week.")

    def test_it_tells_once_for_an_allocation_and_for_a_transfer(self) -> None:
        w = self.world
        self.stock(100)
        self.ask(95)
        with self.captureOnCommitCallbacks(execute=True):
            allocation.allocate(w.warehouse_a, self.n95, by=self.ma)
        self.assertEqual(Notice.objects.filter(title__contains="running short").count(), 1)
        self.stock(100, item=self.surgical)
        services.issue(w.warehouse_a, self.surgical, 10, by=self.ma, party="Gate")
        with self.captureOnCommitCallbacks(execute=True):
            services.transfer(w.warehouse_a, w.warehouse_b, self.surgical, 88, by=self.xu)
        self.assertEqual(Notice.objects.filter(title__contains="Surgical mask").count(), 1)
