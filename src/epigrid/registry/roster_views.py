"""The roster export page: a file of the persons of an area within the user's scope.

Masked by default; a user whose role may reveal identities can ask for full values with a reason,
and the export is logged with it (registry.exporters).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from epigrid.areas.forms import AreaFilterField, offer_areas
from epigrid.core.access import Capability, ScopedUser, can, require
from epigrid.core.exports import FORMATS
from epigrid.core.models import ExportRun
from epigrid.registry import exporters

RECENT_RUNS = 5


class RosterExportForm(forms.Form):
    format = forms.ChoiceField(label=_("format"), choices=[(f, f.upper()) for f in FORMATS])
    area = AreaFilterField(label=_("area"), empty_label=_("all of my area"))
    unmasked = forms.BooleanField(label=_("full ID numbers and phones (not masked)"),
                                  required=False)
    reason = forms.CharField(label=_("reason for full values"), required=False, max_length=300,
                             help_text=_("Required for full values; it is logged."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # A list's link names its area (?area=, a village's or a grid's): chosen, and offered.
        offer_areas(self, user)
        if not can(user, Capability.REVEAL_IDENTITY):
            del self.fields["unmasked"], self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("unmasked"):
            try:
                cleaned["reason"] = exporters.check_unmasked(self.user, cleaned.get("reason", ""))
            except ValidationError as error:
                self.add_error("reason", error.message_dict["reason"])
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def roster_export(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    require(user, Capability.EXPORT)
    form = RosterExportForm(request.POST or None, user=user,
                            initial={"area": request.GET.get("area", "")})
    if request.method == "POST" and request.POST.get("unmasked") and \
            not can(user, Capability.REVEAL_IDENTITY):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = exporters.start_roster_export(
            user, area=data["area"], fmt=data["format"], unmasked=bool(data.get("unmasked")),
            reason=data.get("reason", ""))
        return redirect("exports:detail", pk=run.pk)  # its page follows the run
    # Where to find a run again after leaving its page (a district's roster takes a while).
    recent = ExportRun.objects.filter(user=user, exporter="roster")[:RECENT_RUNS]
    return render(request, "registry/roster_export.html", {"form": form, "recent": recent},
                  status=400 if form.is_bound else 200)
