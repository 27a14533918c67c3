"""A payment's page 慰问、补助 with the forms its viewer may use: Alice applies, Zhou (and Qian
above the limit) approve, Wu pays; who may not (403), and the refusals (400) shown on the page.
The list and applying: test_payment_pages.py."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse

from epigrid.mobilization import funds
from epigrid.mobilization.models import (
    Approval,
    Payment,
    PaymentKind,
    PaymentStatus,
)
from tests.mobilization.helpers import MobilizationTestCase

LIST = reverse("mobilization:payments")
NEW = reverse("mobilization:payment_new")


def listed(body: str) -> list[int]:
    """The ids of the payments a page lists, in its order."""
    return [int(pk) for pk in re.findall(r'<tr id="payment-(\d+)"', body)]


def row(body: str, payment: Payment) -> str:
    found = re.search(rf'<tr id="payment-{payment.pk}".*?</tr>', body, re.S)
    assert found is not None, f"payment {payment.pk} is not listed"
    return found.group()


def url(name: str, payment: Payment) -> str:
    return reverse(f"mobilization:{name}", args=[payment.pk])


class PaymentPageTests(MobilizationTestCase):
    def test_alice_applies_zhou_approves_wu_pays_and_the_balance_falls(self) -> None:
        w = self.world
        fund = self.fund("50000")
        self.client_for(w.alice).post(NEW, {
            "fund": fund.pk, "area": w.village_a1.pk, "kind": PaymentKind.CONDOLENCE,
            "beneficiary": "Family of Wang Qiang", "amount": "2000.00",
            "reason": "Fell ill on duty"})
        payment = Payment.objects.get()
        alice = self.client_for(w.alice).get(url("payment", payment))
        self.assertIsNone(alice.context["approve_form"])
        zhou = self.client_for(w.command)
        page = zhou.get(url("payment", payment)).content.decode()
        self.assertIn('id="approve-form"', page)
        self.assertIn('id="reject-form"', page)
        self.assertNotIn('id="pay-form"', page)
        approved = zhou.post(url("payment_approve", payment), {"note": "Agreed"}, follow=True)
        self.assertRedirects(approved, url("payment", payment))
        self.assertIn("The payment is approved; the fund&#x27;s keeper pays it.",
                      approved.content.decode())
        self.assertNotIn('id="approve-form"', approved.content.decode())
        wu = self.client_for(self.wu)
        page = wu.get(url("payment", payment)).content.decode()
        self.assertIn('id="pay-form"', page)
        self.assertIn("Frontline Condolence Fund holds 50000.00 yuan.", page)
        paid = wu.post(url("payment_pay", payment), {"voucher": "P-001"}, follow=True)
        self.assertIn("2000.00 yuan paid to Family of Wang Qiang, voucher P-001.",
                      paid.content.decode())
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.PAID)
        self.assertEqual(funds.balance(fund), Decimal("48000.00"))
        self.assertIn("48000.00 yuan", self.client_for(w.alice).get(
            reverse("mobilization:fund", args=[fund.pk])).content.decode())
        seen = self.client_for(w.alice).get(url("payment", payment)).content.decode()
        self.assertIn("P-001", seen)
        self.assertIn("Agreed", seen)
        self.assertIn("zhou", seen)

    def test_a_payment_above_the_limit_needs_zhou_and_qian(self) -> None:
        w = self.world
        payment = self.payment(self.fund(second_approval_over=Decimal("5000")), "8000")
        zhou = self.client_for(w.command)
        first = zhou.post(url("payment_approve", payment), {}, follow=True)
        self.assertIn("Your approval is recorded; a second approver decides.",
                      first.content.decode())
        self.assertIn("1 of 2 approvals", first.content.decode())
        self.assertIsNone(first.context["approve_form"])  # Zhou has decided
        again = zhou.post(url("payment_approve", payment), {})
        self.assertEqual(again.status_code, 400)
        self.assertIn("You have approved this payment already: a second approver decides.",
                      again.content.decode())
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.SUBMITTED)
        self.client_for(self.qian).post(url("payment_approve", payment), {})
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.APPROVED)
        self.assertEqual(list(Approval.objects.values_list("by__username", flat=True)),
                         ["zhou", "qian"])

    def test_alice_may_not_approve_or_reject(self) -> None:
        w = self.world
        payment = self.payment(self.fund())
        client = self.client_for(w.alice)
        self.assertEqual(client.post(url("payment_approve", payment), {}).status_code, 403)
        self.assertEqual(client.post(url("payment_reject", payment), {"note": "No"})
                         .status_code, 403)
        self.assertFalse(Approval.objects.exists())

    def test_zhou_may_not_approve_a_payment_he_applied_for(self) -> None:
        w = self.world
        payment = self.payment(self.fund(), by=w.command)
        zhou = self.client_for(w.command)
        self.assertIsNone(zhou.get(url("payment", payment)).context["approve_form"])
        response = zhou.post(url("payment_approve", payment), {"note": "Fine"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("You applied for this payment: another approver decides.",
                      response.content.decode())
        self.assertFalse(Approval.objects.exists())
        self.assertEqual(self.client_for(self.qian).post(url("payment_approve", payment), {})
                         .status_code, 302)

    def test_a_rejection_says_why(self) -> None:
        w = self.world
        payment = self.payment(self.fund())
        zhou = self.client_for(w.command)
        silent = zhou.post(url("payment_reject", payment), {"note": " "})
        self.assertEqual(silent.status_code, 400)
        self.assertEqual(silent.context["reject_form"].errors,
                         {"note": ["Say why the payment is rejected."]})
        zhou.post(url("payment_reject", payment), {"note": "Paid by the city already"})
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.REJECTED)
        seen = self.client_for(w.alice).get(url("payment", payment)).content.decode()
        self.assertIn("Paid by the city already", seen)
        self.assertNotIn('id="pay-form"', self.client_for(self.wu).get(
            url("payment", payment)).content.decode())

    def test_paying_more_than_the_balance_is_refused(self) -> None:
        w = self.world
        fund = self.fund("1000")
        payment = self.payment(fund, "2000")
        funds.approve(payment, by=w.command)
        response = self.client_for(self.wu).post(url("payment_pay", payment),
                                                 {"voucher": "P-001"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Frontline Condolence Fund holds 1000.00 yuan; the payment is 2000.00.",
                      response.content.decode())
        self.assertEqual(funds.balance(fund), Decimal("1000.00"))
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.APPROVED)

    def test_paying_twice_or_without_a_voucher_is_refused(self) -> None:
        w = self.world
        fund = self.fund("50000")
        payment = self.payment(fund)
        funds.approve(payment, by=w.command)
        wu = self.client_for(self.wu)
        no_voucher = wu.post(url("payment_pay", payment), {"voucher": ""})
        self.assertEqual(no_voucher.status_code, 400)
        self.assertEqual(no_voucher.context["pay_form"].errors,
                         {"voucher": ["Give the voucher number."]})
        self.assertEqual(wu.post(url("payment_pay", payment), {"voucher": "P-1"}).status_code,
                         302)
        twice = wu.post(url("payment_pay", payment), {"voucher": "P-2"})
        self.assertEqual(twice.status_code, 400)
        self.assertIn("Only an approved payment is paid; this one is paid.",
                      twice.content.decode())
        self.assertEqual(funds.balance(fund), Decimal("48000.00"))

    def test_only_the_keeper_pays(self) -> None:
        w = self.world
        payment = self.payment(self.fund())
        funds.approve(payment, by=w.command)
        for user in (w.command, w.alice):
            with self.subTest(user=user.username):
                self.assertEqual(self.client_for(user).post(
                    url("payment_pay", payment), {"voucher": "P-1"}).status_code, 403)
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.APPROVED)

    def test_bob_does_not_see_town_as_payment(self) -> None:
        w = self.world
        fund = self.fund()
        payment = self.payment(fund)
        bob = self.client_for(w.bob)
        self.assertEqual(bob.get(url("payment", payment)).status_code, 404)
        self.assertEqual(bob.get(reverse("mobilization:payment", args=[payment.pk + 99]))
                         .status_code, 404)
        self.assertEqual(self.client_for(w.stranger).get(url("payment", payment)).status_code,
                         404)
        # A keeper or approver of town B is refused the same way.
        self.assertEqual(bob.post(url("payment_approve", payment), {}).status_code, 404)
        # Bob sees the district's fund, without its ledger.
        funds_page = bob.get(reverse("mobilization:funds")).content.decode()
        self.assertIn("Frontline Condolence Fund", funds_page)
        fund_page = bob.get(reverse("mobilization:fund", args=[fund.pk]))
        self.assertEqual(fund_page.status_code, 200)
        self.assertIsNone(fund_page.context["ledger"])
