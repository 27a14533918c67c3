"""Security-matrix entries of the case figure routes (merged into the matrix).

Every route takes an area: town A's, so people of town B get 404 and see none of its names.
"""

from __future__ import annotations

from typing import Any

from tests.base import World
from tests.security.matrix import Entry, obj, page


def _town(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk}


def _records(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk, "code": "current_confirmed"}


PAGES: dict[str, Entry] = {
    "cases:figure_index": page(insider_ok=frozenset({302}), shows_a=False),  # to home area
    "cases:figure_area": obj(_town),
    "cases:figure_curve": obj(_town),
    "cases:figure_records": obj(_records),
}
API: dict[str, Entry] = {
    "GET /api/case-figures/areas/{area_id}": obj(_town),
    "GET /api/case-figures/areas/{area_id}/days": obj(_town),
    "GET /api/case-figures/areas/{area_id}/curve": obj(_town),
}
