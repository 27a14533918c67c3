"""Volunteers' pages 志愿者: the list (serving today unless asked, with the hours each served),
registering a volunteer, a volunteer's page with their hours by project, and their leaving 退出.

Volunteers come through `restrict(user)` (missing and forbidden answer the same 404). Their
phone is a contact: masked in the list, whole on the volunteer's page only to those who keep
the area. Writing is MANAGE_VOLUNTEERS' (403 else), through services.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import AreaUser, area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors, run_posted
from epigrid.core.identity import mask_phone
from epigrid.volunteers import access, services
from epigrid.volunteers.models import ServiceRecord, Volunteer, hours_served
from epigrid.volunteers.volunteer_forms import (
    LeaveForm,
    VolunteerEditForm,
    VolunteerFilterForm,
    VolunteerForm,
)

ZERO = Decimal(0)
RECENT = 10  # the volunteer's page shows their last records; the project's page has them all


@dataclass(frozen=True)
class Served:
    """A project a volunteer served, as the list links it."""

    pk: int
    name: str


@dataclass(frozen=True)
class Row:
    """A volunteer as the list shows them: the phone always masked, the hours they served in
    all, and the projects of theirs the viewer sees."""

    volunteer: Volunteer
    phone: str
    hours: Decimal
    projects: list[Served]


def projects_served(user: AreaUser, ids: list[int]) -> dict[int, list[Served]]:
    """volunteer id -> the projects the user sees that they served, by name: one query."""
    pairs = (ServiceRecord.objects.restrict(user).filter(volunteer_id__in=ids)
             .order_by("volunteer_id", "project__name", "project_id")
             .values_list("volunteer_id", "project_id", "project__name").distinct())
    found: dict[int, list[Served]] = {}
    for volunteer_id, project_id, name in pairs:
        found.setdefault(volunteer_id, []).append(Served(project_id, name))
    return found


@login_required
@require_GET
def volunteer_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = VolunteerFilterForm(request.GET, user=user)
    # The hours in the list's own query, summed for the page's rows alone.
    volunteers = (form.apply(Volunteer.objects.restrict(user), timezone.localdate())
                  .select_related("area").annotate(hours=hours_served())
                  .order_by("area__path", "name", "id"))
    page = Paginator(volunteers, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    served = projects_served(user, [volunteer.pk for volunteer in page])
    rows = [Row(volunteer, mask_phone(volunteer.phone), volunteer.hours or ZERO,
                served.get(volunteer.pk, [])) for volunteer in page]
    return render(request, "volunteers/volunteer_list.html", {
        "form": form, "page": page, "rows": rows,
        "may_register": can(user, Capability.MANAGE_VOLUNTEERS)})


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.MANAGE_VOLUNTEERS)
    form = VolunteerForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer = services.register(
                data["area"], by=user, name=data["name"], phone=data["phone"],
                registered_on=data["registered_on"], skills=data["skills"],
                party_member=data["party_member"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is registered as a volunteer of %(area)s.")
                             % {"name": volunteer.name, "area": volunteer.area.name})
            return redirect("volunteers:volunteer", pk=volunteer.pk)
    return render(request, "volunteers/volunteer_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def hours_by_project(user: AreaUser, volunteer: Volunteer) -> list[dict[str, Any]]:
    """The hours and days the volunteer served each project the user sees: one GROUP BY."""
    return list(ServiceRecord.objects.restrict(user).filter(volunteer=volunteer).order_by()
                .values("project_id", "project__name")
                .annotate(hours=Sum("hours"), days=Count("id"))
                .order_by("-hours", "project__name", "project_id"))


def volunteer_page(request: HttpRequest, volunteer: Volunteer, status: int = 200,
            leave_form: LeaveForm | None = None) -> HttpResponseBase:
    user = area_user(request)
    keeps = access.may_manage(user, volunteer.area.path)
    if leave_form is None and keeps and volunteer.left_on is None:
        leave_form = LeaveForm()
    # The total counts every project; those of areas the viewer does not see are summed apart.
    total = (ServiceRecord.objects.filter(volunteer=volunteer)
             .aggregate(total=Sum("hours"))["total"]) or ZERO
    projects = hours_by_project(user, volunteer)
    recent = (ServiceRecord.objects.restrict(user).filter(volunteer=volunteer)
              .select_related("project").order_by("-served_on", "-id")[:RECENT])
    return render(request, "volunteers/volunteer_detail.html", {
        "volunteer": volunteer, "keeps": keeps,
        "serving": volunteer.is_active(timezone.localdate()),
        "phone": volunteer.phone if keeps else mask_phone(volunteer.phone),
        "total": total, "projects": projects,
        "elsewhere": total - sum((row["hours"] for row in projects), ZERO),
        "recent": recent, "leave_form": leave_form,
        "may_certify": keeps and total > 0,
        "certificates": volunteer.certificates.order_by("-created_at", "-id")[:RECENT]},
        status=status)


@login_required
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return volunteer_page(request, access.get_volunteer_for_user(area_user(request), pk))


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    volunteer = access.get_volunteer_for_user(user, pk)
    access.require_may_manage(user, volunteer.area.path)  # before the form: 403 whatever it holds
    form = VolunteerEditForm.of(volunteer, request.POST or None)

    def correct(data: dict[str, Any]) -> str:
        services.change_volunteer(volunteer, by=user, **data)
        return _("The record of %(name)s is corrected.") % {"name": data["name"]}

    if request.method == "POST" and (done := run_posted(
            request, form, correct, reverse("volunteers:volunteer", args=[pk]))):
        return done
    return render(request, "volunteers/volunteer_edit.html", {"form": form,
                                                              "volunteer": volunteer},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def volunteer_leave(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    volunteer = access.get_volunteer_for_user(user, pk)
    access.require_may_manage(user, volunteer.area.path)  # before the form: 403 whatever it holds
    form = LeaveForm(request.POST)

    def leave(data: dict[str, Any]) -> str:
        services.leave(volunteer, by=user, on=data["on"])
        return _("%(name)s left on %(day)s.") % {"name": volunteer.name,
                                                 "day": data["on"].isoformat()}

    return (run_posted(request, form, leave, reverse("volunteers:volunteer", args=[pk]))
            or volunteer_page(request, volunteer, status=400, leave_form=form))
