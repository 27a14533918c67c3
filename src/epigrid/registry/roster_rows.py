"""The roster 花名册's columns and its row fast path: a clean row taken without parser calls.

Most rows of a real roster are already in the form the parsers would give: a known grid code,
an 18-character ID, an 11-digit mobile, 否/常住, short normalized text. `fast_row` checks exactly
that with a few set look-ups and precompiled patterns and returns the clean row, or None for
anything else, which then goes through `RosterImporter.full_clean` to name what is wrong. It
never decides differently from the full cleaning, and it changes the importer's state (IDs seen,
households pending) only for a row it accepts.
"""

from __future__ import annotations

import datetime
import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from epigrid.core.imports import parsers
from epigrid.core.imports.base import Cells, CleanRow
from epigrid.core.imports.errors import CellError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.registry import roster_parsing
from epigrid.registry.models import TAG_SEPARATOR, Residency, Tag
from epigrid.registry.roster_writes import tail_values

if TYPE_CHECKING:
    from epigrid.registry.fields import Sealer
    from epigrid.registry.importers import RosterImporter

TEXT_LIMITS = {"name": 100, "address": 300, "head_name": 100, "household_number": 32,
               "occupation": 100, "returnee_origin": 100}
FAST_YES_NO = {"": False, "否": False, "是": True, "0": False, "1": True}
FAST_RESIDENCY = {"": Residency.RESIDENT.value, "常住": Residency.RESIDENT.value,
                  "访客": Residency.VISITOR.value, "外来务工": Residency.WORKER.value}
# The length of a lean row's cells read ahead (read_batch): grid code, name, address, head
# name, household number, residency, household phone, whether it is the person's phone, tail.
LEAN = 9
# Distinct cell texts remembered per column (tags, dates...): a roster repeats a few of them.
CACHE_LIMIT = 4096

_TAG_ORDER = {tag: index for index, tag in enumerate(Tag.values)}
_ODD_SPACE = re.compile(r"^\s|\s$|\s\s|[\t\r\n\u3000]")
_ODD_SPACE_JOINED = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)|\s\s|[\t\r\n\u3000]")
_LIMITS = tuple(TEXT_LIMITS.values())
# Joined texts this short hold no cell over the smallest limit.
_SHORT = min(_LIMITS) + len(_LIMITS) - 1
_MISSING: Any = object()
_GRID_RESIDENTS = (Residency.VISITOR.value, Residency.WORKER.value)
_NONE: dict[str, int] = {}


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
    # The household's door on the map (WGS84 decimal degrees), as the household form takes it.
    _column("latitude", "latitude", ("纬度", "北纬", "lat")),
    _column("longitude", "longitude", ("经度", "东经", "lng", "lon")),
)
LOCATION = ("latitude", "longitude")


def is_plain(raw: str, limit: int) -> bool:
    """Whether parse_text(raw, max_length=limit) would return raw itself."""
    return len(raw) <= limit and unicodedata.is_normalized("NFKC", raw) and \
        not _ODD_SPACE.search(raw)


def _all_plain(texts: Sequence[str]) -> bool:
    """is_plain() of every text cell (in TEXT_LIMITS order) with one check of them joined.

    NUL never occurs in a cell (the reader refuses it), is no space and composes with nothing,
    so the joined text is normalized and free of odd spaces exactly when every cell is."""
    joined = "\x00".join(texts)
    if len(joined) > _SHORT and any(map(_too_long, texts, _LIMITS)):
        return False
    return unicodedata.is_normalized("NFKC", joined) and not _ODD_SPACE_JOINED.search(joined)


def _too_long(text: str, limit: int) -> bool:
    return len(text) > limit


def text_cell(cells: Cells, name: str, limit: int) -> Any:
    """A text cell; the common clean one without the full normalization (same result)."""
    raw = cells.row.values.get(name, "")
    if not raw:
        return ""
    if is_plain(raw, limit):
        return raw
    return cells.parse(name, lambda value: parsers.parse_text(value, max_length=limit))


def common_cell(cells: Cells, name: str, parser: Any, common: dict[str, Any]) -> Any:
    raw = cells.row.values.get(name, "")
    return common[raw] if raw in common else cells.parse(name, parser)


