"""The catalogue 物资目录: every item with its unit, category, priority class and the days of
supply below which its stock is marked short. Everyone signed in reads it; those who keep the
warehouses (MANAGE_SUPPLIES) add and change items, through items.save_item.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epigrid.areas.access import area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.supplies.forms import ItemForm, StockFilterForm
from epigrid.supplies.items import save_item
from epigrid.supplies.models import Item


@login_required
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    form = StockFilterForm(request.GET or None)
    items = Item.objects.order_by("priority", "category", "code")
    if category := form.category_chosen():
        items = items.filter(category=category)
    page = Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supplies/item_list.html", {
        "form": form, "page": page,
        "may_manage": can(area_user(request), Capability.MANAGE_SUPPLIES)})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponseBase:
    """A new item (no `pk`), or a change to one."""
    require(area_user(request), Capability.MANAGE_SUPPLIES)
    item = None
    if pk is not None:
        item = Item.objects.filter(pk=pk).first()
        if item is None:
            raise Http404(_("No such item."))
    form = ItemForm(request.POST if request.method == "POST" else None, instance=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = save_item(item, code=data["code"], name=data["name"], unit=data["unit"],
                              category=data["category"], priority=data["priority"],
                              alert_days=data["alert_days"], active=data["active"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, (_("%(item)s is in the catalogue.") if item is None
                                       else _("%(item)s is saved.")) % {"item": saved.name})
            return redirect("supplies:items")
    return render(request, "supplies/item_form.html", {"form": form, "item": item},
                  status=400 if form.is_bound else 200)
