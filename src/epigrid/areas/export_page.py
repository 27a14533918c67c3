"""An app's export page (supplies', supervision's, mobilization's): which list, which format,
which area of the user's; the export is written in the background (core.export_jobs) and
followed on its run's page; the user's recent runs of the app's exports are listed below."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.areas.access import area_user
from epigrid.areas.forms import AreaFilterField, offer_areas
from epigrid.core.access import Capability, ScopedUser, require
from epigrid.core.exports import FORMATS
from epigrid.core.imports.registry import ExportSpec
from epigrid.core.models import ExportRun

RECENT_RUNS = 10
Start = Callable[..., ExportRun]  # start(user, kind, fmt=..., area=...)


class AreaExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("what"))
    format = forms.ChoiceField(label=_("format"), choices=[(f, f.upper()) for f in FORMATS])
    area = AreaFilterField(label=_("area"), empty_label=_("all of my area"))

    def __init__(self, *args: Any, specs: Mapping[str, ExportSpec], user: ScopedUser,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [(name, spec.label) for name, spec in specs.items()]
        offer_areas(self, user)


def export_page(request: HttpRequest, *, specs: Mapping[str, ExportSpec], start: Start,
                title: str | Promise, intro: str | Promise) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.EXPORT)
    form = AreaExportForm(request.POST or None, specs=specs, user=user,
                          initial={"area": request.GET.get("area", ""),
                                   "kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = start(user, data["kind"], fmt=data["format"], area=data["area"])
        return redirect("exports:detail", pk=run.pk)  # its page follows the run
    recent = list(ExportRun.objects.filter(exporter__in=list(specs),
                                           user_id=user.pk)[:RECENT_RUNS])
    return render(request, "areas/export_page.html",
                  {"form": form, "recent": recent, "title": title, "intro": intro},
                  status=400 if form.is_bound else 200)
