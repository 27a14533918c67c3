"""The follow-up stories' start: Li's day's follow-ups on her phone, Wang Lei's temperature due."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from epigrid.cases.models import Quarantine
from tests.base import World
from tests.cases.quarantine_helpers import home_quarantine, placed_yesterday
from tests.e2e.browsing import log_in


def open_followups(page: Any, base: str) -> Quarantine:
    """Wang Lei in home quarantine since yesterday; Li signed in on a phone-sized page, on the
    day's follow-ups."""
    world = World()
    quarantine = placed_yesterday(home_quarantine(world, world.person_a2, started=1))
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, base, "li")
    page.wait_for_url("**/registry/screening/today/")
    page.goto(f"{base}{reverse('cases:followup_today')}")
    return quarantine
