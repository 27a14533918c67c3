"""A campaign's stored figures of an area (`Row`) and the lists behind them, for its pages and
its API alike: the persons screened with an abnormal outcome, and each grid worker with their
grid's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.core.access import Role, subtree_q
from epigrid.core.paging import split_page
from epigrid.registry.models import Outcome, PersonScreening, ScreeningCampaign, ScreeningProgress
from epigrid.registry.progress import FIGURES


@dataclass
class Row:
    """One area's stored figures (zeros where nothing was computed yet)."""

    area: Area
    day: Any = None
    households_total: int = 0
    households_visited: int = 0
    persons_screened: int = 0
    persons_abnormal: int = 0

    @property
    def unvisited(self) -> int:
        return max(0, self.households_total - self.households_visited)

    @property
    def percent(self) -> int:
        if not self.households_total:
            return 0
        return round(100 * self.households_visited / self.households_total)


def row_of(progress: ScreeningProgress | None, area: Area) -> Row:
    if progress is None:
        return Row(area)
    return Row(area, progress.day, *(getattr(progress, name) for name in FIGURES))


def abnormal_screenings(campaign: ScreeningCampaign, area: Area) -> QuerySet[PersonScreening]:
    """The area's screenings in the campaign with an outcome other than normal (any order)."""
    return (PersonScreening.objects.filter(subtree_q("visit__area_path", area.path),
                                           visit__campaign=campaign)
            .exclude(outcome=Outcome.NORMAL)
            .select_related("person", "visit", "visit__household"))


def worker_rows(campaign: ScreeningCampaign, area: Area, after: int | None = None,
                limit: int = 50) -> tuple[list[tuple[User, Row]], int | None]:
    """A page of the area's active grid workers (by grid, then name, after the worker of id
    `after`), each with their grid's stored figures, and the id to continue after (None on
    the last page): a city's command sees 32,000 grids."""
    workers = User.objects.filter(
        subtree_q("home_area__path", area.path), role=Role.GRID_WORKER, is_active=True,
        home_area__level=Level.GRID).select_related("home_area").order_by(
        "home_area__path", "username")
    if after is not None:
        last = workers.filter(pk=after).values_list("home_area__path", "username").first()
        workers = workers.none() if last is None else workers.filter(
            Q(home_area__path__gt=last[0]) | Q(home_area__path=last[0], username__gt=last[1]))
    page, more = split_page(list(workers[:limit + 1]), limit)
    stored = {p.area_id: p for p in ScreeningProgress.objects.filter(
        campaign=campaign, day__isnull=True, area_id__in={w.home_area_id for w in page})}
    rows = [(worker, row_of(stored.get(worker.home_area_id), worker.home_area))
            for worker in page if worker.home_area is not None]
    return rows, page[-1].pk if more else None
