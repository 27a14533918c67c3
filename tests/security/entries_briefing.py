"""Security-matrix entries of the briefing app: the dispatch meeting 调度会 and the briefing 简报
(merged into the matrix).

Every route takes an area: town A's. Outsiders (town B) get 404 and none of town A's names. The
download is called in XLSX (no charts: the quickest of the three formats to build).
"""

from __future__ import annotations

from typing import Any

from tests.base import World
from tests.security.matrix import Entry, obj, page


def _town(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk}


TOWN_A = "?area={town_a}"
PAGES: dict[str, Entry] = {
    "briefing:index": page(insider_ok=frozenset({302}), shows_a=False),  # to the home area
    "briefing:meeting": obj(_town, queries=("", "?day=2020-02-10")),
    "briefing:download": obj(lambda w: {**_town(w), "fmt": "xlsx"}, shows_a=False),
}
API: dict[str, Entry] = {
    "GET /api/briefing/meeting": page(queries=(TOWN_A, TOWN_A + "&day=2020-02-10")),
    "GET /api/briefing/document": page(queries=(TOWN_A + "&format=xlsx",), shows_a=False),
}
