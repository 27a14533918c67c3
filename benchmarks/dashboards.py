"""`epigrid bench dashboards`: the dashboard 数据看板 and the wall screen 大屏's refresh, read
from the stored daily figures.

Builds the demo's area tree at the scale (tiny: 18 grids, the CI smoke test; district: 3,000
grids; city: 32,000 grids, the default — the issue's target is at city scale) and stores figures
as the 16:00 roll-up would: every area today and yesterday, and the 30 days of the trend for every
area down to the towns (random values for every metric, written in bulk). Then, as a command user:

- `dashboard_ms` / `_queries` / `_status`: the city's dashboard (its 13 districts on the map as
  points, the demo's areas having a location but no boundary; at district scale the district's,
  with its 17 towns);
- `dashboard_regions_ms`: the same page once each of its children has a 256-vertex boundary
  (the GeoJSON registered as the map);
- `dashboard_town_ms`: a town's dashboard (its villages on the map), with `days=30`;
- `dashboard_api_ms`: `GET /api/dashboards/<city>?geo=false`, the wall screen's refresh;
- `wall_page_ms`: the same area's wall screen page;
- baselines of the same run: `baseline_select_one_ms` (GET /healthz, one `SELECT 1`), against
  which every `*_ratio` is taken, and `baseline_figures_page_ms` (the reporting figure page of
  the same area: the same stored rows as a table), with `dashboard_vs_figures_page_ratio`.

Target: `dashboard_ms` <= 150 ms median at city scale, and as few queries for the city as for a
town. Everything is rolled back by the bench harness.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from benchmarks.harness import BenchRefusedError, analyze, measure_get, median_ms, url_or_none
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.checkpoints.figures import insert_rows
from epigrid.core.access import Role
from epigrid.demo.generator import generate
from epigrid.reporting.metrics import all_metrics
from epigrid.reporting.models import DailyFigures

SCALES = ("tiny", "district", "city")
DEFAULT_SCALE = "city"
SEED = 2020
TREND_DAYS = 30
BOUNDARY_VERTICES = 256
COLUMNS = ("area_id", "area_path", "day", "values", "now", "computed_at")


def _values(rng: random.Random, codes: list[str], level: int) -> str:
    """Random figures, larger higher up the tree; zeros left out, as the recount stores them."""
    scale = 10 ** max(0, 5 - level)
    values = {code: rng.randint(0, 3 * scale) for code in codes}
    return json.dumps({code: n for code, n in values.items() if n}, separators=(",", ":"),
                      sort_keys=True)


def _figures(rng: random.Random) -> int:
    today, at = timezone.localdate(), timezone.now()
    codes = [metric.code for metric in all_metrics()]
    rows = []
    for area_id, path, level in Area.objects.order_by("path").values_list("id", "path", "level"):
        days = TREND_DAYS if level <= Level.TOWN else 2
        for back in range(days):
            values = _values(rng, codes, level)
            rows.append((area_id, path, today - datetime.timedelta(days=back), values, values,
                         at))
    return insert_rows(DailyFigures, COLUMNS, rows)


def _world(scale: str, reuse: bool, log: Callable[[str], None]) -> None:
    if reuse and Area.objects.exists():
        return  # measure the areas and the figures that are there
    if Area.objects.exists():
        raise BenchRefusedError(
            "The database already has areas. The dashboards bench builds its own demo world "
            "(and rolls it back) only in an empty database; run it with --reuse to measure the "
            "areas and stored figures that are there, or point DATABASE_URL at an empty "
            "database.")
    started = time.perf_counter()
    generate(scale, SEED)
    rows = _figures(random.Random(SEED))
    analyze(Area, DailyFigures)
    log(f"built the {scale} tree ({Area.objects.count()} areas) and {rows} stored daily "
        f"figure rows in {time.perf_counter() - started:.1f} s")


def _ring(latitude: float, longitude: float, radius: float) -> list[list[float]]:
    ring = [[round(longitude + radius * math.cos(2 * math.pi * n / BOUNDARY_VERTICES), 6),
             round(latitude + radius * math.sin(2 * math.pi * n / BOUNDARY_VERTICES), 6)]
            for n in range(BOUNDARY_VERTICES)]
    return [*ring, ring[0]]


def _boundaries(root: Area) -> int:
    """A round boundary around each child of `root` that has a location (the demo has none)."""
    children = list(Area.objects.filter(parent=root, latitude__isnull=False,
                                        longitude__isnull=False))
    for child in children:
        child.boundary = {"type": "Polygon", "coordinates": [
            _ring(float(child.latitude or 0), float(child.longitude or 0), 0.05)]}
    Area.objects.bulk_update(children, ["boundary"], batch_size=500)
    return len(children)


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    _world(scale, reuse, log)
    root = Area.objects.filter(parent__isnull=True).order_by("path").first()
    if root is not None and Area.objects.filter(parent=root).count() == 1:
        root = Area.objects.filter(parent=root).first()  # a district's demo: its one district
    town = Area.objects.filter(level=Level.TOWN).order_by("path").first()
    if root is None or town is None:
        raise BenchRefusedError("The dashboards bench needs a tree with at least one town.")
    command = User.objects.create(username=f"bench-dashboards-{uuid.uuid4().hex[:8]}",
                                  role=Role.COMMAND, home_area=root)
    client = Client(raise_request_exception=False)
    client.force_login(command)
    log(f"measuring {root.name} ({Area.objects.filter(parent=root).count()} children) and "
        f"{town.name} ({Area.objects.filter(parent=town).count()} children)")
    page_repeat = max(1, min(repeat, 20))
    healthz = url_or_none("web:healthz")
    baseline = median_ms(lambda: client.get(healthz or "/"), page_repeat)
    figures: dict[str, Any] = {"baseline_select_one_ms": baseline}
    measure_get(client, url_or_none("dashboards:area", root.pk), page_repeat, "dashboard",
                figures, baseline_ms=baseline)
    measure_get(client, url_or_none("dashboards:area", town.pk, query="days=30"), page_repeat,
                "dashboard_town", figures, baseline_ms=baseline)
    measure_get(client, url_or_none("api:dashboard", root.pk, query="geo=false"), page_repeat,
                "dashboard_api", figures, baseline_ms=baseline)
    measure_get(client, url_or_none("dashboards:wall", root.pk), page_repeat, "wall_page",
                figures, baseline_ms=baseline)
    measure_get(client, url_or_none("reporting:area", root.pk), page_repeat,
                "baseline_figures_page", figures)
    if figures.get("dashboard_ms") and figures.get("baseline_figures_page_ms"):
        figures["dashboard_vs_figures_page_ratio"] = round(
            figures["dashboard_ms"] / figures["baseline_figures_page_ms"], 2)
    if not reuse:  # never draw boundaries over somebody's areas, even rolled back
        log(f"gave {_boundaries(root)} children of {root.name} a {BOUNDARY_VERTICES}-vertex "
            "boundary")
        measure_get(client, url_or_none("dashboards:area", root.pk), page_repeat,
                    "dashboard_regions", figures, baseline_ms=baseline)
    return figures
