"""Daily report pages 日报: my report for today (the form), an area's report of a day (the
figures filled in, the situation, the problems raised, a town's villages rolled up), and the
completeness of an area's subtree for a day (submitted, late, missing; drill-down).

Areas come through `get_report_area_for_user` (missing and forbidden: the same 404); writing needs
report_access.may_submit_report (403); the service's refusals go back onto the form's fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epigrid.areas.access import area_user, may_see_path, root_area_for
from epigrid.areas.models import Area, Level
from epigrid.core.forms import apply_errors
from epigrid.reporting import reading, report_reading
from epigrid.reporting.models import DailyReport
from epigrid.reporting.report_access import (
    get_report_area_for_user,
    may_submit_report,
    reports_at,
)
from epigrid.reporting.report_chasers import officers_of
from epigrid.reporting.report_forms import SUBMIT, ReportForm
from epigrid.reporting.report_services import save_report

MISSING_LIMIT = 200  # the completeness page lists at most this many missing areas


def _bad(error: reading.BadQueryError) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


def _with_day(name: str, area: Area, day: Any) -> str:
    return reverse(name, args=(area.pk,)) + f"?day={day.isoformat()}"


def _parent_id(user: Any, area: Area) -> int | None:
    parent = area.parent if area.parent_id else None
    return parent.pk if parent and may_see_path(user, parent.path) else None


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponseBase:
    """My report for today: the form of the user's own town or village, else the completeness
    of the area the user works at."""
    user = area_user(request)
    home = root_area_for(user)
    if home is None:
        raise Http404(_("You have no area."))
    if reports_at(home) and may_submit_report(user, home):
        return redirect("reporting:report_edit", area_id=home.pk)
    return redirect("reporting:report_completeness", area_id=home.pk)


@login_required
@require_GET
def report_area(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_report_area_for_user(user, area_id)
    try:
        day = reading.parse_day(request.GET.get("day"))
    except reading.BadQueryError as error:
        return _bad(error)
    shown = report_reading.report_day(user, area, day)
    return render(request, "reporting/report_area.html", {
        "shown": shown, "area": area, "day": day, "parent_id": _parent_id(user, area),
        "reports_here": reports_at(area), "is_town": area.level == Level.TOWN})


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, area_id: int) -> HttpResponseBase:
    user = area_user(request)
    area = get_report_area_for_user(user, area_id)
    if not may_submit_report(user, area):
        raise PermissionDenied(_("You may not write the daily report of %(area)s.")
                               % {"area": area.name})
    try:
        day = reading.parse_day(request.GET.get("day"))
    except reading.BadQueryError as error:
        return _bad(error)
    existing = DailyReport.objects.filter(area=area, day=day).first()
    initial = {"day": day, "situation": existing.situation if existing else "",
               "remarks": existing.remarks if existing else ""}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = request.POST.get("action") == SUBMIT
        try:
            report = save_report(area, data["day"] or day, by=user, situation=data["situation"],
                                 remarks=data["remarks"], submit=submit)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if not report.is_submitted:
                messages.success(request, _("The draft is saved; it is not submitted yet."))
            elif report.late:
                messages.warning(request, _("The report is submitted after the cutoff: it is "
                                            "accepted and marked late."))
            else:
                messages.success(request, _("The report of %(area)s for %(day)s is submitted.")
                                 % {"area": area.name, "day": report.day.isoformat()})
            return redirect(_with_day("reporting:report_area", area, report.day))
    shown = report_reading.report_day(user, area, day)
    return render(request, "reporting/report_edit.html", {
        "form": form, "shown": shown, "area": area, "day": day, "report": existing,
        "now": timezone.now()}, status=400 if form.is_bound else 200)


@login_required
@require_GET
def report_completeness(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_report_area_for_user(user, area_id)
    try:
        day = reading.parse_day(request.GET.get("day"))
    except reading.BadQueryError as error:
        return _bad(error)
    found = report_reading.completeness(area, day)
    missing = found.missing[:MISSING_LIMIT]
    officers = officers_of((state.area_id for state in missing), user)
    return render(request, "reporting/report_completeness.html", {
        "found": found, "area": area, "day": day, "parent_id": _parent_id(user, area),
        "today": timezone.localdate(),
        "missing": [(state, officers.get(state.area_id, [])) for state in missing],
        "more_missing": len(found.missing) > MISSING_LIMIT})
