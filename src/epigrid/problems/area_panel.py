"""The open problems 问题清单 of an area, on its page (registered with core.panels, "area").

At 10:00 the village officer opens her village and sees the problems raised there and not yet
closed, oldest first ("masks for the checkpoint volunteers run out tomorrow", open since
yesterday), each linking to its page, where she assigns it.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.areas.models import Area
from epigrid.core.access import Capability, can, subtree_q
from epigrid.problems import queries
from epigrid.problems.models import Problem, Status

PANEL_LIMIT = 5


def area_panel(request: HttpRequest, area: Area) -> SafeString:
    """The count and the oldest few of the problems the user sees that were raised in the
    area's subtree and are open: two queries."""
    user = area_user(request)
    rows = queries.visible(user).filter(subtree_q("area_path", area.path)).exclude(
        status=Status.CLOSED)
    oldest: list[Problem] = list(rows.order_by("raised_at", "pk")[:PANEL_LIMIT])
    count = len(oldest) if len(oldest) < PANEL_LIMIT else rows.count()
    today = timezone.localdate()
    return SafeString(render_to_string("problems/problem__area_panel.html", {
        "area": area, "count": count, "limit": PANEL_LIMIT,
        "rows": [(problem, queries.is_overdue(problem, today)) for problem in oldest],
        "may_raise": can(user, Capability.RAISE_PROBLEMS)}, request=request))
