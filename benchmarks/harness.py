"""What every benchmark shares: timing by median, query counts, its data kept apart, the JSON line.

A benchmark is a module `benchmarks/<name>.py` with `DEFAULT_SCALE`, `SCALES` and
`run(scale, repeat, reuse) -> dict of figures`. `epigrid bench NAME` runs it inside
`isolated()`, so the data it builds is rolled back and the database is left as it was found.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from epigrid.core import planner_stats


class BenchRefusedError(Exception):
    """The bench would have to build its data among somebody's records; it does not."""


class _RollbackError(Exception):
    pass


def database_vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


@contextmanager
def isolated() -> Iterator[None]:
    """Run the body in a transaction that is always rolled back: the bench's rows never stay."""
    try:
        with transaction.atomic():
            yield
            raise _RollbackError
    except _RollbackError:
        pass


def analyze(*models: type[Model]) -> None:
    """Refresh the planner's statistics of freshly built tables, as a deployment's are.

    Both databases run ANALYZE inside the bench's transaction (and roll its statistics back).
    """
    planner_stats.analyze(model._meta.db_table for model in models)


def median_ms(action: Callable[[], Any], repeat: int, warmup: int = 1) -> float:
    """The median wall time of `action` in milliseconds, after `warmup` untimed runs."""
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)


class _UndoError(Exception):
    pass


def rolled_back_ms(action: Callable[[], Any], repeat: int) -> float:
    """Median ms of `action` (a write), each run in a savepoint rolled back after it
    (untimed), so that every run writes into the same tables; the first run warms up."""
    times: list[float] = []
    for run in range(repeat + 1):
        elapsed = 0.0
        try:
            with transaction.atomic():
                started = time.perf_counter()
                action()
                elapsed = time.perf_counter() - started
                raise _UndoError
        except _UndoError:
            pass
        if run:
            times.append(elapsed * 1000)
    return round(statistics.median(times), 2)


def count_queries(action: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def process_cpu_seconds(pid: int | str) -> float:
    """User and system CPU seconds of a process of this machine, from /proc (0 when it is gone,
    or where /proc does not tell)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:  # noqa: PTH123
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def url_or_none(name: str, *args: Any, query: str = "") -> str | None:
    """The URL of a named route, or None while the page is not built yet."""
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def measure_get(client: Client, url: str | None, repeat: int, prefix: str,
                figures: dict[str, Any], baseline_ms: float | None = None) -> None:
    """`<prefix>_ms` (median), `<prefix>_queries`, `<prefix>_status` and `<prefix>_ratio`.

    A missing route gives status 0 and no timing, so the bench still runs (and says so) while a
    page it measures is being built.
    """
    if url is None:
        figures.update({f"{prefix}_ms": None, f"{prefix}_queries": None, f"{prefix}_status": 0})
        return
    figures[f"{prefix}_status"] = client.get(url).status_code
    figures[f"{prefix}_queries"] = count_queries(lambda: client.get(url))
    figures[f"{prefix}_ms"] = median_ms(lambda: client.get(url), repeat)
    if baseline_ms:
        figures[f"{prefix}_ratio"] = round(figures[f"{prefix}_ms"] / baseline_ms, 2)


def result_line(name: str, figures: dict[str, Any]) -> str:
    """The one JSON object every bench prints as its last line."""
    return json.dumps({"bench": name, "database": database_vendor(), "figures": figures},
                      ensure_ascii=False, sort_keys=False)
