"""Projects' pages 志愿服务项目: the list (open today unless asked, with the hours served and
the volunteers who served), opening a project, a project's page with its records 服务时长 and
totals, recording a volunteer's hours, withdrawing a record typed wrongly, closing the project.

Projects and records come through `restrict(user)` (missing and forbidden answer the same 404);
writing is the area's keepers' (MANAGE_VOLUNTEERS and the area, 403 else), through services.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import AreaUser, area_user, sees
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors, flash_errors, run_posted
from epigrid.core.identity import mask_phone
from epigrid.volunteers import access, services
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ServiceRecord,
    Signup,
    listed_projects,
)
from epigrid.volunteers.project_forms import (
    CloseForm,
    HoursForm,
    ProjectEditForm,
    ProjectFilterForm,
    ProjectForm,
)

ZERO = Decimal(0)
WEEK = 7  # the project's recent hours: today and the six days before


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = ProjectFilterForm(request.GET, user=user)
    projects = listed_projects(form.apply(Project.objects.restrict(user), timezone.localdate()))
    page = Paginator(projects, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "volunteers/project_list.html", {
        "form": form, "page": page, "projects": list(page),
        "may_open": can(user, Capability.MANAGE_VOLUNTEERS)})


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.MANAGE_VOLUNTEERS)
    form = ProjectForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.open_project(
                data["area"], by=user, kind=data["kind"], name=data["name"],
                starts_on=data["starts_on"], ends_on=data["ends_on"],
                volunteers_needed=data["volunteers_needed"] or 0,
                description=data["description"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(project)s is opened by %(area)s.")
                             % {"project": project.name, "area": project.area.name})
            return redirect("volunteers:project", pk=project.pk)
    return render(request, "volunteers/project_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user, project = _kept(request, pk)
    form = ProjectEditForm.of(project, request.POST or None)

    def correct(data: dict[str, Any]) -> str:
        services.change_project(project, by=user,
                                **data | {"volunteers_needed": data["volunteers_needed"] or 0})
        return _("%(project)s is corrected.") % {"project": data["name"]}

    if request.method == "POST" and (done := run_posted(
            request, form, correct, reverse("volunteers:project", args=[pk]))):
        return done
    return render(request, "volunteers/project_edit.html", {"form": form, "project": project},
                  status=400 if form.is_bound else 200)


@dataclass(frozen=True)
class RecordRow:
    """A record as the project's page shows it: the volunteer linked when the viewer sees them
    (a village's officer sees its project's volunteer registered at the town, not the person)."""

    record: ServiceRecord
    volunteer_link: bool


def totals(project: Project, today: datetime.date) -> dict[str, Any]:
    """The hours served in all, by how many volunteers, and over the last week: one query."""
    week = Q(served_on__gt=today - datetime.timedelta(days=WEEK))
    found = ServiceRecord.objects.filter(project=project).aggregate(
        all_hours=Sum("hours"), volunteers=Count("volunteer", distinct=True),
        week=Sum("hours", filter=week))
    return {"hours": found["all_hours"] or ZERO, "volunteers": found["volunteers"],
            "week": found["week"] or ZERO}


def _records(request: HttpRequest, user: AreaUser, project: Project) -> dict[str, Any]:
    """A page of the project's records, newest first."""
    records = (ServiceRecord.objects.restrict(user).filter(project=project)
               .select_related("volunteer__area", "recorded_by").order_by("-served_on", "-id"))
    page = Paginator(records, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "records": [RecordRow(record, sees(user, record.volunteer.area.path))
                                      for record in page]}


@dataclass(frozen=True)
class SignupRow:
    """An active sign-up 报名 as the project's page shows it: the phone masked, the volunteer
    linked when the viewer sees them."""

    signup: Signup
    phone: str
    volunteer_link: bool


def signed_up(user: AreaUser, project: Project) -> list[SignupRow]:
    """Who is signed up to the project now, first come first: one query."""
    signups = (Signup.objects.filter(project=project, withdrawn_at__isnull=True)
               .select_related("volunteer__area").order_by("created_at", "id"))
    return [SignupRow(signup, mask_phone(signup.volunteer.phone),
                      sees(user, signup.volunteer.area.path)) for signup in signups]


