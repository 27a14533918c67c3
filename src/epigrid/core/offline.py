"""The service worker of the pages that must open without signal (web/offline-sw.js).

Each app that has such pages serves the one worker under its own path, so that the worker's
scope (the folder it is served from) covers that app's pages only, and names the cache its
pages' scripts keep their copies in.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static

WORKER = "web/offline-sw.js"


@functools.cache
def _script() -> str:
    found = finders.find(WORKER)
    if not isinstance(found, str):  # pragma: no cover - the file ships with the web app
        raise FileNotFoundError(WORKER)
    return Path(found).read_text(encoding="utf-8")


def service_worker(cache: str) -> HttpResponse:
    """The worker's script, keeping its copies in `cache`; never kept stale by the browser
    (a changed worker must replace the old one at the next opening)."""
    script = _script().replace('"__STATIC_URL__"', json.dumps(static(""))).replace(
        '"__CACHE__"', json.dumps(cache))
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
