from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from epigrid.web.navigation import groups_for, links_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    links = links_for(user, request.path) if user is not None else []
    return {"nav_entries": links, "nav_groups": groups_for(links)}