def join_tags(tags: list[str]) -> str:
    """Person.join_tags without building Tag.values for every row."""
    if not tags:
        return ""
    ordered = sorted(tags, key=_TAG_ORDER.__getitem__)
    return f"{TAG_SEPARATOR}{TAG_SEPARATOR.join(ordered)}{TAG_SEPARATOR}"


def is_clean_code(code: str) -> bool:
    """Whether parse_code() leaves this code as it is (a cell equal to it needs no parsing)."""
    try:
        return parsers.parse_code(code) == code
    except CellError:
        return False


def parse_ids(rows: Sequence[RawRow], today: datetime.date, hash_id: Callable[[str], str]
              ) -> dict[int, Any]:
    """row number -> ((ID, birth date, sex), ID hash), or the ID cell's CellError."""
    parsed: dict[int, Any] = {}
    parse = roster_parsing.parse_id
    for row in rows:
        raw = row.values.get("id_number")
        if not raw:
            continue
        try:
            found = parse(raw, today)
        except CellError as error:
            parsed[row.number] = error
            continue
        if found is not None:
            parsed[row.number] = (found, hash_id(found[0]))
    return parsed


def id_key(found: tuple[Any, str]) -> int:
    """The key the importer's `ids` holds for a row's ID, from its entry in `parsed`: the
    first 17 digits (a lean entry holds them already)."""
    return found[0] if isinstance(found[0], int) else int(found[0][0][:17])


def read_batch(rows: Sequence[RawRow], parsed: dict[int, Any], cache: ParsedCells,
               id_sealer: Sealer, phone_sealer: Sealer,
               encode: Callable[[Sequence[Any]], bytes] | None = None
               ) -> dict[int, tuple[Any, ...]]:
    """row number -> the clean cells of each row in its common clean form, ID and phone sealed,
    and (with `encode`, a copy_rows.TailEncoder) the person's row's tail as COPY data, or None.

    With `encode`, a row with an ID is made lean: only the cells the run's look-ups and the
    household need travel (LEAN cells), the rest is in the tail, and its entry in `parsed`
    becomes (the ID's first 17 digits as a number, its hash). Half the objects to send from the
    reading process: their pickling cost it more than the sealing.

    Nothing here depends on the database or on other rows, so it runs ahead in the runner's
    reading process; `fast_row` adds what does. A row left out goes the full way.
    """
    ready: dict[int, tuple[Any, ...]] = {}
    unknown = ("", "", "")
    for row in rows:
        found = parsed.get(row.number)
        if isinstance(found, Exception):
            continue
        cells = _clean_cells(row.values, cache)
        if cells is None:
            continue
        sealed_id = id_sealer.seal_hashed(found[0][0], found[1]) if found else unknown
        sealed_phone = phone_sealer.seal(cells[7])
        if encode is None:
            ready[row.number] = (*cells, sealed_id, sealed_phone, None)
            continue
        # The person as fast_row() will make it, in roster order.
        person = (cells[1], cells[7], cells[5], cells[9], cells[10], cells[11], cells[6],
                  cells[12])
        tail = encode(tail_values(person, found[0] if found else None, sealed_id,
                                  sealed_phone))
        if found:
            ready[row.number] = (*cells[:5], cells[10], cells[8], cells[8] == cells[7], tail)
            parsed[row.number] = (id_key(found), found[1])
        else:
            ready[row.number] = (*cells, sealed_id, sealed_phone, tail)
    return ready


# The cells _clean_cells() reads, in its order: the text cells first (TEXT_LIMITS).
_READ = (*TEXT_LIMITS, "phone", "household_phone", "is_medical_staff", "residency", "tags",
         "returned_on", "grid_code")
_take_read = operator.itemgetter(*_READ)


def _read_cells(values: dict[str, str]) -> tuple[str, ...]:
    """The row's _READ cells, in one call when the file has every column ("" for a missing
    one: the rows of a file all have its columns, so it is one case or the other throughout)."""
    try:
        return _take_read(values)
    except KeyError:
        return tuple(values.get(name, "") for name in _READ)


