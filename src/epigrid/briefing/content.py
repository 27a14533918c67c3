"""What a briefing 简报 says, whatever its format: the meeting, the charts, every area's figures.

`build(area, day)` gathers the meeting (meeting.py) and the data of the three charts
(chart_data.py: the same data the meeting page draws) and draws them as images (charts.py).
`every_area(area, day)` reads the stored figures of every area of the subtree for the XLSX
workbook: two queries, streamed in path order.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Level
from epigrid.briefing import chart_data, charts, meeting
from epigrid.core.access import subtree_q
from epigrid.reporting.metrics import Metric, all_metrics
from epigrid.reporting.models import DailyFigures


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    png: bytes


@dataclass
class Briefing:
    meeting: meeting.Meeting
    charts: list[Chart]
    generated_at: datetime.datetime

    @property
    def area(self) -> Area:
        return self.meeting.area

    @property
    def day(self) -> datetime.date:
        return self.meeting.day

    @property
    def title(self) -> str:
        return _("Briefing of %(area)s, %(day)s") % {"area": self.area.name,
                                                      "day": self.day.isoformat()}

    @property
    def stem(self) -> str:
        """The file name without its extension: briefing-<area code>-<day>."""
        return f"briefing-{self.area.code}-{self.day.isoformat()}"


def build(area: Area, day: datetime.date) -> Briefing:
    found = meeting.build(area, day, None)  # a file: no viewer, so no link behind a capability
    drawn = [Chart(data.key, data.name, charts.draw(data))
             for data in chart_data.gather(found, None)]
    return Briefing(meeting=found, charts=drawn, generated_at=timezone.now())


@dataclass(frozen=True)
class AreaFigures:
    code: str
    name: str
    level: str
    parent_code: str
    values: list[int]  # in `metrics` order


def every_area(area: Area, day: datetime.date,
               metrics: list[Metric] | None = None) -> Iterator[AreaFigures]:
    """Every area of the subtree in path order (parents before children), with every metric's
    stored value for the day (0 where nothing was stored)."""
    chosen = metrics if metrics is not None else all_metrics()
    wanted = [metric.code for metric in chosen]
    stored = dict(DailyFigures.objects.filter(subtree_q("area_path", area.path), day=day)
                  .values_list("area_id", "values").iterator(chunk_size=5000))
    codes: dict[int, str] = {}
    if area.parent_id:
        codes[area.parent_id] = Area.objects.values_list("code", flat=True).get(
            pk=area.parent_id)
    levels = dict(Level.choices)
    rows = (Area.objects.filter(subtree_q("path", area.path)).order_by("path")
            .values_list("pk", "code", "name", "level", "parent_id"))
    for pk, code, name, level, parent_id in rows.iterator(chunk_size=5000):
        codes[pk] = code
        values = stored.get(pk) or {}
        yield AreaFigures(code=code, name=name, level=str(levels.get(level, level)),
                          parent_code=codes.get(parent_id, "") if parent_id else "",
                          values=[int(values.get(code, 0)) for code in wanted])
