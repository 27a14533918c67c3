"""Stock pages 库存: the stock of an area (its subtree's warehouses summed, short items marked,
each warehouse's summary), one warehouse (its stock, its ledger newest first, the forms that
record its movements), and the allocation 按优先级分配 of its stock of an item among the
requests waiting for it.

Areas and warehouses come through the user's scope (missing and forbidden answer the same 404);
recording and allocating need MANAGE_SUPPLIES (403); writes call services.py and
allocation.py, whose refusals come back on the form's fields. Every figure is summed by the
database: a page reads the same number of queries whatever the ledger's length.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import AreaUser, area_user, get_area_for_user, get_site_for_user
from epigrid.areas.models import Area, Warehouse
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset
from epigrid.supplies import allocation, services
from epigrid.supplies.allocation import Share
from epigrid.supplies.forms import MOVEMENT_FORMS, AllocateForm, MovementForm, StockFilterForm
from epigrid.supplies.models import Item, Movement
from epigrid.supplies.stock import (
    USE_DAYS,
    StockRow,
    balance,
    balances_by_warehouse,
    days_of_supply,
    issued_since_by_warehouse,
    stock_rows,
)

Data = dict[str, Any]


def _trail(user: AreaUser, area: Area) -> list[Area]:
    """The area's ancestors the user sees, then the area: the breadcrumbs."""
    ids = area.ancestor_ids()
    seen = {a.pk: a for a in Area.objects.restrict(user).filter(pk__in=ids)}
    return [seen[pk] for pk in ids if pk in seen] + [area]


# --- the stock of an area ---------------------------------------------------------------------

@dataclass(frozen=True)
class WarehouseSummary:
    """One warehouse on its area's page: what it holds, and what runs short at its own use."""

    warehouse: Warehouse
    held: list[tuple[Item, int]]
    short: list[StockRow]


def _summaries(warehouses: list[Warehouse], items: Iterable[Item],
               now: datetime.datetime) -> list[WarehouseSummary]:
    """Each warehouse's stock and its short items: two GROUP BYs for the whole page."""
    movements = Movement.objects.filter(warehouse__in=[w.pk for w in warehouses])
    held = balances_by_warehouse(movements)
    used = issued_since_by_warehouse(movements, now - datetime.timedelta(days=USE_DAYS))
    shown = list(items)
    summaries = []
    for warehouse in warehouses:
        rows = []
        for item in shown:
            key = (warehouse.pk, item.pk)
            stock, use = held.get(key, 0), used.get(key, 0)
            if stock or use:
                rows.append(StockRow(item, stock, use, 0, days_of_supply(stock, use)))
        summaries.append(WarehouseSummary(
            warehouse, [(row.item, row.stock) for row in rows if row.stock],
            [row for row in rows if row.short]))
    return summaries


@login_required
@require_GET
def stock(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    form = StockFilterForm(request.GET or None)
    category = form.category_chosen()
    now = timezone.now()
    rows = [row for row in stock_rows(area.path, now=now)
            if not category or row.item.category == category]
    warehouses = (Warehouse.objects.restrict(user).within(area.path).select_related("area")
                  .order_by("area__path", "code"))
    page = Paginator(warehouses, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supplies/stock.html", {
        "area": area, "trail": _trail(user, area), "form": form, "rows": rows,
        "short_count": sum(1 for row in rows if row.short), "use_days": USE_DAYS,
        "page": page, "summaries": _summaries(list(page.object_list),
                                              (row.item for row in rows), now),
        "children": Area.objects.restrict(user).filter(parent=area).order_by("name"),
        "may_manage": can(user, Capability.MANAGE_SUPPLIES),
        "may_export": can(user, Capability.EXPORT),
        "may_request": can(user, Capability.REQUEST_SUPPLIES)})


# --- one warehouse ----------------------------------------------------------------------------

def _targets(user: AreaUser, warehouse: Warehouse) -> QuerySet[Warehouse]:
    """The warehouses a transfer may go to: those in use the user sees, but this one."""
    return (Warehouse.objects.restrict(user).filter(active=True).exclude(pk=warehouse.pk)
            .select_related("area").order_by("area__path", "code"))


def _movement_form(kind: str, user: AreaUser, warehouse: Warehouse,
                   data: QueryDict | None = None) -> MovementForm:
    form_class = MOVEMENT_FORMS[kind]
    if kind == "transfer":
        return form_class(data, targets=_targets(user, warehouse))
    return form_class(data)


def _warehouse_page(request: HttpRequest, warehouse: Warehouse,
                    bound: MovementForm | None = None, status: int = 200) -> HttpResponse:
    """The warehouse's page; `bound` is a movement form refused, shown with its errors."""
    user = area_user(request)
    may_manage = can(user, Capability.MANAGE_SUPPLIES)
    ledger, before = keyset(Movement.objects.filter(warehouse=warehouse)
                            .select_related("item", "recorded_by"),
                            request, "before", dated_by="at")
    forms: dict[str, MovementForm] = {}
    if may_manage:
        forms = {kind: bound if bound is not None and bound.kind == kind
                 else _movement_form(kind, user, warehouse) for kind in MOVEMENT_FORMS}
    return render(request, "supplies/warehouse.html", {
        "warehouse": warehouse, "rows": stock_rows(warehouse.area.path, warehouse=warehouse),
        "use_days": USE_DAYS, "ledger": ledger, "next_before": before,
        "may_manage": may_manage, "forms": forms, "refused": bound.kind if bound else ""},
        status=status)


