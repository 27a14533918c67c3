"""Screening progress: figures per area of a campaign, for the whole campaign and for each day.

`recompute(campaign)` runs one GROUP BY per source (households per grid; visits with their
screened and abnormal persons per grid and day, from the counts each visit keeps of its
screenings), each an index-only scan, sums the grid figures up the tree in memory, level by
level (area paths are fixed-width id segments, so a grid's ancestors are prefixes of its path),
and writes the stored rows whose figures changed (all of them in bulk when most did). Pages and
the API read only the stored rows.

Households registered while a campaign runs (a form, a town's roster arriving) are counted once
they commit (`households_registered`): their grids recounted, or, for many grids, the campaign
recomputed by a worker; and every night each campaign not ended is recomputed whole (beat).

`visit_recorded(visit)` keeps the stored rows current after each visit without a full recompute:
it recounts the visit's one grid (an index range of that grid) and adds the difference to the
grid's ancestors. Recounting rather than adding one makes it idempotent, so a resent form, an
edited visit or a household registered on the spot never drifts the figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone

from epigrid.areas.models import SEGMENT_WIDTH, Area
from epigrid.core.access import subtree_q
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    ScreeningCampaign,
    ScreeningProgress,
)

SEGMENT = SEGMENT_WIDTH + 1
FIGURES = ("households_total", "households_visited", "persons_screened", "persons_abnormal")
Key = tuple[str, datetime.date | None]  # (area path, day or None for the whole campaign)
BATCH_SIZE = 5000
REWRITE_SHARE = 0.3
FEW_GRIDS = 20  # households registered in more grids: the campaign is recomputed by a worker
GRID_LIST_LIMIT = 1000  # a subtree with more areas counts every household, then keeps its own


def _empty() -> list[int]:
    return [0, 0, 0, 0]


def grid_figures(campaign: ScreeningCampaign, path: str,
                 paths: dict[int, str] | None = None) -> dict[Key, list[int]]:
    """The figures of every grid under `path` (a grid's own path: just that grid), by day.

    Two GROUP BYs, each read from one small index alone: households by grid id (its foreign
    key's index, 28 MB for the city's 4 million thanks to B-tree deduplication; the grid's path
    is the household's area_path), visits by (campaign, area_path, visited_on) with the counts
    of screened (present: an absent member is recorded, not screened) and abnormal persons each
    visit keeps. `paths`: the subtree's areas by id, when the caller has them.
    """
    figures: dict[Key, list[int]] = {}
    if paths is None:
        paths = dict(Area.objects.filter(subtree_q("path", path)).values_list("id", "path"))
    households = Household.objects.order_by()
    if len(paths) <= GRID_LIST_LIMIT:
        households = households.filter(grid_id__in=list(paths))
    # Else every household is counted and the grids outside the subtree skipped: a join with
    # the areas would make the planner read the table instead of the index.
    totals = households.values("grid_id").annotate(n=Count("grid_id")).values_list("grid_id",
                                                                                   "n")
    for grid_id, n in _rows(totals):
        if grid_id in paths:
            figures[(paths[grid_id], None)] = [n, 0, 0, 0]
    visits = (HouseholdVisit.objects.filter(subtree_q("area_path", path), campaign=campaign)
              .order_by().values("area_path", "visited_on")
              .annotate(n=Count("*"), screened=Sum("persons_screened"),
                        abnormal=Sum("persons_abnormal"))
              .values_list("area_path", "visited_on", "n", "screened", "abnormal"))
    for grid_path, day, n, screened, abnormal in _rows(visits):
        figures[(grid_path, day)] = [0, n, screened, abnormal]  # one row per grid and day
        values = figures.get((grid_path, None))
        if values is None:
            figures[(grid_path, None)] = [0, n, screened, abnormal]
        else:
            values[1] += n
            values[2] += screened
            values[3] += abnormal
    return figures


def _rows(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The queryset's rows as the database driver returns them: its values are plain ints,
    strings and dates, and Django's per-value converters cost a tenth of the city's recount."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ancestor_paths(path: str, root_path: str) -> Iterable[str]:
    """`path` and its ancestors down to (and including) `root_path`, deepest first."""
    for end in range(len(path), len(root_path) - 1, -SEGMENT):
        yield path[:end]


def roll_up_by_day(leaves: dict[Key, list[int]],
                   root_path: str) -> dict[datetime.date | None, dict[str, list[int]]]:
    """Every area's figures as the sum of its grids', for each day (None: the whole campaign).

    Level by level from the deepest: each area's sums reach its parent once, so the city's
    100,000 grid-days cost 110,000 additions rather than one per ancestor of each (500,000).
    The leaves' lists are summed into (grid_figures makes them for this).
    """
    root = len(root_path)
    days: dict[datetime.date | None, dict[int, dict[str, list[int]]]] = {}
    for (path, day), values in leaves.items():
        if len(path) >= root:
            days.setdefault(day, {}).setdefault(len(path), {})[path] = values
    summed: dict[datetime.date | None, dict[str, list[int]]] = {}
    for day, by_length in days.items():
        for length in range(max(by_length), root, -SEGMENT):
            cut = length - SEGMENT
            parents = by_length.setdefault(cut, {})
            for path, values in by_length.get(length, {}).items():
                target = parents.get(path[:cut])
                if target is None:
                    parents[path[:cut]] = values.copy()
                else:
                    target[0] += values[0]
                    target[1] += values[1]
                    target[2] += values[2]
                    target[3] += values[3]
        summed[day] = {path: values for level in by_length.values()
                       for path, values in level.items()}
    # A day's row carries the area's household total, so it reads "visited that day / total".
    campaign = summed.get(None, {})
    for day, areas in summed.items():
        if day is not None:
            for path, values in areas.items():
                values[0] = campaign[path][0] if path in campaign else 0
    return summed


Summed = dict[datetime.date | None, dict[str, list[int]]]


@transaction.atomic
def recompute(campaign: ScreeningCampaign) -> int:
    """Bring the campaign's stored figures in line with a fresh count; return how many it has.

    Every area of the campaign's subtree gets a campaign row (zeros included); a day row exists
    where something was visited that day. Only the rows whose figures changed are written (the
    city has 100,000, and rewriting each with its seven index entries took most of the time);
    the campaign's `progress_computed_at` says when all of them were last confirmed.
    """
    root_path = campaign.area.path
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Grouping 64,000 grid-days in memory, not in temporary files; no JIT compilation
            # (60 ms) for queries that run in a fraction of a second.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
    paths = dict(Area.objects.filter(subtree_q("path", root_path)).values_list("id", "path"))
    summed = roll_up_by_day(grid_figures(campaign, root_path, paths), root_path)
    return _store(campaign, paths, summed)


def _figures(paths: dict[int, str], summed: Summed) -> Iterator[tuple[Any, ...]]:
    """(area id, path, day, figures) of every row the campaign should have."""
    ids = {path: area_id for area_id, path in paths.items()}
    totals = summed.get(None, {})
    for area_id, path in paths.items():
        yield area_id, path, None, totals.get(path) or _empty()
    for day, areas in summed.items():
        if day is not None:
            for path, values in areas.items():
                if path in ids:
                    yield ids[path], path, day, values


def _stored(campaign: ScreeningCampaign) -> dict[tuple[str, datetime.date | None],
                                                 tuple[Any, ...]]:
    """The campaign's rows by (area path, day): (id, path, day, *figures). Plain SQL: no
    converters per value for 100,000 rows."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {quote('area_path')}, {quote('day')}, "  # noqa: S608
                       f"{', '.join(map(quote, FIGURES))} "
                       f"FROM {quote(ScreeningProgress._meta.db_table)} "
                       f"WHERE {quote('campaign_id')} = %s", [campaign.pk])
        # Dates come back as dates: psycopg's own, and Django's SQLite converter for "date".
        return {(row[1], row[2]): row for row in cursor.fetchall()}


def _store(campaign: ScreeningCampaign, paths: dict[int, str], summed: Summed) -> int:
    """Write the rows that differ from the stored ones, drop those no longer counted; return
    how many rows the campaign has."""
    now = timezone.now()
    stored = _stored(campaign)
    changed: list[tuple[Any, ...]] = []
    new: list[tuple[Any, ...]] = []
    count = 0
    for area_id, path, day, values in _figures(paths, summed):
        count += 1
        row = stored.pop((path, day), None)
        if row is None:
            new.append((campaign.pk, area_id, path, day, *values, now))
        elif (values[0] != row[3] or values[1] != row[4] or values[2] != row[5]
              or values[3] != row[6]):
            changed.append((*values, now, row[0]))
    gone = [row[0] for row in stored.values()]  # rows no longer counted
    if len(changed) > REWRITE_SHARE * count:  # most changed: rewriting all is quicker
        ScreeningProgress.objects.filter(campaign=campaign).delete()
        _insert([(campaign.pk, area_id, path, day, *values, now)
                 for area_id, path, day, values in _figures(paths, summed)])
    else:
        if gone:
            ScreeningProgress.objects.filter(pk__in=gone).delete()
        _update(changed)
        _insert(new)
    ScreeningCampaign.objects.filter(pk=campaign.pk).update(progress_computed_at=now)
    campaign.progress_computed_at = now
    return count


def _update(rows: list[tuple[Any, ...]]) -> None:
    """(figures..., computed_at, id) tuples, in one executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in (*FIGURES, "computed_at"))
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(ScreeningProgress._meta.db_table)} "  # noqa: S608
                           f"SET {assignments} WHERE {quote('id')} = %s", rows)


COLUMNS = ("campaign_id", "area_id", "area_path", "day", *FIGURES, "computed_at")


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL (tens of thousands of rows in a fraction of a second); else bulk."""
    if not rows:
        return
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


def open_campaigns(day: datetime.date | None = None) -> QuerySet[ScreeningCampaign]:
    """The campaigns not ended by `day` (today): their figures still move."""
    return ScreeningCampaign.objects.filter(ends_on__gte=day or timezone.localdate())


def households_registered(grid_paths: Iterable[str]) -> list[int]:
    """Count the households of these grids again (called once new ones, or one moved between
    them, are committed) in the open campaigns that cover them: a few grids recounted here,
    more by a worker's recompute.
    Answers the ids of the campaigns recomputed in the background."""
    paths = set(grid_paths)
    sent = []
    for campaign in open_campaigns().select_related("area"):
        grids = sorted(path for path in paths if path.startswith(campaign.area_path))
        if len(grids) > FEW_GRIDS:
            from epigrid.registry.tasks import recompute_progress

            recompute_progress.delay(campaign.pk)
            sent.append(campaign.pk)
            continue
        for path in grids:
            with transaction.atomic():
                refresh_grid(campaign, path)
    return sent
