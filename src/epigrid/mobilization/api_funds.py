"""The mobilization API's funds 慰问金、补助资金 and payments 慰问、补助 (mounted by
mobilization.api under /api/mobilization): what goes out and the routes (what comes in:
api_schemas.py).

A fund is seen by its desk's subtree and the areas below the desk (who apply to it); its ledger
only by the desk's subtree (`access.sees_ledger`: else 404, as a missing fund). A payment is
seen by the applying area's subtree and the fund's desk. Opening a fund needs
APPROVE_PAYMENTS, applying MOBILIZE, approving and rejecting APPROVE_PAYMENTS over the fund's
desk (`access.may_approve`), recording money received and paying KEEP_FUNDS over it
(`access.may_keep`): 403. Money goes out as text with two decimals ("2000.00").
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from epigrid.areas.access import root_area_for
from epigrid.areas.api import visible_area
from epigrid.areas.models import Area
from epigrid.core.access import Capability, can, subtree_q
from epigrid.core.api import (
    Page,
    PageParams,
    api_user,
    call_service,
    fetch,
    field_errors,
    keyset_page,
    named,
    not_found,
    person,
    require,
)
from epigrid.mobilization import access, funds
from epigrid.mobilization.api_schemas import (
    DecisionIn,
    FundIn,
    Money,
    PayIn,
    PaymentFilters,
    PaymentIn,
    ReceiptIn,
)
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

router = Router()


# --- schemas -----------------------------------------------------------------------------------

class FundOut(Schema):
    id: int
    area_id: int
    area_name: str = Field(description="The desk's area that keeps it.")
    name: str
    second_approval_over: Money | None = Field(description="A payment above this needs two "
                                                           "approvers; null: one is enough.")
    balance: Money = Field(description="Receipts less payments made.")
    created_by: str | None

    @staticmethod
    def resolve_area_name(obj: Fund) -> str:
        return obj.area.name

    @staticmethod
    def resolve_balance(obj: Fund) -> Decimal:
        summed: Decimal | None = getattr(obj, "balance", None)  # the list sums them at once
        return summed if summed is not None else funds.balance(obj)

    @staticmethod
    def resolve_created_by(obj: Fund) -> str | None:
        return person(obj.created_by)


class EntryOut(Schema):
    id: int
    kind: EntryKind = Field(description="receipt: money in; payment: money out.")
    amount: Money
    balance: Money = Field(description="The fund's balance after this line 余额.")
    at: datetime.datetime
    counterpart: str = Field(description="Where it came from, or who was paid.")
    voucher: str
    note: str
    payment_id: int | None
    recorded_by: str | None

    @staticmethod
    def resolve_recorded_by(obj: FundEntry) -> str | None:
        return person(obj.recorded_by)


class ApprovalOut(Schema):
    by: str | None
    decision: Decision
    at: datetime.datetime
    note: str

    @staticmethod
    def resolve_by(obj: Approval) -> str | None:
        return person(obj.by)


class PaymentOut(Schema):
    id: int
    fund_id: int
    fund_name: str
    area_id: int
    area_name: str = Field(description="The area that applied.")
    kind: PaymentKind
    beneficiary: str
    deployment_id: int | None = Field(description="The person sent down it is for, if any.")
    amount: Money
    reason: str
    status: PaymentStatus
    approvals_needed: int = Field(description="2 above the fund's limit, else 1.")
    applied_by: str | None
    applied_at: datetime.datetime
    decided_at: datetime.datetime | None
    paid_at: datetime.datetime | None

    @staticmethod
    def resolve_fund_name(obj: Payment) -> str:
        return obj.fund.name

    @staticmethod
    def resolve_area_name(obj: Payment) -> str:
        return obj.area.name

    @staticmethod
    def resolve_approvals_needed(obj: Payment) -> int:
        return obj.fund.approvals_needed(obj.amount)

    @staticmethod
    def resolve_applied_by(obj: Payment) -> str | None:
        return person(obj.applied_by)


class PaymentDetailOut(PaymentOut):
    approvals: list[ApprovalOut] = Field(description="Each approver's decision, oldest first.")
    voucher: str | None = Field(description="The voucher 凭证号 it was paid against.")

    @staticmethod
    def resolve_approvals(obj: Payment) -> list[Approval]:
        return list(obj.approvals.select_related("by"))

    @staticmethod
    def resolve_voucher(obj: Payment) -> str | None:
        voucher: str | None = (FundEntry.objects.filter(payment=obj)
                               .values_list("voucher", flat=True).first())
        return voucher


# --- helpers -----------------------------------------------------------------------------------

def _fund(request: HttpRequest, pk: int) -> Fund:
    return fetch(access.get_fund_for_user, request, pk)


def _payments(rows: QuerySet[Payment]) -> QuerySet[Payment]:
    return rows.select_related("fund__area", "area", "applied_by")


def _payment(request: HttpRequest, pk: int) -> Payment:
    return fetch(access.get_payment_for_user, request, pk)


def _refused(user: Any, capability: Capability) -> HttpError:
    """403: the role lacks `capability`, or holds it for another desk than the fund's."""
    if can(user, capability):
        return HttpError(403, _("Only the fund's desk does this."))
    return HttpError(403, _("Your role may not do this: %(what)s.") % {
        "what": capability.label})


def _home_or(user: Any, pk: int | None) -> Area:
    """The area a body names, or the user's home area."""
    area = (visible_area(user, pk, "area", where="body") if pk is not None
            else root_area_for(user))
    if area is None:
        raise field_errors({"area": [_("Choose an area.")]})
    return area


