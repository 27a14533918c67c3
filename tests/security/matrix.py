"""The machinery of the URL security matrix: finding every route and calling it as a persona.

The matrix itself (which town-A object each route is called with) is in test_url_matrix.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from epigrid.areas.models import Area, Checkpoint, Facility, Warehouse
from epigrid.config.api import api
from tests.base import World

# What a route is called with: the town-A object whose pk fills its integer argument, or the
# whole kwargs when a route has other arguments.
Target = Callable[[World], Model | dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    """How the matrix calls one route.

    `target` None: a list (no argument); outsiders may get 200 but must see none of town A.
    `insider`: who must get in, for the sanity check that keeps the matrix from being vacuous
    (a persona of town A: "alice", the officer, or "a_command", a command user of town A).
    `shows_a`: the insider's page must name some record of town A (a GET answering 200).
    `queries`: query strings tried on GET; `{town_a}` is replaced by town A's id.
    """

    target: Target | None = None
    methods: tuple[str, ...] = ("get",)
    data: dict[str, Any] = field(default_factory=dict)
    insider: str = "alice"
    insider_ok: frozenset[int] = frozenset({200})
    shows_a: bool = True
    queries: tuple[str, ...] = ("",)


def page(**kwargs: Any) -> Entry:
    return Entry(**kwargs)


def obj(target: Target, **kwargs: Any) -> Entry:
    return Entry(target=target, **kwargs)


@dataclass(frozen=True)
class Route:
    key: str          # "areas:detail" for a page, "GET /api/areas/{id}" for an API operation
    args: tuple[str, ...]
    method: str = ""  # API only
    path: str = ""    # API only


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name or "", pattern


def page_routes(skip_prefixes: tuple[str, ...], skip_names: frozenset[str]) -> list[Route]:
    """Every named page pattern (recursively through includes), less the skipped ones."""
    routes: dict[str, Route] = {}
    for route, name, pattern in _walk(get_resolver().url_patterns, "", ""):
        if route.lstrip("^").startswith(skip_prefixes) or name in skip_names:
            continue
        converters = getattr(pattern.pattern, "converters", None)
        args = tuple(converters) if converters is not None else tuple(
            pattern.pattern.regex.groupindex)
        key = name or f"<unnamed: {route}>"
        routes[key] = Route(key=key, args=args)
    return list(routes.values())


def api_routes() -> list[Route]:
    """Every operation of the ninja API, from its OpenAPI schema."""
    routes = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            routes.append(Route(key=f"{method.upper()} {path}", method=method, path=path,
                                args=tuple(re.findall(r"{(\w+)}", path))))
    return routes


def url_for(route: Route, entry: Entry, world: World) -> str:
    kwargs: dict[str, Any] = {}
    if route.args:
        assert entry.target is not None, f"{route.key} takes {route.args}: give it a target"
        made = entry.target(world)
        kwargs = made if isinstance(made, dict) else {route.args[0]: made.pk}
    if route.path:
        return re.sub(r"{(\w+)}", lambda m: str(kwargs[m.group(1)]), route.path)
    return reverse(route.key, kwargs=kwargs)


def call(client: Client, method: str, url: str, data: dict[str, Any],
         is_api: bool) -> HttpResponseBase:
    if method == "get":
        return client.get(url)
    if is_api:
        return client.generic(method.upper(), url, data=json.dumps(data),
                              content_type="application/json")
    return client.generic(method.upper(), url, data=urlencode(data),
                          content_type="application/x-www-form-urlencoded")


def body_text(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        raw = response.content  # type: ignore[attr-defined]
    return raw.decode("utf-8", errors="replace")


def names_under(path: str) -> set[str]:
    """The names and codes of every area and site in the subtree at `path`: what must not leak."""
    found: set[str] = set()
    for area in Area.objects.within(path):
        found |= {area.name, area.code}
    for model in (Checkpoint, Facility, Warehouse):
        for site in model.objects.within(path):
            found |= {site.name, site.code}
    return found
