"""Forms of the fund and payment pages 慰问金、补助资金. They read the input; the rules (amounts,
areas, who decides) live in funds.py, whose refusals the pages put back onto these fields.

Amounts are read as plain decimals of at most 12 digits (the column's size): 0, a negative
figure, three decimals or more than the most a payment may be are the service's to refuse, so
that the page, the API and an import say it in the same words.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from epigrid.areas.forms import AreaChoice, AreaFilterField, offer_areas, offer_own_areas
from epigrid.areas.models import Area
from epigrid.core.access import Capability, ScopedUser, can, sees_everything, subtree_q
from epigrid.core.days import local_day
from epigrid.mobilization.models import (
    Approval,
    Deployment,
    Fund,
    Payment,
    PaymentKind,
    PaymentStatus,
)

PENDING, ANY = "pending", "any"
PENDING_STATUSES = (PaymentStatus.SUBMITTED, PaymentStatus.APPROVED)
DIGITS = 12  # the amount columns' max_digits
# The payment form offers those sent down still on duty or back within this many days.
RECENT_DAYS = 30


def _amount(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=DIGITS,
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
                              **kwargs)


def _note(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 2}))


class FundChoice(forms.ModelChoiceField):
    """A fund the user sees, named with the desk that keeps it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Fund.objects.none(), **kwargs)
        self.error_messages["invalid_choice"] = _("No such fund among the funds you may see.")

    def offer(self, user: ScopedUser) -> None:
        self.queryset = Fund.objects.restrict(user).select_related("area")

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.area.name})"


class _OfferedIterator(ModelChoiceIterator):
    """The options of a DeploymentChoice: its `offered` rows where it has them."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        super().__init__(field)
        offered = getattr(field, "offered", None)
        if offered is not None:
            self.queryset = offered


class DeploymentChoice(forms.ModelChoiceField):
    """A person sent down: any the reader sees is taken, but the select offers only `offered`
    (see `offer`), so a district with thousands sent down over the months lists a page's worth."""

    iterator = _OfferedIterator
    offered: QuerySet[Deployment] | None = None

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.area.name})"

    def offer(self, user: ScopedUser, chosen: Any = None) -> None:
        """Take any person sent down the user sees; offer those on duty, those back within
        RECENT_DAYS (a payment after the posting), and the one `chosen` (an id, or none)."""
        seen = Deployment.objects.restrict(user).select_related("area").order_by("name", "id")
        since = local_day() - datetime.timedelta(days=RECENT_DAYS)
        kept = Q(left_on__isnull=True) | Q(left_on__gte=since)
        if str(chosen or "").isdigit():
            kept |= Q(pk=int(chosen))
        self.queryset = seen
        self.offered = seen.filter(kept)
        self.widget.choices = self.choices


class FundForm(forms.Form):
    """开设: a fund kept by a desk of the user's own areas."""

    area = AreaChoice(label=_("Kept by"), queryset=Area.objects.none(),
                      help_text=_("The desk that keeps the fund; the areas under it apply."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    second_approval_over = forms.DecimalField(
        label=_("Second approval above (yuan)"), max_digits=DIGITS, decimal_places=2,
        required=False, widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        help_text=_("A payment above this needs two approvers. Leave empty: one is enough."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)


class ReceiveForm(forms.Form):
    """拨入、捐入: money into the fund."""

    amount = _amount(_("Amount (yuan)"))
    counterpart = forms.CharField(label=_("From"), max_length=200, required=False,
                                  help_text=_("The office or donor the money came from."))
    voucher = forms.CharField(label=_("Voucher number"), max_length=60, required=False)
    note = _note(_("Note"), _("Optional."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "receive-%s")
        super().__init__(*args, **kwargs)


class PaymentForm(forms.Form):
    """申请: an area of the user's own asks a fund it sees to pay someone."""

    fund = FundChoice(label=_("Fund"))
    area = AreaChoice(label=_("Applied for by"), queryset=Area.objects.none(),
                      help_text=_("Your area, or one under it, within the fund's areas."))
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices)
    deployment = DeploymentChoice(label=_("Person sent down"), required=False,
                                  queryset=Deployment.objects.none(),
                                  help_text=_("Optional: the beneficiary, if sent down here."))
    beneficiary = forms.CharField(label=_("Beneficiary"), max_length=200, required=False,
                                  help_text=_("Leave empty to pay the person sent down."))
    amount = _amount(_("Amount (yuan)"))
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fund: Any = self.fields["fund"]
        fund.offer(user)
        offer_own_areas(self, user)
        deployment: Any = self.fields["deployment"]
        deployment.offer(user, self["deployment"].value())
        deployment.error_messages["invalid_choice"] = _(
            "No such person sent down among those of your areas.")


class ApproveForm(forms.Form):
    note = _note(_("Note"), _("Optional."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "approve-%s")
        super().__init__(*args, **kwargs)


class RejectForm(forms.Form):
    note = _note(_("Why it is rejected"), _("The applicant reads it."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reject-%s")
        super().__init__(*args, **kwargs)


class PayForm(forms.Form):
    voucher = forms.CharField(label=_("Voucher number"), max_length=60, required=False)
    note = _note(_("Note"), _("Optional."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "pay-%s")
        super().__init__(*args, **kwargs)


def awaiting_approval_by(user: Any) -> Q:
    """Payments this user is to decide on: submitted to a desk of the user's sight, applied for
    by someone else, not decided by the user yet (a user who may not approve: none)."""
    if not can(user, Capability.APPROVE_PAYMENTS):
        return Q(pk__in=[])
    decided = Approval.objects.filter(payment=OuterRef("pk"), by=user.pk)
    waiting = Q(status=PaymentStatus.SUBMITTED) & ~Q(applied_by=user.pk) & ~Q(Exists(decided))
    if sees_everything(user):
        return waiting
    return waiting & subtree_q("fund__area__path", user.scope_path or "")


class PaymentFilterForm(forms.Form):
    STATUSES = ((PENDING, _("pending (awaiting approval or payment)")),
                *PaymentStatus.choices,
                (ANY, _("any status")))

    q = forms.CharField(label=_("Beneficiary or reason"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    mine = forms.BooleanField(label=_("Awaiting my approval"), required=False)
    fund = FundChoice(label=_("Fund"), required=False, empty_label=_("All funds"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *PaymentKind.choices])
    area = AreaFilterField(empty_label=_("All my areas"),
                           help_text=_("The area that applied, and those under it."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        fund: Any = self.fields["fund"]
        fund.offer(user)
        offer_areas(self, user)

    def apply(self, payments: QuerySet[Payment]) -> QuerySet[Payment]:
        """The payments matching the valid filters (pending ones unless a status is chosen);
        an invalid filter is shown, not applied."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or PENDING
        if status == PENDING:
            payments = payments.filter(status__in=PENDING_STATUSES)
        elif status != ANY:
            payments = payments.filter(status=status)
        if data.get("mine"):
            payments = payments.filter(awaiting_approval_by(self.user))
        if fund := data.get("fund"):
            payments = payments.filter(fund=fund)
        if kind := data.get("kind"):
            payments = payments.filter(kind=kind)
        if area := data.get("area"):
            payments = payments.filter(subtree_q("area__path", area.path))
        if words := (data.get("q") or "").strip():
            payments = payments.filter(Q(beneficiary__icontains=words)
                                       | Q(reason__icontains=words))
        return payments
