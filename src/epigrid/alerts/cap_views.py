"""The public list of risk areas 中高风险地区 and its CAP feed 风险等级公告 (alerts.cap): the page
residents read, the Atom index of the messages in force, and one message. Public by design, as
the published list of risk areas is: no login, and nothing but the areas, their levels and the
days (`EPIGRID_CAP_FEED=false` answers 404 instead)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from epigrid.alerts import cap
from epigrid.areas.models import RiskLevel, RiskLevelChange

INDEX_SIZE = 500  # more areas than a city has above low at once


def _open() -> None:
    if not settings.CAP_FEED:
        raise Http404


@require_GET
def cap_index(request: HttpRequest) -> HttpResponse:
    _open()
    changes = cap.in_force()[:INDEX_SIZE]
    body = cap.index_xml(
        changes, lambda change: request.build_absolute_uri(
            reverse("alerts:cap_alert", args=[change.pk])),
        request.build_absolute_uri(reverse("alerts:cap_index")))
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@require_GET
def cap_alert(request: HttpRequest, pk: int) -> HttpResponse:
    _open()
    change = get_object_or_404(RiskLevelChange.objects.select_related("area"), pk=pk)
    return HttpResponse(cap.alert_xml(change), content_type="application/cap+xml; charset=utf-8")


@require_GET
def risk_areas(request: HttpRequest) -> HttpResponse:
    """中高风险地区: the areas above low, high first, each with the day its level took effect."""
    _open()
    changes = list(cap.in_force().exclude(level=RiskLevel.LOW)[:INDEX_SIZE])
    named = cap.places(change.area for change in changes)
    rows = sorted(((change, named[change.area.path]) for change in changes),
                  key=lambda row: (row[0].level != RiskLevel.HIGH, row[1]))
    return render(request, "alerts/risk_areas.html", {
        "rows": rows, "high": sum(1 for change in changes if change.level == RiskLevel.HIGH),
        "medium": sum(1 for change in changes if change.level == RiskLevel.MEDIUM)})
