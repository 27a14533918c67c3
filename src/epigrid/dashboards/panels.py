"""The dashboard's map on the pages of apps that may not import this one.

The dispatch meeting 调度会 (briefing) shows "the map of risk levels" on the wall screen of the
meeting room: the area's sub-areas coloured by their risk level on the meeting's day, drawn by
the dashboard's own script from the same board (`board.read_board`: two queries, three for a
past day's meeting). Registered for the "meeting" page in DashboardsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.dashboards import board
from epigrid.dashboards.choices import Choice
from epigrid.dashboards.views import chart_labels


def meeting_map(request: HttpRequest, meeting: Any) -> SafeString | None:
    """The map of the meeting area's sub-areas by risk level; nothing for an area without
    sub-areas (a grid)."""
    choice = Choice(figures=(), trend=(), days=1, map_by=None, day=meeting.day)
    shown = board.read_board(meeting.area, choice, area_user(request))
    if not shown.children:
        return None
    return SafeString(render_to_string("dashboards/_meeting_map.html", {
        "area": meeting.area, "board": shown, "data": shown.as_json(), "labels": chart_labels()},
        request=request))
