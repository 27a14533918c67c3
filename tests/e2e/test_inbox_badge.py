"""Alice's page has stayed open since the morning: a notice sent meanwhile shows beside "Inbox"
when she comes back to it, and the count falls once she has read it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from epigrid.alerts.services import notify
from epigrid.core.access import Role
from tests.base import World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]


def test_a_notice_sent_while_the_page_is_open_shows_beside_the_inbox(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    base = live_server.url
    log_in(page, base, "alice")
    inbox = page.locator("a[data-unread-url]")
    expect(inbox).to_have_attribute("data-unread", "0")
    expect(inbox.locator(".unread")).to_be_hidden()

    notify([world.town_a], [Role.AREA_OFFICER], "Fever at East Road checkpoint")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # she looks back
    expect(inbox.locator(".unread")).to_have_text("1")

    inbox.click()
    page.get_by_role("button", name="Fever at East Road checkpoint").click()
    page.goto(f"{base}/alerts/")
    expect(page.locator("a[data-unread-url]")).to_have_attribute("data-unread", "0")
