"""The supervision export page: the task ledger 督办台账 or the inspection findings of the
user's area (or an area of it), written in the background (core.export_jobs) and followed on its
run's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from epigrid.areas.access import area_user
from epigrid.areas.forms import AreaFilterField, offer_areas
from epigrid.core.access import Capability, ScopedUser, require
from epigrid.core.exports import FORMATS
from epigrid.core.models import ExportRun
from epigrid.supervision.exporters import SPECS, start_supervision_export

RECENT_RUNS = 10


class SupervisionExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("what"), choices=[(name, spec.label)
                                                       for name, spec in SPECS.items()])
    format = forms.ChoiceField(label=_("format"), choices=[(f, f.upper()) for f in FORMATS])
    area = AreaFilterField(label=_("area"), empty_label=_("all of my area"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)


@login_required
@require_http_methods(["GET", "POST"])
def supervision_export(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.EXPORT)
    form = SupervisionExportForm(request.POST or None, user=user,
                                 initial={"area": request.GET.get("area", ""),
                                          "kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = start_supervision_export(user, data["kind"], fmt=data["format"],
                                       area=data["area"])
        return redirect("exports:detail", pk=run.pk)  # its page follows the run
    mine = ExportRun.objects.filter(exporter__in=list(SPECS), user_id=user.pk)
    recent = list(mine[:RECENT_RUNS])
    return render(request, "supervision/export.html", {"form": form, "recent": recent},
                  status=400 if form.is_bound else 200)
