"""Reading a dashboard 数据看板 from the stored daily figures: two queries whatever the area.

One query fetches the area's children (with their boundary 边界 only when the map needs it), one
the stored rows: the area's days of the trend (which hold today and yesterday too) and the
children's row of the day. A past day's board takes a third, for the children's risk levels as
they stood that day (areas.risk_history). The figures are each row's `now` — the latest
recount: the same as the report before the daily cutoff, and what arrived since after it (a
dashboard is live; the frozen report stays on the figure page of epigrid.reporting).

Every number carries its drill-down: the metric's list of the records behind it
(`reporting.metrics.Metric.url`) for the area and day, when the viewer may open it (a case list
needs VIEW_CASES: the figure is shown unlinked otherwise), and each child its own dashboard.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse

from epigrid.areas.models import Area, RiskLevel
from epigrid.areas.risk_history import levels_on
from epigrid.core.access import ScopedUser
from epigrid.dashboards.choices import Choice
from epigrid.reporting.metrics import Metric
from epigrid.reporting.models import DailyFigures

# The colours of the risk levels 风险等级, as the command's maps draw them.
RISK_COLOURS: dict[str, str] = {RiskLevel.LOW: "#2e7d32", RiskLevel.MEDIUM: "#f9a825",
                                RiskLevel.HIGH: "#c62828"}
RISK_RANK: dict[str, int] = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}
RISK_LABELS = dict(RiskLevel.choices)

MAP_REGIONS, MAP_POINTS, MAP_NONE = "regions", "points", "none"


@dataclass(frozen=True)
class KeyFigure:
    metric: Metric
    value: int
    yesterday: int | None  # None: the day before was not counted
    url: str | None

    @property
    def change(self) -> int | None:
        return None if self.yesterday is None else self.value - self.yesterday

    @property
    def trend(self) -> str:
        """How the change reads: "worse", "better" or "" (reporting.metrics.Metric.trend)."""
        return self.metric.trend(self.change)


@dataclass(frozen=True)
class TrendSeries:
    metric: Metric
    values: list[int | None]  # None: a day not counted
    urls: list[str | None]


@dataclass(frozen=True)
class ChildArea:
    """A child of the shown area on the map: its value, its risk level on the board's day and
    where it lies."""

    pk: int
    name: str
    code: str
    risk: str
    value: int  # the map's figure; the risk's rank (1 low .. 3 high) when coloured by risk
    latitude: float | None
    longitude: float | None
    has_boundary: bool
    boundary: dict[str, Any] | None  # None also when the boundaries were not asked for
    url: str | None  # the records behind the value (by a figure), else None
    dashboard_url: str

    @property
    def colour(self) -> str | None:
        return RISK_COLOURS.get(self.risk)

    @property
    def risk_label(self) -> str:
        return str(RISK_LABELS.get(self.risk, self.risk))


@dataclass
class Board:
    area: Area
    choice: Choice
    stored: bool
    computed_at: datetime.datetime | None
    figures: list[KeyFigure]
    days: list[datetime.date]
    trend: list[TrendSeries]
    children: list[ChildArea]
    map_mode: str
    unplaced: list[ChildArea] = field(default_factory=list)

    def geojson(self) -> dict[str, Any] | None:
        """The children's boundaries as a FeatureCollection for echarts.registerMap; a
        feature's `name` is the child's id (names may repeat), its `label` the name."""
        if self.map_mode != MAP_REGIONS:
            return None
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": str(child.pk), "label": child.name},
             "geometry": child.boundary}
            for child in self.children if child.boundary]}

    def as_json(self, geo: bool = True) -> dict[str, Any]:
        """What the page's charts and the wall screen read (json_script and the API alike)."""
        choice = self.choice
        return {
            "area": {"id": self.area.pk, "name": self.area.name, "code": self.area.code},
            "day": self.choice.day.isoformat(),
            "stored": self.stored,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "figures": [{"code": f.metric.code, "name": str(f.metric.name),
                         "unit": str(f.metric.unit), "value": f.value, "yesterday": f.yesterday,
                         "change": f.change, "trend": f.trend, "url": f.url} for f in self.figures],
            "trend": {"days": [day.isoformat() for day in self.days], "series": [
                {"code": s.metric.code, "name": str(s.metric.name), "values": s.values,
                 "urls": s.urls} for s in self.trend]},
            "map": {
                "by": choice.map_key,
                "name": str(choice.map_by.name) if choice.map_by else None,
                "mode": self.map_mode,
                "areas": [_child_json(child) for child in self.children],
                "unplaced": [child.name for child in self.unplaced],
                "geojson": self.geojson() if geo else None,
            },
        }


