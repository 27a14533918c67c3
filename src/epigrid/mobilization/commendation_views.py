"""Commendation pages 表彰: the list of honours given in the user's areas, and recording one for
a person sent down, a team, or someone named.

A commendation's person or team is of its area's subtree (services.commend), so whoever sees
the commendation sees them too: the list links them without a query per row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from epigrid.areas.access import area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.mobilization import services
from epigrid.mobilization.models import Commendation
from epigrid.mobilization.people_forms import CommendationFilterForm, CommendationForm


@login_required
@require_GET
def commendation_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = CommendationFilterForm(request.GET, user=user)
    found = form.apply(Commendation.objects.restrict(user)).select_related("area")
    page = Paginator(found, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobilization/commendation_list.html", {
        "form": form, "page": page, "commendations": list(page),
        "may_commend": can(user, Capability.MOBILIZE)})


def _initial(request: HttpRequest) -> dict[str, Any]:
    """The person or team a link asks to commend (?deployment= or ?team=): the form's menus
    accept only those the user sees."""
    return {name: int(request.GET[name]) for name in ("deployment", "team")
            if request.GET.get(name, "").isdigit()}


@login_required
@require_http_methods(["GET", "POST"])
def commendation_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.MOBILIZE)
    form = CommendationForm(request.POST or None, user=user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            honour = services.commend(
                data["area"], by=user, honour=data["honour"], awarded_on=data["awarded_on"],
                awarded_by=data["awarded_by"], deployment=data["deployment"],
                team=data["team"], recipient=data["recipient"], citation=data["citation"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(recipient)s is commended: %(honour)s.")
                             % {"recipient": honour.recipient, "honour": honour.honour})
            return redirect("mobilization:commendations")
    return render(request, "mobilization/commendation_form.html", {"form": form},
                  status=400 if form.is_bound else 200)
