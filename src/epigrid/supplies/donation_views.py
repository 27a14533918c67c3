"""Donation pages 捐赠: the list (search, filters, keyset pages), recording one, a donation.

Donations come through `restrict(user)` (missing and forbidden answer the same 404); a
donation is written by services.record_donation, whose refusals come back on the form's fields
and its lines.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epigrid.areas.access import area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.paging import keyset
from epigrid.supplies import services
from epigrid.supplies.access import get_donation_for_user
from epigrid.supplies.models import Donation, Movement
from epigrid.supplies.request_forms import DonationFilterForm, DonationForm


def with_lines(donations: QuerySet[Donation]) -> QuerySet[Donation]:
    """The donations with their lines and items, in one query more whatever their number."""
    lines = Movement.objects.select_related("item").order_by("item__priority", "item__code")
    return donations.prefetch_related(Prefetch("lines", queryset=lines))


@login_required
@require_GET
def donation_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = DonationFilterForm(request.GET, user=user)
    rows = form.apply(Donation.objects.restrict(user)).select_related("warehouse")
    donations, next_before = keyset(with_lines(rows), request, "before",
                                      dated_by="received_at")
    return render(request, "supplies/donation_list.html", {
        "form": form, "donations": donations, "next_before": next_before,
        "may_record": can(user, Capability.MANAGE_SUPPLIES)})


@login_required
@require_http_methods(["GET", "POST"])
def donation_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.MANAGE_SUPPLIES)
    form = DonationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            donation = services.record_donation(
                data["warehouse"], by=user, donor=data["donor"], donor_kind=data["donor_kind"],
                lines=form.lines(), contact=data["contact"], note=data["note"],
                received_at=data["received_at"])
        except ValidationError as error:
            form.refused(error)
        else:
            messages.success(request, _("The donation of %(donor)s is booked into %(warehouse)s.")
                             % {"donor": donation.donor, "warehouse": donation.warehouse.name})
            return redirect("supplies:donation", pk=donation.pk)
    return render(request, "supplies/donation_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
def donation_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    donation = get_donation_for_user(area_user(request), pk)
    lines = (Movement.objects.filter(donation=donation).select_related("item")
             .order_by("item__priority", "item__code"))
    return render(request, "supplies/donation_detail.html",
                  {"donation": donation, "lines": lines})
