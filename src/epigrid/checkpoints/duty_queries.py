"""Reading the duty roster 值守排班: who is on duty now, the gaps with nobody on duty, the week's
grid of a checkpoint and the hours each person stood.

A shift covers [starts_at, ends_at): on duty at its start, off at its end. Shifts whose person was
deleted cover nothing. Every read goes through `restrict(user)`; an area's answers cost a fixed
few queries whatever its number of checkpoints (checkpoints, then their shifts).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models import Window as Over  # this module's Window is a gap
from django.db.models.expressions import RowRange
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints.models import DutyShift
from epigrid.checkpoints.periods import Period
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.core.days import local_moment
from epigrid.core.paging import split_page

GAP_HORIZON = datetime.timedelta(days=7)
HOUR = datetime.timedelta(hours=1)
PAGE_SIZE = 100

Interval = tuple[datetime.datetime, datetime.datetime]


@dataclass(frozen=True)
class Window:
    start: datetime.datetime
    end: datetime.datetime

    @property
    def hours(self) -> float:
        return round((self.end - self.start).total_seconds() / 3600, 2)


def gaps_in(intervals: Iterable[Interval], start: datetime.datetime,
            end: datetime.datetime) -> list[Window]:
    """The parts of [start, end) that no interval covers, in order."""
    gaps, cursor = [], start
    for lo, hi in sorted(intervals):
        if hi <= cursor or lo >= end:
            continue
        if lo > cursor:
            gaps.append(Window(cursor, lo))
        cursor = max(cursor, hi)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append(Window(cursor, end))
    return gaps


def overlap(interval: Interval, start: datetime.datetime, end: datetime.datetime
            ) -> datetime.timedelta:
    lo, hi = max(interval[0], start), min(interval[1], end)
    return hi - lo if hi > lo else datetime.timedelta()


def shifts_between(user: ScopedUser, start: datetime.datetime,
                   end: datetime.datetime) -> QuerySet[DutyShift]:
    """The staffed shifts the user sees that overlap [start, end)."""
    return DutyShift.objects.restrict(user).filter(
        starts_at__lt=end, ends_at__gt=start, user__isnull=False)


def checkpoints_of(user: ScopedUser, area: Area) -> QuerySet[Checkpoint]:
    return (Checkpoint.objects.restrict(user).filter(subtree_q("area__path", area.path))
            .select_related("area").order_by("code"))


# --- on duty now --------------------------------------------------------------------------------

def on_duty(user: ScopedUser, checkpoint: Checkpoint,
            at: datetime.datetime | None = None) -> list[DutyShift]:
    at = at or timezone.now()
    return list(DutyShift.objects.restrict(user).filter(
        checkpoint=checkpoint, starts_at__lte=at, ends_at__gt=at, user__isnull=False)
        .select_related("user").order_by("starts_at", "pk"))


@dataclass
class NowRow:
    checkpoint: Checkpoint
    shifts: list[DutyShift] = field(default_factory=list)


def area_on_duty(user: ScopedUser, area: Area, at: datetime.datetime | None = None,
                 after: str = "", unstaffed_only: bool = False,
                 limit: int = PAGE_SIZE) -> tuple[list[NowRow], str]:
    """A page of the area's checkpoints (by code, after the code `after`) with who is on duty at
    `at`, and the cursor of the next page ("" on the last): two queries."""
    at = at or timezone.now()
    active = DutyShift.objects.filter(checkpoint=OuterRef("pk"), starts_at__lte=at,
                                      ends_at__gt=at, user__isnull=False)
    checkpoints = checkpoints_of(user, area)
    if unstaffed_only:
        checkpoints = checkpoints.filter(~Exists(active))
    if after:
        checkpoints = checkpoints.filter(code__gt=after)
    page, more = split_page(list(checkpoints[:limit + 1]), limit)
    rows = {cp.pk: NowRow(cp) for cp in page}
    for shift in (DutyShift.objects.restrict(user).filter(
            checkpoint_id__in=rows, starts_at__lte=at, ends_at__gt=at, user__isnull=False)
            .select_related("user").order_by("starts_at", "pk")):
        rows[shift.checkpoint_id].shifts.append(shift)
    listed = list(rows.values())
    return listed, listed[-1].checkpoint.code if more else ""


def unstaffed_count(user: ScopedUser, area: Area, at: datetime.datetime | None = None) -> int:
    at = at or timezone.now()
    active = DutyShift.objects.filter(checkpoint=OuterRef("pk"), starts_at__lte=at,
                                      ends_at__gt=at, user__isnull=False)
    return checkpoints_of(user, area).filter(~Exists(active)).count()


# --- gaps ---------------------------------------------------------------------------------------

def checkpoint_gaps(user: ScopedUser, checkpoint: Checkpoint,
                    start: datetime.datetime | None = None,
                    horizon: datetime.timedelta = GAP_HORIZON) -> list[Window]:
    """The windows of the coming `horizon` (from `start`, default now) with nobody on duty."""
    start = start or timezone.now()
    end = start + horizon
    intervals = shifts_between(user, start, end).filter(checkpoint=checkpoint).values_list(
        "starts_at", "ends_at")
    return gaps_in(intervals, start, end)


def with_gaps(user: ScopedUser, area: Area, start: datetime.datetime,
              end: datetime.datetime) -> QuerySet[Checkpoint]:
    """The area's checkpoints (by code) that nobody covers at some time of [start, end), told
    by the database, so a district's page reads the shifts of its own rows alone.

    As gaps_in() walks them: in the order of their starts, a shift that starts after every
    shift before it (or the window's start, for the first) has ended opens a gap; and so does
    the window's end when no shift reaches it (a checkpoint without shifts among them)."""
    shifts = shifts_between(user, start, end)
    reach = Over(Max("ends_at"), partition_by=[F("checkpoint_id")],
                 order_by=[F("starts_at").asc(), F("ends_at").asc()],
                 frame=RowRange(start=None, end=-1))
    opened = (shifts.annotate(reach=reach)
              .filter(starts_at__gt=Coalesce(F("reach"), Value(start)))
              .values("checkpoint_id"))
    reaching = shifts.filter(checkpoint=OuterRef("pk"), ends_at__gte=end)
    return checkpoints_of(user, area).filter(Q(pk__in=opened) | ~Exists(reaching))


def gaps_of(user: ScopedUser, checkpoints: Iterable[Checkpoint], start: datetime.datetime,
            end: datetime.datetime) -> list[tuple[Checkpoint, list[Window]]]:
    """Each checkpoint with its gaps in [start, end): one query for all their shifts."""
    listed = list(checkpoints)
    intervals: dict[int, list[Interval]] = defaultdict(list)
    for checkpoint_id, lo, hi in shifts_between(user, start, end).filter(
            checkpoint_id__in=[cp.pk for cp in listed]).values_list(
            "checkpoint_id", "starts_at", "ends_at"):
        intervals[checkpoint_id].append((lo, hi))
    return [(cp, gaps_in(intervals[cp.pk], start, end)) for cp in listed]


def area_gaps(user: ScopedUser, area: Area, start: datetime.datetime | None = None,
              horizon: datetime.timedelta = GAP_HORIZON, *, after: str = "",
              limit: int | None = None) -> list[tuple[Checkpoint, list[Window]]]:
    """The checkpoints of the area with a gap in the coming `horizon`, by code (the first
    `limit` after the code `after`): two queries."""
    start = start or timezone.now()
    checkpoints = with_gaps(user, area, start, start + horizon)
    if after:
        checkpoints = checkpoints.filter(code__gt=after)
    return gaps_of(user, checkpoints[:limit] if limit is not None else checkpoints, start,
                   start + horizon)


# --- the week grid ------------------------------------------------------------------------------

@dataclass
class Cell:
    hour: datetime.datetime
    names: list[str]
    gap: bool  # some of the hour has nobody on duty


def roster(user: ScopedUser, checkpoint: Checkpoint, period: Period
           ) -> tuple[list[tuple[datetime.date, list[Cell]]], list[DutyShift]]:
    """The checkpoint's days × 24 hours, each hour with who is on duty and whether any of it is
    uncovered, and the period's shifts in order."""
    shifts = list(DutyShift.objects.restrict(user).filter(
        checkpoint=checkpoint, starts_at__lt=period.end, ends_at__gt=period.start)
        .select_related("user").order_by("starts_at", "pk"))
    staffed = [s for s in shifts if s.user is not None]
    gaps = gaps_in([(s.starts_at, s.ends_at) for s in staffed], period.start, period.end)
    days = []
    for day in period.each_day():
        cells = []
        for hour_no in range(24):
            hour = local_moment(day, datetime.time(hour_no))
            names = [s.user.display_name for s in staffed
                     if s.user is not None and s.starts_at < hour + HOUR and s.ends_at > hour]
            gap = any(g.start < hour + HOUR and g.end > hour for g in gaps)
            cells.append(Cell(hour, names, gap))
        days.append((day, cells))
    return days, shifts


# --- hours per person ---------------------------------------------------------------------------

@dataclass
class PersonHours:
    user: User
    hours: float
    shifts: int


def hours_rows(user: ScopedUser, area: Area, period: Period) -> QuerySet[Any]:
    """Hours on duty per person id at the area's checkpoints within the period (shifts cut at
    its edges), most first, summed by the database: {"user_id", "spent", "shifts"} rows, to
    page through (`people_of`) without reading a district's thousands of shifts."""
    start, end = Value(period.start), Value(period.end)
    cut = ExpressionWrapper(Least(F("ends_at"), end) - Greatest(F("starts_at"), start),
                            output_field=DurationField())
    return (shifts_between(user, period.start, period.end)
            .filter(subtree_q("checkpoint__area__path", area.path))
            .values("user_id").annotate(spent=Sum(cut), shifts=Count("id"))
            .order_by("-spent", "user__username", "user_id"))


def people_of(rows: Iterable[dict[str, Any]]) -> list[PersonHours]:
    """hours_rows() made PersonHours, their persons read in one query."""
    rows = list(rows)
    people = User.objects.in_bulk([row["user_id"] for row in rows])
    return [PersonHours(people[row["user_id"]], round(row["spent"].total_seconds() / 3600, 2),
                        row["shifts"]) for row in rows if row["user_id"] in people]


def hours_per_person(user: ScopedUser, area: Area, period: Period) -> list[PersonHours]:
    """Every row of hours_rows(), most hours first: two queries."""
    return people_of(hours_rows(user, area, period))
