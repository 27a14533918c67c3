"""What a request asks of its answer."""

from __future__ import annotations

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    """A page's form sent by script (the offline queue, web/offline-forms.js) asks for JSON:
    where to go when stored, the errors by field when refused."""
    return "application/json" in request.headers.get("Accept", "")
