"""Dashboard pages 数据看板: the index that opens the user's own area, an area's dashboard, and
its wall screen 大屏 (full screen, dark, no navigation, refreshing itself from the API).

Every area is fetched through `get_area_for_user` (missing and forbidden are the same 404); the
figures are the stored rows (board.read_board), never counted in the request. A bad choice
answers 400 naming the parameter.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from epigrid.areas.access import area_user, get_area_for_user, may_see_path
from epigrid.areas.models import SEGMENT_WIDTH, Area, RiskLevel
from epigrid.dashboards import board, choices
from epigrid.reporting.metrics import families
from epigrid.reporting.reading import BadQueryError


def _bad(error: BadQueryError) -> HttpResponse:
    return HttpResponse(f"{error.field}: {error}", status=400,
                        content_type="text/plain; charset=utf-8")


def _parent_id(request: HttpRequest, area: Area) -> int | None:
    """The parent's id when the user may see it (read from the path: no query)."""
    if area.parent_id is None:
        return None
    parent_path = area.path[: -(SEGMENT_WIDTH + 1)]
    return area.parent_id if may_see_path(area_user(request), parent_path) else None


def chart_labels() -> dict[str, Any]:
    """The words the charts draw, translated on the page (the JavaScript has none)."""
    return {
        "risk": {level: str(label) for level, label in RiskLevel.choices},
        "risk_title": _("Risk level"), "longitude": _("Longitude"), "latitude": _("Latitude"),
        "no_data": _("not counted"), "updated": _("Updated"), "failed": _("Refresh failed; "
                                                                         "retrying."),
        "change": _("since yesterday"),
    }


def _context(request: HttpRequest, area_id: int) -> dict[str, Any] | HttpResponse:
    user = area_user(request)
    found = get_area_for_user(user, area_id)
    try:
        choice = choices.parse_choice(dict(request.GET.lists()))
    except BadQueryError as error:
        return _bad(error)
    shown = board.read_board(found, choice, user)
    return {"area": found, "board": shown, "choice": choice, "data": shown.as_json(),
            "labels": chart_labels(), "today": timezone.localdate(),
            "parent_id": _parent_id(request, found)}


@login_required
@require_GET
def area(request: HttpRequest, area_id: int) -> HttpResponse:
    context = _context(request, area_id)
    if isinstance(context, HttpResponse):
        return context
    choice: choices.Choice = context["choice"]
    chosen = {m.code for m in choice.figures}
    trended = {m.code for m in choice.trend}
    context.update({
        "families": [(family, [(m, m.code in chosen, m.code in trended) for m in family.metrics])
                     for family in families()],
        "trend_days": choices.TREND_DAYS, "by_risk": choices.BY_RISK,
        "wall_url": reverse("dashboards:wall", args=(area_id,)) + "?" + choice.query(),
    })
    return render(request, "dashboards/area.html", context)


@login_required
@require_GET
def wall(request: HttpRequest, area_id: int) -> HttpResponse:
    """The wall screen: the same data, refetched every `refresh` seconds (the day is always
    today, so the screen rolls over at midnight)."""
    if "day" in request.GET:
        return _bad(BadQueryError("day", _("The wall screen always shows today.")))
    try:
        seconds = choices.parse_refresh(request.GET.get("refresh"))
    except BadQueryError as error:
        return _bad(error)
    context = _context(request, area_id)
    if isinstance(context, HttpResponse):
        return context
    choice: choices.Choice = context["choice"]
    context["wall"] = {
        "url": reverse("api:dashboard", args=(area_id,)) + "?" + choice.query() + "&geo=false",
        "refresh_seconds": seconds,
    }
    return render(request, "dashboards/wall.html", context)
