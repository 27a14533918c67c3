"""The follow-ups due, on the grid worker's round page (registered with core.panels, "round").

At 07:30 the round shows, above the households to visit, the people in home quarantine of her
grids whose morning temperature is due 每日随访; after noon an empty morning shows as missed,
beside the evening then due. They are recorded on the follow-ups page, which the panel links to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.cases.followup import SLOTS, TodayRow, deadline, home_today
from epigrid.cases.models import FollowUp
from epigrid.core.access import Capability, can

# Persons listed on the round; the follow-ups page lists them all.
PANEL_LIMIT = 20


@dataclass(frozen=True)
class Slot:
    slot: str
    by: datetime.datetime  # its deadline
    missed: bool

    @property
    def label(self) -> str:
        return str(FollowUp.Slot(self.slot).label)


@dataclass(frozen=True)
class Due:
    row: TodayRow
    slots: tuple[Slot, ...]


def due_now(rows: list[TodayRow], day: datetime.date, now: datetime.datetime) -> list[Due]:
    """The persons with an empty slot of `day` that is missed (its deadline passed) or due (the
    next deadline to come); a later slot is not due yet. A slot whose deadline passed before
    the quarantine was entered is nobody's miss (as `followup.flag_missed` counts)."""
    deadlines = {slot: deadline(day, slot) for slot in SLOTS}
    current = next((slot for slot in SLOTS if deadlines[slot] > now), None)
    found = []
    for row in rows:
        slots = tuple(Slot(slot, by, by <= now) for slot, by in deadlines.items()
                      if row.records.get(slot) is None
                      and (slot == current or row.quarantine.created_at < by <= now))
        if slots:
            found.append(Due(row, slots))
    return found


def round_panel(request: HttpRequest, record: Any = None) -> SafeString | None:
    """Nothing for a role that does not follow up, or when nobody's follow-up is due."""
    user = area_user(request)
    if not can(user, Capability.FOLLOW_UP):
        return None
    now = timezone.now()
    day = timezone.localdate(now)
    due = due_now(home_today(user, day), day, now)
    if not due:
        return None
    return SafeString(render_to_string("cases/followup__round_panel.html", {
        "due": due[:PANEL_LIMIT], "count": len(due), "limit": PANEL_LIMIT}, request=request))
