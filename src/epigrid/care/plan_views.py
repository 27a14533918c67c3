"""Plan pages 转运收治: an area's current plan (compute button, transfers by vehicle batch with
their status buttons, the unplaced and why, the XLSX and DOCX downloads) and the override form.

Who sees the area and its cases (VIEW_CASES, checked for every page in plan_urls) sees its
plan; computing, moving a transfer on and overriding need PLAN_TRANSFERS. Plans, transfers and
areas come through `restrict(user)` (missing and forbidden are the same 404); writes call
care.plans, whose refusals come back as messages or on fields.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user, get_area_for_user
from epigrid.areas.models import Facility
from epigrid.care import plan_documents, plan_patients, plans
from epigrid.care.models import Transfer, TransferPlan, Unplaced
from epigrid.care.plan_forms import ComputeForm, OverrideForm, StatusForm
from epigrid.core import audit
from epigrid.core.access import Capability, can, require, subtree_q
from epigrid.core.forms import apply_errors
from epigrid.core.paging import page_after

UNPLACED_SHOWN = 100



def _transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    found = Transfer.objects.restrict(area_user(request)).select_related(
        "plan", "request__case__person", "request__pickup_area", "facility").filter(
        pk=transfer_id).first()
    if found is None:
        raise Http404(_("No such transfer."))
    return found


def _plan(request: HttpRequest, plan_id: int) -> TransferPlan:
    found = TransferPlan.objects.restrict(area_user(request)).select_related("area").filter(
        pk=plan_id).first()
    if found is None:
        raise Http404(_("No such plan."))
    return found


@login_required
@require_GET
def plan_area(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    plan = plans.current_plan(area)
    rows: list[Transfer] = []
    next_after = None
    unplaced: list[Unplaced] = []
    if plan is not None:
        found = Transfer.objects.restrict(user).filter(plan=plan).select_related(
            "request__case__person", "request__pickup_area", "facility")
        after = request.GET.get("after", "")
        rows, next_after = page_after(found, int(after) if after.isdigit() else None,
                                      settings.PAGE_SIZE)
        unplaced = list(Unplaced.objects.restrict(user).filter(plan=plan).select_related(
            "request__case__person", "request__pickup_area").order_by("pk")[:UNPLACED_SHOWN])
    return render(request, "care/plan_area.html", {
        "area": area, "plan": plan, "rows": rows, "next_after": next_after,
        "unplaced": unplaced, "unplaced_count": plan.patients - plan.placed if plan else 0,
        **_patients(rows, unplaced),
        "compute_form": ComputeForm(), "status_form": StatusForm(),
        "may_plan": can(user, Capability.PLAN_TRANSFERS),
        "may_export": can(user, Capability.EXPORT)})


def _patients(rows: list[Transfer], unplaced: list[Unplaced]) -> dict[str, Any]:
    """The rows with who each carries; a household is marked across both tables (one of a
    family may be left without a bed)."""
    found = plan_patients.patients([*(t.request for t in rows), *(u.request for u in unplaced)])
    return {"rows_masked": list(zip(rows, found, strict=False)),
            "unplaced_masked": [(u, patient, _(u.reason)) for u, patient
                                in zip(unplaced, found[len(rows):], strict=True)]}


@login_required
@require_POST
def plan_compute(request: HttpRequest, area_id: int) -> HttpResponseBase:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    require(area_user(request), Capability.PLAN_TRANSFERS)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the plan's day as a date."))
        return redirect("care:plan_area", area_id=area.pk)
    try:
        plan = plans.compute_plan(area, user, form.cleaned_data["day"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan is computed: %(placed)s of %(patients)s patients "
                                    "placed.") % {"placed": plan.placed,
                                                  "patients": plan.patients})
    return redirect("care:plan_area", area_id=area.pk)


@login_required
@require_POST
def plan_status(request: HttpRequest, transfer_id: int) -> HttpResponseBase:
    transfer = _transfer(request, transfer_id)
    require(area_user(request), Capability.PLAN_TRANSFERS)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        try:
            plans.set_transfer_status(transfer, form.cleaned_data["status"], area_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The transfer is now “%(status)s”.") % {
                "status": Transfer.Status(form.cleaned_data["status"]).label})
    return redirect("care:plan_area", area_id=transfer.plan.area_id)


@login_required
@require_http_methods(["GET", "POST"])
def plan_override(request: HttpRequest, transfer_id: int) -> HttpResponseBase:
    user = area_user(request)
    transfer = _transfer(request, transfer_id)
    require(area_user(request), Capability.PLAN_TRANSFERS)
    facilities = Facility.objects.restrict(user).filter(
        subtree_q("area__path", transfer.plan.area_path), active=True).order_by("name")
    form = OverrideForm(request.POST if request.method == "POST" else None,
                        facilities=facilities,
                        initial={"facility": transfer.facility_id, "bed_type": transfer.bed_type})
    if request.method == "POST" and form.is_valid():
        try:
            plans.override_transfer(transfer, form.cleaned_data["facility"],
                                    form.cleaned_data["bed_type"], form.cleaned_data["reason"],
                                    user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The transfer is changed."))
            return redirect("care:plan_area", area_id=transfer.plan.area_id)
    return render(request, "care/plan_override.html", {
        "transfer": transfer, "form": form, **_household_of(user, transfer)},
        status=400 if form.is_bound else 200)


def _household_of(user: Any, transfer: Transfer) -> dict[str, Any]:
    """Who the transfer carries, and where the plan takes the others of their household: a
    family is kept together by moving one of them to where the others go."""
    person = transfer.request.case.person
    family = [] if person.household_id is None else list(
        Transfer.objects.restrict(user).filter(
            plan=transfer.plan_id, request__case__person__household=person.household_id)
        .exclude(pk=transfer.pk).select_related("request__case__person", "facility")
        .order_by("batch", "pk"))
    found = plan_patients.patients([transfer.request, *(t.request for t in family)])
    return {"patient": found[0], "family": list(zip(family, found[1:], strict=True))}


def _download(request: HttpRequest, plan_id: int, fmt: str) -> HttpResponse:
    plan = _plan(request, plan_id)
    user = area_user(request)
    require(area_user(request), Capability.EXPORT)
    audit.record("export", model=TransferPlan._meta.label, object_pk=plan.pk,
                 object_repr=f"plan {plan.day}.{fmt}", area_path=plan.area_path,
                 changes={"format": fmt})
    if fmt == "xlsx":
        body, kind = plan_documents.xlsx(plan, user), (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        body, kind = plan_documents.docx(plan, user), (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.day}-{plan.pk}.{fmt}"'
    return response


@login_required
@require_GET
def plan_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _download(request, plan_id, "xlsx")


@login_required
@require_GET
def plan_docx(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _download(request, plan_id, "docx")
