"""Duty pages 值守排班: an area's checkpoints with who is on duty now, the gaps of the coming week,
hours per person; a checkpoint's week grid, its shifts and the people assigned to it.

Areas, checkpoints, shifts and assignments are fetched through `restrict(user)` (missing and
forbidden are one 404); changes need MANAGE_SHIFTS (403) and go through checkpoints.duty.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user, get_area_for_user, get_site_for_user
from epigrid.areas.models import Checkpoint
from epigrid.checkpoints import duty, duty_handover, duty_queries
from epigrid.checkpoints.duty_forms import AssignmentForm, ShiftForm, SignOffForm
from epigrid.checkpoints.figure_views import breadcrumbs, period_of
from epigrid.checkpoints.models import Assignment, DutyShift
from epigrid.checkpoints.periods import Period, parse_day
from epigrid.core.access import Capability, ScopedUser, can
from epigrid.core.forms import flash_errors


def get_shift_for_user(user: ScopedUser, pk: int) -> DutyShift:
    shift = (DutyShift.objects.restrict(user).select_related("checkpoint", "checkpoint__area",
                                                             "user").filter(pk=pk).first())
    if shift is None:
        raise Http404(_("No such shift."))
    return shift


def get_assignment_for_user(user: ScopedUser, pk: int) -> Assignment:
    found = (Assignment.objects.restrict(user).select_related("checkpoint", "checkpoint__area",
                                                              "user").filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such assignment."))
    return found


@login_required
@require_GET
def duty_area(request: HttpRequest, area_id: int) -> HttpResponse:
    """The area's checkpoints with who is on duty now and their masked phone, a page at a time."""
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    unstaffed_only = request.GET.get("unstaffed") == "1"
    rows, next_after = duty_queries.area_on_duty(user, area, after=request.GET.get("after", ""),
                                                 unstaffed_only=unstaffed_only)
    return render(request, "checkpoints/duty_area.html", {
        "area": area, "trail": breadcrumbs(user, area), "rows": rows, "next_after": next_after,
        "unstaffed_only": unstaffed_only, "now": timezone.now(),
        "unstaffed": duty_queries.unstaffed_count(user, area)})


