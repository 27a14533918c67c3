from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from epigrid.web.navigation import links_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"nav_entries": links_for(user, request.path) if user is not None else []}
