"""Wu's night shift at East Road with no signal: he logs three passages offline (a person in
three taps, a car with its passengers, a fever), the phone keeps them and says how many wait,
the network comes back and the queue sends them by itself; a resend of the whole batch (its
answer lost) stores nothing twice, and the checkpoint's figures count each passage once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db.models import Sum
from django.urls import reverse

from epigrid.checkpoints.models import FeverReferral, Passage, PassageHour
from tests.base import World
from tests.checkpoints.passage_helpers import east_road_staff
from tests.e2e.browsing import log_in, offline
from tests.e2e.passage_taps import WAIT_MS, decide, tap, waiting

pytestmark = [pytest.mark.e2e]

QUEUE = "epigrid-passage-queue:{user}"  # his own (web/own-queues.js)


def test_passages_logged_offline_are_sent_once_when_the_network_returns(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    wu = east_road_staff(world)
    checkpoint = world.checkpoint_a
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})

    log_in(page, base, "guard_wu")
    page.wait_for_load_state()
    page.goto(f"{base}{reverse('checkpoints:passage_log', args=[checkpoint.pk])}")
    waiting(page, 0)

    # No signal from here on.
    offline(page, True)

    # The common case in three taps: in, 36.5, pass.
    tap(page, "direction", "in")
    tap(page, "temperature", "36.5")
    decide(page, "pass")
    waiting(page, 1)

    # A car going out with three aboard.
    tap(page, "kind", "vehicle")
    page.fill("#plate", "鄂a·12345")
    page.locator("button.step[data-step='1']").click()
    page.locator("button.step[data-step='1']").click()
    tap(page, "direction", "out")
    tap(page, "temperature", "36.8")
    decide(page, "pass")
    waiting(page, 2)

    # A traveller at 38.1 °C: whatever is tapped, it is a fever referral.
    tap(page, "kind", "person")
    tap(page, "direction", "in")
    page.fill("#temperature_other", "38.1")
    page.locator("#fever-warning").wait_for(state="visible")
    decide(page, "pass")
    waiting(page, 3)
    assert page.locator("#recent li.waiting").count() == 3
    assert Passage.objects.count() == 0
    queue = QUEUE.format(user=wu.pk)
    queued = page.evaluate("(key) => window.localStorage.getItem(key)", queue)
    assert queued and len(json.loads(queued)) == 3

    # The signal returns: the queue sends itself.
    offline(page, False)
    waiting(page, 0)
    assert page.locator("#recent li.sent").count() == 3

    stored = {(p.kind, p.plate, p.passengers, p.direction, str(p.temperature), p.decision)
              for p in Passage.objects.all()}
    assert stored == {("person", "", 1, "in", "36.5", "pass"),
                      ("vehicle", "鄂A12345", 3, "out", "36.8", "pass"),
                      ("person", "", 1, "in", "38.1", "fever")}
    assert FeverReferral.objects.count() == 1

    # The answer was lost (say): the phone sends the same batch again. Nothing doubles.
    page.evaluate("([key, value]) => window.localStorage.setItem(key, value)", [queue, queued])
    # The page shows 0 waiting before it reads the queue again: wait for the resend's answer
    # itself (counting while the server writes would also find SQLite's table locked).
    with page.expect_response(lambda answer: "/api/passages/batch" in answer.url,
                              timeout=WAIT_MS):
        page.evaluate("window.dispatchEvent(new Event('online'))")
    waiting(page, 0)
    assert Passage.objects.count() == 3 and FeverReferral.objects.count() == 1
    counted = PassageHour.objects.filter(checkpoint=checkpoint).aggregate(
        i=Sum("passages_in"), o=Sum("passages_out"), v=Sum("vehicles"), p=Sum("persons"),
        f=Sum("fevers"))
    assert counted == {"i": 2, "o": 1, "v": 1, "p": 5, "f": 1}
    assert page.locator("#refused").is_hidden()
