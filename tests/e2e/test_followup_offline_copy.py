"""Li opens the day's follow-ups once in the street; in the block without signal she opens the
page again from the copy her phone kept, takes Wang Lei's temperature, and it is sent once when
the network returns. A copy kept yesterday takes nothing today: its forms name their day."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.cases.models import FollowUp
from tests.e2e.browsing import offline, under_service_worker
from tests.e2e.followups import open_followups

pytestmark = [pytest.mark.e2e]


def test_the_follow_ups_open_from_their_copy_until_the_day_ends(
        page: Any, live_server: Any, transactional_db: None) -> None:
    quarantine = open_followups(page, live_server.url)
    page.locator("#old-copy[data-offline-kept='yes']").wait_for(state="attached")
    under_service_worker(page)

    offline(page, True)
    page.reload()  # from the copy
    assert page.evaluate("document.documentElement.hasAttribute('data-served-from-copy')")
    expect(page.locator("#old-copy")).to_be_hidden()
    form = page.locator(f"#quarantine-{quarantine.pk} form[data-offline-queue]").first
    slot = form.locator("input[name=slot]").get_attribute("value")
    form.locator(f"#id_q{quarantine.pk}-{slot}-temperature").fill("36.6")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-offline-badge]")).to_have_attribute("data-waiting", "1")

    offline(page, False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("[data-offline-badge][data-waiting='0']").wait_for(state="attached")
    recorded = FollowUp.objects.get()
    assert (recorded.quarantine_id, recorded.slot, recorded.day) == (
        quarantine.pk, slot, timezone.localdate())

    # The next morning, still without signal: the copy says it is yesterday's, and takes nothing.
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    page.clock.set_fixed_time(tomorrow.replace(hour=8, minute=0))
    offline(page, True)
    page.reload()
    expect(page.locator("#old-copy")).to_be_visible()
    assert page.locator("form[data-offline-queue] button[type=submit]:enabled").count() == 0