# --- funds -------------------------------------------------------------------------------------

@router.get("/funds", response=Page[FundOut],
            summary="Funds you may see (your desk's and those above your area), with balances")
def list_funds(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = Fund.objects.restrict(api_user(request)).select_related("area", "created_by")
    found = keyset_page(rows, page)
    sums = funds.balances([fund.pk for fund in found["items"]])
    for fund in found["items"]:
        fund.balance = sums.get(fund.pk, Decimal("0.00"))
    return found


@router.post("/funds", response={201: FundOut}, summary="Open a fund (慰问金、补助资金) at a desk")
def open_fund(request: HttpRequest, payload: FundIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.APPROVE_PAYMENTS)
    area = _home_or(user, payload.area)
    made = call_service(lambda: funds.open_fund(
        area, by=user, name=payload.name, second_approval_over=payload.second_approval_over))
    return Status(201, _fund(request, made.pk))


@router.get("/funds/{int:fund_id}", response=FundOut, summary="One fund with its balance")
def get_fund(request: HttpRequest, fund_id: int) -> Fund:
    return _fund(request, fund_id)


@router.get("/funds/{int:fund_id}/ledger", response=Page[EntryOut],
            summary="A fund's ledger, oldest first: for its desk's subtree only")
def get_ledger(request: HttpRequest, fund_id: int, page: Query[PageParams]) -> dict[str, Any]:
    fund = _fund(request, fund_id)
    if not access.sees_ledger(api_user(request), fund):
        raise not_found()  # who was paid what is the desk's: as if there were no such fund
    return keyset_page(FundEntry.objects.filter(fund=fund).select_related("recorded_by"), page)


@router.post("/funds/{int:fund_id}/receipts", response={201: EntryOut},
             summary="Record money received into a fund (拨入、捐入)")
def receive(request: HttpRequest, fund_id: int, payload: ReceiptIn) -> Status[Any]:
    user = api_user(request)
    fund = _fund(request, fund_id)
    if not access.may_keep(user, fund):
        raise _refused(user, Capability.KEEP_FUNDS)
    made = call_service(lambda: funds.receive(fund, by=user, amount=payload.amount,
                                              counterpart=payload.counterpart,
                                              voucher=payload.voucher, note=payload.note))
    return Status(201, made)


# --- payments ----------------------------------------------------------------------------------

@router.get("/payments", response=Page[PaymentOut],
            summary="Payments your areas applied for or your desk's funds make, latest first")
def list_payments(request: HttpRequest, filters: Query[PaymentFilters],
                  page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _payments(Payment.objects.restrict(user))
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.fund is not None:
        rows = rows.filter(fund_id=filters.fund)
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    return keyset_page(rows, page, newest_first=True)


@router.post("/payments", response={201: PaymentDetailOut},
             summary="Apply to a fund for a condolence or subsidy payment (申请); approvers told")
def apply(request: HttpRequest, payload: PaymentIn) -> Status[Any]:
    user = api_user(request)
    fund = named(Fund.objects.restrict(user).select_related("area"), payload.fund, "fund",
                 _("No fund %(id)s among those you may see."))
    if not access.may_apply(user, fund):
        raise _refused(user, Capability.MOBILIZE)
    area = _home_or(user, payload.area)
    deployment = named(Deployment.objects.restrict(user).select_related("area"),
                       payload.deployment, "deployment",
                       _("No person sent down %(id)s among those you may see."))
    made = call_service(lambda: funds.apply(
        fund, area, by=user, kind=payload.kind, amount=payload.amount, reason=payload.reason,
        beneficiary=payload.beneficiary, deployment=deployment))
    return Status(201, _payment(request, made.pk))


@router.get("/payments/{int:payment_id}", response=PaymentDetailOut,
            summary="One payment with its approvals")
def get_payment(request: HttpRequest, payment_id: int) -> Payment:
    return _payment(request, payment_id)


@router.post("/payments/{int:payment_id}/approve", response=PaymentDetailOut,
             summary="Approve a payment (审批): approved once enough approvers said yes")
def approve(request: HttpRequest, payment_id: int, payload: DecisionIn) -> Payment:
    user = api_user(request)
    payment = _payment(request, payment_id)
    if not access.may_approve(user, payment):
        raise _refused(user, Capability.APPROVE_PAYMENTS)
    call_service(lambda: funds.approve(payment, by=user, note=payload.note))
    return _payment(request, payment_id)


@router.post("/payments/{int:payment_id}/reject", response=PaymentDetailOut,
             summary="Reject a payment (不予批准), saying why; the applicant is told")
def reject(request: HttpRequest, payment_id: int, payload: DecisionIn) -> Payment:
    user = api_user(request)
    payment = _payment(request, payment_id)
    if not access.may_approve(user, payment):
        raise _refused(user, Capability.APPROVE_PAYMENTS)
    call_service(lambda: funds.reject(payment, by=user, note=payload.note))
    return _payment(request, payment_id)


@router.post("/payments/{int:payment_id}/pay", response=PaymentDetailOut,
             summary="Pay an approved payment (发放) against its voucher, while the fund holds it")
def pay(request: HttpRequest, payment_id: int, payload: PayIn) -> Payment:
    user = api_user(request)
    payment = _payment(request, payment_id)
    if not access.may_keep(user, payment.fund):
        raise _refused(user, Capability.KEEP_FUNDS)
    call_service(lambda: funds.pay(payment, by=user, voucher=payload.voucher, note=payload.note))
    return _payment(request, payment_id)
