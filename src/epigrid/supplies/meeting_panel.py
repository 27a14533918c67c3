"""Supplies running short, on the dispatch meeting's page 调度会 (registered with core.panels,
"meeting"; briefing may not import this app, nor this app briefing).

At 17:00 the district head sees beside the figures which items the area's warehouses are short
of (under their days of supply, or none left while in use or asked for), with what is left and
what requests wait for: for today as it stands, for a past day as its ledger stood at its end.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from epigrid.core.days import day_bounds
from epigrid.supplies.stock import stock_rows


def meeting_supplies(request: HttpRequest, meeting: Any) -> SafeString | None:
    """The short items of the meeting's area (its `area` and `day`): the stock page's five
    queries; nothing where the area holds and asks for nothing."""
    today = meeting.day >= timezone.localdate()
    rows = stock_rows(meeting.area.path, as_of=None if today else day_bounds(meeting.day)[1])
    if not any(row.stock or row.waiting or row.used for row in rows):
        return None
    return SafeString(render_to_string("supplies/supplies__meeting_panel.html", {
        "area": meeting.area, "short": [row for row in rows if row.short], "today": today},
        request=request))
