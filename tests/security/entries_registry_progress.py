"""Security-matrix entries of the registry's progress routes (merged into the matrix).

The campaign is town A's own, so people of town B do not see it at all.
"""

from __future__ import annotations

from typing import Any

from tests.base import World
from tests.registry.progress_helpers import campaign_of
from tests.security.matrix import Entry, obj, page


def _campaign(w: World) -> dict[str, Any]:
    return {"campaign_id": campaign_of(w.town_a, "Matrix round").pk}


def _town(w: World) -> dict[str, Any]:
    return {**_campaign(w), "area_id": w.town_a.pk}


PAGES: dict[str, Entry] = {
    "registry:progress_index": page(),
    "registry:progress_campaign": obj(_campaign, insider_ok=frozenset({302}), shows_a=False),
    "registry:progress_area": obj(_town),
    "registry:progress_recompute": obj(_town, methods=("post",), insider_ok=frozenset({302})),
    "registry:progress_unvisited": obj(_town),
    "registry:progress_abnormal": obj(_town),
    "registry:progress_workers": obj(_town),
}
API: dict[str, Entry] = {
    "GET /api/progress/{campaign_id}/areas/{area_id}": obj(_town),
    # The matrix's campaign has no visit: no one screened is abnormal.
    "GET /api/progress/{campaign_id}/areas/{area_id}/abnormal": obj(_town, shows_a=False),
    "GET /api/progress/{campaign_id}/areas/{area_id}/workers": obj(_town),
    "POST /api/progress/{campaign_id}/areas/{area_id}/recompute": obj(_town, methods=("post",),
                                                                      shows_a=False),
}
