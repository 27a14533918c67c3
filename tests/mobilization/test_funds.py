"""The fund 慰问金、补助资金: money received, payments applied for, approved 审批 (twice above the
limit, never by the applicant), paid 发放 while the balance covers them; the balance is the
ledger's sum."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.alerts.models import Receipt
from epigrid.core.access import Role
from epigrid.mobilization import funds
from epigrid.mobilization.models import (
    Approval,
    Decision,
    EntryKind,
    Fund,
    FundEntry,
    Payment,
    PaymentKind,
    PaymentStatus,
)
from tests.base import PASSWORD, World
from tests.mobilization.helpers import MobilizationTestCase


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


def ledger_sum(fund: Fund) -> Decimal:
    return sum((entry.signed for entry in FundEntry.objects.filter(fund=fund)), Decimal(0))


class OpenAndReceiveTests(MobilizationTestCase):
    def test_a_fund_has_a_name_unique_at_its_desk_and_a_limit_of_zero_or_more(self) -> None:
        w = self.world
        fund = self.fund(money="0", second_approval_over=Decimal("5000"))
        assert (fund.area, fund.second_approval_over, funds.balance(fund)) == (
            w.district, Decimal("5000"), Decimal("0.00"))
        errors = refusal(lambda: self.fund(money="0"))
        assert errors == {"name": ["Qingshan District keeps a fund named Frontline Condolence "
                                   "Fund already."]}
        town = funds.open_fund(w.town_a, by=w.alice, name="Frontline Condolence Fund")
        assert town.area == w.town_a  # the same name at another desk
        errors = refusal(lambda: funds.open_fund(w.town_b, by=w.alice, name="Mine",
                                                 second_approval_over=Decimal("-1")))
        assert errors == {"area": ["Choose an area of your own."],
                          "second_approval_over": ["The limit cannot be below 0."]}

    def test_money_received_is_more_than_zero_in_yuan_and_fen(self) -> None:
        fund = self.fund(money="0")
        for amount, message in (("0", "The amount must be more than 0."),
                                ("-5", "The amount must be more than 0."),
                                ("10.005", "The amount is in yuan and fen: two decimal places "
                                           "at most.")):
            with self.subTest(amount=amount):
                errors = refusal(lambda amount=amount: funds.receive(  # type: ignore[misc]
                    fund, by=self.wu, amount=Decimal(amount), counterpart="Donor"))
                assert errors == {"amount": [message]}
        errors = refusal(lambda: funds.receive(fund, by=self.wu, amount=Decimal("1"),
                                               counterpart="  "))
        assert errors == {"counterpart": ["Say where the money came from."]}
        entry = funds.receive(fund, by=self.wu, amount=Decimal("0.01"), counterpart=" Donor ",
                              voucher=" R-7 ")
        assert (entry.kind, entry.amount, entry.counterpart, entry.voucher) == (
            EntryKind.RECEIPT, Decimal("0.01"), "Donor", "R-7")
        assert funds.balance(fund) == Decimal("0.01")

    def test_only_the_desks_subtree_writes_its_ledger(self) -> None:
        fund = self.fund(money="0")
        errors = refusal(lambda: funds.receive(fund, by=self.world.alice, amount=Decimal("1"),
                                               counterpart="Donor"))
        assert errors == {"__all__": ["Only Qingshan District keeps the ledger of Frontline "
                                      "Condolence Fund."]}
        assert not FundEntry.objects.exists()

    def test_the_balance_is_receipts_less_payments_for_every_fund_at_once(self) -> None:
        w = self.world
        fund = self.fund(money="50000")
        funds.receive(fund, by=self.wu, amount=Decimal("1234.56"), counterpart="Red Cross")
        for amount in ("2000", "3000.50"):
            payment = self.payment(fund, amount)
            funds.approve(payment, by=w.command)
            funds.pay(payment, by=self.wu, voucher=f"P-{amount}")
        other = funds.open_fund(w.town_a, by=w.alice, name="Town Fund")
        empty = funds.open_fund(w.town_b, by=w.bob, name="Empty Fund")
        funds.receive(other, by=w.alice, amount=Decimal("10"), counterpart="Town")
        assert funds.balance(fund) == Decimal("46234.06") == ledger_sum(fund)
        with self.assertNumQueries(1):
            got = funds.balances([fund.pk, other.pk, empty.pk])
        assert got == {fund.pk: Decimal("46234.06"), other.pk: Decimal("10.00"),
                       empty.pk: Decimal("0.00")}
        # Each line carries the balance after it, as a paper ledger does.
        carried = list(FundEntry.objects.filter(fund=fund).order_by("at", "id")
                       .values_list("balance", flat=True))
        assert carried == [Decimal("50000.00"), Decimal("51234.56"), Decimal("49234.56"),
                           Decimal("46234.06")]


class ApplyTests(MobilizationTestCase):
    def test_an_area_applies_for_someone_named_or_a_person_sent_there(self) -> None:
        w = self.world
        fund = self.fund()
        named = self.payment(fund, "2000.50")
        assert (named.area, named.beneficiary, named.amount, named.status, named.applied_by) == (
            w.town_a, "Family of Wang Qiang", Decimal("2000.50"), PaymentStatus.SUBMITTED,
            w.alice)
        person = self.deployment(w.village_a1)
        theirs = self.payment(fund, beneficiary="", deployment=person, area=w.village_a1,
                              kind=PaymentKind.ALLOWANCE)
        assert (theirs.beneficiary, theirs.deployment) == ("Chen Ming", person)

    def test_the_area_is_of_the_funds_subtree_and_the_applicants(self) -> None:
        w = self.world
        town_fund = funds.open_fund(w.town_a, by=w.alice, name="Dongcheng Fund")
        errors = refusal(lambda: self.payment(town_fund, area=w.town_b, by=w.bob))
        assert errors == {"area": ["Dongcheng Fund pays the areas of Dongcheng Town."]}
        errors = refusal(lambda: self.payment(town_fund, area=w.district, by=w.command))
        assert errors == {"area": ["Dongcheng Fund pays the areas of Dongcheng Town."]}
        fund = self.fund()
        errors = refusal(lambda: self.payment(fund, area=w.town_b))  # Alice, for town B
        assert errors == {"area": ["Choose an area of your own."]}
        assert self.payment(fund, area=w.district, by=w.command).area == w.district

    def test_the_person_sent_down_is_of_the_applying_area(self) -> None:
        w = self.world
        person = self.deployment(w.village_b1, by=w.bob)
        errors = refusal(lambda: self.payment(self.fund(), deployment=person))
        assert errors == {"deployment": ["Chen Ming is not in Dongcheng Town."]}

    def test_it_is_for_more_than_zero_and_at_most_the_maximum_with_a_reason(self) -> None:
        fund = self.fund()
        assert self.payment(fund, str(funds.MAX_PAYMENT)).amount == Decimal("100000")
        errors = refusal(lambda: self.payment(fund, "100000.01", kind="bonus", reason=" ",
                                              beneficiary=""))
        assert errors == {"amount": ["At most 100000 yuan."],
                          "kind": ["Choose the kind of payment."],
                          "reason": ["Give the reason."],
                          "beneficiary": ["Name the beneficiary."]}
        assert refusal(lambda: self.payment(fund, "0")) == {
            "amount": ["The amount must be more than 0."]}

    def test_the_desks_approvers_are_told_of_an_application(self) -> None:
        fund = self.fund()
        with self.captureOnCommitCallbacks(execute=True):
            payment = self.payment(fund, "2000")
        told = Receipt.objects.select_related("notice")
        assert set(told.values_list("user__username", flat=True)) == {"zhou", "qian"}
        notice = told.first().notice  # type: ignore[union-attr]
        assert notice.title == "Payment to approve: Family of Wang Qiang, 2000.00 yuan"
        assert notice.link == f"/mobilization/payments/{payment.pk}/"


class ApproveTests(MobilizationTestCase):
    def limited(self) -> Fund:
        return self.fund(second_approval_over=Decimal("5000"))

    def test_a_payment_at_the_limit_is_approved_by_one(self) -> None:
        payment = self.payment(self.limited(), "5000")
        funds.approve(payment, by=self.world.command, note="Agreed")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.APPROVED
        assert payment.decided_at is not None
        assert list(payment.approvals.values_list("by__username", "decision", "note")) == [
            ("zhou", Decision.APPROVE, "Agreed")]

    def test_a_payment_above_the_limit_needs_two_approvers(self) -> None:
        payment = self.payment(self.limited(), "5000.01")
        funds.approve(payment, by=self.world.command)
        payment.refresh_from_db()
        assert (payment.status, payment.decided_at) == (PaymentStatus.SUBMITTED, None)
        errors = refusal(lambda: funds.approve(payment, by=self.world.command))
        assert errors == {"__all__": ["You have approved this payment already: a second "
                                      "approver decides."]}
        funds.approve(payment, by=self.qian)
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.APPROVED
        assert payment.approvals.count() == 2

    def test_a_fund_without_a_limit_approves_any_payment_at_the_first(self) -> None:
        payment = self.payment(self.fund(), "99999")
        funds.approve(payment, by=self.qian)
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.APPROVED

    def test_the_applicant_does_not_approve_their_own_payment(self) -> None:
        w = self.world
        payment = self.payment(self.fund(), area=w.district, by=w.command)
        errors = refusal(lambda: funds.approve(payment, by=w.command))
        assert errors == {"__all__": ["You applied for this payment: another approver "
                                      "decides."]}
        errors = refusal(lambda: funds.reject(payment, by=w.command, note="No"))
        assert errors == {"__all__": ["You applied for this payment: another approver "
                                      "decides."]}
        assert not Approval.objects.exists()

    def test_an_approver_sees_the_funds_desk(self) -> None:
        b_command = create_user(username="ma", password=PASSWORD, role=Role.COMMAND,
                                home_area=self.world.town_b)
        payment = self.payment(self.fund())
        errors = refusal(lambda: funds.approve(payment, by=b_command))
        assert errors == {"__all__": ["The approvers of Qingshan District decide on this "
                                      "payment."]}

    def test_a_rejection_says_why_and_ends_it(self) -> None:
        payment = self.payment(self.limited(), "8000")
        funds.approve(payment, by=self.world.command)
        errors = refusal(lambda: funds.reject(payment, by=self.qian, note="  "))
        assert errors == {"note": ["Say why the payment is rejected."]}
        funds.reject(payment, by=self.qian, note="Paid by the hospital already")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.REJECTED
        for decide in (lambda: funds.approve(payment, by=self.world.admin),
                       lambda: funds.reject(payment, by=self.world.admin, note="Again")):
            assert refusal(decide) == {"__all__": ["The payment is rejected already."]}
        errors = refusal(lambda: funds.pay(payment, by=self.wu, voucher="P-1"))
        assert errors == {"__all__": ["Only an approved payment is paid; this one is "
                                      "rejected."]}

    def test_the_applicant_is_told_of_each_decision(self) -> None:
        fund = self.fund()
        approved = self.payment(fund, "2000")
        rejected = self.payment(fund, "300", beneficiary="Family of Li Na")
        with self.captureOnCommitCallbacks(execute=True):
            funds.approve(approved, by=self.world.command)
            funds.reject(rejected, by=self.qian, note="Not on duty then")
            funds.pay(approved, by=self.wu, voucher="P-1")
        told = Receipt.objects.filter(user=self.world.alice).order_by("id")
        assert [r.notice.title for r in told] == [
            "Payment to Family of Wang Qiang: approved, to be paid",
            "Payment to Family of Li Na: rejected",
            "Payment to Family of Wang Qiang: paid"]
        assert {r.notice.area_path for r in told} == {self.world.town_a.path}


class PayTests(MobilizationTestCase):
    def approved(self, fund: Fund, amount: str) -> Payment:
        payment = self.payment(fund, amount)
        return funds.approve(payment, by=self.world.command)

    def test_an_approved_payment_is_paid_once_into_the_ledger(self) -> None:
        fund = self.fund("5000")
        payment = self.approved(fund, "2000")
        entry = funds.pay(payment, by=self.wu, voucher=" P-001 ", note=" cash ")
        payment.refresh_from_db()
        assert (entry.kind, entry.amount, entry.counterpart, entry.voucher, entry.note,
                entry.payment, entry.recorded_by) == (
            EntryKind.PAYMENT, Decimal("2000.00"), "Family of Wang Qiang", "P-001", "cash",
            payment, self.wu)
        assert (payment.status, payment.paid_at) == (PaymentStatus.PAID, entry.at)
        errors = refusal(lambda: funds.pay(payment, by=self.wu, voucher="P-002"))
        assert errors == {"__all__": ["Only an approved payment is paid; this one is paid."]}
        assert funds.balance(fund) == Decimal("3000.00")

    def test_a_payment_awaiting_approval_is_not_paid(self) -> None:
        payment = self.payment(self.fund(), "2000")
        errors = refusal(lambda: funds.pay(payment, by=self.wu, voucher="P-1"))
        assert errors == {"__all__": ["Only an approved payment is paid; this one is awaiting "
                                      "approval."]}

    def test_it_pays_up_to_the_balance_and_not_beyond(self) -> None:
        fund = self.fund("2500")
        first = self.approved(fund, "2000")
        second = self.approved(fund, "500.01")
        funds.pay(first, by=self.wu, voucher="P-1")
        errors = refusal(lambda: funds.pay(second, by=self.wu, voucher="P-2"))
        assert errors == {"__all__": ["Frontline Condolence Fund holds 500.00 yuan; the payment "
                                      "is 500.01."]}
        funds.receive(fund, by=self.wu, amount=Decimal("0.01"), counterpart="Donor")
        funds.pay(second, by=self.wu, voucher="P-2")  # exactly the balance
        assert funds.balance(fund) == Decimal("0.00")

    def test_it_needs_a_voucher_and_the_desks_keeper(self) -> None:
        payment = self.approved(self.fund(), "100")
        assert refusal(lambda: funds.pay(payment, by=self.wu, voucher=" ")) == {
            "voucher": ["Give the voucher number."]}
        errors = refusal(lambda: funds.pay(payment, by=self.world.bob, voucher="P-1"))
        assert errors == {"__all__": ["Only Qingshan District keeps the ledger of Frontline "
                                      "Condolence Fund."]}
        assert not FundEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


# --- the ledger never goes below zero, whatever is done in whatever order --------------------

amounts = st.one_of(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("4000"), places=2),
                    st.sampled_from([Decimal("0"), Decimal("-1"), Decimal("1.001")]))
steps = st.lists(st.one_of(
    st.tuples(st.just("receive"), amounts),
    st.tuples(st.just("apply"), amounts),
    st.tuples(st.just("approve"), st.integers(0, 7), st.sampled_from(["zhou", "qian", "alice"])),
    st.tuples(st.just("reject"), st.integers(0, 7)),
    st.tuples(st.just("pay"), st.integers(0, 7)),
), max_size=20)


class LedgerProperty(HypothesisTestCase):
    """Receipts, applications, approvals and payments in any order: the balance is the
    ledger's sum, what was received less what was paid, and never below zero."""

    world: World
    people: dict[str, User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = World()
        cls.people = {"zhou": cls.world.command, "alice": cls.world.alice,
                      "wu": create_user(username="wu", password=PASSWORD, role=Role.LOGISTICS,
                                        home_area=cls.world.district),
                      "qian": create_user(username="qian", password=PASSWORD,
                                          role=Role.COMMAND, home_area=cls.world.district)}

    def act(self, fund: Fund, payments: list[Payment], step: tuple[Any, ...]) -> Decimal:
        """Do one step; the money it moved into the fund (out: negative), 0 when refused."""
        w, wu = self.world, self.people["wu"]
        kind, arg = step[0], step[1]
        try:
            if kind == "receive":
                return funds.receive(fund, by=wu, amount=arg, counterpart="Bureau").amount
            if kind == "apply":
                payments.append(funds.apply(fund, w.town_a, by=w.alice, amount=arg,
                                            kind=PaymentKind.SUBSIDY, beneficiary="Someone",
                                            reason="Hardship"))
            elif payments and kind == "approve":
                funds.approve(payments[arg % len(payments)], by=self.people[step[2]])
            elif payments and kind == "reject":
                funds.reject(payments[arg % len(payments)], by=w.command, note="No")
            elif payments and kind == "pay":
                return -funds.pay(payments[arg % len(payments)], by=wu, voucher="V").amount
        except ValidationError:
            pass
        return Decimal(0)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=steps)
    def test_the_balance_is_the_ledgers_sum_and_never_below_zero(
            self, steps: list[tuple[Any, ...]]) -> None:
        with transaction.atomic():
            fund = funds.open_fund(self.world.district, by=self.world.command, name="Property",
                                   second_approval_over=Decimal("1000"))
            payments: list[Payment] = []
            expected = Decimal(0)
            for step in steps:
                expected += self.act(fund, payments, step)
                balance = funds.balance(fund)
                assert balance >= 0
                assert balance == expected == ledger_sum(fund)
            paid = Payment.objects.filter(fund=fund, status=PaymentStatus.PAID)
            assert sorted(p.pk for p in paid) == sorted(
                FundEntry.objects.filter(fund=fund, kind=EntryKind.PAYMENT)
                .values_list("payment_id", flat=True))
            transaction.set_rollback(True)