@dataclass(frozen=True)
class ClaimRow:
    """Hours claimed 时长申报, waiting for the keepers' Confirm or Decline."""

    claim: HoursClaim
    volunteer_link: bool


def claims_waiting(user: AreaUser, project: Project) -> list[ClaimRow]:
    """The hours claimed on the project and waiting for its keepers, oldest day first."""
    claims = (HoursClaim.objects.restrict(user)
              .filter(project=project, state=ClaimState.PENDING)
              .select_related("volunteer__area").order_by("served_on", "id"))
    return [ClaimRow(claim, sees(user, claim.volunteer.area.path)) for claim in claims]


def project_page(request: HttpRequest, project: Project, status: int = 200,
                 hours_form: HoursForm | None = None,
                 close_form: CloseForm | None = None) -> HttpResponseBase:
    """The project's page; the keepers' forms (a refused one as posted). The keepers' answers
    to claims (claim_views) show it again with their refusal."""
    user = area_user(request)
    today = timezone.localdate()
    keeps = access.may_manage(user, project.area.path)
    if keeps and hours_form is None:
        hours_form = HoursForm(user=user)
    if keeps and close_form is None and project.closed_on is None:
        close_form = CloseForm()
    return render(request, "volunteers/project_detail.html", {
        "project": project, "keeps": keeps, "open": project.is_open(today),
        "totals": totals(project, today), **_records(request, user, project),
        "signups": signed_up(user, project),
        "claims": claims_waiting(user, project) if keeps else [],
        "hours_form": hours_form, "close_form": close_form}, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return project_page(request, access.get_project_for_user(area_user(request), pk))


def _kept(request: HttpRequest, pk: int) -> tuple[AreaUser, Project]:
    """The project in the user's scope (404), kept by the user (403): before any form."""
    user = area_user(request)
    project = access.get_project_for_user(user, pk)
    access.require_may_manage(user, project.area.path)
    return user, project


@login_required
@require_POST
def project_hours(request: HttpRequest, pk: int) -> HttpResponseBase:
    user, project = _kept(request, pk)
    form = HoursForm(request.POST, user=user)

    def record(data: dict[str, Any]) -> str:
        done = services.record_hours(project, data["volunteer"], by=user,
                                     served_on=data["served_on"], hours=data["hours"],
                                     note=data["note"])
        return _("%(hours)s hours of %(name)s on %(day)s recorded.") % {
            "hours": done.hours, "name": done.volunteer.name, "day": done.served_on.isoformat()}

    return (run_posted(request, form, record, reverse("volunteers:project", args=[pk]))
            or project_page(request, project, status=400, hours_form=form))


@login_required
@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponseBase:
    user, project = _kept(request, pk)
    form = CloseForm(request.POST)

    def close(data: dict[str, Any]) -> str:
        services.close_project(project, by=user, on=data["on"])
        return _("%(project)s closed on %(day)s.") % {"project": project.name,
                                                      "day": data["on"].isoformat()}

    return (run_posted(request, form, close, reverse("volunteers:project", args=[pk]))
            or project_page(request, project, status=400, close_form=form))


@login_required
@require_POST
def hours_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A record typed wrongly is withdrawn (the audit log keeps it), to be recorded again."""
    user = area_user(request)
    record = (ServiceRecord.objects.restrict(user).select_related("project__area", "volunteer")
              .filter(pk=pk).first())
    if record is None:
        raise Http404(_("No such record of hours."))
    project = record.project
    access.require_may_manage(user, project.area.path)
    try:
        services.withdraw_hours(record, by=user)
    except ValidationError as error:  # a button in a list: its refusal shown as notices
        flash_errors(request, error)
        return project_page(request, project, status=400)
    messages.success(request, _("%(hours)s hours of %(name)s on %(day)s withdrawn.") % {
        "hours": record.hours, "name": record.volunteer.name,
        "day": record.served_on.isoformat()})
    return redirect("volunteers:project", pk=project.pk)
