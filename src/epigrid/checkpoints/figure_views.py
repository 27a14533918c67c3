"""Checkpoint figure pages 卡口数据: an area's passages rolled up by day, hour and child area with
its busiest checkpoints, and one checkpoint's days and hours with drill-downs to its passages.

Areas and checkpoints are fetched through `get_area_for_user` / `get_site_for_user` (missing and
forbidden are the same 404); figures come from figures.py (PassageHour only).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from epigrid.areas.access import area_user, get_area_for_user, get_site_for_user
from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints import figures
from epigrid.checkpoints.models import Decision
from epigrid.checkpoints.periods import Period, parse_period


def chart_labels() -> dict[str, str]:
    return {"passages_in": _("In"), "passages_out": _("Out"), "vehicles": _("Vehicles"),
            "turned_back": _("Turned back"), "fevers": _("Fevers")}


def period_of(request: HttpRequest) -> tuple[Period, list[str]]:
    """The page's period, or the default week with the reasons the asked one was refused."""
    try:
        return parse_period(request.GET.get("day"), request.GET.get("days")), []
    except ValidationError as exc:
        return parse_period(None, None), exc.messages


def breadcrumbs(user: Any, area: Area) -> list[Area]:
    """The area's ancestors the user may open (below their home area), then the area."""
    ids = area.ancestor_ids()
    seen = {a.pk: a for a in Area.objects.restrict(user).filter(pk__in=ids)}
    return [seen[pk] for pk in ids if pk in seen] + [area]


@login_required
@require_GET
def figure_area(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    area = get_area_for_user(user, area_id)
    period, errors = period_of(request)
    found = figures.area_figures(user, area, period)
    busiest = [(checkpoint, counts, drill_links(checkpoint, period.last))
               for checkpoint, counts in figures.busiest(user, area, period.last)]
    return render(request, "checkpoints/figure_area.html", {
        "area": area, "trail": breadcrumbs(user, area), "period": period, "errors": errors,
        **found, "busiest": busiest, "chart": figures.chart_data(found["hours"]),
        "labels": chart_labels()})


@login_required
@require_GET
def figure_checkpoint(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    user = area_user(request)
    checkpoint = get_site_for_user(Checkpoint, user, checkpoint_id)
    period, errors = period_of(request)
    found = figures.checkpoint_figures(user, checkpoint, period)
    last_day = [(hour, counts) for hour, counts in found["hours"]
                if hour.date() == period.last]
    return render(request, "checkpoints/figure_checkpoint.html", {
        "checkpoint": checkpoint, "trail": breadcrumbs(user, checkpoint.area),
        "period": period, "errors": errors, "total": found["total"],
        "days": [(day, counts, drill_links(checkpoint, day)) for day, counts in found["days"]],
        "last_day": [(hour, counts, drill_links(checkpoint, period.last, hour.hour))
                     for hour, counts in last_day],
        "chart": figures.chart_data(found["hours"]), "labels": chart_labels()})


def drill_links(checkpoint: Checkpoint, day: datetime.date,
                hour: int | None = None) -> dict[str, str | None]:
    """Links from a row's figures to its passages: all, and each decision."""
    return {"all": figures.passage_list_url(checkpoint, day, hour),
            "turned_back": figures.passage_list_url(checkpoint, day, hour, Decision.TURNED_BACK),
            "referred": figures.passage_list_url(checkpoint, day, hour, Decision.QUARANTINE),
            "fevers": figures.passage_list_url(checkpoint, day, hour, Decision.FEVER)}
