"""A town officer follows her town's round from the top (SCENARIOS.md, 10:00): the town's count
from the stored figures, down a village to a grid's households and back up, then two more days
for the campaign."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.utils import timezone

from epigrid.registry import progress, screening
from epigrid.registry import services as registry
from epigrid.registry.models import ScreeningCampaign
from tests.base import World
from tests.e2e.browsing import log_in
from tests.security.entries_registry_screening import town_a_campaign

pytestmark = [pytest.mark.e2e]


def test_a_town_officer_narrows_the_round_and_extends_the_campaign(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    campaign = town_a_campaign(world)
    registry.create_household(grid=world.grid_a1_1, address="No. 2, East Lane", number="A-0002")
    registry.create_household(grid=world.grid_a2_1, address="No. 9, Hill Road")
    screening.record_visit(campaign, world.household_a, world.li, uuid.uuid4())
    progress.recompute(campaign)
    base = live_server.url

    log_in(page, base, "alice")
    page.get_by_role("button", name="English").click()
    page.goto(f"{base}/registry/screening/today/")

    # Her town: one of three households done, from the stored figures, and its villages.
    count = page.locator("#done-count")
    assert count.inner_text().startswith("1/3")
    areas = page.locator("#round-areas")
    assert "1/2 done, 1 to visit" in areas.get_by_role("listitem").filter(
        has_text="Village A1").inner_text()

    # Down to Village A1, then to its first grid: the household left to visit there.
    areas.get_by_role("link", name="Village A1").click()
    page.get_by_role("link", name="Grid A1-1").wait_for()
    assert count.inner_text().startswith("1/2")
    page.locator("#round-areas").get_by_role("link", name="Grid A1-1").click()
    page.locator("#unvisited").get_by_role("link", name="No. 2, East Lane").wait_for()
    assert "No. 9, Hill Road" not in page.locator("#unvisited").inner_text()
    page.get_by_role("link", name="Up one level").click()
    page.locator("#round-areas").get_by_role("link", name="Grid A1-2").wait_for()

    # The round needs two more days: she extends the campaign from its page.
    page.get_by_role("link", name=campaign.name).click()
    page.get_by_role("link", name="Change name or dates").click()
    ends = timezone.localdate() + datetime.timedelta(days=3)
    page.fill("#id_ends_on", ends.isoformat())
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=campaign.name).wait_for()
    assert ends.isoformat() in page.content()
    assert ScreeningCampaign.objects.get(pk=campaign.pk).ends_on == ends
