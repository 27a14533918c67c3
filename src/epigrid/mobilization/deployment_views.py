"""Pages of the people sent down 下沉人员: the list (on duty today unless asked), recording a
person sent down, a person's page with their commendations, and recalling them 返岗.

People come through `restrict(user)` (missing and forbidden answer the same 404). Their phone
is a work contact: masked in the list, in full on the person's page only to the officers of
their area. Writing is MOBILIZE's (403 else), through services.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user, sees
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors, run_posted
from epigrid.core.identity import mask_phone
from epigrid.mobilization import access, services
from epigrid.mobilization.models import Commendation, Deployment, Team
from epigrid.mobilization.people_forms import (
    DeploymentEditForm,
    DeploymentFilterForm,
    DeploymentForm,
    RecallForm,
)


def days_on_duty(person: Deployment, today: datetime.date) -> int:
    """Days worked in the area, the first and the last counted (0 before arriving)."""
    last = min(person.left_on or today, today)
    return max((last - person.arrived_on).days + 1, 0)


@dataclass(frozen=True)
class Row:
    """A person as the list shows them: the phone always masked; the team linked when the
    viewer sees it (a village's officer sees a member of the town's team, not the team)."""

    person: Deployment
    phone: str
    days: int
    team_link: bool

    @classmethod
    def of(cls, user: Any, person: Deployment, today: datetime.date) -> Row:
        team = person.team
        return cls(person, mask_phone(person.phone), days_on_duty(person, today),
                   team is not None and sees(user, team.area.path))


@login_required
@require_GET
def deployment_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    today = timezone.localdate()
    form = DeploymentFilterForm(request.GET, user=user)
    people = (form.apply(Deployment.objects.restrict(user), today)
              .select_related("area", "team__area"))
    page = Paginator(people, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobilization/deployment_list.html", {
        "form": form, "page": page, "rows": [Row.of(user, person, today) for person in page],
        "may_deploy": can(user, Capability.MOBILIZE)})


def _asked_team(user: Any, raw: str) -> Team | None:
    """The team a link asks to add a member to (?team=), if the user sees it."""
    if not raw.isdigit():
        return None
    return Team.objects.restrict(user).select_related("area").filter(pk=int(raw)).first()


@login_required
@require_http_methods(["GET", "POST"])
def deployment_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.MOBILIZE)
    initial: dict[str, Any] = {}
    if team := _asked_team(user, request.GET.get("team", "")):
        initial = {"team": team.pk, "area": team.area_id}
    form = DeploymentForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.deploy(
                data["area"], by=user, name=data["name"], unit=data["unit"],
                phone=data["phone"], arrived_on=data["arrived_on"], team=data["team"],
                post=data["post"], party_member=data["party_member"], leader=data["leader"],
                duties=data["duties"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is recorded as sent down to %(area)s.")
                             % {"name": person.name, "area": person.area.name})
            return redirect("mobilization:deployment", pk=person.pk)
    return render(request, "mobilization/deployment_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _detail(request: HttpRequest, person: Deployment, status: int = 200,
            recall_form: RecallForm | None = None) -> HttpResponseBase:
    user = area_user(request)
    today = timezone.localdate()
    keeps = access.may_mobilize(user, person.area.path)
    if recall_form is None and keeps and person.left_on is None:
        recall_form = RecallForm()
    commendations = Commendation.objects.restrict(user).filter(deployment=person)
    return render(request, "mobilization/deployment_detail.html", {
        "person": person, "keeps": keeps, "on_duty": person.is_active(today),
        "phone": person.phone if keeps else mask_phone(person.phone),
        "days": days_on_duty(person, today), "commendations": commendations,
        # The team is named, and linked only when the viewer sees it (its area may be above).
        "team_link": person.team is not None and sees(user, person.team.area.path),
        "recall_form": recall_form}, status=status)


@login_required
@require_GET
def deployment_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, access.get_deployment_for_user(area_user(request), pk))


@login_required
@require_http_methods(["GET", "POST"])
def deployment_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    person = access.get_deployment_for_user(user, pk)
    access.require_may_mobilize(user, person.area.path)  # before the form: 403 whatever it holds
    form = DeploymentEditForm.of(person, request.POST or None)

    def correct(data: dict[str, Any]) -> str:
        services.change_deployment(person, by=user, **data)
        return _("The record of %(name)s is corrected.") % {"name": data["name"]}

    if request.method == "POST" and (done := run_posted(
            request, form, correct, reverse("mobilization:deployment", args=[pk]))):
        return done
    return render(request, "mobilization/deployment_edit.html", {"form": form,
                                                                 "person": person},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def deployment_recall(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    person = access.get_deployment_for_user(user, pk)
    access.require_may_mobilize(user, person.area.path)  # before the form: 403 whatever it holds
    form = RecallForm(request.POST)

    def recall(data: dict[str, Any]) -> str:
        services.recall(person, by=user, on=data["on"])
        return _("%(name)s left the area on %(day)s.") % {
            "name": person.name, "day": data["on"].isoformat()}

    return (run_posted(request, form, recall, reverse("mobilization:deployment", args=[pk]))
            or _detail(request, person, status=400, recall_form=form))
