"""Supplies running short in an area, on its page (registered with core.panels, "area").

The town officer opening her town sees at once which items its depots are short of (out of
stock while requests wait, or under the item's days of supply) and how many requests of its
villages still wait, each linking to the town's stock page.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.areas.models import Area
from epigrid.core.access import Capability, can
from epigrid.supplies.stock import stock_rows


def area_panel(request: HttpRequest, area: Area) -> SafeString:
    """For those who request or keep supplies: the area's short items and what its requests
    still wait for (the stock page's five queries); nothing where the area has neither."""
    user = area_user(request)
    if not (can(user, Capability.REQUEST_SUPPLIES) or can(user, Capability.MANAGE_SUPPLIES)):
        return SafeString("")
    rows = stock_rows(area.path)
    if not any(row.stock or row.waiting for row in rows):
        return SafeString("")
    return SafeString(render_to_string("supplies/supplies__area_panel.html", {
        "area": area, "short": [row for row in rows if row.short],
        "waiting": [row for row in rows if row.waiting]}, request=request))
