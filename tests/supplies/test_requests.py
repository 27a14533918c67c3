"""Requests: raised by an area, told to the logistics desks above it, issued against."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from epigrid.alerts.models import Receipt
from epigrid.supplies import services
from epigrid.supplies.models import Recipient, RequestStatus
from tests.supplies.helpers import SuppliesTestCase


class RaiseRequestTest(SuppliesTestCase):
    def test_it_tells_the_logistics_desks_of_the_area_and_above(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            request = self.ask(500)
        readers = set(Receipt.objects.values_list("user__username", flat=True))
        self.assertEqual(readers, {"xu", "ma"})
        receipt = Receipt.objects.get(user=self.xu)
        self.assertIn("Village A1 asks for 500 pcs of N95 mask", receipt.notice.title)
        self.assertTrue(receipt.notice.link.endswith(f"/supplies/requests/{request.pk}/"))

    def test_it_does_not_tell_another_towns_desk(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.ask(5, area=self.world.village_b1)
        self.assertEqual(set(Receipt.objects.values_list("user__username", flat=True)), {"xu"})

    def test_it_refuses_a_day_already_past_but_takes_today(self) -> None:
        self.ask(1, needed_in=0)
        with self.assertRaises(ValidationError) as refused:
            self.ask(1, needed_in=-1)
        self.assertEqual(list(refused.exception.message_dict), ["needed_by"])

    def test_it_refuses_unknown_recipients(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.ask(1, recipient="tourists")
        self.assertEqual(list(refused.exception.message_dict), ["recipient"])


class IssueAgainstRequestTest(SuppliesTestCase):
    def test_it_counts_partly_then_in_full(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(60)
        services.issue(w.warehouse_a, self.n95, 20, by=self.ma, request=request)
        request.refresh_from_db()
        self.assertEqual((request.status, services.issued_to(request)),
                         (RequestStatus.PARTLY, 20))
        services.issue(w.warehouse_a, self.n95, 40, by=self.ma, request=request)
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.FILLED)

    def test_it_gives_no_more_than_the_request_still_waits_for(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(30)
        services.issue(w.warehouse_a, self.n95, 25, by=self.ma, request=request)
        with self.assertRaises(ValidationError) as refused:
            services.issue(w.warehouse_a, self.n95, 6, by=self.ma, request=request)
        self.assertIn("waits for 5 pcs only", str(refused.exception.message_dict))

    def test_it_serves_only_requests_of_the_warehouses_subtree(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(10, area=w.village_b1)
        with self.assertRaises(ValidationError) as refused:
            services.issue(w.warehouse_a, self.n95, 10, by=self.xu, request=request)
        self.assertIn("not served by Dongcheng Depot", str(refused.exception.message_dict))

    def test_it_refuses_another_item_and_a_cancelled_request(self) -> None:
        w = self.world
        self.stock(100, item=self.surgical)
        request = self.ask(10)
        with self.assertRaises(ValidationError):
            services.issue(w.warehouse_a, self.surgical, 10, by=self.ma, request=request)
        services.cancel_request(request, by=self.world.alice, note="got them from the city")
        self.stock(10)
        with self.assertRaises(ValidationError) as refused:
            services.issue(w.warehouse_a, self.n95, 10, by=self.ma, request=request)
        self.assertIn("cancelled", str(refused.exception.message_dict))

    def test_it_cancels_only_a_waiting_request_and_with_a_reason(self) -> None:
        request = self.ask(10)
        with self.assertRaises(ValidationError) as refused:
            services.cancel_request(request, by=self.world.alice, note="")
        self.assertEqual(list(refused.exception.message_dict), ["note"])
        services.cancel_request(request, by=self.world.alice, note="not needed")
        with self.assertRaises(ValidationError) as again:
            services.cancel_request(request, by=self.world.alice, note="twice")
        self.assertEqual(list(again.exception.message_dict), ["status"])

    def test_it_keeps_the_needed_by_day_in_the_local_calendar(self) -> None:
        request = self.ask(1, recipient=Recipient.RESIDENTS, needed_in=2)
        self.assertEqual(request.needed_by,
                         timezone.localdate() + datetime.timedelta(days=2))


class MovedAreaTest(SuppliesTestCase):
    def test_it_follows_a_village_moved_to_another_town(self) -> None:
        from epigrid.areas.services import move_area

        request = self.ask(10)
        move_area(self.world.village_a1, self.world.town_b)
        request.refresh_from_db()
        self.world.village_a1.refresh_from_db()
        self.assertEqual(request.area_path, self.world.village_a1.path)
        self.assertTrue(request.area_path.startswith(self.world.town_b.path))


class CancelRuleTest(SuppliesTestCase):
    def test_it_lets_the_requester_and_a_logistics_desk_cancel_and_nobody_else(self) -> None:
        from django.core.exceptions import PermissionDenied

        first, second = self.ask(10), self.ask(20)
        with self.assertRaises(PermissionDenied):
            services.cancel_request(first, by=self.world.medic, note="not ours")
        services.cancel_request(first, by=self.world.alice, note="found some")
        services.cancel_request(second, by=self.ma, note="the city sends them")
        first.refresh_from_db()
        self.assertEqual(first.status, RequestStatus.CANCELLED)
