"""Li's round nearest first (SCENARIOS.md, 07:30: today's list shows the unvisited households
nearest first): she asks for it once, the phone tells where she stands, each visit sends where
its door is when the household has no location yet, and the list is ordered again from the
next door until she goes back to household numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from epigrid.registry import services as registry
from epigrid.registry.models import Household
from tests.base import World
from tests.e2e.browsing import log_in
from tests.security.entries_registry_screening import town_a_campaign

pytestmark = [pytest.mark.e2e]

AT_NO_2 = {"latitude": 30.60010, "longitude": 114.30010}
AT_NO_14 = {"latitude": 30.60700, "longitude": 114.30700, "accuracy": 12}


def addresses(page: Any) -> list[str]:
    return page.locator("#unvisited li a").all_inner_texts()


def test_a_grid_worker_walks_her_round_nearest_first(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    campaign = town_a_campaign(world)
    no_2 = registry.create_household(grid=world.grid_a1_1, address="No. 2, East Lane",
                                     number="A-0002")
    Household.objects.filter(pk=no_2.pk).update(latitude=Decimal("30.6001"),
                                                longitude=Decimal("114.3001"))
    registry.create_household(grid=world.grid_a1_1, address="No. 30, Far Lane", number="A-0030")
    Household.objects.filter(address="No. 30, Far Lane").update(
        latitude=Decimal("30.6100"), longitude=Decimal("114.3100"))
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation(AT_NO_2)

    log_in(page, base, "li")
    page.locator("#done-count").wait_for()
    assert addresses(page) == ["No. 2, East Lane", "No. 14, East Lane", "No. 30, Far Lane"]

    # Nearest first: No. 2 beside her, No. 30 down the road, No. 14 (never located) last.
    page.locator("#nearest-first").click()
    page.wait_for_url("**near=*")
    assert addresses(page) == ["No. 2, East Lane", "No. 30, Far Lane", "No. 14, East Lane"]

    # At No. 14's door the phone's position goes with the visit.
    page.context.set_geolocation(AT_NO_14)
    page.locator("#unvisited").get_by_role("link", name="No. 14, East Lane").click()
    page.get_by_role("heading", name="No. 14, East Lane").wait_for()
    position = page.locator("form[data-locate-door] input[name=position]")
    page.wait_for_function("document.querySelector('input[name=position]').value !== ''")
    assert position.input_value() == "30.607000,114.307000"
    page.fill(f"#id_m{world.person_a.pk}-temperature", "36.7")
    page.locator("form[data-offline-queue] button[type=submit]").click()

    # Back on the list, ordered again from where she stands now: No. 30 is nearer than No. 2.
    page.wait_for_url("**near=30.607000*")
    assert addresses(page) == ["No. 30, Far Lane", "No. 2, East Lane"]
    assert Household.objects.values_list("latitude", "longitude").get(
        pk=world.household_a.pk) == (Decimal("30.607000"), Decimal("114.307000"))

    # By household number again, and it stays so on the next visit to the list.
    page.locator("#by-number").click()
    page.locator("#nearest-first").wait_for(state="attached")
    page.goto(f"{base}/registry/screening/today/?campaign={campaign.pk}")
    page.locator("#done-count").wait_for()
    assert "near=" not in page.url
    assert addresses(page) == ["No. 2, East Lane", "No. 30, Far Lane"]
