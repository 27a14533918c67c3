"""Progress pages of a screening campaign: an area's figures, its children and days, and the
lists behind every figure (unvisited households, abnormal persons, grid workers' backlogs).

Figures come from the stored ScreeningProgress rows, so a page costs the same few queries for a
district as for a grid. The lists behind them page by key, never by OFFSET.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from epigrid.areas.access import AreaUser, area_user, get_area_for_user, may_see_path, root_area_for
from epigrid.areas.models import Area, Level
from epigrid.core.access import Capability, can, require, subtree_q
from epigrid.core.paging import page_after, split_page
from epigrid.registry import progress_lists
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    ScreeningCampaign,
    ScreeningProgress,
)
from epigrid.registry.progress import SEGMENT, recompute
from epigrid.registry.progress_lists import row_of
from epigrid.registry.screening import campaigns_for

PAGE_SIZE = 50


def get_campaign_for_user(user: AreaUser, pk: int) -> ScreeningCampaign:
    campaign = campaigns_for(user).select_related("area").filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign


def campaign_and_area(user: AreaUser, campaign_id: int,
                      area_id: int) -> tuple[ScreeningCampaign, Area]:
    """The campaign and an area of its subtree that the user sees; anything else is a 404."""
    campaign = get_campaign_for_user(user, campaign_id)
    area = get_area_for_user(user, area_id)
    if not area.path.startswith(campaign.area.path):
        raise Http404(_("No such area in this campaign."))
    return campaign, area


def area_figures(campaign: ScreeningCampaign, area: Area) -> dict[str, Any]:
    """The area's row, its children's rows and its day rows: two queries."""
    # By code, the order of the official lists: "第2网格" before "第10网格", 街道 before 乡.
    children = list(Area.objects.filter(parent=area).order_by("code", "pk"))
    stored = {p.area_id: p for p in ScreeningProgress.objects.filter(
        campaign=campaign, day__isnull=True, area_id__in=[area.pk, *(c.pk for c in children)])}
    days = ScreeningProgress.objects.filter(campaign=campaign, area=area,
                                            day__isnull=False).order_by("day")
    return {
        "figures": row_of(stored.get(area.pk), area),
        "children": [row_of(stored.get(child.pk), child) for child in children],
        "days": [row_of(p, area) for p in days],
        "computed_at": max(filter(None, (stored[area.pk].computed_at,
                                         campaign.progress_computed_at)))
        if area.pk in stored else None,
    }


@login_required
@require_GET
def progress_index(request: HttpRequest) -> HttpResponse:
    """The campaigns the user may follow, each with its figures of the area it opens at (the
    user's own, or the campaign's): how far each is, read at a glance. Two queries."""
    user = area_user(request)
    campaigns = list(campaigns_for(user).select_related("area")[:100])
    home = root_area_for(user)
    starts = {campaign.pk: start_area(user, campaign, home) for campaign in campaigns}
    stored = {(p.campaign_id, p.area_id): p for p in ScreeningProgress.objects.filter(
        campaign__in=campaigns, day__isnull=True,
        area_id__in={area.pk for area in starts.values() if area is not None})}
    rows = [(campaign, area and row_of(stored.get((campaign.pk, area.pk)), area))
            for campaign in campaigns for area in (starts[campaign.pk],)]
    return render(request, "registry/progress_index.html", {"rows": rows})


def start_area(user: AreaUser, campaign: ScreeningCampaign, home: Area | None) -> Area | None:
    """Where the campaign's progress opens for the user: the deeper of its own area and the
    user's home area, or None when the user sees neither."""
    if home is not None and home.path.startswith(campaign.area.path):
        return home
    return campaign.area if may_see_path(user, campaign.area.path) else None


@login_required
@require_GET
def progress_campaign(request: HttpRequest, campaign_id: int) -> HttpResponseBase:
    """Open a campaign at the deeper of its own area and the user's home area."""
    user = area_user(request)
    campaign = get_campaign_for_user(user, campaign_id)
    start = start_area(user, campaign, root_area_for(user))
    if start is None:
        raise Http404(_("No such campaign."))
    return redirect("registry:progress_area", campaign_id=campaign.pk, area_id=start.pk)


