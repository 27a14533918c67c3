"""Li's round where the towers do not reach (SCENARIOS.md 07:30, "one bar of signal"): she opens
today's list once with a network, and its doors' forms are kept on her phone; in the blocks
without signal she opens the next door, screens it, goes back to the list and on to the next,
each form waiting on the phone; out in the street both are sent, each once, each with a key and
a time of its own. Signing out leaves nothing of the kept pages for the next person."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.registry import services as registry
from epigrid.registry.models import HouseholdVisit
from tests.base import World
from tests.e2e.browsing import log_in, offline, under_service_worker
from tests.security.entries_registry_screening import town_a_campaign

pytestmark = [pytest.mark.e2e]

CACHE = "epigrid-round-v1"
KEPT_KEY = re.compile(r'name="idempotency_key" value="([0-9a-f-]+)"')


def kept_key(page: Any, url: str) -> str:
    """The form key in the copy the phone kept of a door's form."""
    html = page.evaluate("""([name, url]) => caches.open(name).then((cache) =>
        cache.match(url, {ignoreVary: true})).then((hit) => hit.text())""", [CACHE, url])
    found = KEPT_KEY.search(html)
    assert found is not None
    return found.group(1)


def screen(page: Any, temperature_ids: list[str]) -> None:
    for field in temperature_ids:
        page.fill(field, "36.6")
    page.locator("form[data-offline-queue] button[type=submit]").click()
    expect(page.locator("[data-offline-status]")).to_have_text(
        page.locator("form[data-offline-queue]").get_attribute("data-offline-saved") or "")


def test_a_round_without_signal_from_the_forms_kept_on_the_phone(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    campaign = town_a_campaign(world)
    second = registry.create_household(grid=world.grid_a1_1, address="No. 16, East Lane",
                                       number="A-0016", head_name="Zhou Min")
    zhou = registry.create_person(grid=world.grid_a1_1, name="Zhou Min", household=second)
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    first_url = f"/registry/screening/{campaign.pk}/households/{world.household_a.pk}/"
    second_url = f"/registry/screening/{campaign.pk}/households/{second.pk}/"

    # In the street: the list opens, and keeps itself and its doors' forms.
    log_in(page, base, "li")
    page.locator("#unvisited[data-offline-kept='yes']").wait_for(state="attached")
    under_service_worker(page)
    keys = {kept_key(page, first_url), kept_key(page, second_url)}
    opened = timezone.now()

    # In the blocks: no signal. The first door opens from its kept copy, with a key of its own.
    offline(page, True)
    page.locator("#unvisited").get_by_role("link", name="No. 14, East Lane").click()
    page.get_by_role("heading", name="No. 14, East Lane").wait_for()
    assert page.evaluate("document.documentElement.hasAttribute('data-served-from-copy')")
    assert page.input_value("input[name=idempotency_key]") not in keys
    screen(page, [f"#id_m{world.person_a.pk}-temperature",
                  f"#id_m{world.person_a2.pk}-temperature"])

    # Back to the list (its copy), and on to the next door.
    page.go_back()
    page.locator("#unvisited").get_by_role("link", name="No. 16, East Lane").click()
    page.get_by_role("heading", name="No. 16, East Lane").wait_for()
    screen(page, [f"#id_m{zhou.pk}-temperature"])
    expect(page.locator("[data-offline-badge]").first).to_have_attribute("data-waiting", "2")
    assert HouseholdVisit.objects.count() == 0

    # Out in the street: both are sent by themselves, each once.
    offline(page, False)
    page.locator("[data-offline-badge][data-waiting='0']").first.wait_for(state="attached")
    visits = list(HouseholdVisit.objects.order_by("household_id"))
    assert [v.household_id for v in visits] == sorted([world.household_a.pk, second.pk])
    assert all(str(v.idempotency_key) not in keys for v in visits)
    assert all(v.persons_screened >= 1 and v.worker_id == world.li.pk for v in visits)
    # Their time is when she opened each copy, not when the copies were made.
    slack = datetime.timedelta(seconds=5)
    assert all(opened - slack <= v.visited_at <= timezone.now() + slack for v in visits)

    # She signs out: the sign-in page leaves no kept page for whoever signs in next.
    page.locator(f"form[action='{reverse('accounts:logout')}'] button").click()
    expect(page.locator("#id_username")).to_be_visible()
    for _attempt in range(50):
        if not page.evaluate("() => caches.keys()"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => caches.keys()") == []