def _clean_cells(values: dict[str, str], cache: ParsedCells) -> tuple[Any, ...] | None:
    """(grid code, name, address, head name, household number, occupation, returnee origin,
    phone, household phone, medical staff, residency, tags, returned on) or None."""
    cells = _read_cells(values)
    texts = cells[:6]
    (phone, household_phone, raw_medical, raw_residency, raw_tags, raw_date,
     code) = cells[6:]
    if not texts[0] or not _all_plain(texts):
        return None
    clean_mobile = roster_parsing.CLEAN_MOBILE.fullmatch
    if phone and not clean_mobile(phone) or household_phone and not clean_mobile(household_phone):
        return None
    medical = FAST_YES_NO.get(raw_medical, _MISSING)
    if medical is _MISSING:
        medical = cache.get("is_medical_staff", raw_medical)
    residency = FAST_RESIDENCY.get(raw_residency, _MISSING)
    if residency is _MISSING:
        residency = cache.get("residency", raw_residency)
    tags = cache.get("tags", raw_tags) if raw_tags else ""
    returned_on = cache.get("returned_on", raw_date) if raw_date else None
    if _MISSING in (medical, residency, tags, returned_on):
        return None
    return (code, *texts, phone, household_phone, medical, residency, tags, returned_on)


def read_locations(numbers: Sequence[int], latitudes: Sequence[str], longitudes: Sequence[str],
                   ready: dict[int, tuple[Any, ...]]) -> dict[int, tuple[str, str]]:
    """The doors' locations of the rows read ahead, {row number: location_texts()}: both
    given and both coordinates. A row whose location is not (one without the other, a text
    that is no coordinate) leaves `ready`: the full way names what is wrong."""
    placed: dict[int, tuple[str, str]] = {}
    found: dict[tuple[str, str], Any] = {}  # a household's rows repeat its location
    for number, latitude, longitude in zip(numbers, latitudes, longitudes, strict=True):
        if not (latitude or longitude) or number not in ready:
            continue
        pair = found.get((latitude, longitude))
        if pair is None:
            pair = found[(latitude, longitude)] = _location(latitude, longitude)
        if pair is _MISSING:
            del ready[number]
        else:
            placed[number] = pair
    return placed


def _location(latitude: str, longitude: str) -> Any:
    if not latitude.strip() or not longitude.strip():
        return _MISSING
    try:
        return location_texts(parsers.parse_latitude(latitude),
                              parsers.parse_longitude(longitude))
    except CellError:
        return _MISSING


def location_texts(latitude: Any, longitude: Any) -> tuple[str, str]:
    """A clean row's location: the coordinates' texts to the stored precision ("30.592800"),
    made Decimals again only per household written (roster_writes): a Decimal cost six times
    a text to send from the reading process."""
    return str(latitude), str(longitude)


class ParsedCells:
    """The parsed values of cell texts that parse (tags, residency, yes/no, dates), remembered."""

    def __init__(self, today: datetime.date) -> None:
        self.parsers: dict[str, Callable[[str], Any]] = {
            "tags": lambda raw: join_tags(roster_parsing.parse_tags(raw)),
            "residency": roster_parsing.parse_residency,
            "is_medical_staff": roster_parsing.parse_yes_no,
            "returned_on": lambda raw: roster_parsing.parse_date(raw, today),
        }
        self.values: dict[str, dict[str, Any]] = {name: {} for name in self.parsers}

    def get(self, column: str, raw: str) -> Any:
        """The parsed value, or _MISSING when the text does not parse (the full path says why)."""
        known = self.values[column]
        value = known.get(raw, _MISSING)
        if value is _MISSING:
            try:
                value = self.parsers[column](raw)
            except CellError:
                return _MISSING
            if len(known) < CACHE_LIMIT:
                known[raw] = value
        return value