@login_required
@require_GET
def warehouse(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_site_for_user(Warehouse, area_user(request), pk)
    return _warehouse_page(request, found)


def _amount(item: Item, quantity: int) -> Data:
    return {"quantity": quantity, "unit": item.unit, "item": item.name}


def _receipt(warehouse: Warehouse, data: Data, by: Any) -> str:
    services.receive(warehouse, data["item"], data["quantity"], by=by, party=data["party"],
                     note=data["note"], at=data["at"])
    return (_("%(quantity)d %(unit)s of %(item)s received at %(warehouse)s.")
            % {**_amount(data["item"], data["quantity"]), "warehouse": warehouse.name})


def _issue(warehouse: Warehouse, data: Data, by: Any) -> str:
    services.issue(warehouse, data["item"], data["quantity"], by=by, party=data["party"],
                   note=data["note"], at=data["at"])
    return (_("%(quantity)d %(unit)s of %(item)s issued to %(party)s.")
            % {**_amount(data["item"], data["quantity"]), "party": data["party"].strip()})


def _transfer(warehouse: Warehouse, data: Data, by: Any) -> str:
    services.transfer(warehouse, data["target"], data["item"], data["quantity"], by=by,
                      note=data["note"], at=data["at"])
    return (_("%(quantity)d %(unit)s of %(item)s moved to %(target)s.")
            % {**_amount(data["item"], data["quantity"]), "target": data["target"].name})


def _adjustment(warehouse: Warehouse, data: Data, by: Any) -> str:
    item: Item = data["item"]
    line = services.adjust(warehouse, item, data["counted"], by=by, note=data["note"],
                           at=data["at"])
    if line is None:
        return _("The count of %(item)s agrees with the ledger: nothing to record.") % {
            "item": item.name}
    return (_("The count of %(item)s is recorded: %(change)+d %(unit)s, %(quantity)d now.")
            % {**_amount(item, data["counted"]), "change": line.quantity})


RECORDERS: dict[str, Callable[[Warehouse, Data, Any], str]] = {
    "receipt": _receipt, "issue": _issue, "transfer": _transfer, "adjustment": _adjustment}


@login_required
@require_POST
def record_movement(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """Record a receipt, an issue, a transfer or a count at the warehouse."""
    user = area_user(request)
    found = get_site_for_user(Warehouse, user, pk)
    if kind not in RECORDERS:
        raise Http404(_("No such kind of movement."))
    require(user, Capability.MANAGE_SUPPLIES)
    form = _movement_form(kind, user, found, request.POST)
    if form.is_valid():
        try:
            told = RECORDERS[kind](found, form.cleaned_data, user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, told)
            return redirect("supplies:warehouse", pk=found.pk)
    return _warehouse_page(request, found, form, status=400)


# --- allocation -------------------------------------------------------------------------------

def _tell_allocated(request: HttpRequest, warehouse: Warehouse, item: Item,
                    given: list[Share]) -> None:
    if not given:
        messages.warning(request, _("Nothing was issued: no request waits for %(item)s, or "
                                    "%(warehouse)s holds none.")
                         % {"item": item.name, "warehouse": warehouse.name})
        return
    count = len(given)
    messages.success(request, ngettext(
        "%(count)d request got %(quantity)d %(unit)s of %(item)s in all.",
        "%(count)d requests got %(quantity)d %(unit)s of %(item)s in all.", count)
        % {"count": count, **_amount(item, sum(share.quantity for share in given))})


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, pk: int, item_id: int) -> HttpResponseBase:
    """The proposal: who gets what of the warehouse's stock of the item; posted, it is issued."""
    user = area_user(request)
    found = get_site_for_user(Warehouse, user, pk)
    item = Item.objects.filter(pk=item_id).first()
    if item is None:
        raise Http404(_("No such item."))
    form = AllocateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require(user, Capability.MANAGE_SUPPLIES)
        if form.is_valid():
            try:
                given = allocation.allocate(found, item, by=user, note=form.cleaned_data["note"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                _tell_allocated(request, found, item, given)
                return redirect("supplies:warehouse", pk=found.pk)
    shares = allocation.propose(found, item)
    held = balance(found, item)
    proposed = sum(share.quantity for share in shares)
    return render(request, "supplies/allocate.html", {
        "warehouse": found, "item": item, "held": held, "proposed": proposed,
        "left": max(held, 0) - proposed,
        # Each request proposed something, with what it would still wait for after.
        "given": [(share, share.waiting - share.quantity) for share in shares if share.quantity],
        "still_waiting": [share for share in shares if not share.quantity],
        "form": form, "may_manage": can(user, Capability.MANAGE_SUPPLIES)},
        status=400 if form.is_bound else 200)
