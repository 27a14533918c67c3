"""Case pages: the list (filters, look-up, export), a case with its history, opening and moving
it, and setting its origin of infection.

Every case comes through `Case.objects.restrict(user)` (a detail through cases.access, so missing
and forbidden are the same 404). Opening and every change of state go through cases.services,
whose refusals come back as errors on the form's fields. The list pages by key, newest first
(`?before=<id>`): no OFFSET and no COUNT over a table that grows with the epidemic.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user
from epigrid.cases import exporters, services, states
from epigrid.cases.access import get_case_for_user, may_view_cases
from epigrid.cases.case_forms import (
    CaseExportForm,
    CaseFilterForm,
    OpenCaseForm,
    OriginForm,
    TransitionForm,
)
from epigrid.cases.models import Case, Transition
from epigrid.core.access import Capability, can, require
from epigrid.core.audit import record_opened
from epigrid.core.exports import FORMATS, export_response, file_response
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset
from epigrid.core.panels import panels_for
from epigrid.core.views import record_history
from epigrid.registry.access import get_person_for_user
from epigrid.registry.models import Person


def _filtered(request: HttpRequest, form: CaseFilterForm) -> QuerySet[Case]:
    rows = Case.objects.restrict(area_user(request)).select_related("person", "grid")
    return form.apply(rows)


# --- the list ----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponseBase:
    """Filters by GET; the exact look-up by ID number or phone by POST (no number in a URL)."""
    user = area_user(request)
    lookup = request.method == "POST"
    filters = CaseFilterForm(None if lookup else (request.GET or None), user=user)
    lookup_form = CaseFilterForm(request.POST if lookup else None, user=user, lookup=True)
    form = lookup_form if lookup else filters
    fmt = request.GET.get("export")
    if fmt and not lookup:
        return _export_masked(request, form, fmt)
    cases, next_before = keyset(_filtered(request, form), request, "before",
                                newest_first=True)
    return render(request, "cases/case_list.html", {
        "form": filters, "lookup_form": lookup_form, "cases": cases,
        "next_before": None if lookup else next_before,
        "searched": lookup or any(request.GET.get(name) for name in filters.fields),
        "may_export": can(user, Capability.EXPORT),
        "may_unmask": can(user, Capability.REVEAL_IDENTITY)})


def _export_masked(request: HttpRequest, form: CaseFilterForm, fmt: str) -> HttpResponseBase:
    require(area_user(request), Capability.EXPORT)
    if fmt not in FORMATS:
        return HttpResponse(_("Unknown export format."), status=400)
    rows = _filtered(request, form).order_by("pk")
    return export_response(request, rows, exporters.case_columns(), fmt,
                           filename=exporters.NAME, model_label=Case._meta.label)


@login_required
@require_http_methods(["GET", "POST"])
def case_export(request: HttpRequest) -> HttpResponseBase:
    """The list's cases with full ID numbers and phones, for a role that may reveal them, with a
    reason; the filters ride in the query string, the reason in the body."""
    require(area_user(request), Capability.EXPORT)
    require(area_user(request), Capability.REVEAL_IDENTITY)
    user = area_user(request)
    filters = CaseFilterForm(request.GET or None, user=user)
    form = CaseExportForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["format"]
        name = f"{exporters.NAME}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
        exporters.record_export(file_name=name, query=request.GET.urlencode(), unmasked=True,
                                reason=form.cleaned_data["reason"])
        response = file_response(_filtered(request, filters).order_by("pk"),
                                 exporters.case_columns(unmasked=True), fmt, name,
                                 title=exporters.NAME)
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "cases/case_export.html", {"form": form, "filters": filters},
                  status=400 if form.is_bound else 200)


# --- one case ----------------------------------------------------------------------------

def _detail_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user = area_user(request)
    history = Transition.objects.filter(case=case).select_related("by").order_by("at", "id")
    may_change = can(user, Capability.CHANGE_CASES)
    nexts = states.TRANSITIONS.get(case.state, frozenset())
    form = extra.pop("form", None)
    if form is None and may_change and nexts:
        form = TransitionForm(case=case)
    origin_form = extra.pop("origin_form", None)
    if origin_form is None and may_change:
        origin_form = OriginForm(initial={"origin": case.origin,
                                          "imported_from": case.imported_from})
    category = states.CATEGORY_OF.get(case.state)
    return {"case": case, "person": case.person, "history": history, "form": form,
            "origin_form": origin_form, "may_change": may_change,
            "panels": panels_for("case", request, case),
            "audit_history": record_history(user, case),
            "category": states.Category(category).label if category else "", **extra}


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    case = get_case_for_user(area_user(request), pk)
    record_opened(case, case.area_path)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    case = get_case_for_user(user, pk)
    require(area_user(request), Capability.CHANGE_CASES)
    form = TransitionForm(request.POST, case=case)
    if form.is_valid():
        try:
            step = services.transition(case, by=user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case is now “%(state)s”.") % {
                "state": step.get_to_state_display()})
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_detail.html", _detail_context(request, case, form=form),
                  status=400)


@login_required
@require_POST
def case_origin(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Set where the case's infection came from (local or imported), with a reason."""
    user = area_user(request)
    case = get_case_for_user(user, pk)
    require(area_user(request), Capability.CHANGE_CASES)
    form = OriginForm(request.POST)
    if form.is_valid():
        try:
            case = services.set_origin(case, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case is now “%(origin)s”.") % {
                "origin": case.get_origin_display()})
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_detail.html",
                  _detail_context(request, case, origin_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Open a case for person `pk` (linked from the person's page)."""
    user = area_user(request)
    person: Person = get_person_for_user(user, pk)
    require(area_user(request), Capability.CHANGE_CASES)
    open_case = Case.objects.restrict(user).filter(person=person, is_open=True).first()
    form = OpenCaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(person, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("A case was opened for %(name)s.") % {
                "name": person.name})
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_open.html", {
        "form": form, "person": person, "open_case": open_case},
        status=400 if form.is_bound else 200)


def person_panel(request: HttpRequest, person: Person) -> SafeString | None:
    """The person's cases on the registry's person page (registered with core.panels); nothing
    for a role that may not see cases (the page stays theirs, the health data does not)."""
    if not may_view_cases(area_user(request)):
        return None
    return SafeString(render_to_string("cases/case__person_panel.html", {"person": person},
                                       request=request))
