"""Security-matrix entries of the checkpoint figure routes 卡口数据 (merged into the matrix).

`prepare` stores passages at East Road (town A) yesterday and just now, so town A's figures are
not empty, today's busiest checkpoints included.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tests.base import World
from tests.checkpoints.figure_helpers import at, passage, store
from tests.security.matrix import Entry, obj, page


def prepare(w: World) -> None:
    store([passage(w.checkpoint_a, at(timezone.localdate() - datetime.timedelta(days=1), 9)),
           passage(w.checkpoint_a, timezone.now() - datetime.timedelta(minutes=5))])


def _town(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk}


def _checkpoint(w: World) -> dict[str, Any]:
    return {"checkpoint_id": w.checkpoint_a.pk}


PAGES: dict[str, Entry] = {
    "checkpoints:figure_index": page(insider_ok=frozenset({302}), shows_a=False),
    "checkpoints:figure_area": obj(_town, queries=("", "?days=1", "?day=bad")),
    "checkpoints:figure_checkpoint": obj(_checkpoint, queries=("", "?days=31")),
}
API: dict[str, Entry] = {
    "GET /api/passage-figures/areas/{area_id}": obj(_town, queries=("", "?days=1")),
    "GET /api/passage-figures/areas/{area_id}/busiest": obj(_town),
    "GET /api/passage-figures/checkpoints/{checkpoint_id}": obj(_checkpoint),
}
