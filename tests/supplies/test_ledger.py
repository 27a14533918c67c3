"""The ledger: stock is the sum of movements, and nothing leaves that is not held."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from epigrid.core.models import AuditEntry
from epigrid.supplies import services
from epigrid.supplies.models import Kind, Movement
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase


class LedgerTest(SuppliesTestCase):
    def test_it_sums_receipts_and_issues_into_the_stock(self) -> None:
        w = self.world
        self.stock(1000)
        services.issue(w.warehouse_a, self.n95, 300, by=self.ma, party="Fever clinic")
        self.assertEqual(balance(w.warehouse_a, self.n95), 700)
        self.assertEqual(balance(w.warehouse_b, self.n95), 0)
        kinds = list(Movement.objects.order_by("id").values_list("kind", "quantity"))
        self.assertEqual(kinds, [(Kind.RECEIPT, 1000), (Kind.ISSUE, -300)])

    def test_it_issues_the_whole_stock_but_not_one_more(self) -> None:
        w = self.world
        self.stock(50)
        with self.assertRaises(ValidationError) as refused:
            services.issue(w.warehouse_a, self.n95, 51, by=self.ma, party="Gate volunteers")
        self.assertIn("holds only 50 pcs of N95 mask", str(refused.exception.message_dict))
        services.issue(w.warehouse_a, self.n95, 50, by=self.ma, party="Gate volunteers")
        self.assertEqual(balance(w.warehouse_a, self.n95), 0)

    def test_it_refuses_a_quantity_of_zero_or_less(self) -> None:
        for quantity in (0, -5):
            with self.assertRaises(ValidationError) as refused:
                services.receive(self.world.warehouse_a, self.n95, quantity, by=self.ma)
            self.assertIn("quantity", refused.exception.message_dict)
        self.assertFalse(Movement.objects.exists())

    def test_it_refuses_an_item_no_longer_in_use_coming_in(self) -> None:
        self.n95.active = False
        self.n95.save(update_fields=["active"])
        with self.assertRaises(ValidationError) as refused:
            self.stock(10)
        self.assertEqual(list(refused.exception.message_dict), ["item"])

    def test_it_refuses_a_movement_in_the_future_beyond_a_fast_clock(self) -> None:
        w = self.world
        now = timezone.now()
        services.receive(w.warehouse_a, self.n95, 1, by=self.ma,
                         at=now + datetime.timedelta(minutes=4))
        with self.assertRaises(ValidationError) as refused:
            services.receive(w.warehouse_a, self.n95, 1, by=self.ma,
                             at=now + datetime.timedelta(minutes=6))
        self.assertEqual(list(refused.exception.message_dict), ["at"])

    def test_it_asks_who_receives_an_issue_without_a_request(self) -> None:
        self.stock(10)
        with self.assertRaises(ValidationError) as refused:
            services.issue(self.world.warehouse_a, self.n95, 1, by=self.ma, party="  ")
        self.assertEqual(list(refused.exception.message_dict), ["party"])

    def test_it_logs_every_movement_in_the_audit(self) -> None:
        self.stock(10)
        entry = AuditEntry.objects.get(model="supplies.Movement")
        self.assertEqual(entry.action, "create")
        self.assertEqual(entry.area_path, self.world.town_a.path)


class TransferTest(SuppliesTestCase):
    def test_it_moves_stock_with_a_line_on_each_side(self) -> None:
        w = self.world
        self.stock(100)
        out, into = services.transfer(w.warehouse_a, w.warehouse_b, self.n95, 40, by=self.xu)
        self.assertEqual((balance(w.warehouse_a, self.n95), balance(w.warehouse_b, self.n95)),
                         (60, 40))
        out.refresh_from_db()
        self.assertEqual((out.counterpart_id, into.counterpart_id), (into.pk, out.pk))
        self.assertEqual((out.party, into.party), ("Xihe Depot", "Dongcheng Depot"))
        self.assertEqual(into.area_path, w.town_b.path)

    def test_it_refuses_more_than_the_source_holds_and_writes_neither_side(self) -> None:
        w = self.world
        self.stock(10)
        with self.assertRaises(ValidationError):
            services.transfer(w.warehouse_a, w.warehouse_b, self.n95, 11, by=self.xu)
        self.assertEqual(Movement.objects.count(), 1)

    def test_it_refuses_a_warehouse_to_itself(self) -> None:
        self.stock(10)
        with self.assertRaises(ValidationError) as refused:
            services.transfer(self.world.warehouse_a, self.world.warehouse_a, self.n95, 1,
                              by=self.xu)
        self.assertEqual(list(refused.exception.message_dict), ["target"])

    def test_it_refuses_a_target_out_of_the_users_sight_as_if_missing(self) -> None:
        self.stock(10)
        with self.assertRaises(ValidationError) as refused:
            services.transfer(self.world.warehouse_a, self.world.warehouse_b, self.n95, 1,
                              by=self.ma)
        self.assertEqual(refused.exception.message_dict, {"target": ["No such warehouse."]})


class AdjustmentTest(SuppliesTestCase):
    def test_it_books_the_difference_to_the_count(self) -> None:
        w = self.world
        self.stock(100)
        line = services.adjust(w.warehouse_a, self.n95, 93, by=self.ma, note="7 torn")
        assert line is not None
        self.assertEqual((line.kind, line.quantity), (Kind.ADJUSTMENT, -7))
        self.assertEqual(balance(w.warehouse_a, self.n95), 93)
        up = services.adjust(w.warehouse_a, self.n95, 95, by=self.ma, note="a box found")
        assert up is not None
        self.assertEqual(up.quantity, 2)

    def test_it_writes_nothing_when_the_count_agrees(self) -> None:
        self.stock(100)
        self.assertIsNone(services.adjust(self.world.warehouse_a, self.n95, 100, by=self.ma,
                                          note="monthly count"))
        self.assertEqual(Movement.objects.count(), 1)

    def test_it_needs_a_reason_and_a_count_not_below_zero(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            services.adjust(self.world.warehouse_a, self.n95, -1, by=self.ma, note=" ")
        self.assertEqual(sorted(refused.exception.message_dict), ["counted", "note"])
