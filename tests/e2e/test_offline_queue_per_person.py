"""The phone is shared: Li screens a door without signal and signs out before it is sent; Alice
signs in on the same phone and works online. Li's form is not sent under Alice's session (it
would be filed as Alice's visit); it is sent, as Li's, when Li signs in again."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from epigrid.registry.models import HouseholdVisit
from tests.base import World
from tests.e2e.browsing import log_in, offline
from tests.security.entries_registry_screening import town_a_campaign

pytestmark = [pytest.mark.e2e]


def test_a_form_left_waiting_is_sent_only_under_its_own_persons_session(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    campaign = town_a_campaign(world)
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    door = reverse("registry:screening_household", args=[campaign.pk, world.household_a.pk])

    log_in(page, base, "li")
    page.goto(f"{base}{door}")
    page.fill(f"#id_m{world.person_a.pk}-temperature", "36.6")
    offline(page, True)
    page.locator("form[data-offline-queue] button[type=submit]").click()
    expect(page.locator("[data-offline-badge]").first).to_have_attribute("data-waiting", "1")
    page.context.clear_cookies()  # signed out before the queue's next try
    offline(page, False)

    log_in(page, base, "alice")
    page.goto(f"{base}{door}")  # a page that sends what waits, and says how much
    expect(page.locator("[data-offline-badge]").first).to_have_attribute("data-waiting", "0")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert HouseholdVisit.objects.count() == 0

    log_in(page, base, "li")
    page.locator("[data-offline-badge][data-waiting='0']").first.wait_for(state="attached")
    visit = HouseholdVisit.objects.get()
    assert (visit.household_id, visit.worker_id) == (world.household_a.pk, world.li.pk)
