"""Wu's phone at East Road loses its signal and he reloads the page (or the phone closes the
browser): the passage log opens again from the copy its service worker kept, with the passages
still waiting, takes one more, and sends them all, once, when the network returns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from epigrid.checkpoints.models import Passage
from tests.base import World
from tests.checkpoints.passage_helpers import east_road_staff
from tests.e2e.browsing import log_in, offline, under_service_worker
from tests.e2e.passage_taps import decide, tap, waiting

pytestmark = [pytest.mark.e2e]


def test_the_passage_log_opens_offline_with_its_queue_and_sends_it_later(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    east_road_staff(world)
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, base, "guard_wu")
    page.goto(f"{base}{reverse('checkpoints:passage_log', args=[world.checkpoint_a.pk])}")
    waiting(page, 0)
    # The page's first opening installs the worker, which takes the page over at once.
    under_service_worker(page)

    # ...and the page keeps its own copy, with its scripts and styles, for the worker to serve.
    assert page.evaluate("""() => new Promise((done) => {
        const look = () => caches.match(location.pathname).then((hit) =>
            hit ? done(true) : setTimeout(look, 100));
        look();
    })""")

    offline(page, True)
    tap(page, "direction", "in")
    tap(page, "temperature", "36.5")
    decide(page, "pass")
    waiting(page, 1)

    page.reload()  # no network: the kept copy, its scripts and styles
    waiting(page, 1)
    assert page.locator("#recent li.waiting").count() == 1
    tap(page, "direction", "out")
    tap(page, "temperature", "36.8")
    decide(page, "pass")
    waiting(page, 2)
    assert Passage.objects.count() == 0

    offline(page, False)
    waiting(page, 0)
    assert sorted(Passage.objects.values_list("direction", "temperature")) == [
        ("in", Decimal("36.5")), ("out", Decimal("36.8"))]
