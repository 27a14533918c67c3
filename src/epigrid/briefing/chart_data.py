"""The data of the briefing's three charts 图表, gathered once for every way they are drawn.

The DOCX and PDF draw them as PNG images (charts.py, matplotlib); the dispatch meeting page
draws them with ECharts (static/briefing/meeting.js, the data through json_script) over a table
of the same figures. Both read `gather(meeting)`, so a figure cannot differ between the page and
the files:

- the epidemic curve 流行曲线 of the area's subtree over the last CHART_DAYS days
  (`cases.curve.build`, one query): new confirmed and asymptomatic cases by report date (bars),
  and by onset date (a line);
- the screening progress 排查进度: households visited in the running campaigns against those
  registered, per child area (the area itself when it has none), as a percentage — read from the
  meeting's stored figures, no query;
- the checkpoint flows 卡口流量 of the last CHART_DAYS days: passages in and out, and those
  persuaded to turn back (reporting's stored days, two queries).

Every value carries where it drills down to, as the dashboards do: a day of the curve opens the
area's case figures of that day (new confirmed and new asymptomatic, each onto its records; no
list is kept by onset date, so the onset line has no links), a day of the flows the checkpoint
figures behind the metric (`Metric.url`, for the viewer), an area of the screening chart its own
meeting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from epigrid.areas.models import Area
from epigrid.briefing import meeting
from epigrid.cases import curve
from epigrid.core.access import ScopedUser
from epigrid.reporting import reading
from epigrid.reporting.metrics import get_metric

CHART_DAYS = 30
BLUE, ORANGE, RED, GREY = "#1f6fb2", "#e08a1e", "#c0392b", "#8c8c8c"
BAR, LINE = "bar", "line"
FLOW_CODES = ("passages_in", "passages_out", "turned_back")


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: list[int]
    color: str
    kind: str = BAR  # or LINE
    urls: list[str | None] = field(default_factory=list)  # per value; empty: no drill-down

    def url(self, index: int) -> str | None:
        return self.urls[index] if index < len(self.urls) else None


@dataclass(frozen=True)
class ChartData:
    key: str  # curve, screening, flows
    name: str  # what the chart is called in a list of charts
    title: str  # the title drawn over it
    category_label: str  # what the categories are: the days, the areas
    categories: list[str]  # ISO days (by_day) or area names
    series: list[Series]
    empty: str  # said over the chart when every value is 0
    by_day: bool = True
    horizontal: bool = False
    percent: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(any(s.values) for s in self.series)

    def rows(self) -> list[tuple[str, list[tuple[int, str | None]]]]:
        """The chart as a table: each category with every series' value and its link."""
        return [(category, [(s.values[i], s.url(i)) for s in self.series])
                for i, category in enumerate(self.categories)]

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "title": self.title,
                "categories": self.categories, "by_day": self.by_day,
                "horizontal": self.horizontal, "percent": self.percent, "empty": self.empty,
                "series": [{"key": s.key, "label": s.label, "values": s.values,
                            "color": s.color, "kind": s.kind, "urls": s.urls}
                           for s in self.series]}


def _days(day: datetime.date) -> list[datetime.date]:
    first = day - datetime.timedelta(days=CHART_DAYS - 1)
    return [first + datetime.timedelta(days=n) for n in range(CHART_DAYS)]


def curve_data(area: Area, day: datetime.date) -> ChartData:
    found = curve.build(area.path, end=day, days=CHART_DAYS)
    base = reverse("cases:figure_area", args=(area.pk,))
    return ChartData(
        key="curve", name=_("Epidemic curve"),
        title=_("Epidemic curve: new confirmed and asymptomatic cases"),
        category_label=_("Day"), categories=[d.isoformat() for d in found.days],
        series=[Series("by_report", _("by report date"), list(found.by_report), BLUE,
                       urls=[f"{base}?day={d.isoformat()}" for d in found.days]),
                Series("by_onset", _("by onset date"), list(found.by_onset), ORANGE,
                       kind=LINE)],
        empty=_("No confirmed or asymptomatic case in these days."))


def percent(visited: int, registered: int) -> int:
    return round(visited * 100 / registered) if registered else 0


def screening_data(found: meeting.Meeting) -> ChartData:
    rows = {row.metric.code: row for row in found.rows}
    visited, registered = rows["households_visited_campaign"], rows["households_registered"]
    if found.figures.children:
        areas = found.figures.children
        pairs = list(zip(visited.children, registered.children, strict=True))
    else:
        areas, pairs = [found.area], [(visited.value, registered.value)]
    day = found.day.isoformat()
    return ChartData(
        key="screening", name=_("Screening progress"),
        title=_("Screening progress: households visited in the running campaigns (%)"),
        category_label=_("Area"), categories=[area.name for area in areas],
        series=[Series("visited", _("visited"), [percent(v, r) for v, r in pairs], BLUE, urls=[
            reverse("briefing:meeting", args=(area.pk,)) + f"?day={day}" for area in areas])],
        empty=_("No household visited in a running campaign."),
        by_day=False, horizontal=True, percent=True)


def flows_data(area: Area, day: datetime.date, viewer: ScopedUser | None) -> ChartData:
    days = _days(day)
    metrics = [get_metric(code) for code in FLOW_CODES]
    stored = {found.day: found for found in reading.stored_days(area, days[0], day, metrics)}
    values = [[stored[d].values[code] if d in stored else 0 for d in days] for code in FLOW_CODES]
    urls = [[metric.url(area.pk, d, viewer) for d in days] for metric in metrics]
    passages_in, passages_out, turned_back = values
    return ChartData(
        key="flows", name=_("Checkpoint flows"), title=_("Checkpoint flows: passages per day"),
        category_label=_("Day"), categories=[d.isoformat() for d in days],
        series=[Series("passages_in", _("in"), passages_in, BLUE, urls=urls[0]),
                Series("passages_out", _("out"), passages_out, GREY, urls=urls[1]),
                Series("turned_back", _("persuaded to turn back"), turned_back, RED, kind=LINE,
                       urls=urls[2])],
        empty=_("No passage logged in these days."))


def gather(found: meeting.Meeting, viewer: ScopedUser | None) -> list[ChartData]:
    """The three charts of a meeting's area and day, in the briefing's order (three queries);
    the metrics' drill-downs are those `viewer` may open."""
    return [curve_data(found.area, found.day), screening_data(found),
            flows_data(found.area, found.day, viewer)]
