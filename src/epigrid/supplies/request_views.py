"""Request pages 物资申请: the desk's list (waiting ones in the order allocation serves them),
raising a request, a request with what was issued to it, issuing against it, cancelling it.

Requests come through `restrict(user)` (missing and forbidden answer the same 404); writes call
services.py and show its refusals on the form's fields.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import AreaUser, area_user
from epigrid.areas.models import ancestor_paths
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.supplies import services
from epigrid.supplies.access import get_request_for_user, may_cancel, require_may_cancel
from epigrid.supplies.models import (
    Kind,
    Movement,
    SupplyRequest,
)
from epigrid.supplies.queries import desk_order, with_issued
from epigrid.supplies.request_forms import (
    CancelForm,
    IssueForm,
    RequestFilterForm,
    RequestForm,
    serving,
    visible_warehouses,
)
from epigrid.supplies.stock import balances_by_warehouse


def is_overdue(request: SupplyRequest, today: datetime.date) -> bool:
    return request.is_outstanding and request.needed_by < today


@dataclass(frozen=True)
class Row:
    """A request as the list shows it."""

    request: SupplyRequest
    issued: int
    waiting: int  # what it still waits for (0 once filled or cancelled)
    overdue: bool

    @classmethod
    def of(cls, annotated: Any, today: datetime.date) -> Row:
        """A row of a request annotated by with_issued()."""
        issued = int(annotated.issued)
        waiting = annotated.quantity - issued if annotated.is_outstanding else 0
        return cls(annotated, issued, waiting, is_overdue(annotated, today))


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = RequestFilterForm(request.GET, user=user)
    rows = form.apply(SupplyRequest.objects.restrict(user)).select_related(
        "area", "item", "requested_by")
    page = Paginator(desk_order(with_issued(rows)), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "supplies/request_list.html", {
        "form": form, "page": page,
        "rows": [Row.of(row, today) for row in page],
        "may_request": can(user, Capability.REQUEST_SUPPLIES)})


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.REQUEST_SUPPLIES)
    initial = {"area": request.GET["area"]} if request.GET.get("area", "").isdigit() else None
    form = RequestForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.raise_request(
                data["area"], by=user, item=data["item"], quantity=data["quantity"],
                recipient=data["recipient"], needed_by=data["needed_by"], reason=data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The request of %(area)s is sent to the logistics "
                                        "desks.") % {"area": made.area.name})
            return redirect("supplies:request", pk=made.pk)
    return render(request, "supplies/request_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def issue_form(user: AreaUser, supply_request: SupplyRequest, waiting: int,
               data: Any = None) -> IssueForm:
    """The issue form: the user's warehouses that serve the request's area, each with what it
    holds of the item, the nearest chosen."""
    warehouses = serving(visible_warehouses(user), ancestor_paths(supply_request.area_path))
    listed = [warehouse.pk for warehouse in warehouses]
    held = {warehouse: stock for (warehouse, _item), stock in balances_by_warehouse(
        Movement.objects.filter(item=supply_request.item_id, warehouse__in=listed)).items()}
    return IssueForm(data, warehouses=warehouses, held=held, unit=supply_request.item.unit,
                     serves=bool(listed),
                     initial={"quantity": waiting, "warehouse": listed[0] if listed else None})


def _detail(request: HttpRequest, supply_request: SupplyRequest, *,
            issue: IssueForm | None = None, cancel: CancelForm | None = None,
            status: int = 200) -> HttpResponseBase:
    user = area_user(request)
    issues = list(Movement.objects.filter(request=supply_request, kind=Kind.ISSUE)
                  .select_related("warehouse", "recorded_by").order_by("at", "id"))
    issued = -sum(line.quantity for line in issues)  # issue lines are negative
    open_ = supply_request.is_outstanding
    waiting = supply_request.quantity - issued if open_ else 0
    if issue is None and open_ and can(user, Capability.MANAGE_SUPPLIES):
        issue = issue_form(user, supply_request, waiting)
    if cancel is None and open_ and may_cancel(user, supply_request):
        cancel = CancelForm()
    return render(request, "supplies/request_detail.html", {
        "supply_request": supply_request, "issued": issued,
        "issues": [(line, -line.quantity) for line in issues],
        "waiting": waiting, "overdue": is_overdue(supply_request, timezone.localdate()),
        "issue_form": issue, "cancel_form": cancel}, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, get_request_for_user(area_user(request), pk))


@login_required
@require_POST
def request_issue(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    supply_request = get_request_for_user(user, pk)
    require(user, Capability.MANAGE_SUPPLIES)
    form = issue_form(user, supply_request, 0, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.issue(data["warehouse"], supply_request.item, data["quantity"], by=user,
                           request=supply_request, note=data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(quantity)d %(unit)s of %(item)s issued from "
                                        "%(warehouse)s.")
                             % {"quantity": data["quantity"], "unit": supply_request.item.unit,
                                "item": supply_request.item.name,
                                "warehouse": data["warehouse"].name})
            return redirect("supplies:request", pk=pk)
    return _detail(request, supply_request, issue=form, status=400)


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    supply_request = get_request_for_user(user, pk)
    require_may_cancel(user, supply_request)  # before the form: a 403 whatever it holds
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_request(supply_request, by=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The request is cancelled."))
            return redirect("supplies:request", pk=pk)
    return _detail(request, supply_request, cancel=form, status=400)