@login_required
@require_GET
def duty_gaps(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    now = timezone.now()
    until = now + duty_queries.GAP_HORIZON
    # The database tells which of a district's thousand checkpoints have a gap; the gaps of a
    # page's checkpoints alone are then found from their shifts.
    page = Paginator(duty_queries.with_gaps(user, area, now, until), settings.PAGE_SIZE
                     ).get_page(request.GET.get("page"))
    return render(request, "checkpoints/duty_gaps.html", {
        "area": area, "trail": breadcrumbs(user, area), "now": now, "until": until,
        "page": page,
        "rows": [(checkpoint, gaps, round(sum(gap.hours for gap in gaps), 2))
                 for checkpoint, gaps in duty_queries.gaps_of(user, page.object_list, now,
                                                              until)]})


@login_required
@require_GET
def duty_hours(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    period, errors = period_of(request)
    page = Paginator(duty_queries.hours_rows(user, area, period), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "checkpoints/duty_hours.html", {
        "area": area, "trail": breadcrumbs(user, area), "period": period, "errors": errors,
        "page": page, "rows": duty_queries.people_of(page.object_list)})


def week_of(request: HttpRequest) -> tuple[Period, list[str]]:
    """The 7 days from `?day=` (default today)."""
    try:
        first = parse_day(request.GET.get("day"))
    except ValidationError as exc:
        first, errors = timezone.localdate(), exc.messages
    else:
        errors = []
    return Period(first, first + datetime.timedelta(days=6)), errors


@login_required
@require_GET
def duty_checkpoint(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    """The checkpoint's week grid, who is on duty now, the coming week's gaps, its shifts and
    the people assigned to it."""
    user = area_user(request)
    checkpoint = get_site_for_user(Checkpoint, user, checkpoint_id)
    period, errors = week_of(request)
    days, shifts = duty_queries.roster(user, checkpoint, period)
    may_plan = can(user, Capability.MANAGE_SHIFTS)
    assignments = list(Assignment.objects.restrict(user).filter(checkpoint=checkpoint)
                       .select_related("user").order_by("user__username"))
    return render(request, "checkpoints/duty_checkpoint.html", {
        "checkpoint": checkpoint, "trail": breadcrumbs(user, checkpoint.area),
        "period": period, "errors": errors, "days": days, "shifts": shifts,
        "hours": range(24), "now_on_duty": duty_queries.on_duty(user, checkpoint),
        "gaps": duty_queries.checkpoint_gaps(user, checkpoint),
        "previous_week": period.first - datetime.timedelta(days=7),
        "next_week": period.first + datetime.timedelta(days=7),
        "assignments": assignments, "may_plan": may_plan,
        "assignment_form": AssignmentForm(actor=user, checkpoint=checkpoint) if may_plan
        else None})


def shift_form_page(request: HttpRequest, checkpoint: Checkpoint, form: ShiftForm,
                    shift: DutyShift | None) -> HttpResponse:
    return render(request, "checkpoints/duty_shift_form.html",
                  {"checkpoint": checkpoint, "form": form, "shift": shift,
                   "trail": breadcrumbs(area_user(request), checkpoint.area)})


@login_required
@require_http_methods(["GET", "POST"])
def shift_create(request: HttpRequest, checkpoint_id: int) -> HttpResponseBase:
    user = area_user(request)
    checkpoint = get_site_for_user(Checkpoint, user, checkpoint_id)
    duty.require_planner(user)
    form = ShiftForm(request.POST or None, checkpoint=checkpoint)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            shift = duty.create_shift(user, checkpoint, data["user"], data["starts_at"],
                                      data["ends_at"], data["note"])
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, _("Shift planned."))
            return redirect_to_week(shift)
    return shift_form_page(request, checkpoint, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def shift_edit(request: HttpRequest, shift_id: int) -> HttpResponseBase:
    user = area_user(request)
    shift = get_shift_for_user(user, shift_id)
    duty.require_planner(user)
    form = ShiftForm(request.POST or None, checkpoint=shift.checkpoint, shift=shift)
    if request.method == "POST" and form.is_valid():
        try:
            duty.update_shift(user, shift, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, _("Shift changed."))
            return redirect_to_week(shift)
    return shift_form_page(request, shift.checkpoint, form, shift)


def redirect_to_week(shift: DutyShift) -> HttpResponseBase:
    response = redirect("checkpoints:duty_checkpoint", checkpoint_id=shift.checkpoint_id)
    response["Location"] += f"?day={timezone.localtime(shift.starts_at):%Y-%m-%d}"
    return response


@login_required
@require_POST
def shift_delete(request: HttpRequest, shift_id: int) -> HttpResponseBase:
    user = area_user(request)
    shift = get_shift_for_user(user, shift_id)
    duty.require_planner(user)
    checkpoint_id = shift.checkpoint_id
    duty.delete_shift(user, shift)
    messages.success(request, _("Shift deleted."))
    return redirect("checkpoints:duty_checkpoint", checkpoint_id=checkpoint_id)


@login_required
@require_POST
def shift_sign_off(request: HttpRequest, shift_id: int) -> HttpResponseBase:
    """交班 from the page where the person on duty logs passages; back to it."""
    user = area_user(request)
    shift = get_shift_for_user(user, shift_id)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form)
        return redirect("checkpoints:passage_log_choose")
    try:
        duty_handover.sign_off(user, shift, form.cleaned_data["handover_note"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Your shift at %(checkpoint)s is signed off.") % {
            "checkpoint": shift.checkpoint.name})
    return redirect("checkpoints:passage_log_choose")


@login_required
@require_POST
def assignment_add(request: HttpRequest, checkpoint_id: int) -> HttpResponseBase:
    user = area_user(request)
    checkpoint = get_site_for_user(Checkpoint, user, checkpoint_id)
    duty.require_planner(user)
    form = AssignmentForm(request.POST, actor=user, checkpoint=checkpoint)
    if form.is_valid():
        try:
            duty.assign(user, checkpoint, form.cleaned_data["user"])
        except ValidationError as exc:
            form.apply_errors(exc)
    if form.errors:
        for error in [*form.errors.get("user", []), *form.non_field_errors()]:
            messages.error(request, str(error))
    else:
        messages.success(request, _("Assigned."))
    return redirect("checkpoints:duty_checkpoint", checkpoint_id=checkpoint.pk)


@login_required
@require_POST
def assignment_delete(request: HttpRequest, assignment_id: int) -> HttpResponseBase:
    user = area_user(request)
    assignment = get_assignment_for_user(user, assignment_id)
    duty.require_planner(user)
    checkpoint_id = assignment.checkpoint_id
    duty.unassign(user, assignment)
    messages.success(request, _("Assignment ended."))
    return redirect("checkpoints:duty_checkpoint", checkpoint_id=checkpoint_id)
