"""Two desks at once (PostgreSQL: its locks; SQLite writes one transaction at a time anyway).

- Two keepers pay two approved payments from a fund that covers only one: the fund's row is
  locked while its balance is read, so one is paid and the other refused.
- Two desks record the same person sent down at once: the phone is locked while it is checked,
  so one is recorded and the other refused, naming where the person is on duty.

Each check is slowed down (after it read, before it wrote) so that the two desks' transactions
overlap every time: without the lock both would read the same state and both write.
"""

from __future__ import annotations

import time
import unittest
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.mobilization import funds, services
from epigrid.mobilization.models import Deployment, EntryKind, FundEntry, Payment, PaymentKind
from tests.base import PASSWORD, World
from tests.sessions import at_once

PAUSE_S = 0.5  # long enough for the other desk to reach the lock meanwhile


def slowed(read: Callable[..., Any]) -> Callable[..., Any]:
    """`read`, then a pause before the caller writes what it decided."""
    def slow(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        time.sleep(PAUSE_S)
        return found
    return slow


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's locks")
class PayAtOnceTests(TransactionTestCase):
    def test_of_two_payments_the_fund_covers_one_is_paid_and_one_refused(self) -> None:
        w = World()
        wu = create_user(username="wu", password=PASSWORD, role=Role.LOGISTICS,
                         home_area=w.district)
        fund = funds.open_fund(w.district, by=w.command, name="Condolence Fund")
        funds.receive(fund, by=wu, amount=Decimal("3000"), counterpart="Finance Bureau")
        payments = []
        for beneficiary in ("Family of Wang Qiang", "Family of Li Na"):
            payment = funds.apply(fund, w.town_a, by=w.alice, kind=PaymentKind.CONDOLENCE,
                                  amount=Decimal("2000"), beneficiary=beneficiary,
                                  reason="Fell ill on duty")
            payments.append(funds.approve(payment, by=w.command))
        with mock.patch.object(funds, "balance", slowed(funds.balance)):
            results = at_once(*(lambda p=p: funds.pay(p, by=wu, voucher=f"P-{p.pk}")
                                for p in payments))
        paid = [r for r in results if isinstance(r, FundEntry)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        self.assertEqual((len(paid), len(refused)), (1, 1), results)
        self.assertEqual(refused[0].message_dict, {"__all__": [
            "Condolence Fund holds 1000.00 yuan; the payment is 2000.00."]})
        self.assertEqual(funds.balance(fund), Decimal("1000.00"))
        self.assertEqual(FundEntry.objects.filter(kind=EntryKind.PAYMENT).count(), 1)
        self.assertEqual(sorted(Payment.objects.values_list("status", flat=True)),
                         ["approved", "paid"])


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's locks")
class DeployAtOnceTests(TransactionTestCase):
    def test_two_desks_recording_the_same_phone_one_is_refused(self) -> None:
        w = World()

        def deploy(area: Any, by: Any) -> Any:
            return services.deploy(area, by=by, name="Chen Ming", unit="Housing Bureau",
                                   phone="13912340404", arrived_on=timezone.localdate())

        with mock.patch.object(services, "on_duty_elsewhere",
                               slowed(services.on_duty_elsewhere)):
            results = at_once(lambda: deploy(w.village_a1, w.alice),
                              lambda: deploy(w.village_b1, w.bob))
        recorded = [r for r in results if isinstance(r, Deployment)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        self.assertEqual((len(recorded), len(refused)), (1, 1), results)
        first = recorded[0]
        self.assertEqual(refused[0].message_dict, {"phone": [
            f"Chen Ming is on duty in {first.area.name} since "
            f"{first.arrived_on.isoformat()}."]})
        self.assertEqual(Deployment.objects.filter(phone="13912340404").count(), 1)
