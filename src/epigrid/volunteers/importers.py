"""Import of volunteers, registered with the core import framework in VolunteersConfig.ready().

`volunteers_roster`: a roster of volunteers 志愿者花名册, a volunteer a row (name, mobile, the code
of the area they serve, skills, party member, the day they registered), headers in Chinese or
English. Each row goes through services.register by the importing user, for an area the user
sees. A row is refused, naming its column, for a missing name, a phone that is no mainland
mobile, an area unknown or out of sight (the same words for both), a day that is not a day, a
phone given twice in the file, or what the service refuses (a phone registered elsewhere, a day
in the future); the other rows go in. A row whose phone is already registered, serving, in the
same area under the same name is counted unchanged, so a roster imported twice registers each
volunteer once.

It needs MANAGE_VOLUNTEERS. Rosters are short (hundreds of rows): rows go through the service
one by one; a refusal the service raises while writing names the row and its column, and its
batch is written again without it (the runner's savepoints: nothing of the refused row is kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area
from epigrid.core.access import Capability
from epigrid.core.identity import mask_phone
from epigrid.core.imports import parsers
from epigrid.core.imports.base import Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.cells import (
    area_of_code,
    parse_day,
    parse_mobile_cell,
    parse_yes_no,
    phone_once_in_file,
    raw_cells,
    service_refusal,
)
from epigrid.core.imports.errors import CellError, RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.volunteers import services
from epigrid.volunteers.models import Volunteer

ROSTER_COLUMNS = (
    ImportColumn("name", gettext_lazy("name"), ("姓名", "志愿者姓名", "name"), required=True),
    ImportColumn("phone", gettext_lazy("phone"), ("手机号", "手机号码", "手机", "联系电话",
                                                  "mobile"), required=True),
    ImportColumn("area_code", gettext_lazy("area code"),
                 ("所在地区", "服务地区", "所在社区", "区划代码", "area"), required=True),
    ImportColumn("skills", gettext_lazy("skills"), ("特长", "专长", "技能", "skills")),
    ImportColumn("party_member", gettext_lazy("party member"), ("党员", "是否党员", "政治面貌")),
    ImportColumn("registered_on", gettext_lazy("registered on"),
                 ("登记日期", "注册日期", "报名日期", "加入日期", "registered"), required=True),
)
# A service's field -> the column that holds it.
ROSTER_FIELDS = {"area": "area_code", "name": "name", "phone": "phone",
                 "registered_on": "registered_on"}


class RosterImporter(Importer):
    name = "volunteers_roster"
    label = gettext_lazy("Volunteers: roster of volunteers (志愿者花名册)")
    model = Volunteer
    columns = ROSTER_COLUMNS
    capability = Capability.MANAGE_VOLUNTEERS
    masked_columns = {"phone": mask_phone}

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self._areas: dict[str, Area] = {}  # the batch's, in the user's sight
        self._phones: dict[str, int] = {}  # phone -> the row of the file that gave it

    def prepare(self, rows: Sequence[RawRow]) -> None:
        codes: set[str] = set()
        for row in rows:
            try:
                codes.add(parsers.parse_code(row.values.get("area_code", "")))
            except CellError:
                continue
        sight = Area.objects.all() if self.user is None else Area.objects.restrict(self.user)
        self._areas = {area.code: area for area in sight.filter(code__in=codes)}

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        data: dict[str, Any] = {
            "name": cells.parse("name", lambda raw: parsers.parse_text(
                raw, max_length=60, required=True)),
            "phone": cells.parse("phone", parse_mobile_cell),
            "area": area_of_code(cells, self._areas),
            "skills": cells.parse("skills", lambda raw: parsers.parse_text(
                raw, max_length=200)),
            "party_member": cells.parse("party_member", parse_yes_no),
            "registered_on": cells.parse("registered_on", parse_day),
        }
        phone_once_in_file(cells, self._phones, data["phone"], row.number)
        if cells.errors:
            return cells.errors
        data["raw"] = raw_cells(row, self.columns)
        return CleanRow(row.number, data)

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        result = WriteResult()
        # Who serves already, where and under which name: a roster imported again adds no one.
        there = set(Volunteer.objects.filter(
            phone__in=[row.data["phone"] for row in rows], left_on__isnull=True)
            .values_list("phone", "area_id", "name"))
        for row in rows:
            data = row.data
            if (data["phone"], data["area"].pk, data["name"]) in there:
                result.unchanged += 1
                continue
            try:
                services.register(data["area"], by=self.user, name=data["name"],
                                  phone=data["phone"], registered_on=data["registered_on"],
                                  skills=data["skills"], party_member=data["party_member"])
            except ValidationError as error:
                raise service_refusal(row, error, ROSTER_FIELDS) from None
            result.created += 1
        return result


IMPORTERS: tuple[type[Importer], ...] = (RosterImporter,)
