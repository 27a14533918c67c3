"""Background work of the registry: recounting a campaign's progress off the request, and the
IDs held in more than one household."""

from __future__ import annotations

from celery import shared_task

from epigrid.registry import duplicates
from epigrid.registry.models import ScreeningCampaign
from epigrid.registry.progress import open_campaigns, recompute


@shared_task(name="epigrid.registry.recompute_progress")
def recompute_progress(campaign_id: int) -> int:
    """Recount every figure of a campaign (a nightly check, or after a bulk import of visits)."""
    campaign = ScreeningCampaign.objects.filter(pk=campaign_id).select_related("area").first()
    return recompute(campaign) if campaign is not None else 0


@shared_task(name="epigrid.registry.recount_duplicates")
def recount_duplicates() -> dict[str, int]:
    """Note every ID held in more than one household, drop those no longer (beat, nightly)."""
    noted, dropped = duplicates.recount()
    return {"noted": noted, "dropped": dropped}


@shared_task(name="epigrid.registry.recompute_open_campaigns")
def recompute_open_campaigns() -> int:
    """Recount every campaign not ended (beat, nightly); how many."""
    campaigns = list(open_campaigns().select_related("area"))
    for campaign in campaigns:
        recompute(campaign)
    return len(campaigns)
