"""Reading the stored figures: an area's day with its children and the day before, and ranges.

Pages and the API read only stored rows (services.recompute_day writes them): an area's page is
three queries whatever the number of its children (the children, their rows and the area's for
the day and the day before, the freeze of the day).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import Area
from epigrid.core.access import ScopedUser
from epigrid.reporting.metrics import Family, Metric, all_metrics, families
from epigrid.reporting.models import DailyFigures, FrozenDay

MAX_RANGE_DAYS = 92


class BadQueryError(ValueError):
    """A day, a range or a metric that cannot be answered; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_day(raw: str | None, field: str = "day",
              default: datetime.date | None = None) -> datetime.date:
    """An ISO date not after today (`default`, or today, when not given)."""
    today = timezone.localdate()
    if not raw:
        return default or today
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadQueryError(field, _("Give the day as YYYY-MM-DD (got “%(day)s”).")
                            % {"day": raw}) from None
    if day > today:
        raise BadQueryError(field, _("The day %(day)s is in the future: it has no figures yet.")
                            % {"day": raw})
    return day


def parse_range(start: str | None, end: str | None) -> tuple[datetime.date, datetime.date]:
    """`start` to `end` (default: today only), at most MAX_RANGE_DAYS days."""
    last = parse_day(end, "end")
    first = parse_day(start, "start", default=last)
    if first > last:
        raise BadQueryError("start", _("The start must not come after the end."))
    if (last - first).days >= MAX_RANGE_DAYS:
        raise BadQueryError("start", _("Ask for at most %(n)d days at a time.")
                            % {"n": MAX_RANGE_DAYS})
    return first, last


def parse_metrics(raw: str | None) -> list[Metric]:
    """Comma-separated metric codes (every metric when not given); an unknown one is refused."""
    known = {metric.code: metric for metric in all_metrics()}
    if not raw:
        return list(known.values())
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    unknown = [code for code in codes if code not in known]
    if unknown or not codes:
        raise BadQueryError("metric", _("No metric %(codes)s. The metrics are listed at "
                                        "/api/figures/metrics.") % {"codes": ", ".join(unknown)})
    return [known[code] for code in codes]


@dataclass
class Row:
    metric: Metric
    value: int
    change: int | None  # None: the day before was not counted
    now: int
    url: str | None  # the drill-down, if the viewer may open it
    children: list[int] = field(default_factory=list)

    @property
    def trend(self) -> str:
        """How its change since the day before reads: "worse", "better" or ""."""
        return self.metric.trend(self.change)

    @property
    def moved(self) -> bool:
        """The records changed the figure after the day was frozen."""
        return self.now != self.value


@dataclass
class AreaDay:
    area: Area
    day: datetime.date
    children: list[Area]
    groups: list[tuple[Family, list[Row]]]
    stored: bool
    computed_at: datetime.datetime | None
    frozen: FrozenDay | None


def area_day(area: Area, day: datetime.date, viewer: ScopedUser | None) -> AreaDay:
    """An area's stored figures for a day, the change since the day before, its children's;
    each with the drill-down `viewer` may open (`Metric.url`; None, for a file: only those that
    need no capability)."""
    children = list(Area.objects.filter(parent=area).order_by("name", "pk"))
    before = day - datetime.timedelta(days=1)
    rows: dict[tuple[int, datetime.date], tuple[dict[str, Any], dict[str, Any], Any]] = {
        (area_id, when): (values or {}, now or {}, at)
        for area_id, when, values, now, at in DailyFigures.objects.filter(
            area_id__in=[area.pk, *(child.pk for child in children)], day__in=[day, before]
        ).values_list("area_id", "day", "values", "now", "computed_at")}
    frozen = FrozenDay.objects.filter(day=day).first()
    own = rows.get((area.pk, day))
    values, now, computed_at = own if own is not None else ({}, {}, None)
    yesterday = rows.get((area.pk, before))
    groups = []
    for family in families():
        found = []
        for metric in family.metrics:
            value = int(values.get(metric.code, 0))
            found.append(Row(
                metric=metric, value=value, now=int(now.get(metric.code, 0)),
                change=None if yesterday is None else value - int(
                    yesterday[0].get(metric.code, 0)),
                url=metric.url(area.pk, day, viewer),
                children=[int(rows.get((child.pk, day), ({}, {}, None))[0].get(metric.code, 0))
                          for child in children]))
        groups.append((family, found))
    return AreaDay(area=area, day=day, children=children, groups=groups, stored=own is not None,
                   computed_at=computed_at, frozen=frozen)


@dataclass
class StoredDay:
    day: datetime.date
    frozen: bool
    computed_at: datetime.datetime
    values: dict[str, int]
    now: dict[str, int]


def stored_days(area: Area, first: datetime.date, last: datetime.date,
                metrics: list[Metric]) -> list[StoredDay]:
    """The area's stored days of the range, each with every asked metric (zeros included)."""
    frozen = set(FrozenDay.objects.filter(day__gte=first, day__lte=last)
                 .values_list("day", flat=True))
    rows = (DailyFigures.objects.filter(area=area, day__gte=first, day__lte=last)
            .order_by("day").values_list("day", "values", "now", "computed_at"))
    return [StoredDay(day=day, frozen=day in frozen, computed_at=at,
                      values={m.code: int((values or {}).get(m.code, 0)) for m in metrics},
                      now={m.code: int((now or {}).get(m.code, 0)) for m in metrics})
            for day, values, now, at in rows]


def period_totals(days: list[StoredDay], metrics: list[Metric]) -> dict[str, int]:
    """Each metric over the days by its rollup: flows added, stocks the last day's, peaks max."""
    return {m.code: m.rollup.over_days([d.values[m.code] for d in days]) for m in metrics}
