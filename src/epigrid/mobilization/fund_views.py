"""Fund pages 慰问金、补助资金: the funds a user sees with their balances, opening one, a fund
with its ledger (for its desk only) and its payments, and the form that records money received.

A town officer sees the district's fund to apply to it: its name and balance and the payments
of the officer's own areas, not the ledger (who was paid what is the desk's).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import AreaUser, area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.mobilization import access, funds
from epigrid.mobilization.fund_forms import PENDING_STATUSES, FundForm, ReceiveForm
from epigrid.mobilization.models import EntryKind, Fund, FundEntry, Payment, PaymentStatus
from epigrid.mobilization.payment_views import Row, with_approvals

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FundRow:
    """A fund as the list shows it: its balance, and the payments of it the user sees that
    wait on an approver or on the keeper."""

    fund: Fund
    balance: Decimal
    to_approve: int
    to_pay: int


def pending_counts(user: AreaUser, fund_ids: list[int]) -> dict[tuple[int, str], int]:
    """(fund, status) -> how many payments of it the user sees wait: one GROUP BY."""
    rows = (Payment.objects.restrict(user).filter(fund_id__in=fund_ids,
                                                  status__in=PENDING_STATUSES)
            .order_by().values("fund_id", "status").annotate(n=Count("id"))
            .values_list("fund_id", "status", "n"))
    return {(fund_id, status): n for fund_id, status, n in rows}


@login_required
@require_GET
def fund_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    page = Paginator(Fund.objects.restrict(user).select_related("area"),
                     settings.PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [fund.pk for fund in page]
    money, waiting = funds.balances(ids), pending_counts(user, ids)
    rows = [FundRow(fund, money.get(fund.pk, ZERO),
                    waiting.get((fund.pk, PaymentStatus.SUBMITTED), 0),
                    waiting.get((fund.pk, PaymentStatus.APPROVED), 0)) for fund in page]
    return render(request, "mobilization/fund_list.html", {
        "page": page, "rows": rows, "may_open": can(user, Capability.APPROVE_PAYMENTS)})


@login_required
@require_http_methods(["GET", "POST"])
def fund_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.APPROVE_PAYMENTS)
    form = FundForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fund = funds.open_fund(data["area"], by=user, name=data["name"],
                                   second_approval_over=data["second_approval_over"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(fund)s is opened, kept by %(area)s.")
                             % {"fund": fund.name, "area": fund.area.name})
            return redirect("mobilization:fund", pk=fund.pk)
    return render(request, "mobilization/fund_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _ledger(request: HttpRequest, fund: Fund) -> dict[str, Any]:
    """A page of the ledger, newest first, with what came in and went out on it."""
    entries = FundEntry.objects.filter(fund=fund).order_by("-at", "-id")
    page = Paginator(entries, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    lines = list(page)
    return {"page": page, "entries": lines,
            "page_in": sum((e.amount for e in lines if e.kind == EntryKind.RECEIPT), ZERO),
            "page_out": sum((e.amount for e in lines if e.kind == EntryKind.PAYMENT), ZERO)}


def _detail(request: HttpRequest, fund: Fund, status: int = 200,
            receive_form: ReceiveForm | None = None) -> HttpResponseBase:
    """The fund's page; the receive form for its keeper (a refused one as posted)."""
    user = area_user(request)
    keeps = access.may_keep(user, fund)
    # The newest payments the user sees; the rest are in the payments list, filtered.
    payments = list(with_approvals(Payment.objects.restrict(user).filter(fund=fund))
                    .order_by("-applied_at", "-id")[:settings.PAGE_SIZE + 1])
    context: dict[str, Any] = {
        "fund": fund, "balance": funds.balance(fund),
        "ledger": _ledger(request, fund) if access.sees_ledger(user, fund) else None,
        "rows": [Row.of(payment) for payment in payments[:settings.PAGE_SIZE]],
        "more_payments": len(payments) > settings.PAGE_SIZE,
        "receive_form": receive_form or (ReceiveForm() if keeps else None),
        "may_apply": access.may_apply(user, fund)}
    return render(request, "mobilization/fund_detail.html", context, status=status)


@login_required
@require_GET
def fund_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, access.get_fund_for_user(area_user(request), pk))


@login_required
@require_POST
def fund_receive(request: HttpRequest, pk: int) -> HttpResponseBase:
    """拨入、捐入: the keeper records money received (403 for anyone else)."""
    user = area_user(request)
    fund = access.get_fund_for_user(user, pk)
    access.require(access.may_keep(user, fund),
                   _("Only the fund's keeper records the money it receives."))
    form = ReceiveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = funds.receive(fund, by=user, amount=data["amount"],
                                  counterpart=data["counterpart"], voucher=data["voucher"],
                                  note=data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(amount)s yuan received from %(from)s.")
                             % {"amount": entry.amount.quantize(funds.CENT),
                                "from": entry.counterpart})
            return redirect("mobilization:fund", pk=pk)
    return _detail(request, fund, status=400, receive_form=form)
