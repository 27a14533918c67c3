"""Imports of supervision, registered with the core import framework in SupervisionConfig.ready().

`supervision_tasks`: a desk's list of supervised tasks 督办台账, a task a row (the code of the
area that handles it, what is to be done, the requirements, the day, lead or assisting), each set
through services.set_task by the importing user's desk, for an area the user sees. A row is
refused, naming its column, for an area unknown or out of sight (the same words for both), an
empty title, a day that is not a day or has passed, or a part that is neither lead nor
assisting; the other rows go in. A row whose task the desk already set (the same area, title and
day, not withdrawn) is counted unchanged, so a list imported twice sets each task once.

It needs SUPERVISE. Lists are short (tens to hundreds of rows): rows go through the service one by
one; a refusal the service raises while writing names the row and its column, and its batch is
written again without it (the runner's savepoints: nothing of the refused row is kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area
from epigrid.core.access import Capability
from epigrid.core.imports import parsers
from epigrid.core.imports.base import INVALID, Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.cells import parse_day, service_refusal
from epigrid.core.imports.errors import CellError, RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.supervision import services
from epigrid.supervision.models import Part, Task, TaskStatus

# Words people write for a part 主办 / 协办, beyond its value and its labels.
PART_WORDS: dict[str, str] = {"主办": Part.LEAD, "牵头": Part.LEAD, "牵头单位": Part.LEAD,
                              "主办单位": Part.LEAD, "协办": Part.ASSIST,
                              "配合": Part.ASSIST, "协办单位": Part.ASSIST}
TASK_COLUMNS = (
    ImportColumn("area_code", gettext_lazy("area code"),
                 ("承办单位编码", "责任单位编码", "区域编码", "区划代码", "area"), required=True),
    ImportColumn("title", gettext_lazy("task"), ("督办事项", "事项", "任务", "title"),
                 required=True),
    ImportColumn("instructions", gettext_lazy("instructions"),
                 ("督办要求", "工作要求", "要求", "instructions")),
    ImportColumn("due_on", gettext_lazy("due on"),
                 ("办结时限", "完成时限", "时限", "截止日期", "due"), required=True),
    ImportColumn("part", gettext_lazy("part"), ("主办/协办", "承办方式", "part")),
)
# A service's field -> the column that holds it.
TASK_FIELDS = {"area": "area_code", "title": "title", "due_on": "due_on", "part": "part"}


def parse_part(raw: str) -> str:
    """Lead or assisting, by value, label or word (主办, 协办); empty: lead."""
    if not raw.strip():
        return Part.LEAD
    return parsers.parse_choice(raw, parsers.choice_words(Part.choices, PART_WORDS),
                                Part.values)


class TaskImporter(Importer):
    name = "supervision_tasks"
    label = gettext_lazy("Supervision: tasks set to areas (督办台账)")
    model = Task
    columns = TASK_COLUMNS
    capability = Capability.SUPERVISE

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self._areas: dict[str, Area] = {}  # the batch's, in the user's sight

    def prepare(self, rows: Sequence[RawRow]) -> None:
        codes = set()
        for row in rows:
            try:
                codes.add(parsers.parse_code(row.values.get("area_code", "")))
            except CellError:
                continue
        sight = Area.objects.all() if self.user is None else Area.objects.restrict(self.user)
        self._areas = {area.code: area for area in sight.filter(code__in=codes)}

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        code = cells.parse("area_code", parsers.parse_code)
        area = None
        if code is not INVALID:
            area = self._areas.get(code)
            if area is None:  # unknown and out of sight alike
                cells.error("area_code", _("There is no area with the code %(code)s in your "
                                           "area.") % {"code": code})
        data: dict[str, Any] = {
            "title": cells.parse("title", lambda raw: parsers.parse_text(
                raw, max_length=200, required=True)),
            "instructions": cells.parse("instructions", lambda raw: parsers.parse_text(
                raw, max_length=2000)),
            "due_on": cells.parse("due_on", parse_day),
            "part": cells.parse("part", parse_part),
        }
        if data["due_on"] not in (None, INVALID) and data["due_on"] < timezone.localdate():
            cells.error("due_on", _("%(day)s has passed.") % {"day": data["due_on"].isoformat()})
        if cells.errors:
            return cells.errors
        data.update(area=area, raw={column.name: row.values.get(column.name, "").strip()
                                    for column in self.columns})
        return CleanRow(row.number, data)

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        result = WriteResult()
        for row in rows:
            data = row.data
            issuer = services.issuer_for(self.user, data["area"])
            if Task.objects.filter(area=data["area"], issuer_area=issuer, title=data["title"],
                                   due_on=data["due_on"]).exclude(
                                       status=TaskStatus.CANCELLED).exists():
                result.unchanged += 1
                continue
            try:
                services.set_task(data["area"], by=self.user, title=data["title"],
                                  instructions=data["instructions"], due_on=data["due_on"],
                                  part=data["part"], issuer_area=issuer)
            except ValidationError as error:
                raise service_refusal(row, error, TASK_FIELDS) from None
            result.created += 1
        return result


IMPORTERS: tuple[type[Importer], ...] = (TaskImporter,)
