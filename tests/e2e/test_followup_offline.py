"""Li takes Wang Lei's morning temperature at his door, where the phone has one bar (SCENARIOS.md,
07:30): the send fails, the page keeps the reading and sends it when the network returns; it is
stored once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from epigrid.cases.models import FollowUp
from tests.e2e.browsing import offline
from tests.e2e.followups import open_followups

pytestmark = [pytest.mark.e2e]


def test_a_follow_up_survives_a_failed_send(
        page: Any, live_server: Any, transactional_db: None) -> None:
    quarantine = open_followups(page, live_server.url)
    card = page.locator(f"#quarantine-{quarantine.pk}")
    form = card.locator("form[data-offline-queue]").first
    slot = form.locator("input[name=slot]").get_attribute("value")
    form.locator(f"#id_q{quarantine.pk}-{slot}-temperature").fill("36.7")

    offline(page, True)
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-offline-status]")).to_have_text(
        form.get_attribute("data-offline-saved") or "")
    badge = page.locator("[data-offline-badge]")
    expect(badge).to_have_attribute("data-waiting", "1")
    assert FollowUp.objects.count() == 0

    offline(page, False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("[data-offline-badge][data-waiting='0']").wait_for(state="attached")
    expect(form.locator("[data-offline-status]")).to_have_text(
        form.get_attribute("data-offline-sent") or "")
    recorded = FollowUp.objects.get()
    assert (recorded.quarantine_id, recorded.slot, str(recorded.temperature)) == (
        quarantine.pk, slot, "36.7")

    # She taps save again on the same form: the server knows the reading already.
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**{reverse('cases:followup_today')}")
    expect(page.locator("ul.messages")).to_contain_text("Wang Lei")
    assert FollowUp.objects.count() == 1
