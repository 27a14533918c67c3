"""An area's risk level 风险等级 on a past day, read back from its history (RiskLevelChange).

A change takes effect on its `effective_on` day (the day it was made, unless the officer dated
it), and the area's `risk_level` is the level in force now. A past day's level is read back
from now: the `previous` level of the first change that took effect after that day, or today's
level when none did. Read back rather than forward, an area whose level was set before its
history was kept (an import, the demo) still has its level on every day since.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from epigrid.areas.models import Area, RiskLevelChange


def levels_on(areas: Iterable[Area], day: datetime.date) -> dict[int, str]:
    """{area id: its risk level at the end of `day`}: one query for a past day, none for
    today (the levels in force now)."""
    levels = {area.pk: area.risk_level for area in areas}
    if not levels or day >= timezone.localdate():
        return levels
    later = (RiskLevelChange.objects.filter(area_id__in=levels, effective_on__gt=day)
             .order_by("area_id", "effective_on", "changed_at", "id")
             .values_list("area_id", "previous"))
    read_back: set[int] = set()
    for area_id, previous in later:
        if area_id not in read_back:  # the first change after the day: what it changed from
            read_back.add(area_id)
            levels[area_id] = previous
    return levels
