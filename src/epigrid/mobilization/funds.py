"""Writes of a fund 慰问金、补助资金: open one, receive money, apply for, approve 审批, reject and
pay 发放 a condolence or subsidy payment. Each write a ledger line or a decision, written once;
a ledger line carries the fund's balance after it 余额 (the last line's is the balance).

Rules:
- a fund has a name unique at its desk and an optional limit above which a payment needs a
  second approver;
- money received names where it came from and is more than 0; the ledger (money received,
  payments made) is written by the desk's subtree only;
- a payment is applied for by an area of the fund's subtree (or the desk itself), for a
  beneficiary (a person sent down there, or someone named), for more than 0 and at most
  MAX_PAYMENT, with a reason;
- an approver sees the fund's desk, did not apply for the payment (回避) and decides once;
  a rejection says why and ends it; a payment above the fund's limit is approved when two
  different approvers have approved it, any other at the first;
- an approved payment is paid once, with its voucher number 凭证号, only while the fund's
  balance covers it: the fund's row is locked while the balance is read, so two payments made
  at once never take the fund below zero;
- the approvers of the desk are told of an application; the applicant of each decision.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify, notify_users
from epigrid.alerts.wording import worded
from epigrid.areas.access import own_area, sees
from epigrid.areas.models import Area
from epigrid.core.access import Capability, roles_with
from epigrid.core.errors import Errors, add, refuse, required
from epigrid.mobilization.models import (
    Approval,
    Decision,
    Deployment,
    EntryKind,
    Fund,
    FundEntry,
    Payment,
    PaymentKind,
    PaymentStatus,
)

MAX_PAYMENT = Decimal("100000")  # a condolence of more than this is a typo or another process
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def balance(fund: Fund) -> Decimal:
    """The balance its last ledger line carries (0 before the first)."""
    return balances([fund.pk]).get(fund.pk, ZERO)


def balances(fund_ids: list[int]) -> dict[int, Decimal]:
    """Every fund's balance in one query: each one's last ledger line, through its index."""
    last = (FundEntry.objects.filter(fund=OuterRef("pk")).order_by("-at", "-id")
            .values("balance")[:1])
    rows = (Fund.objects.filter(pk__in=fund_ids)
            .annotate(last=Subquery(last, output_field=FundEntry._meta.get_field("balance")))
            .values_list("pk", "last"))
    return {fund_id: Decimal(total if total is not None else ZERO).quantize(CENT)
            for fund_id, total in rows}


def _entry(fund: Fund, kind: str, amount: Decimal, before: Decimal, **fields: Any) -> FundEntry:
    """A ledger line carrying the fund's balance after it, from `before`, read under the fund's
    lock that the caller holds."""
    after = before + (amount if kind == EntryKind.RECEIPT else -amount)
    return FundEntry.objects.create(fund=fund, kind=kind, amount=amount, balance=after,
                                    at=timezone.now(), **fields)


def _check_amount(errors: Errors, amount: Decimal, field: str = "amount",
                  most: Decimal | None = None) -> None:
    if amount <= 0:
        add(errors, field, _("The amount must be more than 0."))
    elif amount != amount.quantize(CENT):
        add(errors, field, _("The amount is in yuan and fen: two decimal places at most."))
    elif most is not None and amount > most:
        add(errors, field, _("At most %(most)s yuan.") % {"most": most})


@transaction.atomic
def open_fund(area: Area, *, by: Any, name: str,
              second_approval_over: Decimal | None = None) -> Fund:
    errors: Errors = {}
    own_area(errors, by, area)
    name = required(errors, "name", name, _("Name the fund."))
    if name and Fund.objects.filter(area=area, name=name).exists():
        add(errors, "name", _("%(area)s keeps a fund named %(name)s already.")
            % {"area": area.name, "name": name})
    if second_approval_over is not None and second_approval_over < 0:
        add(errors, "second_approval_over", _("The limit cannot be below 0."))
    refuse(errors)
    return Fund.objects.create(area=area, name=name, second_approval_over=second_approval_over,
                               created_by=by)


def _check_desk(errors: Errors, fund: Fund, by: Any) -> None:
    """The ledger is written by the desk's own subtree (an area applying to it does not)."""
    if not sees(by, fund.area.path):
        add(errors, "__all__", _("Only %(area)s keeps the ledger of %(fund)s.")
            % {"area": fund.area.name, "fund": fund.name})


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update(of=("self",)).select_related("area").get(pk=fund.pk)


@transaction.atomic
def receive(fund: Fund, *, by: Any, amount: Decimal, counterpart: str, voucher: str = "",
            note: str = "") -> FundEntry:
    """拨入、捐入: money into the fund, from `counterpart`."""
    fund = _locked(fund)
    errors: Errors = {}
    _check_desk(errors, fund, by)
    _check_amount(errors, amount)
    counterpart = required(errors, "counterpart", counterpart,
                           _("Say where the money came from."))
    refuse(errors)
    return _entry(fund, EntryKind.RECEIPT, amount.quantize(CENT), balance(fund),
                  counterpart=counterpart, voucher=voucher.strip(), note=note.strip(),
                  recorded_by=by)


