"""A volunteer's own page 我的志愿服务, for any signed-in user: enrolling from their account
(the name, phone and home area on it), then the projects open to them with a sign-up button
报名, the form to claim the hours they served 时长申报, their claims and their records.

Every write goes through self_service.py as the user themselves. A project is signed up to
only among those open to the user's volunteer: missing and out of reach answer the same 404.
The keepers' answer to a claim and a sign-up's withdrawal are in claim_views.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from epigrid.accounts.models import User
from epigrid.areas.access import sees
from epigrid.core.forms import flash_errors, run_posted
from epigrid.core.identity import mask_phone
from epigrid.volunteers import certificates, self_service
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ServiceRecord,
    Volunteer,
)
from epigrid.volunteers.self_forms import ClaimForm, EnrolForm

ZERO = Decimal(0)
RECENT = 10  # the last records and claims; the officers' pages keep them all
ME = "volunteers:me"


@dataclass(frozen=True)
class OpenProject:
    """A project open to the volunteer as their page lists it: how many signed up beside how
    many it needs, their own sign-up (to withdraw), and whether they may open its page (a
    village's volunteer reads the village's projects, not the town's)."""

    project: Project  # with `signed`, its standing sign-ups
    signup_id: int | None
    linked: bool


def account(request: HttpRequest) -> User:
    return cast(User, request.user)


def open_projects(user: User, volunteer: Volunteer, today: datetime.date) -> list[OpenProject]:
    """The projects open to `volunteer` today, soonest first, with their standing sign-ups and
    the volunteer's own, in the list's one query."""
    projects = self_service.open_with_places(volunteer, today).order_by("starts_on", "name", "id")
    return [OpenProject(project, getattr(project, "signup_id", None), sees(user, project.area.path))
            for project in projects]


def _enrolled(request: HttpRequest, volunteer: Volunteer,
              claim_form: ClaimForm | None) -> dict[str, Any]:
    user = account(request)
    today = timezone.localdate()
    total = (ServiceRecord.objects.filter(volunteer=volunteer)
             .aggregate(total=Sum("hours"))["total"]) or ZERO
    claims = (HoursClaim.objects.filter(volunteer=volunteer).select_related("project")
              .order_by("-served_on", "-id"))
    waiting = (claims.filter(state=ClaimState.PENDING).order_by()
               .aggregate(total=Sum("hours"))["total"]) or ZERO
    records = (ServiceRecord.objects.filter(volunteer=volunteer).select_related("project")
               .order_by("-served_on", "-id")[:RECENT])
    return {"volunteer": volunteer, "phone": mask_phone(volunteer.phone), "total": total,
            "waiting": waiting, "projects": open_projects(user, volunteer, today),
            "claim_form": claim_form or ClaimForm(volunteer=volunteer),
            "claims": list(claims[:RECENT]), "records": list(records),
            "certificates": list(volunteer.certificates.order_by("-created_at", "-id")[:RECENT])}


def _not_enrolled(request: HttpRequest, enrol_form: EnrolForm | None) -> dict[str, Any]:
    """The account's own name, phone (masked) and home area: what enrolling takes from it."""
    user = account(request)
    # One who left keeps their certificates of hours, and may print one more.
    past = certificates.own_volunteer(user)
    past_hours = (ServiceRecord.objects.filter(volunteer=past).aggregate(
        total=Sum("hours"))["total"] or ZERO) if past is not None else ZERO
    return {"volunteer": None, "account_name": user.display_name,
            "account_phone": mask_phone(user.phone) if user.phone else "",
            "home_area": user.home_area, "enrol_form": enrol_form or EnrolForm(),
            "past": past, "past_hours": past_hours,
            "certificates": list(past.certificates.order_by("-created_at", "-id")[:RECENT])
            if past is not None else []}


def my_page(request: HttpRequest, volunteer: Volunteer | None, status: int = 200,
            enrol_form: EnrolForm | None = None,
            claim_form: ClaimForm | None = None) -> HttpResponseBase:
    """The user's page: enrolling, or their volunteering (a refused form as posted)."""
    context = (_not_enrolled(request, enrol_form) if volunteer is None
               else _enrolled(request, volunteer, claim_form))
    return render(request, "volunteers/me.html", context, status=status)


def serving(user: User) -> Volunteer:
    """The volunteer the user is (404 for one who is none: there is nothing of theirs)."""
    volunteer = self_service.volunteer_of(user)
    if volunteer is None:
        raise Http404(_("You are not registered as a volunteer."))
    return volunteer


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponseBase:
    return my_page(request, self_service.volunteer_of(account(request)))


@login_required
@require_POST
def me_enrol(request: HttpRequest) -> HttpResponseBase:
    user = account(request)
    form = EnrolForm(request.POST)

    def enrol(data: dict[str, Any]) -> str:
        volunteer = self_service.enrol(user, skills=data["skills"],
                                       party_member=data["party_member"])
        return _("You are registered as a volunteer of %(area)s.") % {
            "area": volunteer.area.name}

    done = run_posted(request, form, enrol, reverse(ME))
    if done is not None:
        return done
    volunteer = self_service.volunteer_of(user)
    if volunteer is not None:  # enrolled already: their page has no enrol form to show it on
        flash_errors(request, form)
    return my_page(request, volunteer, status=400, enrol_form=form)


def reachable_project(volunteer: Volunteer, pk: int) -> Project:
    """A project open to `volunteer` today (missing and out of reach: the same 404)."""
    found = (self_service.projects_open_to(volunteer, timezone.localdate())
             .select_related("area").filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such volunteer project."))
    return found


@login_required
@require_POST
def project_sign_up(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = account(request)
    volunteer = serving(user)
    project = reachable_project(volunteer, pk)
    try:
        self_service.sign_up(project, volunteer, by=user)
    except ValidationError as error:  # a button in a list: its refusal shown as notices
        flash_errors(request, error)
        return my_page(request, volunteer, status=400)
    messages.success(request, _("You signed up to %(project)s.") % {"project": project.name})
    return redirect(ME)


@login_required
@require_POST
def me_claim(request: HttpRequest) -> HttpResponseBase:
    user = account(request)
    volunteer = serving(user)
    form = ClaimForm(request.POST, volunteer=volunteer)

    def claim(data: dict[str, Any]) -> str:
        done = self_service.claim_hours(data["project"], volunteer, by=user,
                                        served_on=data["served_on"], hours=data["hours"],
                                        note=data["note"])
        return _("Your claim of %(hours)s hours on %(day)s waits for the officers of "
                 "%(project)s.") % {"hours": done.hours, "day": done.served_on.isoformat(),
                                    "project": done.project.name}

    return (run_posted(request, form, claim, reverse(ME))
            or my_page(request, volunteer, status=400, claim_form=form))
