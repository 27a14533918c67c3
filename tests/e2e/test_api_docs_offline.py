"""The API docs render in a browser under the site's CSP, from this origin alone (offline)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.e2e]


def test_the_api_docs_render_without_another_host(page: Any, live_server: Any,
                                                   transactional_db: None) -> None:
    origin = urlsplit(live_server.url).netloc
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/api/docs")
    # Swagger UI draws the operations from /api/openapi.json.
    page.get_by_text("/api/areas/{id}/risk-level").first.wait_for()
    elsewhere = [url for url in requested
                 if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != origin]
    assert not elsewhere
    assert not refused