@transaction.atomic
def apply(fund: Fund, area: Area, *, by: Any, kind: str, amount: Decimal, reason: str,
          beneficiary: str = "", deployment: Deployment | None = None) -> Payment:
    """申请: `area` asks the fund to pay `beneficiary` (or the person sent down named)."""
    errors: Errors = {}
    if not area.path.startswith(fund.area.path):
        add(errors, "area", _("%(fund)s pays the areas of %(area)s.")
            % {"fund": fund.name, "area": fund.area.name})
    elif not sees(by, area.path):
        add(errors, "area", _("Choose an area of your own."))
    if kind not in PaymentKind.values:
        add(errors, "kind", _("Choose the kind of payment."))
    if deployment is not None:
        if not deployment.area.path.startswith(area.path):
            add(errors, "deployment", _("%(name)s is not in %(area)s.")
                % {"name": deployment.name, "area": area.name})
        beneficiary = beneficiary.strip() or deployment.name
    beneficiary = required(errors, "beneficiary", beneficiary, _("Name the beneficiary."))
    _check_amount(errors, amount, most=MAX_PAYMENT)
    reason = required(errors, "reason", reason, _("Give the reason."))
    refuse(errors)
    payment = Payment.objects.create(
        fund=fund, area=area, kind=kind, beneficiary=beneficiary, deployment=deployment,
        amount=amount.quantize(CENT), reason=reason, applied_by=by,
        applied_at=timezone.now())
    transaction.on_commit(lambda: _tell_approvers(payment))
    return payment


def _tell_approvers(payment: Payment) -> None:
    def wording() -> tuple[str, str]:
        return (_("Payment to approve: %(who)s, %(amount)s yuan")
                % {"who": payment.beneficiary, "amount": payment.amount},
                _("%(kind)s from %(fund)s, applied for by %(area)s.")
                % {"kind": payment.get_kind_display(), "fund": payment.fund.name,
                   "area": payment.area.name})

    notify([payment.fund.area], roles_with(Capability.APPROVE_PAYMENTS), worded(wording),
           link=reverse("mobilization:payment", args=[payment.pk]), exact=True)


def _locked_payment(payment: Payment) -> Payment:
    return (Payment.objects.select_for_update(of=("self",))
            .select_related("fund__area", "area", "applied_by").get(pk=payment.pk))


def _check_approver(errors: Errors, payment: Payment, by: Any) -> None:
    if not sees(by, payment.fund.area.path):
        add(errors, "__all__", _("The approvers of %(area)s decide on this payment.")
            % {"area": payment.fund.area.name})
    if payment.status != PaymentStatus.SUBMITTED:
        add(errors, "__all__", _("The payment is %(status)s already.")
            % {"status": payment.get_status_display()})
    if by is not None and payment.applied_by_id == by.pk:
        add(errors, "__all__", _("You applied for this payment: another approver decides."))
    if by is not None and payment.approvals.filter(by=by).exists():
        add(errors, "__all__", _("You have approved this payment already: a second approver "
                                 "decides."))


@transaction.atomic
def approve(payment: Payment, *, by: Any, note: str = "") -> Payment:
    """审批同意: approved once enough approvers have said yes."""
    payment = _locked_payment(payment)
    errors: Errors = {}
    _check_approver(errors, payment, by)
    refuse(errors)
    now = timezone.now()
    Approval.objects.create(payment=payment, by=by, at=now, decision=Decision.APPROVE,
                            note=note.strip())
    approved = payment.approvals.filter(decision=Decision.APPROVE).count()
    if approved >= payment.fund.approvals_needed(payment.amount):
        payment.status = PaymentStatus.APPROVED
        payment.decided_at = now
        payment.save(update_fields=["status", "decided_at", "updated_at"])
        transaction.on_commit(lambda: _tell_applicant(payment))
    return payment


@transaction.atomic
def reject(payment: Payment, *, by: Any, note: str) -> Payment:
    """不予批准: with the reason, which the applicant reads."""
    payment = _locked_payment(payment)
    errors: Errors = {}
    _check_approver(errors, payment, by)
    note = required(errors, "note", note, _("Say why the payment is rejected."))
    refuse(errors)
    now = timezone.now()
    Approval.objects.create(payment=payment, by=by, at=now, decision=Decision.REJECT, note=note)
    payment.status = PaymentStatus.REJECTED
    payment.decided_at = now
    payment.save(update_fields=["status", "decided_at", "updated_at"])
    transaction.on_commit(lambda: _tell_applicant(payment))
    return payment


@transaction.atomic
def pay(payment: Payment, *, by: Any, voucher: str, note: str = "") -> FundEntry:
    """发放: the approved amount leaves the fund, against its voucher."""
    payment = _locked_payment(payment)
    fund = _locked(payment.fund)  # the balance is read under the fund's lock
    errors: Errors = {}
    _check_desk(errors, fund, by)
    if payment.status != PaymentStatus.APPROVED:
        add(errors, "__all__", _("Only an approved payment is paid; this one is %(status)s.")
            % {"status": payment.get_status_display()})
    voucher = required(errors, "voucher", voucher, _("Give the voucher number."))
    available = balance(fund)
    if payment.status == PaymentStatus.APPROVED and payment.amount > available:
        add(errors, "__all__", _("%(fund)s holds %(balance)s yuan; the payment is %(amount)s.")
            % {"fund": fund.name, "balance": available, "amount": payment.amount})
    refuse(errors)
    entry = _entry(fund, EntryKind.PAYMENT, payment.amount, available,
                   counterpart=payment.beneficiary, voucher=voucher, note=note.strip(),
                   payment=payment, recorded_by=by)
    payment.status = PaymentStatus.PAID
    payment.paid_at = entry.at
    payment.save(update_fields=["status", "paid_at", "updated_at"])
    transaction.on_commit(lambda: _tell_applicant(payment))
    return entry


def _tell_applicant(payment: Payment) -> None:
    if payment.applied_by is None:
        return

    def wording() -> tuple[str, str]:
        return (_("Payment to %(who)s: %(status)s")
                % {"who": payment.beneficiary, "status": payment.get_status_display()},
                _("%(amount)s yuan from %(fund)s.")
                % {"amount": payment.amount, "fund": payment.fund.name})

    notify_users([payment.applied_by], worded(wording),
                 link=reverse("mobilization:payment", args=[payment.pk]), area=payment.area)
