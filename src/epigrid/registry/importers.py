"""Import of the roster 花名册: one row per person, with the columns of their household.

A household is found by (grid, household number), or by (grid, address) when the row has no
number, and created when it is not there. A person is found again by their ID number in the same
household (or, without an ID, by name in that household) and updated, so re-running a file
doubles nothing. An ID given twice in the file, or already registered in another household, is
refused on that row. A grid outside the user's area gets the same message as an unknown grid.

The hot path handles plain tuples, not model instances: the benchmark imports a million rows.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area, Level
from epigrid.core import crypto
from epigrid.core.identity import mask_id_number, mask_phone
from epigrid.core.ids import allocate_ids
from epigrid.core.imports import parsers
from epigrid.core.imports.base import INVALID, Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.registry import bulk, roster_parsing
from epigrid.registry.models import TAG_SEPARATOR, Household, Person, Residency, Tag

ID_FIELD, PHONE_FIELD = "id_number", "phone"
# Grids whose households are kept in memory; a roster is usually sorted by grid, so a bounded
# cache serves a city's file without holding every household of the city.
CACHED_GRIDS = 4096
TEXT_LIMITS = {"name": 100, "address": 300, "head_name": 100, "household_number": 32,
               "occupation": 100, "returnee_origin": 100}


def _column(name: str, label: str, aliases: tuple[str, ...], required: bool = False
            ) -> ImportColumn:
    return ImportColumn(name, gettext_lazy(label), aliases, required)


ROSTER_COLUMNS = (
    _column("grid_code", "grid code", ("网格编码", "网格代码", "网格", "grid"), required=True),
    _column("household_number", "household number", ("户号", "户编号", "household")),
    _column("address", "address", ("地址", "住址", "家庭住址", "详细地址")),
    _column("head_name", "head of household", ("户主", "户主姓名", "head")),
    _column("household_phone", "household phone", ("户主电话", "家庭电话", "户电话")),
    _column("name", "name", ("姓名", "名字"), required=True),
    _column("id_number", "ID number", ("身份证号", "身份证号码", "身份证", "公民身份号码",
                                       "id")),
    _column("phone", "phone", ("手机号", "手机号码", "手机", "联系电话", "电话", "mobile")),
    _column("occupation", "occupation", ("职业", "工作")),
    _column("is_medical_staff", "medical staff", ("医务人员", "是否医务人员", "medical")),
    _column("tags", "key groups", ("重点人员", "重点人群", "人员标签", "标签")),
    _column("residency", "residency", ("人员类型", "居住类型", "人员属性", "常住/流动")),
    _column("returnee_origin", "returned from", ("返回地", "返乡来源地", "来源地", "从何地返回")),
    _column("returned_on", "returned on", ("返回日期", "返乡日期", "返回时间")),
)


FAST_YES_NO = {"": False, "否": False, "是": True, "0": False, "1": True}
FAST_RESIDENCY = {"": Residency.RESIDENT.value, "常住": Residency.RESIDENT.value,
                  "访客": Residency.VISITOR.value, "外来务工": Residency.WORKER.value}
_TAG_ORDER = {tag: index for index, tag in enumerate(Tag.values)}
_ODD_SPACE = re.compile(r"^\s|\s$|\s\s|[\t\r\n\u3000]")


def _text(cells: Cells, name: str, limit: int) -> Any:
    """A text cell; the common clean one without the full normalization (same result)."""
    raw = cells.row.values.get(name, "")
    if not raw:
        return ""
    if len(raw) <= limit and unicodedata.is_normalized("NFKC", raw) and \
            not _ODD_SPACE.search(raw):
        return raw
    return cells.parse(name, lambda value: parsers.parse_text(value, max_length=limit))


def _fast(cells: Cells, name: str, parser: Any, common: dict[str, Any]) -> Any:
    raw = cells.row.values.get(name, "")
    return common[raw] if raw in common else cells.parse(name, parser)


def _join_tags(tags: list[str]) -> str:
    """Person.join_tags without building Tag.values for every row."""
    if not tags:
        return ""
    ordered = sorted(tags, key=_TAG_ORDER.__getitem__)
    return f"{TAG_SEPARATOR}{TAG_SEPARATOR.join(ordered)}{TAG_SEPARATOR}"


def _seal(value: str, field: str, mask: Any) -> tuple[str, str, str]:
    if not value:
        return "", "", ""
    return crypto.encrypt(value, field), crypto.keyed_hash(value, field), mask(value)


class RosterImporter(Importer):
    name = "roster"
    label = gettext_lazy("Roster of households and persons")
    model = Person
    columns = ROSTER_COLUMNS

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self.today = timezone.localdate()
        self._grids: dict[str, tuple[int, str]] | None = None  # code -> (id, path) in scope
        # grid id -> {"#number" or "@address": household id}; least recently used first.
        self._households: OrderedDict[int, dict[str, int]] = OrderedDict()
        # The first 17 digits of every ID in the file -> its row: finds repeats in ~80 bytes/row.
        self._ids: dict[int, int] = {}
        # A registered person as (id hash, id, household id, grid id, *PERSON_UPDATE_COLUMNS),
        # by ID hash, and those without an ID by (household id, name).
        self._known: dict[str, tuple[Any, ...]] = {}
        self._unnamed: dict[tuple[int, str], tuple[Any, ...]] = {}
        self._pending: set[tuple[int, str]] = set()  # households new in this batch
        # row number -> ((ID, birth date, sex), ID hash) or the ID's CellError, for one batch
        self._parsed: dict[int, tuple[tuple[str, datetime.date, str], str] | Exception] = {}

    # --- what a batch refers to ------------------------------------------------------------

    def _grid_map(self) -> dict[str, tuple[int, str]]:
        if self._grids is None:
            grids = Area.objects.filter(level=Level.GRID)
            if not self.unrestricted:
                grids = grids.within(self.scope_path) if self.scope_path else grids.none()
            self._grids = {code: (pk, path) for pk, code, path in
                           grids.values_list("pk", "code", "path")}
        return self._grids

    def prepare(self, rows: Sequence[RawRow]) -> None:
        grids = self._grid_map()
        wanted = {grids[code][0] for row in rows
                  if (code := row.values.get("grid_code", "").strip()) in grids}
        self._load_households(wanted)
        # Each ID is parsed and hashed once here; clean_row() takes the result.
        self._parsed = {}
        for row in rows:
            raw = row.values.get("id_number", "")
            try:
                parsed = roster_parsing.parse_id(raw, self.today)
            except parsers.CellError as error:
                self._parsed[row.number] = error
                continue
            if parsed is not None:
                self._parsed[row.number] = (parsed, crypto.keyed_hash(parsed[0], ID_FIELD))
        hashes = {found[1] for found in self._parsed.values() if isinstance(found, tuple)}
        fields = ("id_number_hash", "id", "household_id", "grid_id", *bulk.PERSON_UPDATE_COLUMNS)
        self._known = {found[0]: found for found in Person.objects.filter(
            id_number_hash__in=hashes).order_by().values_list(*fields)} if hashes else {}
        households = {pk for grid in wanted for pk in self._households[grid].values()}
        self._unnamed = {(found[2], found[4]): found for found in Person.objects.filter(
            household_id__in=households, id_number_hash="").order_by().values_list(*fields)
            } if households else {}
        self._pending = set()

    def _load_households(self, grids: set[int]) -> None:
        for grid in grids & self._households.keys():
            self._households.move_to_end(grid)
        missing = grids - self._households.keys()
        if not missing:
            return
        for grid in missing:
            self._households[grid] = {}
        for pk, grid, number, address in Household.objects.filter(
                grid_id__in=missing).order_by().values_list("pk", "grid_id", "number", "address"):
            keys = self._households[grid]
            keys.setdefault(f"#{number}" if number else f"@{address}", pk)
        while len(self._households) > max(CACHED_GRIDS, len(grids)):
            self._households.popitem(last=False)

    # --- one row ---------------------------------------------------------------------------

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        values = row.values
        text = {name: _text(cells, name, limit) for name, limit in TEXT_LIMITS.items()}
        if not text["name"] and text["name"] is not INVALID:
            cells.error("name", _("This column must not be empty."))
        grid = self._grid(cells)
        parsed, id_hash = self._id(cells)
        phone = cells.parse("phone", roster_parsing.parse_phone)
        household_phone = cells.parse("household_phone", roster_parsing.parse_phone)
        medical = _fast(cells, "is_medical_staff", roster_parsing.parse_yes_no, FAST_YES_NO)
        tags = cells.parse("tags", roster_parsing.parse_tags) if values.get("tags") else []
        residency = _fast(cells, "residency", roster_parsing.parse_residency, FAST_RESIDENCY)
        returned_on = cells.parse("returned_on", lambda raw: roster_parsing.parse_date(
            raw, self.today)) if values.get("returned_on") else None
        id_key = self._repeat(cells, parsed)
        household = self._household(cells, grid, text, residency)
        if cells.errors:
            return cells.errors
        known = self._known.get(id_hash) if id_hash else self._unnamed.get(
            (household[1], text["name"])) if household and household[1] else None
        if known is not None and (known[2] != (household[1] if household else None)
                                  or household is None and known[3] != grid[0]):
            cells.error("id_number", _("This ID number is already registered in another "
                                       "household; resolve the duplicate before importing it."))
            return cells.errors
        if id_key:
            self._ids[id_key] = row.number
        person = {"name": text["name"], "phone": phone, "occupation": text["occupation"],
                  "is_medical_staff": medical, "residency": residency,
                  "tags": _join_tags(tags), "returnee_origin": text["returnee_origin"],
                  "returned_on": returned_on}
        return CleanRow(row.number, {"grid": grid, "household": household, "id": parsed,
                                     "id_hash": id_hash, "person": person, "known": known,
                                     "household_phone": household_phone,
                                     "head_name": text["head_name"]})

    def _id(self, cells: Cells) -> tuple[Any, str]:
        found = self._parsed.get(cells.row.number)
        if isinstance(found, parsers.CellError):
            cells.error("id_number", found.message)
            return INVALID, ""
        if found is None or isinstance(found, Exception):
            return None, ""
        return found

    def _grid(self, cells: Cells) -> Any:
        code = cells.parse("grid_code", parsers.parse_code)
        if code is INVALID:
            return INVALID
        found = self._grid_map().get(code)
        if found is None:
            cells.error("grid_code", _("There is no grid with the code %(code)s in your area.")
                        % {"code": code})
            return INVALID
        return found

    def _repeat(self, cells: Cells, parsed: Any) -> int | None:
        if not parsed or parsed is INVALID:
            return None
        key = int(parsed[0][:17])
        if key in self._ids:
            cells.error("id_number", _("This ID number appears twice in the file; row %(row)s "
                                       "has it already.") % {"row": self._ids[key]})
        return key

    def _household(self, cells: Cells, grid: Any, text: dict[str, Any], residency: Any
                   ) -> tuple[str, int | None, str] | None:
        """(key, existing household id or None, address) of the row's household, or None.

        A visitor or worker without number and address is attached to the grid alone."""
        number, address = text["household_number"], text["address"]
        if grid is INVALID or number is INVALID or address is INVALID:
            return None
        if not number and not address:
            if residency in (Residency.VISITOR, Residency.WORKER):
                return None
            cells.error("address", _("Give the household number or the address of the "
                                     "household."))
            return None
        key = f"#{number}" if number else f"@{address}"
        existing = self._households.get(grid[0], {}).get(key)
        if existing is None and not address and (grid[0], key) not in self._pending:
            cells.error("address", _("There is no household %(number)s in this grid yet; give "
                                     "its address to register it.") % {"number": number})
            return None
        if existing is None:
            self._pending.add((grid[0], key))
        return key, existing, address

    # --- writing ---------------------------------------------------------------------------

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        now = timezone.now()
        new_households = self._new_households(rows, now)
        persons: list[tuple[Any, ...]] = []
        updates: list[tuple[int, tuple[Any, ...]]] = []
        result = WriteResult()
        for row in rows:
            data = row.data
            grid_id, path = data["grid"]
            household = data["household"]
            household_id = None
            if household is not None:
                household_id = household[1] or new_households[(grid_id, household[0])][0]
            known = data["known"]
            if known is not None:
                change = self._change(known, data["person"])
                if change is None:
                    result.unchanged += 1
                else:
                    updates.append((known[1], change))
                continue
            persons.append(self._person_row(data, now, path, grid_id, household_id))
        if new_households:
            bulk.insert_households(row for _pk, row in new_households.values())
        bulk.insert_persons(persons)
        bulk.update_persons(updates)
        result.created, result.updated = len(persons), len(updates)
        for (grid_id, key), (pk, _row) in new_households.items():  # written: remember them
            if grid_id in self._households:
                self._households[grid_id][key] = pk
        return result

    def _new_households(self, rows: Sequence[CleanRow], now: datetime.datetime
                        ) -> dict[tuple[int, str], tuple[int, tuple[Any, ...]]]:
        wanted: dict[tuple[int, str], CleanRow] = {}
        for row in rows:
            household = row.data["household"]
            if household is not None and household[1] is None:
                grid_id = row.data["grid"][0]
                cached = self._households.get(grid_id, {}).get(household[0])
                if cached is not None:  # created by an earlier row written on its own
                    row.data["household"] = (household[0], cached, household[2])
                else:
                    wanted.setdefault((grid_id, household[0]), row)
        made = {}
        for ((grid_id, key), row), pk in zip(wanted.items(), allocate_ids(Household, len(wanted)),
                                             strict=True):
            text = row.data
            number = key[1:] if key.startswith("#") else ""
            phone = _seal(text["household_phone"], PHONE_FIELD, mask_phone)
            made[(grid_id, key)] = (pk, (pk, now, now, text["grid"][1], grid_id, number,
                                         text["household"][2], text["head_name"],
                                         *phone))
        return made

    @staticmethod
    def _change(known: tuple[Any, ...], person: dict[str, Any]) -> tuple[Any, ...] | None:
        """The new values of a registered person (PERSON_UPDATE_COLUMNS), or None if the same."""
        old = dict(zip(bulk.PERSON_UPDATE_COLUMNS, known[4:], strict=True))
        phone_hash = crypto.keyed_hash(person["phone"], PHONE_FIELD) if person["phone"] else ""
        same = phone_hash == old["phone_hash"] and all(
            old[name] == person[name] for name in bulk.PERSON_UPDATE_COLUMNS
            if not name.startswith("phone_"))
        if same:
            return None
        if phone_hash == old["phone_hash"]:
            phone = (old["phone_enc"], old["phone_hash"], old["phone_masked"])
        else:
            phone = _seal(person["phone"], PHONE_FIELD, mask_phone)
        return (person["name"], *phone, person["occupation"], person["is_medical_staff"],
                person["residency"], person["tags"], person["returnee_origin"],
                person["returned_on"])

    @staticmethod
    def _person_row(data: dict[str, Any], now: datetime.datetime, path: str, grid_id: int,
                    household_id: int | None) -> tuple[Any, ...]:
        person, parsed = data["person"], data["id"]
        if parsed:
            value, birth, sex = parsed
            id_columns = (crypto.encrypt(value, ID_FIELD), data["id_hash"],
                          mask_id_number(value))
        else:
            birth, sex, id_columns = None, "unknown", ("", "", "")
        return (now, now, path, grid_id, household_id, person["name"], *id_columns,
                *_seal(person["phone"], PHONE_FIELD, mask_phone), sex, birth,
                person["occupation"], person["is_medical_staff"], person["residency"],
                person["tags"], person["returnee_origin"], person["returned_on"])


IMPORTERS: tuple[type[Importer], ...] = (RosterImporter,)
