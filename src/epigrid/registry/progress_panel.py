"""The screening figures on the area page (registered with core.panels, "area").

At 10:00 the village officer opens her village and sees, for each campaign running today that
covers it, the share of its households visited, the persons screened and those with an abnormal
outcome 异常, each linking to the progress page behind it: no figure typed again.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.areas.models import Area
from epigrid.registry.models import ScreeningProgress
from epigrid.registry.progress_lists import row_of
from epigrid.registry.screening import active_campaigns, covering_paths

PANEL_CAMPAIGNS = 3


def area_panel(request: HttpRequest, area: Area) -> SafeString | None:
    """Nothing where no campaign covers the area today: two queries otherwise."""
    campaigns = list(active_campaigns(area_user(request)).filter(
        area_path__in=covering_paths(area.path)).order_by("-starts_on", "-pk")[:PANEL_CAMPAIGNS])
    if not campaigns:
        return None
    stored = {progress.campaign_id: progress for progress in ScreeningProgress.objects.filter(
        campaign__in=campaigns, area=area, day__isnull=True)}
    return SafeString(render_to_string("registry/progress__area_panel.html", {
        "area": area, "rows": [(campaign, row_of(stored.get(campaign.pk), area))
                               for campaign in campaigns]}, request=request))
