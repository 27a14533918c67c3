"""Import of the area tree and of the sites (checkpoints, facilities, warehouses).

A code already in the database updates that record ("upsert"); a code given twice in one file
is refused on its second row. A user imports only into their own subtree: a parent or area
outside it gets the same message as one that does not exist.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area, Checkpoint, Facility, Level, Site, Warehouse, path_segment
from epigrid.core.ids import allocate_ids
from epigrid.core.imports import parsers
from epigrid.core.imports.base import INVALID, Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.errors import RowError, RowWriteError
from epigrid.core.imports.readers import ImportColumn, RawRow

STATISTICAL_CODE = re.compile(r"\d{12}")

# Words people write for a level, beyond its value and its label in each language.
LEVEL_WORDS: dict[str, int] = {
    "city": 1, "市": 1, "地级市": 1,
    "district": 2, "county": 2, "区": 2, "县": 2, "区县": 2, "县区": 2, "县级市": 2, "市辖区": 2,
    "town": 3, "township": 3, "subdistrict": 3, "street": 3, "乡镇": 3, "乡": 3, "镇": 3,
    "街道": 3, "乡镇街道": 3,
    "village": 4, "community": 4, "村": 4, "社区": 4, "村社区": 4, "村/社区": 4, "居委会": 4,
    "村委会": 4,
    "grid": 5, "网格": 5,
}

CHECKPOINT_WORDS = {"道路卡口": "road", "卡口": "road", "公路卡口": "road", "站点": "station",
                    "车站": "station", "站": "station", "小区门岗": "community_gate",
                    "社区卡口": "community_gate", "门岗": "community_gate",
                    "劝返点": "persuasion_return"}
FACILITY_WORDS = {"定点医院": "designated_hospital", "方舱医院": "shelter_hospital",
                  "方舱": "shelter_hospital", "发热门诊": "fever_clinic",
                  "集中隔离点": "quarantine_site", "隔离点": "quarantine_site",
                  "养老院": "nursing_home", "养老机构": "nursing_home", "农贸市场": "market",
                  "市场": "market"}


@functools.lru_cache(maxsize=1)
def _level_words() -> dict[str, Any]:
    return parsers.choice_words(Level.choices, LEVEL_WORDS)


def parse_level(raw: str) -> int:
    words = _level_words()
    text = parsers.fold(raw)
    if text.endswith(".0"):
        text = text[:-2]
    if text and text in words and not parsers.normalize(raw).startswith("-"):
        return int(words[text])
    raise parsers.CellError(
        _("Unknown level; use city, district, town, village or grid "
          "(市, 区县, 乡镇, 村/社区, 网格) or 1 to 5."))


COMMON = {
    "code": ImportColumn("code", gettext_lazy("code"),
                         ("编码", "代码", "区划代码", "统计用区划代码", "区划编码"), required=True),
    "name": ImportColumn("name", gettext_lazy("name"), ("名称", "名字", "区划名称"),
                         required=True),
    "latitude": ImportColumn("latitude", gettext_lazy("latitude"), ("纬度", "lat")),
    "longitude": ImportColumn("longitude", gettext_lazy("longitude"), ("经度", "lon", "lng")),
}
AREA_CODE = ImportColumn("area_code", gettext_lazy("area code"),
                         ("所属区域编码", "区域编码", "所属区域代码", "所属区域", "area"),
                         required=True)


def _codes(rows: Sequence[RawRow], column: str) -> set[str]:
    """The well-formed codes in a column of a batch, to fetch what they name in one query."""
    codes = set()
    for row in rows:
        with contextlib.suppress(parsers.CellError):
            codes.add(parsers.parse_code(row.values.get(column, "")))
    return codes


class _CodedImporter(Importer):
    """What areas and sites share: a code per row, unique in the file, upserted in the database."""

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        # Every code seen in this file -> (its row, whether the row was accepted). Codes, not
        # rows, are kept: a few dozen bytes a row, and the only way to find a repeat.
        self._seen: dict[str, tuple[int, bool]] = {}
        self._areas: dict[str, Area] = {}  # areas the current batch refers to, by code

    def _code(self, cells: Cells) -> Any:
        code = cells.parse("code", parsers.parse_code)
        if code is not INVALID and code in self._seen:
            cells.error("code", _("The code %(code)s appears twice in the file; row %(row)s has "
                                  "it already.") % {"code": code, "row": self._seen[code][0]})
        return code

    def _remember(self, code: Any, cells: Cells) -> None:
        if code is not INVALID and code not in self._seen:
            self._seen[code] = (cells.row.number, not cells.errors)

    def _area_in_scope(self, cells: Cells, column: str, code: str) -> Area | None:
        area = self._areas.get(code)
        if area is not None and self.in_scope(area.path):
            return area
        seen = self._seen.get(code)
        if seen is not None and not seen[1]:
            cells.error(column, _("The area %(code)s is in row %(row)s, which has errors; fix "
                                  "that row first.") % {"code": code, "row": seen[0]})
        else:
            cells.error(column, _("There is no area with the code %(code)s in your area.")
                        % {"code": code})
        return None

    def _fetch_areas(self, codes: set[str]) -> None:
        self._areas = {area.code: area for area in Area.objects.filter(code__in=codes)}


class AreaImporter(_CodedImporter):
    name = "areas"
    label = gettext_lazy("Areas")
    model = Area
    columns = (
        COMMON["code"], COMMON["name"],
        ImportColumn("level", gettext_lazy("level"), ("级别", "层级", "区划级别"), required=True),
        ImportColumn("parent_code", gettext_lazy("parent code"),
                     ("上级编码", "上级代码", "上级区划代码", "parent")),
        ImportColumn("population", gettext_lazy("population"), ("人口", "常住人口", "人口数")),
        ImportColumn("households", gettext_lazy("households"), ("户数", "住户数")),
        COMMON["latitude"], COMMON["longitude"],
    )
    UPDATED_FIELDS = ("name", "population", "households", "latitude", "longitude")

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self._pending: dict[str, int] = {}  # code -> level of new areas accepted in this batch

    def prepare(self, rows: Sequence[RawRow]) -> None:
        self._fetch_areas(_codes(rows, "code") | _codes(rows, "parent_code"))
        self._pending = {}

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        code = self._code(cells)
        level = cells.parse("level", parse_level)
        data: dict[str, Any] = {
            "code": code,
            "level": level,
            "name": cells.parse("name", lambda raw: parsers.parse_text(raw, max_length=100,
                                                                       required=True)),
            "population": cells.parse("population", parsers.parse_count),
            "households": cells.parse("households", parsers.parse_count),
            "latitude": cells.parse("latitude", parsers.parse_latitude),
            "longitude": cells.parse("longitude", parsers.parse_longitude),
        }
        parent_code = cells.parse("parent_code", parsers.parse_optional_code)
        if code is not INVALID and level is not INVALID:
            self._check_code_format(cells, code, level)
            data["parent"] = self._parent(cells, code, level, parent_code)
            data["existing"] = self._existing(cells, code, level, data["parent"])
        elif parent_code and parent_code is not INVALID and parent_code not in self._pending:
            self._area_in_scope(cells, "parent_code", parent_code)  # name every wrong cell
        self._remember(code, cells)
        if cells.errors:
            return cells.errors
        if data["existing"] is None:
            self._pending[code] = level
        return CleanRow(row.number, data)

    def _check_code_format(self, cells: Cells, code: str, level: int) -> None:
        if level < Level.GRID and not STATISTICAL_CODE.fullmatch(code):
            cells.error("code", _("A %(level)s code has exactly 12 digits, like 420102001000.")
                        % {"level": Level(level).label})

    def _parent(self, cells: Cells, code: str, level: int, parent_code: Any) -> Any:
        """The parent: an Area, the code of a new area earlier in this batch, or None."""
        if parent_code is INVALID:
            return None
        if level == Level.CITY:
            if parent_code:
                cells.error("parent_code", _("A city has no parent area; leave this empty."))
            elif not self.unrestricted:
                cells.error("level", _("Only an administrator can import a city."))
            return None
        if not parent_code:
            cells.error("parent_code", _("A %(level)s needs the code of its parent area.")
                        % {"level": Level(level).label})
            return None
        if parent_code == code:
            cells.error("parent_code", _("An area cannot be its own parent."))
            return None
        parent: Any
        if parent_code in self._pending:
            parent, parent_level = parent_code, self._pending[parent_code]
        else:
            parent = self._area_in_scope(cells, "parent_code", parent_code)
            if parent is None:
                return None
            parent_level = parent.level
        if parent_level != level - 1:
            cells.error("parent_code", _("A %(child)s must be placed under a %(parent)s; "
                                         "%(code)s is a %(actual)s.")
                        % {"child": Level(level).label, "parent": Level(level - 1).label,
                           "code": parent_code, "actual": Level(parent_level).label})
        return parent

    def _existing(self, cells: Cells, code: str, level: int, parent: Any) -> Area | None:
        existing = self._areas.get(code)
        if existing is None or cells.errors:
            return existing
        if not self.in_scope(existing.path):
            cells.error("code", _("The code %(code)s is already used by an area outside your "
                                  "area.") % {"code": code})
        elif existing.level != level:
            cells.error("level", _("The area %(code)s exists as a %(level)s; an import cannot "
                                   "change its level.")
                        % {"code": code, "level": existing.get_level_display()})
        elif existing.parent_id != getattr(parent, "pk", None):
            cells.error("parent_code", _("The area %(code)s exists under another parent; move "
                                         "it on its page, not by import.") % {"code": code})
        return existing

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        result = WriteResult()
        changed: list[Area] = []
        new_rows = []
        for row in rows:
            existing = row.data["existing"]
            if existing is None:
                new_rows.append(row)
            elif _apply(existing, row.data, self.UPDATED_FIELDS):
                changed.append(existing)
            else:
                result.unchanged += 1
        if changed:
            Area.objects.bulk_update(changed, [*self.UPDATED_FIELDS, "updated_at"])
            result.updated = len(changed)
        if new_rows:
            Area.objects.bulk_create(self._new_areas(new_rows))
            result.created = len(new_rows)
        return result

    def _new_areas(self, rows: Sequence[CleanRow]) -> list[Area]:
        paths: dict[str, tuple[int, str]] = {}
        areas = []
        for row, pk in zip(rows, allocate_ids(Area, len(rows)), strict=True):
            data = row.data
            parent = data["parent"]
            if isinstance(parent, Area):
                parent_id, parent_path = parent.pk, parent.path
            elif parent is None:
                parent_id, parent_path = None, ""
            else:  # a new area of this batch, written above or (row by row) before this call
                parent_id, parent_path = paths.get(parent) or _saved(row, parent)
            path = parent_path + path_segment(pk)
            paths[data["code"]] = (pk, path)
            areas.append(Area(
                pk=pk, parent_id=parent_id, path=path, level=data["level"], code=data["code"],
                name=data["name"], population=data["population"] or 0,
                households=data["households"] or 0, latitude=data["latitude"],
                longitude=data["longitude"]))
        return areas


def _saved(row: CleanRow, code: str) -> tuple[int, str]:
    found = Area.objects.filter(code=code).values_list("pk", "path").first()
    if found is None:
        raise RowWriteError(RowError(row.number, "parent_code", code,
                                   _("The parent area %(code)s was not saved.") % {"code": code}))
    return found


def _apply(record: models.Model, data: dict[str, Any], fields: Sequence[str]) -> bool:
    """Copy the given (non-empty) values onto `record`; whether anything changed."""
    changed = False
    for name in fields:
        value = data.get(name)
        if value is None or value == "" or getattr(record, name) == value:
            continue
        setattr(record, name, value)
        changed = True
    if changed:
        record.updated_at = timezone.now()  # type: ignore[attr-defined]
    return changed


class SiteImporter(_CodedImporter):
    """Checkpoints, facilities and warehouses: a code, a name, the area they belong to."""

    model: ClassVar[type[Site]]
    kind_words: ClassVar[dict[str, str] | None] = None  # None: the model has no kind
    UPDATED_FIELDS: ClassVar[tuple[str, ...]] = ("name", "area_id", "address", "latitude",
                                                 "longitude", "phone")

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self._sites: dict[str, Site] = {}
        self._kind_choices: list[Any] = []
        if self.kind_words is not None:
            kind = self.model._meta.get_field("kind")  # type: ignore[misc]
            self._kind_choices = list(kind.choices or [])
        self._kind_words = parsers.choice_words(self._kind_choices, self.kind_words or {})

    def prepare(self, rows: Sequence[RawRow]) -> None:
        self._fetch_areas(_codes(rows, "area_code"))
        self._sites = {site.code: site for site in self.model.objects.filter(
            code__in=_codes(rows, "code")).select_related("area")}

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        code = self._code(cells)
        data: dict[str, Any] = {
            "code": code,
            "name": cells.parse("name", lambda raw: parsers.parse_text(raw, max_length=200,
                                                                       required=True)),
            "address": cells.parse("address", lambda raw: parsers.parse_text(raw,
                                                                             max_length=300)),
            "latitude": cells.parse("latitude", parsers.parse_latitude),
            "longitude": cells.parse("longitude", parsers.parse_longitude),
            "phone": cells.parse("phone", parsers.parse_phone),
        }
        if self.kind_words is not None:
            data["kind"] = cells.parse("kind", self._parse_kind)
        area_code = cells.parse("area_code", parsers.parse_code)
        area = None if area_code is INVALID else self._area_in_scope(cells, "area_code", area_code)
        data["area_id"] = area.pk if area is not None else None
        data["existing"] = self._existing(cells, code)
        self._remember(code, cells)
        return cells.errors or CleanRow(row.number, data)

    def _parse_kind(self, raw: str) -> str:
        return parsers.parse_choice(raw, self._kind_words,
                                    [str(label) for _value, label in self._kind_choices])

    def _existing(self, cells: Cells, code: Any) -> Site | None:
        existing = self._sites.get(code) if code is not INVALID else None
        if existing is not None and not self.in_scope(existing.area.path):
            cells.error("code", _("The code %(code)s is already used by a site outside your "
                                  "area.") % {"code": code})
        return existing

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        result = WriteResult()
        fields = [*self.UPDATED_FIELDS, *(("kind",) if self.kind_words is not None else ())]
        changed: list[Site] = []
        new: list[Site] = []
        for row in rows:
            existing = row.data["existing"]
            if existing is None:
                new.append(self.model(code=row.data["code"],
                                      **{name: row.data[name] for name in fields}))
            elif _apply(existing, row.data, fields):
                changed.append(existing)
            else:
                result.unchanged += 1
        if changed:
            self.model.objects.bulk_update(changed, [*fields, "updated_at"])
        if new:
            self.model.objects.bulk_create(new)
        result.created, result.updated = len(new), len(changed)
        return result


_SITE_COLUMNS = (COMMON["code"], COMMON["name"], AREA_CODE)
_SITE_TAIL = (
    ImportColumn("address", gettext_lazy("address"), ("地址", "详细地址")),
    COMMON["latitude"], COMMON["longitude"],
    ImportColumn("phone", gettext_lazy("phone"), ("电话", "联系电话", "手机")),
)
KIND = ImportColumn("kind", gettext_lazy("kind"), ("类型", "类别", "种类"), required=True)


class CheckpointImporter(SiteImporter):
    name = "checkpoints"
    label = gettext_lazy("Checkpoints")
    model = Checkpoint
    kind_words = CHECKPOINT_WORDS
    columns = (*_SITE_COLUMNS, KIND, *_SITE_TAIL)


class FacilityImporter(SiteImporter):
    name = "facilities"
    label = gettext_lazy("Facilities")
    model = Facility
    kind_words = FACILITY_WORDS
    columns = (*_SITE_COLUMNS, KIND, *_SITE_TAIL)


class WarehouseImporter(SiteImporter):
    name = "warehouses"
    label = gettext_lazy("Warehouses")
    model = Warehouse
    columns = (*_SITE_COLUMNS, *_SITE_TAIL)


IMPORTERS: tuple[type[Importer], ...] = (AreaImporter, CheckpointImporter, FacilityImporter,
                                         WarehouseImporter)
