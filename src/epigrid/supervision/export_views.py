"""The supervision export page: the task ledger 督办台账 or the inspection findings of the
user's area (or an area of it), written in the background (core.export_jobs) and followed on its
run's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from epigrid.areas.export_page import export_page
from epigrid.supervision.exporters import SPECS, start_supervision_export

TITLE = _("Export supervision records")
INTRO = _(
    "The ledger of supervised tasks or the inspection findings and their rectification of "
    "your area, as CSV or XLSX: written in the background, then ready to download from its "
    "page.")


@login_required
@require_http_methods(["GET", "POST"])
def supervision_export(request: HttpRequest) -> HttpResponseBase:
    return export_page(request, specs=SPECS, start=start_supervision_export, title=TITLE,
                       intro=INTRO)
