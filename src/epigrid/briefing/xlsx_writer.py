"""Every figure of every area 全部数据 as an XLSX workbook (xlsx_stream: written row by row).

Sheet "Figures": one long sheet, one row per area of the subtree in tree order (the area first,
each parent before its children), with its code, name, level and parent's code, then one column
per metric — row 1 the metric's name, row 2 its code (the API's and DHIS2's data element), so
people read the names and programs the codes. Sheet "Metrics": the registry (code, name, unit,
family, roll-up, how it is counted). Sheet "Problems": the talking points, the closure, the
problems by age and the oldest open ones.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from epigrid.briefing import tables
from epigrid.briefing.content import Briefing, every_area
from epigrid.briefing.xlsx_stream import Cell, Sheet, write
from epigrid.reporting.metrics import all_metrics

FIXED = 4  # code, name, level, parent code


def _figures(briefing: Briefing) -> Iterator[Sequence[Cell]]:
    metrics = all_metrics()
    yield [_("Area code"), _("Area"), _("Level"), _("Parent code"),
           *(str(m.name) for m in metrics)]
    yield ["code", "name", "level", "parent_code", *(m.code for m in metrics)]
    for row in every_area(briefing.area, briefing.day, metrics):
        yield [row.code, row.name, row.level, row.parent_code, *row.values]


def _metrics() -> Iterator[Sequence[Cell]]:
    yield [_("Code"), _("Figure"), _("Unit"), _("Group"), _("Roll-up"), _("Counted from")]
    for metric in all_metrics():
        yield [metric.code, str(metric.name), str(metric.unit), metric.family,
               metric.rollup.label, str(metric.computed)]


def _problems(briefing: Briefing) -> Iterator[Sequence[Cell]]:
    yield [_("Talking points")]
    for point in briefing.meeting.points:
        yield [point]
    yield []
    yield [tables.closure_line(briefing)]
    for table in (tables.ages(briefing), tables.problems(briefing)):
        yield []
        yield table.header
        yield from table.rows


def render(briefing: Briefing) -> bytes:
    buffer = io.BytesIO()
    write(buffer, [
        Sheet(_("Figures"), _figures(briefing), header_rows=2, frozen=(2, 2)),
        Sheet(_("Metrics"), _metrics(), header_rows=1, frozen=(0, 1)),
        Sheet(_("Problems"), _problems(briefing), header_rows=1),
    ])
    return buffer.getvalue()
