"""Bed pages 床位: an area's facilities and their beds (stale ones flagged, totals), a facility's
short form, the EDXL-HAVE and JSON downloads, the patients awaiting a bed with the request form
from a case, and the transfer dashboard.

Areas, facilities, cases and requests come through `restrict(user)` (missing and forbidden are
the same 404); writes call care.beds, whose refusals come back on the form's fields. The pages
naming patients need VIEW_CASES (bed_urls); the others link to them only for those who have it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user, get_area_for_user, get_site_for_user
from epigrid.areas.models import Area, Facility
from epigrid.care import beds, dashboard, have
from epigrid.care.bed_forms import (
    AwaitingFilterForm,
    BedFilterForm,
    FacilityBedsForm,
    RequestForm,
)
from epigrid.care.models import AdmissionRequest, BedStock
from epigrid.cases.access import get_case_for_user, may_view_cases
from epigrid.core import audit
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors, flash_errors
from epigrid.core.paging import page_after, split_page


def _trail(user: Any, area: Area) -> list[Area]:
    ids = area.ancestor_ids()
    seen = {a.pk: a for a in Area.objects.restrict(user).filter(pk__in=ids)}
    return [seen[pk] for pk in ids if pk in seen] + [area]


def _page(rows: QuerySet[BedStock], request: HttpRequest) -> tuple[list[BedStock], int | None]:
    """One page of bed rows by id (`?after=`): no OFFSET, no COUNT."""
    raw = request.GET.get("after", "")
    return page_after(rows, int(raw) if raw.isdigit() else None, settings.PAGE_SIZE)


# --- the beds of an area ----------------------------------------------------------------------

@login_required
@require_GET
def bed_area(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    form = BedFilterForm(request.GET or None)
    stocks = beds.stocks_within(user, area)
    rows, next_after = _page(form.apply(stocks), request)
    now = timezone.now()
    cutoff = beds.stale_before(now)
    return render(request, "care/bed_area.html", {
        "area": area, "trail": _trail(user, area), "form": form,
        "rows": [(stock, stock.updated_at < cutoff) for stock in rows],
        "next_after": next_after, "totals": beds.area_totals(stocks),
        "missing": list(beds.without_figures(user, area)[: settings.PAGE_SIZE]),
        "children": Area.objects.restrict(user).filter(parent=area).order_by("name"),
        "stale_hours": settings.BEDS_STALE_HOURS, "stale_round": beds.last_update_time(now),
        "may_update": can(user, Capability.UPDATE_BEDS),
        "may_export": can(user, Capability.EXPORT), "may_view_cases": may_view_cases(user)})


@login_required
@require_http_methods(["GET", "POST"])
def bed_facility(request: HttpRequest, facility_id: int) -> HttpResponseBase:
    """A facility's short form: every bed type on one screen, made for a phone."""
    user = area_user(request)
    facility = get_site_for_user(Facility, user, facility_id)
    require(area_user(request), Capability.UPDATE_BEDS)
    stocks = list(BedStock.objects.filter(facility=facility).select_related("updated_by"))
    form = FacilityBedsForm(request.POST if request.method == "POST" else None, stocks=stocks)
    if request.method == "POST" and form.is_valid():
        try:
            beds.update_facility_beds(facility, form.figures(), user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The beds of %(facility)s are updated.")
                             % {"facility": facility.name})
            return redirect("care:bed_area", area_id=facility.area_id)
    cutoff = beds.stale_before()
    return render(request, "care/bed_facility.html", {
        "facility": facility, "form": form, "stocks": stocks,
        "stale": any(stock.updated_at < cutoff for stock in stocks)},
        status=400 if form.is_bound else 200)


def _have_figures(request: HttpRequest, area_id: int, fmt: str) -> tuple[Area, dict[str, Any]]:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    require(area_user(request), Capability.EXPORT)
    data = have.figures(beds.stocks_within(user, area).order_by("facility_id", "bed_type"))
    audit.record("export", model=BedStock._meta.label, object_repr=f"beds {area.code}.{fmt}",
                 area_path=area.path, changes={"format": fmt,
                                               "facilities": len(data["facilities"])})
    return area, data


