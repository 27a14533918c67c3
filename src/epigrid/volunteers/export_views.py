"""The volunteers export page: the roster of volunteers 志愿者花名册 (phones masked) or the hours
served 服务时长 on the projects of the user's area (or an area of it), written in the background
(core.export_jobs) and followed on its run's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from epigrid.areas.export_page import export_page
from epigrid.volunteers.exporters import SPECS, start_volunteers_export

TITLE = _("Export volunteer records")
INTRO = _(
    "The roster of your area's volunteers (their phones masked, with the hours each has "
    "served), or the hours served on your area's projects, as CSV or XLSX: written in the "
    "background, then ready to download from its page.")


@login_required
@require_http_methods(["GET", "POST"])
def volunteers_export(request: HttpRequest) -> HttpResponseBase:
    return export_page(request, specs=SPECS, start=start_volunteers_export, title=TITLE,
                       intro=INTRO)