def clean(number: int, grid: tuple[int, str], household: tuple[str, int | None, str] | None,
          parsed: Any, id_hash: str, person: tuple[Any, ...] | None,
          known: tuple[Any, ...] | None, household_phone: str, head_name: str,
          sealed: tuple[Any, Any] | None = None, tail: bytes | None = None,
          same_phone: bool = False) -> CleanRow:
    """The clean row both paths give: `person` in roster order (name, phone, occupation,
    is_medical_staff, residency, tags, returnee_origin, returned_on); `sealed` the stored forms
    of the ID and the phone, and `tail` the person's row's tail as COPY data (copy_rows), when
    they were made ahead. A lean row (read_batch) has no `person` nor `sealed` (they are in its
    tail: roster_writes.unpack), its `parsed` ID is (first 17 digits, hash), and `same_phone`
    says whether the household's phone is the person's."""
    return CleanRow(number, {"grid": grid, "household": household, "id": parsed,
                             "id_hash": id_hash, "person": person, "known": known,
                             "household_phone": household_phone, "head_name": head_name,
                             "sealed": sealed, "tail": tail, "same_phone": same_phone})


def fast_row(importer: RosterImporter, row: RawRow) -> CleanRow | None:
    """The clean row of a row read_batch() took, when the grid, the household and the file's
    other rows agree, else None."""
    return fast_rows(importer, [row], _none)[0]


def _none(_row: RawRow) -> None:
    return None


def fast_rows(importer: RosterImporter, rows: Sequence[RawRow],
              otherwise: Callable[[RawRow], Any]) -> list[Any]:
    """fast_row() of each row in turn, and for a row it does not take, what `otherwise` (the
    full cleaning) answers, in the row's place: one loop over the batch, the importer's
    look-ups bound once."""
    ready, parsed_ids, clean_grids = importer.ready, importer.parsed, importer.clean_grids
    placed = importer.placed
    ids, households, pending = importer.ids, importer.households, importer.pending
    registered, unnamed = importer.known, importer.unnamed
    out: list[Any] = []
    for row in rows:
        cells = ready.get(row.number)
        if cells is None or (grid := clean_grids.get(cells[0])) is None:
            out.append(otherwise(row))
            continue
        found: Any = parsed_ids.get(row.number)  # no CellError: read_batch took the row
        lean = len(cells) == LEAN
        if lean:
            _code, name, address, head_name, number, residency, household_phone, same_phone, \
                tail = cells
            # A lean row's ID stays (first 17 digits, hash): clean() says so.
            parsed, id_hash, seen = found, found[1], found[0]
        else:
            (_code, name, address, head_name, number, occupation, origin, phone,
             household_phone, medical, residency, tags, returned_on, sealed_id, sealed_phone,
             tail) = cells
            parsed, id_hash = found or (None, "")
            seen = id_key(found) if found else None  # in `ids` once taken
        if seen is not None and seen in ids:
            out.append(otherwise(row))
            continue
        # The household, as RosterImporter._household finds it.
        grid_id = grid[0]
        household: tuple[str, int | None, str] | None = None
        if number or address:
            key = f"#{number}" if number else f"@{address}"
            existing = households.get(grid_id, _NONE).get(key)
            if existing is None and not address and (grid_id, key) not in pending:
                out.append(otherwise(row))
                continue
            household = (key, existing, address)
        elif residency not in _GRID_RESIDENTS:
            out.append(otherwise(row))
            continue
        location = placed.get(row.number) if placed else None
        if location is not None and household is None:  # no door to place: the full way says
            out.append(otherwise(row))
            continue
        household_pk = household[1] if household else None
        known = registered.get(id_hash) if id_hash else unnamed.get(
            (household_pk, name)) if household_pk else None
        if known is not None and (known[2] != household_pk
                                  or household is None and known[3] != grid_id):
            out.append(otherwise(row))
            continue
        if household is not None and household_pk is None:
            pending.add((grid_id, household[0]))
        if seen is not None:
            ids[seen] = row.number
        if lean:
            out.append(clean(row.number, grid, household, parsed, id_hash, None, known,
                             household_phone, head_name, None, tail, same_phone))
        else:
            person = (name, phone, occupation, medical, residency, tags, origin, returned_on)
            out.append(clean(row.number, grid, household, parsed, id_hash, person, known,
                             household_phone, head_name, (sealed_id, sealed_phone), tail))
        if location is not None:
            out[-1].data["location"] = location
    return out
