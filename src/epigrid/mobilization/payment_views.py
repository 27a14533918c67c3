"""Payment pages 慰问、补助: the list (pending ones first, "awaiting my approval"), applying for
one, a payment with its approvals and ledger line, and the forms that approve 审批, reject and
pay 发放 it.

Payments come through `restrict(user)` (missing and forbidden answer the same 404); each action
checks who may take it (403), calls funds.py and shows its refusals on the payment's page (400).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import AreaUser, area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors, run_posted
from epigrid.mobilization import access, funds
from epigrid.mobilization.fund_forms import (
    ApproveForm,
    PayForm,
    PaymentFilterForm,
    PaymentForm,
    RejectForm,
)
from epigrid.mobilization.models import Decision, FundEntry, Payment, PaymentStatus


def with_approvals(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Payments as lists show them: their fund and area, and the approvals given so far
    counted in the same query."""
    return (payments.select_related("fund", "area")
            .annotate(approvals_given=Count("approvals",
                                            filter=Q(approvals__decision=Decision.APPROVE))))


@dataclass(frozen=True)
class Row:
    """A payment as a list shows it: `partly` is "1 of 2 approvals" when some are given."""

    payment: Payment
    given: int
    needed: int

    @property
    def partly(self) -> bool:
        return self.payment.status == PaymentStatus.SUBMITTED and 0 < self.given < self.needed

    @classmethod
    def of(cls, payment: Payment) -> Row:
        return cls(payment, getattr(payment, "approvals_given", 0),
                   payment.fund.approvals_needed(payment.amount))


@login_required
@require_GET
def payment_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = PaymentFilterForm(request.GET, user=user)
    payments = with_approvals(form.apply(Payment.objects.restrict(user))).order_by(
        "-applied_at", "-id")
    page = Paginator(payments, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobilization/payment_list.html", {
        "form": form, "page": page, "rows": [Row.of(payment) for payment in page],
        "may_apply": can(user, Capability.MOBILIZE)})


@login_required
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.MOBILIZE)
    # From a fund's page (?fund=) or a person's (?deployment=): the form starts from it.
    initial = {key: request.GET[key] for key in ("fund", "deployment")
               if request.GET.get(key, "").isdigit()}
    form = PaymentForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = funds.apply(data["fund"], data["area"], by=user, kind=data["kind"],
                                  amount=data["amount"], reason=data["reason"],
                                  beneficiary=data["beneficiary"],
                                  deployment=data["deployment"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The payment is applied for; the fund's approvers are "
                                        "told."))
            return redirect("mobilization:payment", pk=payment.pk)
    return render(request, "mobilization/payment_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _detail(request: HttpRequest, payment: Payment, status: int = 200,
            **forms_given: forms.Form) -> HttpResponseBase:
    """The payment's page with the forms its viewer may use (a refused one as posted)."""
    user = area_user(request)
    approvals = list(payment.approvals.select_related("by"))
    # The applicant and one who has decided are refused by the service: no form to offer.
    decides = (access.may_approve(user, payment) and payment.status == PaymentStatus.SUBMITTED
               and payment.applied_by_id != user.pk
               and all(approval.by_id != user.pk for approval in approvals))
    pays = access.may_keep(user, payment.fund) and payment.status == PaymentStatus.APPROVED
    offered: dict[str, tuple[bool, Callable[[], forms.Form]]] = {
        "approve_form": (decides, ApproveForm), "reject_form": (decides, RejectForm),
        "pay_form": (pays, PayForm)}
    context: dict[str, Any] = {
        name: forms_given[name] if name in forms_given else (make() if allowed else None)
        for name, (allowed, make) in offered.items()}
    given = sum(approval.decision == Decision.APPROVE for approval in approvals)
    context.update({
        "payment": payment, "approvals": approvals,
        "row": Row(payment, given, payment.fund.approvals_needed(payment.amount)),
        "entry": FundEntry.objects.filter(payment=payment).first()
        if payment.status == PaymentStatus.PAID else None,
        "balance": funds.balance(payment.fund) if context["pay_form"] is not None else None,
        "sees_fund_ledger": access.sees_ledger(user, payment.fund)})
    return render(request, "mobilization/payment_detail.html", context, status=status)


@login_required
@require_GET
def payment_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, access.get_payment_for_user(area_user(request), pk))


def _act(request: HttpRequest, pk: int, *, check: Callable[[AreaUser, Payment], bool],
         refusal: str, form_class: type[forms.Form], name: str,
         action: Callable[[Payment, AreaUser, dict[str, Any]], str]) -> HttpResponseBase:
    """One action on a payment: fetched in the user's scope (404), checked (403), the form read,
    the service called; its refusal shown on the payment's page (400)."""
    user = area_user(request)
    payment = access.get_payment_for_user(user, pk)
    access.require(check(user, payment), refusal)  # before the form: a 403 whatever it holds
    form = form_class(request.POST)
    done = run_posted(request, form, lambda data: action(payment, user, data),
                      reverse("mobilization:payment", args=[pk]))
    return done or _detail(request, payment, status=400, **{name: form})


def _approve(payment: Payment, user: AreaUser, data: dict[str, Any]) -> str:
    decided = funds.approve(payment, by=user, note=data["note"])
    if decided.status == PaymentStatus.APPROVED:
        return _("The payment is approved; the fund's keeper pays it.")
    return _("Your approval is recorded; a second approver decides.")


def _reject(payment: Payment, user: AreaUser, data: dict[str, Any]) -> str:
    funds.reject(payment, by=user, note=data["note"])
    return _("The payment is rejected; the applicant is told.")


def _pay(payment: Payment, user: AreaUser, data: dict[str, Any]) -> str:
    entry = funds.pay(payment, by=user, voucher=data["voucher"], note=data["note"])
    return (_("%(amount)s yuan paid to %(who)s, voucher %(voucher)s.")
            % {"amount": entry.amount.quantize(funds.CENT), "who": entry.counterpart,
               "voucher": entry.voucher})


def _approvers_only() -> str:
    return _("Only the approvers of the fund's desk decide on its payments.")


@login_required
@require_POST
def payment_approve(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, check=access.may_approve, refusal=_approvers_only(),
                form_class=ApproveForm, name="approve_form", action=_approve)


@login_required
@require_POST
def payment_reject(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, check=access.may_approve, refusal=_approvers_only(),
                form_class=RejectForm, name="reject_form", action=_reject)


@login_required
@require_POST
def payment_pay(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, check=lambda user, payment: access.may_keep(user, payment.fund),
                refusal=_("Only the fund's keeper records what it pays."),
                form_class=PayForm, name="pay_form", action=_pay)
