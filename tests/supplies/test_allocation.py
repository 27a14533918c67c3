"""Allocation by priority: medical staff first, then by the day needed, then first come."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.supplies import allocation
from epigrid.supplies.allocation import share_out
from epigrid.supplies.models import Recipient, RequestStatus, SupplyRequest
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase


class ProposeTest(SuppliesTestCase):
    def test_it_serves_medical_staff_before_residents_whoever_asked_first(self) -> None:
        self.stock(100)
        residents = self.ask(80, recipient=Recipient.RESIDENTS)
        medical = self.ask(70, recipient=Recipient.MEDICAL)
        shares = allocation.propose(self.world.warehouse_a, self.n95)
        self.assertEqual([(share.request, share.waiting, share.quantity) for share in shares],
                         [(medical, 70, 70), (residents, 80, 30)])

    def test_it_serves_the_earlier_day_first_within_a_group(self) -> None:
        self.stock(10)
        later = self.ask(10, recipient=Recipient.FRONTLINE, needed_in=3)
        sooner = self.ask(10, recipient=Recipient.FRONTLINE, needed_in=1)
        shares = allocation.propose(self.world.warehouse_a, self.n95)
        self.assertEqual([(s.request, s.quantity) for s in shares], [(sooner, 10), (later, 0)])

    def test_it_counts_what_a_request_was_given_already(self) -> None:
        self.stock(100)
        request = self.ask(60)
        from epigrid.supplies import services
        services.issue(self.world.warehouse_a, self.n95, 45, by=self.ma, request=request)
        [share] = allocation.propose(self.world.warehouse_a, self.n95)
        self.assertEqual((share.waiting, share.quantity), (15, 15))

    def test_it_leaves_out_requests_of_other_towns_items_and_closed_ones(self) -> None:
        w = self.world
        self.stock(100)
        self.ask(5, area=w.village_b1)
        self.ask(5, item=self.surgical)
        cancelled = self.ask(5)
        cancelled.status = RequestStatus.CANCELLED
        cancelled.save(update_fields=["status"])
        self.assertEqual(allocation.propose(w.warehouse_a, self.n95), [])


class AllocateTest(SuppliesTestCase):
    def test_it_issues_the_proposal_and_settles_each_request(self) -> None:
        w = self.world
        self.stock(100)
        medical = self.ask(70)
        residents = self.ask(80, recipient=Recipient.RESIDENTS)
        given = allocation.allocate(w.warehouse_a, self.n95, by=self.ma)
        self.assertEqual([(s.request, s.quantity) for s in given], [(medical, 70),
                                                                    (residents, 30)])
        self.assertEqual(balance(w.warehouse_a, self.n95), 0)
        statuses = dict(SupplyRequest.objects.values_list("pk", "status"))
        self.assertEqual(statuses, {medical.pk: RequestStatus.FILLED,
                                    residents.pk: RequestStatus.PARTLY})

    def test_it_issues_nothing_from_an_empty_warehouse(self) -> None:
        self.ask(10)
        self.assertEqual(allocation.allocate(self.world.warehouse_a, self.n95, by=self.ma), [])


wants = st.lists(st.integers(min_value=1, max_value=1000), max_size=30)


@settings(max_examples=200, deadline=None)
@given(stock=st.integers(min_value=-50, max_value=20_000), waiting=wants)
def test_it_never_gives_more_than_held_nor_than_asked_and_serves_in_order(
        stock: int, waiting: list[int]) -> None:
    requests = [(SupplyRequest(pk=n), want) for n, want in enumerate(waiting, start=1)]
    shares = share_out(stock, requests)
    given_total = sum(share.quantity for share in shares)
    assert given_total == min(max(stock, 0), sum(waiting))
    assert all(0 <= share.quantity <= share.waiting for share in shares)
    # A request gets something only when every one before it got all it waited for.
    for before, after in zip(shares, shares[1:], strict=False):
        assert after.quantity == 0 or before.quantity == before.waiting


class AllocateInBulkTest(SuppliesTestCase):
    def test_it_logs_each_line_and_each_new_status(self) -> None:
        from epigrid.core.audit import acting_as
        from epigrid.core.models import AuditEntry

        self.stock(100)
        medical, residents = self.ask(70), self.ask(80, recipient=Recipient.RESIDENTS)
        AuditEntry.objects.all().delete()
        with acting_as(self.ma):
            allocation.allocate(self.world.warehouse_a, self.n95, by=self.ma)
        lines = AuditEntry.objects.filter(model="supplies.Movement", action="create")
        self.assertEqual(sorted(entry.changes["quantity"] for entry in lines),
                         [[None, -70], [None, -30]])
        self.assertEqual({entry.actor_name for entry in lines}, {"ma"})
        statuses = {int(entry.object_pk): entry.changes for entry in AuditEntry.objects.filter(
            model="supplies.SupplyRequest", action="update")}
        self.assertEqual(statuses, {medical.pk: {"status": ["open", "filled"]},
                                    residents.pk: {"status": ["open", "partly"]}})

    def test_it_writes_as_few_statements_for_six_requests_as_for_two(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def statements(requests: int) -> int:
            self.stock(10 * requests)
            for _ in range(requests):
                self.ask(10)
            with CaptureQueriesContext(connection) as captured:
                allocation.allocate(self.world.warehouse_a, self.n95, by=self.ma)
            return len(captured)

        self.assertEqual(statements(2), statements(6))