def _download(response: HttpResponse, area: Area, ext: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="beds-{area.code}-{stamp}.{ext}"'
    return response


@login_required
@require_GET
def bed_have_xml(request: HttpRequest, area_id: int) -> HttpResponse:
    area, data = _have_figures(request, area_id, "xml")
    return _download(HttpResponse(have.as_xml(data), content_type="application/xml"), area,
                     "xml")


@login_required
@require_GET
def bed_have_json(request: HttpRequest, area_id: int) -> HttpResponse:
    area, data = _have_figures(request, area_id, "json")
    body = json.dumps(have.as_json(data), ensure_ascii=False, indent=1)
    return _download(HttpResponse(body, content_type="application/json"), area, "json")


# --- patients awaiting a bed ------------------------------------------------------------------

def _after(rows: QuerySet[AdmissionRequest], request: HttpRequest,
           ) -> tuple[list[AdmissionRequest], int | None]:
    """Longest wait first, continuing after the request `?after=` (keyset on wait and id)."""
    raw = request.GET.get("after", "")
    if raw.isdigit():
        last = AdmissionRequest.objects.filter(pk=int(raw)).values_list(
            "waiting_since", flat=True).first()
        if last is not None:
            rows = rows.filter(Q(waiting_since__gt=last) | Q(waiting_since=last,
                                                             pk__gt=int(raw)))
    items, more = split_page(list(rows[: settings.PAGE_SIZE + 1]), settings.PAGE_SIZE)
    return items, (items[-1].pk if more else None)


@login_required
@require_GET
def bed_awaiting(request: HttpRequest) -> HttpResponse:
    user = area_user(request)
    form = AwaitingFilterForm(request.GET or None, user=user)
    filters = form.filters()
    now = timezone.now()
    rows, next_after = _after(beds.awaiting(user, filters, now), request)
    return render(request, "care/bed_awaiting.html", {
        "form": form, "next_after": next_after, "figures": beds.awaiting_figures(
            user, filters.area, now), "shares": beds.awaiting_shares(user, filters.area),
        "area_query": f"area={filters.area.pk}&" if filters.area is not None else "",
        "rows": [(row, beds.waited_hours(row, now)) for row in rows],
        "may_cancel": beds.may_request(user)})


@login_required
@require_http_methods(["GET", "POST"])
def bed_request(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """Ask for a bed for a case (linked from the case's page)."""
    user = area_user(request)
    case = get_case_for_user(user, case_id)
    if not beds.may_request(user):
        raise PermissionDenied
    form = RequestForm(request.POST if request.method == "POST" else None, user=user,
                       grid=case.grid)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            beds.request_admission(case, data["pickup_area"], data["severity"], user,
                                   data["note"], waiting_since=data["waiting_since"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is on the list of patients awaiting a bed.")
                             % {"name": case.person.name})
            return redirect("care:bed_awaiting")
    pending = AdmissionRequest.objects.filter(case=case, status__in=beds.PENDING).first()
    return render(request, "care/bed_request.html", {
        "case": case, "form": form, "pending": pending, "needs_bed": beds.needs_bed(case)},
        status=400 if form.is_bound else 200)


@login_required
@require_POST
def bed_request_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    found = AdmissionRequest.objects.restrict(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such request."))
    if not beds.may_request(user):
        raise PermissionDenied
    try:
        beds.cancel_request(found, user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The request is cancelled."))
    return redirect("care:bed_awaiting")


# --- the dashboard ----------------------------------------------------------------------------

@login_required
@require_GET
def dashboard_area(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    found = dashboard.dashboard(user, area)
    return render(request, "care/dashboard.html", {
        "area": area, "trail": _trail(user, area), **found,
        "map": dashboard.map_data(found["facilities"]),
        "map_labels": {"free": _("free beds"), "beds": _("beds"), "stale": _("stale figures"),
                       "longitude": _("longitude"), "latitude": _("latitude")},
        "children": Area.objects.restrict(user).filter(parent=area).order_by("name"),
        "may_view_cases": may_view_cases(user)})