@login_required
@require_GET
def progress_area(request: HttpRequest, campaign_id: int, area_id: int) -> HttpResponse:
    campaign, area = campaign_and_area(area_user(request), campaign_id, area_id)
    user = area_user(request)
    context = {
        "campaign": campaign, "area": area, **area_figures(campaign, area),
        "parent_id": area.parent_id if area.path != campaign.area.path
        and may_see_path(user, area.path[:-SEGMENT]) else None,
        "is_grid": area.level == Level.GRID,
        "may_recompute": can(user, Capability.MANAGE_CAMPAIGNS),
    }
    return render(request, "registry/progress_area.html", context)


@login_required
@require_POST
def progress_recompute(request: HttpRequest, campaign_id: int, area_id: int) -> HttpResponse:
    campaign, area = campaign_and_area(area_user(request), campaign_id, area_id)
    require(area_user(request), Capability.MANAGE_CAMPAIGNS)
    rows = recompute(campaign)
    messages.success(request, _("Progress recomputed: %(rows)d figures.") % {"rows": rows})
    return redirect("registry:progress_area", campaign_id=campaign.pk, area_id=area.pk)


def _keyset(request: HttpRequest) -> tuple[str, int] | None:
    """The `after` cursor "<area_path>,<id>" of the last row shown, or None on the first page."""
    path, _sep, pk = request.GET.get("after", "").rpartition(",")
    return (path, int(pk)) if path and pk.isdigit() else None


@login_required
@require_GET
def progress_unvisited(request: HttpRequest, campaign_id: int, area_id: int) -> HttpResponse:
    """The area's households not visited in the campaign, by grid, a page at a time."""
    campaign, area = campaign_and_area(area_user(request), campaign_id, area_id)
    visited = HouseholdVisit.objects.filter(campaign=campaign, household=OuterRef("pk"))
    households = (Household.objects.restrict(area_user(request)).filter(
        subtree_q("area_path", area.path)).filter(~Exists(visited))
        .select_related("grid").order_by("area_path", "id"))
    after = _keyset(request)
    if after is not None:
        households = households.filter(area_path__gte=after[0]).exclude(
            area_path=after[0], id__lte=after[1])
    page, more = split_page(list(households[:PAGE_SIZE + 1]), PAGE_SIZE)
    return render(request, "registry/progress_unvisited.html", {
        "campaign": campaign, "area": area, "households": page,
        "next_after": f"{page[-1].area_path},{page[-1].pk}" if more else ""})


@login_required
@require_GET
def progress_abnormal(request: HttpRequest, campaign_id: int, area_id: int) -> HttpResponse:
    """Persons screened with an outcome other than normal in the area, newest first."""
    campaign, area = campaign_and_area(area_user(request), campaign_id, area_id)
    after = request.GET.get("after", "")
    page, last = page_after(progress_lists.abnormal_screenings(campaign, area),
                            int(after) if after.isdigit() else None, PAGE_SIZE,
                            newest_first=True)
    return render(request, "registry/progress_abnormal.html", {
        "campaign": campaign, "area": area, "screenings": page,
        "next_after": str(last) if last is not None else ""})


@login_required
@require_GET
def progress_workers(request: HttpRequest, campaign_id: int, area_id: int) -> HttpResponse:
    """Each grid worker of the area with their grid's unvisited households."""
    campaign, area = campaign_and_area(area_user(request), campaign_id, area_id)
    after = request.GET.get("after", "")
    rows, next_after = progress_lists.worker_rows(
        campaign, area, int(after) if after.isdigit() else None, PAGE_SIZE)
    return render(request, "registry/progress_workers.html", {
        "campaign": campaign, "area": area, "rows": rows, "next_after": next_after or ""})
