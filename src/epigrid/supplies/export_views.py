"""The supplies export page: the stock, the ledger or the donations of the user's area (or an
area of it), written in the background (core.export_jobs) and followed on its run's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from epigrid.areas.export_page import export_page
from epigrid.supplies.exporters import SPECS, start_supplies_export

TITLE = _("Export supplies")
INTRO = _(
    "The stock by warehouse and item, the ledger of movements or the donations of your "
    "area, as CSV or XLSX: written in the background, then ready to download from its page.")


@login_required
@require_http_methods(["GET", "POST"])
def supplies_export(request: HttpRequest) -> HttpResponseBase:
    return export_page(request, specs=SPECS, start=start_supplies_export, title=TITLE,
                       intro=INTRO)
