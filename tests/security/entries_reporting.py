"""Security-matrix entries of the daily figures 每日数据 (merged into the matrix).

The day's figures are counted once in `prepare`, so town A's stored rows exist to leak: every
route that takes an area is called with town A's; people of town B get 404 and none of its names
or codes (the DHIS2 document names areas by code).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from epigrid.reporting.services import recompute_day
from tests.base import World
from tests.security.matrix import Entry, obj, page


def prepare(w: World) -> None:
    recompute_day(timezone.localdate())


def _town(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk}


TOWN_A = ("?area={town_a}",)
PAGES: dict[str, Entry] = {
    "reporting:index": page(insider_ok=frozenset({302}), shows_a=False),  # to the home area
    "reporting:area": obj(_town, queries=("", "?day=2020-02-10")),
    # Recounting takes REFRESH_FIGURES, which officers lack: the insider is a command user.
    # A recount writes computed rows only (no audited record), and the same for any area.
    "reporting:refresh": obj(_town, methods=("post",), insider="a_command",
                             insider_ok=frozenset({302})),
}
API: dict[str, Entry] = {
    "GET /api/figures/metrics": page(shows_a=False),  # the registry: no area in it
    "GET /api/figures": page(queries=(*TOWN_A, "?area={town_a}&metric=passages_in")),
    "GET /api/figures/data-value-sets": page(queries=TOWN_A),
    "POST /api/figures/recompute": page(methods=("post",), insider="a_command",
                                        insider_ok=frozenset({200}), shows_a=False),
}
