"""Stored figures for the dashboard tests, written as the recount would store them.

`store` writes a DailyFigures row (the report `values` and `now` alike, unless `now` differs);
`fortnight` stores town A's last 14 days: on day d (0 = 14 days ago .. 13 = today) new_confirmed
is d, current_confirmed 100 + d; its villages today: A1 7 new confirmed, A2 2.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.reporting.models import DailyFigures
from tests.base import World

BOUNDARY_A1 = {"type": "Polygon", "coordinates": [[[114.30, 30.60], [114.32, 30.60],
                                                   [114.32, 30.62], [114.30, 30.60]]]}
BOUNDARY_A2 = {"type": "Polygon", "coordinates": [[[114.33, 30.60], [114.35, 30.60],
                                                   [114.35, 30.62], [114.33, 30.60]]]}


def store(area: Area, day: datetime.date, values: dict[str, int],
          now: dict[str, int] | None = None) -> DailyFigures:
    row, _created = DailyFigures.objects.update_or_create(
        area=area, day=day, defaults={"area_path": area.path, "values": values,
                                      "now": values if now is None else now,
                                      "computed_at": timezone.now()})
    return row


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def fortnight(w: World) -> None:
    for n in range(14):
        d = 13 - n
        store(w.town_a, days_ago(n), {"new_confirmed": d, "current_confirmed": 100 + d})
    store(w.village_a1, days_ago(0), {"new_confirmed": 7, "current_confirmed": 70})
    store(w.village_a2, days_ago(0), {"new_confirmed": 2, "current_confirmed": 20})


def data_of(response: Any) -> dict[str, Any]:
    """The dashboard data of a page (its json_script block) or an API answer."""
    context = getattr(response, "context", None)
    if context is not None and "data" in context:
        data: dict[str, Any] = context["data"]
        return data
    answer: dict[str, Any] = response.json()
    return answer
