"""Zhang at East Road at 08:00 (SCENARIOS.md): a driver from a key area is persuaded to turn back
(劝返), a passenger reads 37.9 and is referred, and the village of destination is told at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from epigrid.alerts.models import Receipt
from epigrid.checkpoints.models import Decision, FeverReferral, Passage
from tests.base import World
from tests.checkpoints.passage_helpers import east_road_staff
from tests.e2e.browsing import log_in
from tests.e2e.passage_taps import decide, tap, waiting

pytestmark = [pytest.mark.e2e]


def test_a_driver_turned_back_and_a_fever_told_to_the_village(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    east_road_staff(world, "guard_zhang")
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, base, "guard_zhang")
    page.wait_for_load_state()
    page.goto(f"{base}{reverse('checkpoints:passage_log', args=[world.checkpoint_a.pk])}")
    waiting(page, 0)

    # The car from Wuhan: 劝返.
    tap(page, "kind", "vehicle")
    page.fill("#plate", "鄂A88888")
    tap(page, "direction", "in")
    tap(page, "temperature", "36.8")
    page.locator("details.more summary").click()
    page.fill("#origin", "武汉")
    decide(page, Decision.TURNED_BACK)
    waiting(page, 0)

    # A passenger at 37.9 going to Village A1: a fever referral, whatever was tapped.
    tap(page, "kind", "person")
    tap(page, "direction", "in")
    page.fill("#temperature_other", "37.9")
    page.locator("#fever-warning").wait_for(state="visible")
    if not page.locator("#destination_area_id").is_visible():
        page.locator("details.more summary").click()
    page.select_option("#destination_area_id", label=world.village_a1.name)
    decide(page, Decision.PASS)
    waiting(page, 0)
    page.locator("#recent li.sent").nth(1).wait_for()

    stored = {(p.kind, p.plate, p.origin, str(p.temperature), p.decision)
              for p in Passage.objects.all()}
    assert stored == {("vehicle", "鄂A88888", "武汉", "36.8", Decision.TURNED_BACK),
                      ("person", "", "", "37.9", Decision.FEVER)}
    referral = FeverReferral.objects.select_related("passage").get()
    assert referral.passage.destination_area_id == world.village_a1.pk
    # The village's grid worker is told at once (in the inbox, counted beside it).
    told = Receipt.objects.filter(user=world.li, read_at=None).values_list("notice__title",
                                                                         flat=True)
    assert list(told) == [f"{world.checkpoint_a.name} 发现发热：37.9 °C"]
