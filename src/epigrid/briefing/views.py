"""The dispatch meeting page 调度会 and the briefing downloads 简报 (DOCX, PDF, XLSX).

Every area comes through `get_area_for_user` (missing and forbidden answer the same 404); the
figures are reporting's stored rows, never counted in the request. The meeting page draws the
briefing's three charts from the same data as the files (chart_data.py), passed to
static/briefing/meeting.js through json_script. A download takes
Capability.EXPORT (403 without it) and builds the briefing in the request (about a second at
district scale; `epigrid briefing` writes the same files from the command line).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from epigrid.areas.access import area_user, get_area_for_user, may_see_path
from epigrid.briefing import chart_data, content, documents, meeting
from epigrid.briefing.meeting import age_of
from epigrid.core.access import Capability, can
from epigrid.core.panels import panels_for
from epigrid.reporting import reading

UNREPORTED_SHOWN = 60  # names on the page; the rest are counted


def _bad(error: reading.BadQueryError) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def meeting_page(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    try:
        day = reading.parse_day(request.GET.get("day"))
    except reading.BadQueryError as error:
        return _bad(error)
    found = meeting.build(area, day, user)
    charts = chart_data.gather(found, user)
    today = timezone.localdate()
    parent = area.parent if area.parent_id else None
    missing = found.unreported or []
    return render(request, "briefing/meeting.html", {
        "area": area, "meeting": found, "day": day, "today": today,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "parent_id": parent.pk if parent and may_see_path(user, parent.path) else None,
        "problems": [(p, age_of(p, day), p.due_on < day) for p in found.problems.oldest],
        "unreported_shown": missing[:UNREPORTED_SHOWN],
        "unreported_more": max(0, len(missing) - UNREPORTED_SHOWN),
        "may_download": can(user, Capability.EXPORT),
        "formats": list(documents.FORMATS),
        "charts": charts, "chart_json": {"charts": [chart.as_json() for chart in charts]},
        # The map of risk levels (dashboards registers it: core.panels).
        "panels": panels_for("meeting", request, found),
    })


@login_required
@require_GET
def download(request: HttpRequest, area_id: int, fmt: str) -> HttpResponse:
    """The briefing of the area and day (`?day=`) as DOCX, PDF or XLSX."""
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    if fmt not in documents.FORMATS:
        raise Http404(_("No such format."))
    if not can(user, Capability.EXPORT):
        raise PermissionDenied(_("Your role may not download the briefing."))
    try:
        day = reading.parse_day(request.GET.get("day"))
    except reading.BadQueryError as error:
        return _bad(error)
    return attachment(content.build(area, day), fmt)


def attachment(briefing: content.Briefing, fmt: str) -> HttpResponse:
    """One format of a briefing as a download (the page and the API)."""
    response = HttpResponse(documents.render(briefing, fmt),
                            content_type=documents.FORMATS[fmt].content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.filename(briefing, fmt)}"')
    return response
