"""Team pages 工作组、突击队、医疗队: the list (with the members on duty today), forming a team, a
team's page with its members, and standing it down 撤编.

Teams come through `restrict(user)` (missing and forbidden answer the same 404); writing is the
area's officers' (MOBILIZE, 403 else), through services.py, whose refusals show on the form.
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
from django.db.models import Count
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
from epigrid.mobilization.models import Deployment, Team, on_duty_q
from epigrid.mobilization.people_forms import (
    StandDownForm,
    TeamEditForm,
    TeamFilterForm,
    TeamForm,
)


@dataclass(frozen=True)
class Member:
    """A member as the team's page shows them: the phone in full to the area's officers, a link
    to their page for those who see their area."""

    person: Deployment
    on_duty: bool
    phone: str
    linked: bool


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    today = timezone.localdate()
    form = TeamFilterForm(request.GET, user=user)
    # The members on duty today counted in the list's own query: no query per row. A grouped
    # query drops the model's ordering: it is named again.
    teams = (form.apply(Team.objects.restrict(user), today).select_related("area")
             .annotate(on_duty=Count("members", filter=on_duty_q(today, "members__")))
             .order_by("area__path", "kind", "name", "id"))
    page = Paginator(teams, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobilization/team_list.html", {
        "form": form, "page": page, "teams": list(page),
        "may_form": can(user, Capability.MOBILIZE)})


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.MOBILIZE)
    form = TeamForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.form_team(
                data["area"], by=user, kind=data["kind"], name=data["name"],
                formed_on=data["formed_on"], batch=data["batch"], sent_by=data["sent_by"],
                duties=data["duties"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(team)s is formed in %(area)s.")
                             % {"team": team.name, "area": team.area.name})
            return redirect("mobilization:team", pk=team.pk)
    return render(request, "mobilization/team_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def members_of(user: Any, team: Team, today: datetime.date) -> list[Member]:
    """The team's members (`access.members_of_team`): on duty first (the leader first), then
    those who left."""
    members = [Member(person, person.is_active(today),
                      person.phone if access.may_mobilize(user, person.area.path)
                      else mask_phone(person.phone), sees(user, person.area.path))
               for person in access.members_of_team(team)]
    return sorted(members, key=lambda m: (not m.on_duty, not m.person.leader))


def _detail(request: HttpRequest, team: Team, status: int = 200,
            stand_down_form: StandDownForm | None = None) -> HttpResponseBase:
    user = area_user(request)
    today = timezone.localdate()
    keeps = access.may_mobilize(user, team.area.path)
    if stand_down_form is None and keeps and team.stood_down_on is None:
        stand_down_form = StandDownForm()
    members = members_of(user, team, today)
    return render(request, "mobilization/team_detail.html", {
        "team": team, "members": members, "keeps": keeps,
        "on_duty": sum(member.on_duty for member in members),
        "stand_down_form": stand_down_form}, status=status)


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, access.get_team_for_user(area_user(request), pk))


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    team = access.get_team_for_user(user, pk)
    access.require_may_mobilize(user, team.area.path)  # before the form: 403 whatever it holds
    form = TeamEditForm.of(team, request.POST or None)

    def correct(data: dict[str, Any]) -> str:
        services.change_team(team, by=user, **data)
        return _("%(team)s is corrected.") % {"team": data["name"]}

    if request.method == "POST" and (done := run_posted(
            request, form, correct, reverse("mobilization:team", args=[pk]))):
        return done
    return render(request, "mobilization/team_edit.html", {"form": form, "team": team},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def team_stand_down(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    team = access.get_team_for_user(user, pk)
    access.require_may_mobilize(user, team.area.path)  # before the form: 403 whatever it holds
    form = StandDownForm(request.POST)

    def stand_down(data: dict[str, Any]) -> str:
        services.stand_down_team(team, by=user, on=data["on"])
        return _("%(team)s stood down; its members on duty left that day.") % {
            "team": team.name}

    return (run_posted(request, form, stand_down, reverse("mobilization:team", args=[pk]))
            or _detail(request, team, status=400, stand_down_form=form))
