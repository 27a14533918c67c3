"""`epigrid bench areas`: the area page of the city and of a town, and the children API.

Figures: `area_page_city_ms`, `area_page_town_ms`, `areas_api_ms` (medians), their query counts
`area_page_city_queries`, `area_page_town_queries`, `areas_api_queries`, the HTTP statuses, and
the baseline `baseline_select_one_ms` (GET /healthz: one request that runs `SELECT 1`) with the
ratio of each page to it. Targets: each median <= 150 ms, and as few queries for the city
(13 districts under it) as for a town: a page that counts per child (N+1) shows here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client

from benchmarks.harness import BenchRefusedError, analyze, measure_get, median_ms, url_or_none
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Facility, Level, Warehouse
from epigrid.core.access import Role
from epigrid.demo.generator import generate

DEFAULT_SCALE = "city"
SCALES = ("tiny", "district", "city")
SEED = 2020


def _tree(scale: str, reuse: bool, log: Callable[[str], None]) -> tuple[Area, Area]:
    """The root (city) and a town to measure: built here, or the ones already there (--reuse)."""
    existing = Area.objects.count()
    if existing and not reuse:
        raise BenchRefusedError(
            f"The database already has {existing} areas. The areas bench builds its own "
            "tree (and rolls it back afterwards) only in a database without areas; run it with "
            "--reuse to measure the areas that are there, or point DATABASE_URL at an empty "
            "database.")
    if not existing:
        summary = generate(scale, SEED)
        analyze(Area, Checkpoint, Facility, Warehouse)
        log(f"built the {scale} demo in {summary['seconds']} s: {summary['districts']} "
            f"districts, {summary['towns']} towns, {summary['villages']} villages, "
            f"{summary['grids']} grids")
    root = Area.objects.order_by("level", "path").first()
    town = Area.objects.filter(level=Level.TOWN).order_by("path").first()
    if root is None or town is None:
        raise BenchRefusedError("The areas bench needs a tree with at least one town.")
    log(f"measuring {root.name} (level {root.level}) and {town.name} (town)")
    return root, town


def _client_for(role: Role, home: Area) -> Client:
    # A throw-away user inside the bench's transaction; the suffix avoids any existing name.
    user = User.objects.create(username=f"bench-{role}-{uuid.uuid4().hex[:8]}", role=role,
                               home_area=home)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    root, town = _tree(scale, reuse, log)
    command = _client_for(Role.COMMAND, root)
    officer = _client_for(Role.AREA_OFFICER, town)
    figures: dict[str, Any] = {}

    healthz = url_or_none("web:healthz")
    baseline = median_ms(lambda: command.get(healthz or "/"), repeat)
    figures["baseline_select_one_ms"] = baseline
    measure_get(command, url_or_none("areas:detail", root.pk), repeat, "area_page_city",
                figures, baseline)
    measure_get(officer, url_or_none("areas:detail", town.pk), repeat, "area_page_town",
                figures, baseline)
    # The API's route is named by django-ninja after its function, so the path is used here.
    measure_get(command, f"/api/areas/?parent={root.pk}", repeat, "areas_api", figures, baseline)
    return figures