def _child_json(child: ChildArea) -> dict[str, Any]:
    return {"id": child.pk, "name": child.name, "code": child.code, "value": child.value,
            "risk": child.risk, "risk_label": child.risk_label, "colour": child.colour,
            "latitude": child.latitude, "longitude": child.longitude,
            "has_boundary": child.has_boundary, "url": child.url,
            "dashboard_url": child.dashboard_url}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _children(area: Area, geo: bool) -> list[Area]:
    fields = ["id", "name", "code", "path", "level", "risk_level", "latitude", "longitude",
              *(["boundary"] if geo else [])]
    return list(Area.objects.filter(parent=area).order_by("name", "pk").only(*fields).annotate(
        has_boundary=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField())))


def read_board(area: Area, choice: Choice, viewer: ScopedUser, geo: bool = True) -> Board:
    """The dashboard of `area` for `choice` as `viewer` sees it: stored figures only (two
    queries, three for a past day), the drill-downs the viewer may open.

    `geo` False leaves the boundaries out (the wall screen's refresh: the map is drawn once).
    """
    children = _children(area, geo)
    day, first = choice.day, choice.first_day
    yesterday = day - datetime.timedelta(days=1)
    own: dict[datetime.date, tuple[dict[str, Any], datetime.datetime]] = {}
    theirs: dict[int, dict[str, Any]] = {}
    rows = DailyFigures.objects.filter(
        Q(area=area, day__gte=min(first, yesterday), day__lte=day)
        | Q(area_id__in=[child.pk for child in children], day=day)
    ).values_list("area_id", "day", "now", "computed_at")
    for area_id, when, now, computed_at in rows:
        if area_id == area.pk:
            own[when] = (now or {}, computed_at)
        else:
            theirs[area_id] = now or {}
    today = own.get(day)
    values = today[0] if today else {}
    before = own.get(yesterday)
    figures = [KeyFigure(metric=m, value=int(values.get(m.code, 0)),
                         yesterday=None if before is None else int(before[0].get(m.code, 0)),
                         url=m.url(area.pk, day, viewer)) for m in choice.figures]
    days = [first + datetime.timedelta(days=n) for n in range(choice.days)]
    trend = [TrendSeries(metric=m, values=[
        int(own[d][0].get(m.code, 0)) if d in own else None for d in days],
        urls=[m.url(area.pk, d, viewer) for d in days]) for m in choice.trend]
    levels = levels_on(children, day)
    placed = [_child(child, levels[child.pk], theirs.get(child.pk, {}), choice, geo, viewer)
              for child in children]
    mode = (MAP_REGIONS if any(c.has_boundary for c in placed)
            else MAP_POINTS if any(c.latitude is not None for c in placed) else MAP_NONE)
    unplaced = [c for c in placed if mode != MAP_NONE and not (
        c.has_boundary if mode == MAP_REGIONS else c.latitude is not None)]
    return Board(area=area, choice=choice, stored=today is not None,
                 computed_at=today[1] if today else None, figures=figures, days=days,
                 trend=trend, children=placed, map_mode=mode, unplaced=unplaced)


def _child(child: Area, risk: str, values: dict[str, Any], choice: Choice, geo: bool,
           viewer: ScopedUser) -> ChildArea:
    metric = choice.map_by
    located = child.latitude is not None and child.longitude is not None
    return ChildArea(
        pk=child.pk, name=child.name, code=child.code, risk=risk,
        value=int(values.get(metric.code, 0)) if metric else RISK_RANK.get(risk, 0),
        latitude=_float(child.latitude) if located else None,
        longitude=_float(child.longitude) if located else None,
        has_boundary=bool(getattr(child, "has_boundary", False)),
        boundary=child.boundary if geo else None,
        url=metric.url(child.pk, choice.day, viewer) if metric else None,
        dashboard_url=reverse("dashboards:area", args=(child.pk,)))
