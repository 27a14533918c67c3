"""`epigrid bench briefing`: the 17:00 dispatch meeting page 调度会 and the briefing 简报 files.

Builds what the reporting bench builds (the demo tree at the scale — tiny: 18 grids, the CI smoke
test; district: 3,000 grids, the default; city: 32,000 grids — with cases, a day of passage
hours, beds and a waiting list), counts yesterday's and today's figures (reporting's recount),
raises a problem in every tenth village, then measures, for the top area of the tree (the city,
or the district at district scale):

- `briefing_s`: median time of building the briefing (the meeting, the three charts) and
  rendering it as DOCX, PDF and XLSX — every figure of every area of the subtree in the XLSX;
  with `briefing_content_s`, `briefing_docx_s`, `briefing_pdf_s`, `briefing_xlsx_s` (the parts,
  once each) and `briefing_areas` (the XLSX's rows);
- `baseline_read_figures_s`: reading the same stored figures of every area and day without
  writing anything (what the XLSX cannot go below), and `briefing_ratio`;
- `meeting_page_ms` / `_queries` / `_status`: the meeting page, as a command user, with the
  baseline `baseline_select_one_ms` (GET /healthz) and `meeting_page_ratio`.

Target (the issue): briefing_s <= 15 at city scale. Everything is rolled back by the harness.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from benchmarks import reporting as reporting_bench
from benchmarks.harness import BenchRefusedError, analyze, measure_get, median_ms, url_or_none
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.briefing import content, documents
from epigrid.core.access import Role
from epigrid.problems import services as problems
from epigrid.problems.models import Category, Problem
from epigrid.reporting.models import DailyFigures
from epigrid.reporting.services import recompute_day

SCALES = reporting_bench.SCALES
DEFAULT_SCALE = "district"


def _top() -> Area:
    """The area the command briefs: the city at city scale, else the (first) district."""
    roots: QuerySet[Area] = Area.objects.filter(parent__isnull=True).order_by("path")
    found = roots.first()
    if found is None:
        raise BenchRefusedError("The tree has no area.")
    if Area.objects.filter(level=Level.DISTRICT).count() > 1:
        return found
    return Area.objects.filter(level=Level.DISTRICT).order_by("path").first() or found


def _problems(user: User, today: datetime.date) -> int:
    villages = list(Area.objects.filter(level=Level.VILLAGE).order_by("path")[::10])
    now = timezone.now()
    for n, village in enumerate(villages):
        problems.raise_problem(village, by=user, title=f"Bench problem {n}",
                               category=Category.OTHER, due_on=today + datetime.timedelta(days=1),
                               now=now - datetime.timedelta(days=n % 9))
    return len(villages)


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return round(time.perf_counter() - started, 3), result


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    try:
        reporting_bench._world(scale, reuse, log)  # the same records as the reporting bench
    except BenchRefusedError as error:
        raise BenchRefusedError(str(error).replace("reporting bench", "briefing bench")) from None
    today = timezone.localdate()
    area = _top()
    command = User.objects.create(username=f"bench-briefing-{uuid.uuid4().hex[:8]}",
                                  role=Role.COMMAND, home_area=area)
    started = time.perf_counter()
    recompute_day(today - datetime.timedelta(days=1))
    recompute_day(today)
    raised = _problems(command, today) if not Problem.objects.exists() else 0
    analyze(DailyFigures, Problem)
    log(f"counted two days and raised {raised} problems in "
        f"{time.perf_counter() - started:.1f} s; briefing {area.name} (level {area.level})")

    figures: dict[str, Any] = {}
    figures["briefing_content_s"], briefing = _timed(lambda: content.build(area, today))
    for key in documents.FORMATS:
        figures[f"briefing_{key}_s"], _data = _timed(lambda k=key: documents.render(briefing, k))
    figures["briefing_areas"] = sum(1 for _row in content.every_area(area, today))

    def whole() -> None:
        built = content.build(area, today)
        for key in documents.FORMATS:
            documents.render(built, key)

    runs = max(1, min(repeat, 3))  # seconds each: a few runs suffice
    figures["briefing_s"] = round(median_ms(whole, runs) / 1000, 3)
    figures["baseline_read_figures_s"] = round(median_ms(
        lambda: sum(len(row.values) for row in content.every_area(area, today)), runs) / 1000, 3)
    if figures["baseline_read_figures_s"]:
        figures["briefing_ratio"] = round(
            figures["briefing_s"] / figures["baseline_read_figures_s"], 2)

    client = Client(raise_request_exception=False)
    client.force_login(command)
    page_repeat = max(1, min(repeat, 10))
    healthz = url_or_none("web:healthz")
    baseline = median_ms(lambda: client.get(healthz or "/"), page_repeat)
    figures["baseline_select_one_ms"] = baseline
    measure_get(client, url_or_none("briefing:meeting", area.pk), page_repeat, "meeting_page",
                figures, baseline_ms=baseline)
    return figures
