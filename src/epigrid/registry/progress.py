"""Screening progress: figures per area of a campaign, for the whole campaign and for each day.

`recompute(campaign)` runs one GROUP BY per source (households per grid; visits per grid and day;
screened and abnormal persons per grid and day), sums the grid figures up the tree in memory
(area paths are fixed-width id segments, so a grid's ancestors are prefixes of its path) and
replaces the campaign's stored rows in bulk. Pages and the API read only the stored rows.

`visit_recorded(visit)` keeps the stored rows current after each visit without a full recompute:
it recounts the visit's one grid (an index range of that grid) and adds the difference to the
grid's ancestors. Recounting rather than adding one makes it idempotent, so a resent form, an
edited visit or a household registered on the spot never drifts the figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from epigrid.areas.models import SEGMENT_WIDTH, Area
from epigrid.core.access import subtree_q
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    Outcome,
    PersonScreening,
    ScreeningCampaign,
    ScreeningProgress,
)

SEGMENT = SEGMENT_WIDTH + 1
FIGURES = ("households_total", "households_visited", "persons_screened", "persons_abnormal")
Key = tuple[str, datetime.date | None]  # (area path, day or None for the whole campaign)
BATCH_SIZE = 5000


def _empty() -> list[int]:
    return [0, 0, 0, 0]


def grid_figures(campaign: ScreeningCampaign, path: str) -> dict[Key, list[int]]:
    """The figures of every grid under `path` (a grid's own path: just that grid), by day.

    One GROUP BY per figure family; the household count reads only the (area_path) index.
    """
    figures: dict[Key, list[int]] = defaultdict(_empty)
    totals = (Household.objects.filter(subtree_q("area_path", path)).order_by()
              .values("area_path").annotate(n=Count("id")).values_list("area_path", "n"))
    for grid_path, n in totals:
        figures[(grid_path, None)][0] = n
    visits = (HouseholdVisit.objects.filter(subtree_q("area_path", path), campaign=campaign)
              .order_by().values("area_path", "visited_on").annotate(n=Count("id"))
              .values_list("area_path", "visited_on", "n"))
    for grid_path, day, n in visits:
        figures[(grid_path, day)][1] += n
        figures[(grid_path, None)][1] += n
    persons = (PersonScreening.objects
               .filter(subtree_q("visit__area_path", path), visit__campaign=campaign,
                       present=True)  # an absent member is recorded, not screened
               .order_by().values("visit__area_path", "visit__visited_on")
               .annotate(n=Count("id"), n_abnormal=Count("id", filter=~Q(outcome=Outcome.NORMAL)))
               .values_list("visit__area_path", "visit__visited_on", "n", "n_abnormal"))
    for grid_path, day, n, abnormal in persons:
        for key in ((grid_path, day), (grid_path, None)):
            figures[key][2] += n
            figures[key][3] += abnormal
    return figures


def _ancestor_paths(path: str, root_path: str) -> Iterable[str]:
    """`path` and its ancestors down to (and including) `root_path`, deepest first."""
    for end in range(len(path), len(root_path) - 1, -SEGMENT):
        yield path[:end]


def roll_up(leaves: dict[Key, list[int]], root_path: str) -> dict[Key, list[int]]:
    """Every area's figures as the sum of its grids' (per day, and for the whole campaign)."""
    summed: dict[Key, list[int]] = defaultdict(_empty)
    for (path, day), values in leaves.items():
        for ancestor in _ancestor_paths(path, root_path):
            target = summed[(ancestor, day)]
            for i in range(4):
                target[i] += values[i]
    # A day's row carries the area's household total, so it reads "visited that day / total".
    for (path, day), values in summed.items():
        if day is not None:
            values[0] = summed[(path, None)][0] if (path, None) in summed else 0
    return summed


@transaction.atomic
def recompute(campaign: ScreeningCampaign) -> int:
    """Replace the campaign's stored figures with ones counted afresh; return the rows written.

    Every area of the campaign's subtree gets a campaign row (zeros included); a day row exists
    where something was visited that day.
    """
    root_path = campaign.area.path
    areas = dict(Area.objects.filter(subtree_q("path", root_path)).values_list("path", "id"))
    summed = roll_up(grid_figures(campaign, root_path), root_path)
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    for path, area_id in areas.items():
        values = summed.get((path, None), _empty())
        rows.append((campaign.pk, area_id, path, None, *values, now))
    for (path, day), values in summed.items():
        if day is not None and path in areas:
            rows.append((campaign.pk, areas[path], path, day, *values, now))
    ScreeningProgress.objects.filter(campaign=campaign).delete()
    _insert(rows)
    return len(rows)


COLUMNS = ("campaign_id", "area_id", "area_path", "day", *FIGURES, "computed_at")


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL (tens of thousands of rows in a fraction of a second); else bulk."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(ScreeningProgress._meta.db_table)
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor  # psycopg 3's own cursor, which has copy()
            with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    ScreeningProgress.objects.bulk_create(
        [ScreeningProgress(**dict(zip(COLUMNS, row, strict=True))) for row in rows],
        batch_size=BATCH_SIZE)


@transaction.atomic
def refresh_grid(campaign: ScreeningCampaign, grid_path: str) -> None:
    """Recount one grid and add the difference to its stored rows and its ancestors'."""
    root_path = campaign.area.path
    if not grid_path.startswith(root_path):
        return
    # Locking the grid's campaign row serializes two visits of one grid; other grids go on.
    stored = {row.day: row for row in ScreeningProgress.objects.select_for_update().filter(
        campaign=campaign, area_path=grid_path)}
    if None not in stored:
        recompute(campaign)  # never computed yet (or the grid is new): count everything once
        return
    fresh = grid_figures(campaign, grid_path)
    days = {day for _path, day in fresh} | set(stored)
    for day in days:
        new = fresh.get((grid_path, day), _empty())
        row = stored.get(day)
        old = [getattr(row, name) for name in FIGURES] if row else _empty()
        delta = [a - b for a, b in zip(new, old, strict=True)]
        if day is not None:
            delta[0] = 0  # a day row's total follows the campaign row, changed below
        if any(delta):
            _add(campaign, list(_ancestor_paths(grid_path, root_path)), day, delta)
    if fresh.get((grid_path, None), _empty())[0] != stored[None].households_total:
        _sync_day_totals(campaign, list(_ancestor_paths(grid_path, root_path)))


def _add(campaign: ScreeningCampaign, paths: list[str], day: datetime.date | None,
         delta: list[int]) -> None:
    rows = ScreeningProgress.objects.filter(campaign=campaign, area_path__in=paths, day=day)
    changed = rows.update(**{name: F(name) + d for name, d in zip(FIGURES, delta, strict=True)},
                          computed_at=timezone.now())
    if changed == len(paths):
        return
    # The first visit of the day in some of these areas: their day rows start from the delta.
    existing = set(rows.values_list("area_path", flat=True))
    totals = dict(ScreeningProgress.objects.filter(
        campaign=campaign, area_path__in=paths, day=None).values_list("area_path",
                                                                      "households_total"))
    ids = dict(Area.objects.filter(path__in=paths).values_list("path", "id"))
    ScreeningProgress.objects.bulk_create([
        ScreeningProgress(campaign=campaign, area_id=ids[path], area_path=path, day=day,
                          households_total=totals.get(path, 0), households_visited=delta[1],
                          persons_screened=delta[2], persons_abnormal=delta[3])
        for path in paths if path not in existing and path in ids])


def _sync_day_totals(campaign: ScreeningCampaign, paths: list[str]) -> None:
    """Households were registered: the day rows of these areas take the new campaign totals."""
    totals = dict(ScreeningProgress.objects.filter(
        campaign=campaign, area_path__in=paths, day=None).values_list("area_path",
                                                                      "households_total"))
    for path, total in totals.items():
        ScreeningProgress.objects.filter(campaign=campaign, area_path=path,
                                         day__isnull=False).update(households_total=total)


def visit_recorded(visit: HouseholdVisit) -> None:
    """Called after a visit commits: bring the stored figures of its grid and ancestors current."""
    refresh_grid(visit.campaign, visit.area_path)
