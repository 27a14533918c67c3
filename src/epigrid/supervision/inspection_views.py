"""Inspection pages 督导检查: the list (each with its findings still open), recording an inspection
with its findings, an inspection with its findings and the forms that rectify 整改 and verify 销号
them, adding a finding after the visit, and the findings to rectify across the user's areas.

Records come through `restrict(user)` or access.get_*_for_user (missing and forbidden answer the
same 404); writes call inspections.py and show its refusals on the form's fields.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.days import local_day
from epigrid.core.forms import apply_errors
from epigrid.supervision import inspections
from epigrid.supervision.access import (
    get_finding_for_user,
    get_inspection_for_user,
    may_rectify,
    may_verify,
)
from epigrid.supervision.inspection_forms import (
    ACCEPT,
    UNVERIFIED,
    FindingFilterForm,
    FindingForm,
    InspectionFilterForm,
    InspectionForm,
    RectifyForm,
    VerifyForm,
)
from epigrid.supervision.models import Finding, FindingStatus, Inspection


def late_days(finding: Finding, today: datetime.date) -> int:
    """How many days an open finding is past its day (0: not overdue)."""
    return finding.days_past_due(today) if finding.status == FindingStatus.OPEN else 0


@dataclass(frozen=True)
class FindingRow:
    """A finding as a page shows it, with the forms the user may send about it."""

    finding: Finding
    late_days: int
    rectify_form: RectifyForm | None = None
    verify_form: VerifyForm | None = None

    @property
    def overdue(self) -> bool:
        return self.late_days > 0


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = InspectionFilterForm(request.GET, user=user)
    rows = (form.apply(Inspection.objects.restrict(user)).select_related("area", "facility")
            .annotate(findings_total=Count("findings"),
                      findings_open=Count("findings", filter=Q(findings__status__in=UNVERIFIED)))
            .order_by("-inspected_on", "-id"))
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/inspection_list.html", {
        "form": form, "page": page, "inspections": list(page),
        "may_inspect": can(user, Capability.SUPERVISE)})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.SUPERVISE)
    initial = {name: request.GET[name] for name in ("area", "facility")
               if request.GET.get(name, "").isdigit()}
    form = InspectionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        findings = form.findings()
        try:
            made = inspections.record_inspection(
                data["area"], by=user, inspected_on=data["inspected_on"],
                inspectors=data["inspectors"], findings=findings, facility=data["facility"],
                subject=data["subject"], summary=data["summary"])
        except ValidationError as error:
            form.refused(error)
        else:
            messages.success(request, ngettext(
                "The inspection of %(subject)s is recorded with %(n)d finding.",
                "The inspection of %(subject)s is recorded with %(n)d findings.",
                len(findings)) % {"subject": made.subject, "n": len(findings)})
            return redirect("supervision:inspection", pk=made.pk)
    return render(request, "supervision/inspection_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _detail(request: HttpRequest, inspection: Inspection, *,
            finding_form: FindingForm | None = None, failed: tuple[int, forms.Form] | None = None,
            status: int = 200) -> HttpResponseBase:
    """The inspection page; `failed` is a finding's form refused (its id, the bound form),
    shown in its place with its errors."""
    user = area_user(request)
    today = local_day()
    rows = []
    for finding in (Finding.objects.filter(inspection=inspection)
                    .select_related("rectified_by", "verified_by").order_by("rectify_by", "id")):
        finding.inspection = inspection  # what the checks read, without a query per finding
        mine = failed[1] if failed is not None and failed[0] == finding.pk else None
        rectify = mine if isinstance(mine, RectifyForm) else (
            RectifyForm(finding=finding)
            if finding.status == FindingStatus.OPEN and may_rectify(user, finding) else None)
        verify = mine if isinstance(mine, VerifyForm) else (
            VerifyForm(finding=finding)
            if finding.status == FindingStatus.RECTIFIED and may_verify(user, finding) else None)
        rows.append(FindingRow(finding, late_days(finding, today), rectify, verify))
    if finding_form is None and can(user, Capability.SUPERVISE):
        finding_form = FindingForm()
    return render(request, "supervision/inspection_detail.html", {
        "inspection": inspection, "rows": rows, "finding_form": finding_form,
        "open_count": sum(row.finding.status in UNVERIFIED for row in rows)}, status=status)


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, get_inspection_for_user(area_user(request), pk))


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    inspection = get_inspection_for_user(user, pk)
    require(user, Capability.SUPERVISE)  # after the look-up: a 404 whatever the role
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            inspections.add_finding(inspection, form.finding(), by=user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The finding is added; %(area)s is told to rectify it.")
                             % {"area": inspection.area.name})
            return redirect("supervision:inspection", pk=pk)
    return _detail(request, inspection, finding_form=form, status=400)


@login_required
@require_POST
def finding_rectify(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    finding = get_finding_for_user(user, pk)
    if not may_rectify(user, finding):
        raise PermissionDenied(_("Only the area's officers rectify a finding."))
    form = RectifyForm(request.POST, finding=finding)
    if form.is_valid():
        try:
            inspections.rectify(finding, by=user,
                                rectification=form.cleaned_data["rectification"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The finding is rectified; it waits for the inspectors "
                                        "to verify it."))
            return redirect("supervision:inspection", pk=finding.inspection_id)
    return _detail(request, get_inspection_for_user(user, finding.inspection_id),
                   failed=(finding.pk, form), status=400)


@login_required
@require_POST
def finding_verify(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    finding = get_finding_for_user(user, pk)
    if not may_verify(user, finding):
        raise PermissionDenied(_("Only the inspectors' side verifies a finding."))
    form = VerifyForm(request.POST, finding=finding)
    if form.is_valid():
        data = form.cleaned_data
        accepted = data["decision"] == ACCEPT
        try:
            inspections.verify(finding, by=user, accepted=accepted, note=data["note"],
                               rectify_by=None if accepted else data["rectify_by"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The finding is verified and closed.") if accepted
                             else _("The finding is reopened; the area is told."))
            return redirect("supervision:inspection", pk=finding.inspection_id)
    return _detail(request, get_inspection_for_user(user, finding.inspection_id),
                   failed=(finding.pk, form), status=400)


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = FindingFilterForm(request.GET, user=user)
    rows = (form.apply(Finding.objects.restrict(user))
            .select_related("inspection__area", "inspection__facility")
            .order_by("rectify_by", "id"))
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_day()
    return render(request, "supervision/finding_list.html", {
        "form": form, "page": page,
        "rows": [FindingRow(finding, late_days(finding, today)) for finding in page]})
