"""Panels other apps add to a record's page, so a page shows what apps it may not import know.

The area page shows the case figures (cases sits above areas); the case page shows the bed a
patient waits for (care sits above cases); the grid worker's round (registry) shows the
follow-ups due in home quarantine (cases); the dispatch meeting (briefing) shows the map of risk
levels (dashboards). An app registers a callable for a page in its
AppConfig.ready(); the page renders every panel registered for it, in registration order. A
panel returns HTML (rendered from a template) or None to show nothing for that record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest, Any], SafeString | None]
AreaPanel = Panel

_PANELS: dict[str, list[Panel]] = {}


def register_panel(page: str, panel: Panel) -> None:
    """Add a panel to `page` ("area", "case", "round", "meeting"...); registering it again
    changes nothing."""
    panels = _PANELS.setdefault(page, [])
    if panel not in panels:
        panels.append(panel)


def panels_for(page: str, request: HttpRequest, record: Any) -> list[SafeString]:
    """The HTML of every panel registered for `page`, for `record` (one the user may see)."""
    shown = (panel(request, record) for panel in _PANELS.get(page, ()))
    return [html for html in shown if html]


def register_area_panel(panel: AreaPanel) -> None:
    register_panel("area", panel)


def area_panels(request: HttpRequest, area: Any) -> list[SafeString]:
    return panels_for("area", request, area)
