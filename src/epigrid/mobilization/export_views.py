"""The mobilization export page: the roster of people sent down 下沉干部花名册 (phones masked) or
the ledger of the funds kept in the user's area (or an area of it), written in the background
(core.export_jobs) and followed on its run's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from epigrid.areas.export_page import export_page
from epigrid.mobilization.exporters import SPECS, start_mobilization_export

TITLE = _("Export mobilization records")
INTRO = _(
    "The roster of people sent down to your area (their phones masked), or the ledger of "
    "the funds your area keeps, as CSV or XLSX: written in the background, then ready to "
    "download from its page.")


@login_required
@require_http_methods(["GET", "POST"])
def mobilization_export(request: HttpRequest) -> HttpResponseBase:
    return export_page(request, specs=SPECS, start=start_mobilization_export, title=TITLE,
                       intro=INTRO)
