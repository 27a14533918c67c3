"""Security-matrix entries of the dashboards 数据看板 and the wall screen 大屏 (merged into the
matrix).

The day's figures are counted once in `prepare`, so town A's stored rows exist to leak; its
villages are on the map (A2 by a boundary, A1 by a point), so their names travel in the map data
(and the GeoJSON) too.
People of town B get 404 for town A's dashboard, wall and API, and none of its names or codes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.reporting.services import recompute_day
from tests.base import World
from tests.dashboards.helpers import BOUNDARY_A1
from tests.security.matrix import Entry, obj, page


def prepare(w: World) -> None:
    # Village A2, not A1: the areas entries edit A1 (its form would wipe a boundary) and set
    # risk levels (so no risk level is set here either).
    Area.objects.filter(pk=w.village_a2.pk).update(boundary=BOUNDARY_A1)
    Area.objects.filter(pk=w.village_a1.pk).update(latitude=Decimal("30.6"),
                                                   longitude=Decimal("114.3"))
    recompute_day(timezone.localdate())


def _town(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk}


CHOICES = ("", "?map=new_confirmed&days=30", "?metric=passages_in&trend=passages_in")
PAGES: dict[str, Entry] = {
    "dashboards:index": page(insider_ok=frozenset({302}), shows_a=False),  # to the home area
    "dashboards:area": obj(_town, queries=(*CHOICES, "?day=2020-02-10")),
    "dashboards:wall": obj(_town, queries=(*CHOICES, "?refresh=15")),
}
API: dict[str, Entry] = {
    "GET /api/dashboards/{area_id}": obj(_town, queries=(*CHOICES, "?geo=false")),
}
