"""Import of mobilization, registered with the core import framework in MobilizationConfig.ready().

`mobilization_people`: a roster of people sent down 下沉干部花名册, a person a row (name, the unit
that sent them, post, mobile, party member, the code of the area they were sent to, the name of
their team, team leader, the day they arrived, duties), headers in Chinese or English. Each row
goes through services.deploy by the importing user, for an area the user sees; its team is one
of that area or of an area above it (the nearest of the name). A row is refused, naming its
column, for a phone that is no mainland mobile, an area unknown or out of sight (the same words
for both), a team unknown there, a day that is not a day, a phone given twice in the file, or
what the service refuses (a phone on duty elsewhere, a team stood down, a day too far ahead);
the other rows go in. A row whose phone is already on duty in the same area since the same day
is counted unchanged, so a roster imported twice records each person once.

It needs MOBILIZE. Rosters are short (hundreds of rows): rows go through the service one by one;
a refusal the service raises while writing names the row and its column, and its batch is
written again without it (the runner's savepoints: nothing of the refused row is kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area, ancestor_paths
from epigrid.core.access import Capability
from epigrid.core.identity import mask_phone
from epigrid.core.imports import parsers
from epigrid.core.imports.base import INVALID, Cells, CleanRow, Importer, WriteResult
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
from epigrid.mobilization import services
from epigrid.mobilization.models import Deployment, Team

PEOPLE_COLUMNS = (
    ImportColumn("name", gettext_lazy("name"), ("姓名", "name"), required=True),
    ImportColumn("unit", gettext_lazy("work unit"), ("派出单位", "工作单位", "单位", "unit"),
                 required=True),
    ImportColumn("post", gettext_lazy("post"), ("职务", "职务职级", "post")),
    ImportColumn("phone", gettext_lazy("phone"), ("手机号", "手机号码", "手机", "联系电话",
                                                  "mobile"), required=True),
    ImportColumn("party_member", gettext_lazy("party member"), ("党员", "是否党员", "政治面貌")),
    ImportColumn("area_code", gettext_lazy("area code"),
                 ("下沉地区", "下沉地区编码", "下沉社区", "区划代码", "area"), required=True),
    ImportColumn("team", gettext_lazy("team"), ("工作队", "所在队伍", "队伍", "team")),
    ImportColumn("leader", gettext_lazy("team leader"), ("队长", "是否队长", "leader")),
    ImportColumn("arrived_on", gettext_lazy("arrived on"),
                 ("到岗日期", "到岗时间", "下沉日期", "arrived"), required=True),
    ImportColumn("duties", gettext_lazy("duties"), ("职责", "工作职责", "包保任务", "duties")),
)
# A service's field -> the column that holds it.
PEOPLE_FIELDS = {"area": "area_code", "name": "name", "unit": "unit", "phone": "phone",
                 "arrived_on": "arrived_on", "team": "team", "leader": "leader"}


def parse_team_name(raw: str) -> str:
    return parsers.parse_text(raw, max_length=120)


class PeopleImporter(Importer):
    name = "mobilization_people"
    label = gettext_lazy("Mobilization: roster of people sent down (下沉干部花名册)")
    model = Deployment
    columns = PEOPLE_COLUMNS
    capability = Capability.MOBILIZE
    masked_columns = {"phone": mask_phone}

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self._areas: dict[str, Area] = {}  # the batch's, in the user's sight
        self._teams: dict[tuple[str, str], Team] = {}  # (area path, name) -> the batch's
        self._phones: dict[str, int] = {}  # phone -> the row of the file that gave it

    def prepare(self, rows: Sequence[RawRow]) -> None:
        codes: set[str] = set()
        names: set[str] = set()
        for row in rows:
            for column, parse, into in (("area_code", parsers.parse_code, codes),
                                        ("team", parse_team_name, names)):
                try:
                    into.add(parse(row.values.get(column, "")))
                except CellError:
                    continue
        sight = Area.objects.all() if self.user is None else Area.objects.restrict(self.user)
        self._areas = {area.code: area for area in sight.filter(code__in=codes)}
        paths = {path for area in self._areas.values() for path in ancestor_paths(area.path)}
        names.discard("")
        found = (Team.objects.filter(name__in=names, area__path__in=paths)
                 .select_related("area") if names else [])
        self._teams = {(team.area.path, team.name): team for team in found}

    def team_for(self, area: Area, name: str) -> Team | None:
        """The team of this name in `area` or the nearest area above it."""
        for path in reversed(ancestor_paths(area.path)):
            if (path, name) in self._teams:
                return self._teams[path, name]
        return None

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        data: dict[str, Any] = {
            "name": cells.parse("name", lambda raw: parsers.parse_text(
                raw, max_length=60, required=True)),
            "unit": cells.parse("unit", lambda raw: parsers.parse_text(
                raw, max_length=200, required=True)),
            "post": cells.parse("post", lambda raw: parsers.parse_text(raw, max_length=100)),
            "phone": cells.parse("phone", parse_mobile_cell),
            "party_member": cells.parse("party_member", parse_yes_no),
            "leader": cells.parse("leader", parse_yes_no),
            "arrived_on": cells.parse("arrived_on", parse_day),
            "duties": cells.parse("duties", lambda raw: parsers.parse_text(
                raw, max_length=2000)),
            "area": area_of_code(cells, self._areas),
        }
        data["team"] = self._team(cells, data["area"])
        phone_once_in_file(cells, self._phones, data["phone"], row.number)
        if cells.errors:
            return cells.errors
        data["raw"] = raw_cells(row, self.columns)
        return CleanRow(row.number, data)

    def _team(self, cells: Cells, area: Area | None) -> Team | None:
        name = cells.parse("team", parse_team_name)
        if name is INVALID or not name or area is None:
            return None
        team = self.team_for(area, name)
        if team is None:
            cells.error("team", _("There is no team named %(team)s in %(area)s or the areas "
                                  "above it.") % {"team": name, "area": area.name})
        return team

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        result = WriteResult()
        # Who is on duty already, where and since when: a roster imported again adds no one.
        there = set(Deployment.objects.filter(
            phone__in=[row.data["phone"] for row in rows], left_on__isnull=True)
            .values_list("phone", "area_id", "arrived_on"))
        for row in rows:
            data = row.data
            if (data["phone"], data["area"].pk, data["arrived_on"]) in there:
                result.unchanged += 1
                continue
            try:
                services.deploy(data["area"], by=self.user, name=data["name"],
                                unit=data["unit"], phone=data["phone"],
                                arrived_on=data["arrived_on"], team=data["team"],
                                post=data["post"], party_member=data["party_member"],
                                leader=data["leader"], duties=data["duties"])
            except ValidationError as error:
                raise service_refusal(row, error, PEOPLE_FIELDS) from None
            result.created += 1
        return result


IMPORTERS: tuple[type[Importer], ...] = (PeopleImporter,)
