"""The figures part of `epigrid bench checkpoints`: hourly figures of a district's checkpoints.

Builds the demo district's areas and its 1,028 checkpoints (the demo generator; `tiny` builds the
tiny tree's 4, `city` measures the district too, as the issue's target names 1,028 checkpoints),
then a week of hourly figures: one PassageHour row per checkpoint and hour (172,704 rows at
district scale) whose counts add up to about 10 M passages. The hour rows are written directly,
as the passage service would have counted them; the 10 M passages themselves are not inserted
(only a sample of them, for the baseline).

Figures:
- `hourly_figures_s`: median time of `checkpoints.figures.area_figures` for the district over the
  week (the function behind the area page and its API: 168 hours, 7 days, the towns' roll-up),
  target <= 1 s; with `hourly_figures_queries`.
- `figure_page_ms`: median GET of the district's figure page (`checkpoints:figure_area`).
- Baselines in the same run: `trivial_query_ms` (one indexed row), and `recount_sample_s`, the same
  week's totals recounted from the passages of a sample of checkpoints (`recount_sample_passages`
  rows), with `recount_extrapolated_s` scaling that to every checkpoint: what figures would cost
  if they scanned passages.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, Sum
from django.test import Client
from django.utils import timezone

from benchmarks.harness import BenchRefusedError, analyze, count_queries, measure_get, url_or_none
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.checkpoints import figures
from epigrid.checkpoints.models import Decision, Direction, Passage, PassageHour
from epigrid.checkpoints.periods import Period
from epigrid.core.access import Role
from epigrid.demo.generator import generate

DEFAULT_SCALE = "district"
SCALES = ("tiny", "district", "city")
SEED = 2020
TARGET_PASSAGES = 10_000_000
DISTRICT_CHECKPOINTS = 1_028
# The shape of a day at a checkpoint (relative weights per hour, rush hours at 7-9 and 17-19).
PROFILE = (0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.4, 3.6, 4.2, 3.0, 2.2, 2.0,
           2.2, 2.0, 2.0, 2.2, 2.8, 3.8, 4.0, 2.6, 1.6, 1.2, 0.8, 0.5)
SAMPLE_CHECKPOINTS = {"tiny": 2, "district": 4, "city": 4}
SAMPLE_PER_HOUR = 10


def _district(scale: str, reuse: bool, log: Callable[[str], None]) -> Area:
    if Checkpoint.objects.exists() and not reuse:
        raise BenchRefusedError(
            "The database already has checkpoints. The checkpoint figures bench builds its own "
            "district (and rolls it back) only in an empty database; run it with --reuse to "
            "measure the figures that are there, or point DATABASE_URL at an empty database.")
    if not Area.objects.exists():
        started = time.perf_counter()
        generate("tiny" if scale == "tiny" else "district", SEED)
        log(f"built the areas and {Checkpoint.objects.count()} checkpoints in "
            f"{time.perf_counter() - started:.1f} s")
    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    if district is None:
        raise BenchRefusedError("The checkpoint figures bench needs a district.")
    return district


def _week() -> Period:
    last = timezone.localdate() - datetime.timedelta(days=1)
    return Period(last - datetime.timedelta(days=6), last)


def _write_hours(district: Area, period: Period, log: Callable[[str], None]) -> int:
    """A week of hour rows for every checkpoint, adding up to about TARGET_PASSAGES (scaled by
    the number of checkpoints at tiny scale)."""
    rng = random.Random(SEED)
    checkpoints = list(Checkpoint.objects.within(district.path).values_list("pk", "area__path"))
    per_checkpoint = TARGET_PASSAGES / DISTRICT_CHECKPOINTS / period.days
    unit = per_checkpoint / sum(PROFILE)
    started, rows, total = time.perf_counter(), [], 0
    for pk, path in checkpoints:
        busy = rng.uniform(0.6, 1.4)
        for hour, _counts in figures.every_hour(period, {}):
            n = max(0, round(unit * PROFILE[hour.hour] * busy * rng.uniform(0.8, 1.2)))
            inbound = n // 2 + rng.randint(0, n % 2)
            vehicles = n * 35 // 100
            rows.append((pk, path, hour, inbound, n - inbound, vehicles, n + vehicles, n // 20,
                         n // 80, int(rng.random() < n / 2000)))
            total += n
    figures.insert_rows(PassageHour, ("checkpoint_id", "area_path", "hour", *figures.FIELDS),
                        rows)
    analyze(PassageHour)
    log(f"wrote {len(checkpoints) * period.days * 24} hour rows for {total:,} passages in "
        f"{time.perf_counter() - started:.1f} s")
    return total


def _write_sample(district: Area, period: Period, count: int) -> list[int]:
    """Real passages at a few checkpoints, for the recount baseline."""
    rng = random.Random(SEED + 1)
    sample = list(Checkpoint.objects.within(district.path).values_list("pk", "area__path")
                  .order_by("pk")[:count])
    rows = []
    for pk, path in sample:
        for hour, _counts in figures.every_hour(period, {}):
            for _ in range(round(SAMPLE_PER_HOUR * PROFILE[hour.hour] / 2)):
                rows.append(Passage(
                    client_id=uuid.UUID(int=rng.getrandbits(128), version=4), checkpoint_id=pk,
                    area_path=path, at=hour + datetime.timedelta(seconds=rng.randrange(3600)),
                    direction=Direction.IN if rng.random() < 0.5 else Direction.OUT,
                    decision=Decision.TURNED_BACK if rng.random() < 0.05 else Decision.PASS))
    Passage.objects.bulk_create(rows, batch_size=2000)
    analyze(Passage)
    return [pk for pk, _path in sample]


def _recount(sample: list[int], period: Period) -> dict[str, Any]:
    return Passage.objects.filter(checkpoint_id__in=sample, at__gte=period.start,
                                  at__lt=period.end).aggregate(
        passages_in=Count("pk", filter=Q(direction=Direction.IN)),
        passages_out=Count("pk", filter=Q(direction=Direction.OUT)),
        persons=Sum("passengers"),
        turned_back=Count("pk", filter=Q(decision=Decision.TURNED_BACK)))


def _median_s(action: Callable[[], Any], repeat: int) -> float:
    action()  # warm-up
    timings = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return round(statistics.median(timings), 4)


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    district = _district(scale, reuse, log)
    period = _week()
    user: Any = User.objects.create(username=f"bench-figures-{uuid.uuid4().hex[:8]}",
                                    role=Role.COMMAND, home_area=district)
    built = not (reuse and PassageHour.objects.exists())
    represented = _write_hours(district, period, log) if built else None
    sample = _write_sample(district, period, SAMPLE_CHECKPOINTS[scale]) if built else []
    checkpoints = Checkpoint.objects.within(district.path).count()

    def hourly() -> dict[str, Any]:
        return figures.area_figures(user, district, period)

    found = hourly()
    result: dict[str, Any] = {
        "figures_checkpoints": checkpoints,
        "figures_hour_rows": PassageHour.objects.within(district.path).filter(
            hour__gte=period.start, hour__lt=period.end).count(),
        "figures_passages_represented": represented if represented is not None
        else found["total"].passages,
        "hourly_figures_s": _median_s(hourly, repeat),
        "hourly_figures_queries": count_queries(hourly),
        "trivial_query_ms": round(1000 * _median_s(
            lambda: PassageHour.objects.filter(pk__gte=0).order_by("pk").first(), repeat), 3),
    }
    if sample:
        recount_s = _median_s(lambda: _recount(sample, period), min(repeat, 5))
        result.update({
            "recount_sample_s": recount_s,
            "recount_sample_passages": Passage.objects.filter(checkpoint_id__in=sample).count(),
            "recount_extrapolated_s": round(recount_s * checkpoints / len(sample), 3),
        })
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = url_or_none("checkpoints:figure_area", district.pk)
    measure_get(client, url and f"{url}?day={period.last.isoformat()}&days=7",
                min(repeat, 10), "figure_page", result)
    log(f"hourly figures for {checkpoints} checkpoints over {period.days} days: "
        f"{result['hourly_figures_s']} s (target <= 1 s)")
    return result
