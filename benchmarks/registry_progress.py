"""The progress half of `epigrid bench registry`: recounting a campaign, and a town's page.

Figures: `progress_recompute_s` (every figure of the campaign covering the whole tree, recounted
and stored), `progress_rows`, `progress_page_ms` (median GET of a town's progress page) with
`progress_page_queries` and `progress_page_status`. Targets (city scale, PostgreSQL): recompute
<= 2 s, page <= 100 ms. The data is the demo's (demo.registry_data) and is rolled back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client

from benchmarks.harness import BenchRefusedError, analyze, measure_get, url_or_none
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.core.access import Role
from epigrid.demo.generator import generate
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    Person,
    PersonScreening,
    ScreeningCampaign,
    ScreeningProgress,
)
from epigrid.registry.progress import recompute

DEFAULT_SCALE = "district"
SCALES = ("tiny", "district", "city")
SEED = 2020


def _campaign(scale: str, reuse: bool, log: Callable[[str], None]) -> ScreeningCampaign:
    """The widest campaign there is: built with the demo's residents, or found (--reuse)."""
    if Area.objects.exists() and not reuse:
        raise BenchRefusedError(
            "The database already has areas. The progress bench builds its own demo world "
            "(and rolls it back) only in an empty database; run it with --reuse to measure the "
            "campaign that is there, or point DATABASE_URL at an empty database.")
    if not Area.objects.exists():
        started = time.perf_counter()
        summary = generate(scale, SEED, residents=True)
        analyze(Area, Household, Person, HouseholdVisit, PersonScreening, ScreeningProgress)
        log(f"built the {scale} demo with {summary['residents']['residents']} residents in "
            f"{time.perf_counter() - started:.1f} s")
    campaign = (ScreeningCampaign.objects.select_related("area")
                .order_by("area__level", "-starts_on").first())
    if campaign is None:
        raise BenchRefusedError("The progress bench needs a screening campaign to recount.")
    return campaign


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    campaign = _campaign(scale, reuse, log)
    figures: dict[str, Any] = {}
    timings = []
    for _ in range(max(1, min(repeat, 5))):  # a recount is seconds: a few runs suffice
        started = time.perf_counter()
        figures["progress_rows"] = recompute(campaign)
        timings.append(time.perf_counter() - started)
    figures["progress_recompute_s"] = round(sorted(timings)[len(timings) // 2], 3)
    town = Area.objects.filter(level=Level.TOWN, path__startswith=campaign.area.path).order_by(
        "path").first()
    if town is None:
        raise BenchRefusedError("The campaign covers no town.")
    user = User.objects.create(username=f"bench-progress-{uuid.uuid4().hex[:8]}",
                               role=Role.AREA_OFFICER, home_area=town)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    measure_get(client, url_or_none("registry:progress_area", campaign.pk, town.pk), repeat,
                "progress_page", figures)
    return figures
