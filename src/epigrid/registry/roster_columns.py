"""A roster batch read ahead column by column: roster_rows.read_batch for a batch of CSV rows.

read_batch checks, seals and encodes row after row: two dozen Python calls a row, and the
reading process that runs it was the import's slowest part (about 30 µs of a row's 45). A CSV
batch comes as rows of cells in one order (readers.CellsRow), so here each column is checked
whole: a text column joined once and checked once (normalized, no odd spaces, none too long),
the phones with one pattern over the column, the ID numbers' structure, birth dates and check
characters in numpy, the few distinct yes/no, residency, tag and date texts parsed once each.
A row any of these leaves in doubt is read by read_batch itself, so both give the same answer
for every row (tests/registry/test_roster_columns.py holds them equal).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from epigrid.core.identity import CHECK_CHARS, EARLIEST_BIRTH, WEIGHTS
from epigrid.core.imports.readers import table_names
from epigrid.registry import roster_parsing, roster_rows
from epigrid.registry.roster_lean import LeanRows
from epigrid.registry.roster_rows import (
    _MISSING,
    _ODD_SPACE_JOINED,
    FAST_RESIDENCY,
    FAST_YES_NO,
    LOCATION,
    TEXT_LIMITS,
    ParsedCells,
)

if TYPE_CHECKING:
    from epigrid.core.imports.readers import CellsRow, RawRow
    from epigrid.registry.fields import Sealer

# Every cell of a column "" or a clean mobile, the cells joined by NUL (and one more after).
_MOBILES = re.compile(r"(?:(?:1[3-9][0-9]{9})?\x00)*")
_WEIGHTS = np.array(WEIGHTS, dtype=np.int64)
_CHECKS = np.frombuffer(CHECK_CHARS.encode(), dtype=np.uint8)
_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_PLACES = 10 ** np.arange(16, -1, -1, dtype=np.int64)  # the first 17 digits as one number
_ZERO, _NINE, _X = ord("0"), ord("9"), ord("X")
_NO_ID = ("", "", "")


def columns_of(rows: Sequence[RawRow]) -> dict[str, Sequence[str]] | None:
    """The batch's cells by column name, when every row is a CellsRow of one table (else None)."""
    names = table_names(rows)
    if names is None:
        return None
    cells: list[CellsRow] = rows  # type: ignore[assignment]
    return dict(zip(names, zip(*(row.cells for row in cells), strict=True), strict=True))


def _fine(checks: list[bool], column: Sequence[str], test: Callable[[str], bool]) -> None:
    """Clear the rows whose cell fails `test`."""
    for index, value in enumerate(column):
        if checks[index] and not test(value):
            checks[index] = False


def _spaceless(column: Sequence[str], joined: str) -> bool:
    """Whether no cell holds a space of any kind: every whitespace character but " " is
    unprintable, and this test is many times faster than looking for the odd spaces."""
    return " " not in joined and "".join(column).isprintable()


def _texts_fine(columns: dict[str, Sequence[str]], size: int, checks: list[bool]) -> None:
    for name, limit in TEXT_LIMITS.items():
        column = columns.get(name)
        if column is None:
            continue
        joined = "\x00".join(column)
        if (len(joined) <= limit or max(map(len, column)) <= limit) \
                and unicodedata.is_normalized("NFKC", joined) \
                and (_spaceless(column, joined) or not _ODD_SPACE_JOINED.search(joined)):
            continue
        _fine(checks, column, functools.partial(roster_rows.is_plain, limit=limit))
    names = columns.get("name", ("",) * size)
    _fine(checks, names, bool)


def _phones_fine(column: Sequence[str] | None, checks: list[bool]) -> None:
    if column is None or _MOBILES.fullmatch("\x00".join(column) + "\x00"):
        return
    clean = roster_parsing.CLEAN_MOBILE.fullmatch
    _fine(checks, column, lambda value: not value or clean(value) is not None)


def _mapped(column: Sequence[str] | None, size: int, fast: dict[str, Any], slow: Callable[
        [str], Any], checks: list[bool]) -> list[Any]:
    """Each cell's parsed value (its distinct texts parsed once); a row whose cell does not
    parse is cleared."""
    if column is None:
        column = ("",) * size
    found = {raw: fast[raw] if raw in fast else slow(raw) for raw in set(column)}
    values = list(map(found.__getitem__, column))
    if any(value is _MISSING for value in found.values()):
        for index, value in enumerate(values):
            if value is _MISSING:
                checks[index] = False
    return values


class _Ids:
    """The clean 18-character IDs of a column, checked at once: per row, (ID, birth date, sex)
    or None when the row must be parsed alone (empty, another form, or wrong)."""

    def __init__(self, column: Sequence[str], today: datetime.date,
                 births: dict[int, datetime.date]) -> None:
        self.found: list[tuple[str, datetime.date, str] | None] = [None] * len(column)
        self.keys: dict[int, int] = {}  # row index -> the first 17 digits as a number
        at = [index for index, value in enumerate(column) if len(value) == 18]
        data = "".join(column[index] for index in at).encode()
        if not at or len(data) != 18 * len(at):  # a character beyond ASCII: each alone
            return
        digits = np.frombuffer(data, dtype=np.uint8).reshape(len(at), 18).astype(np.int64)
        last = digits[:, 17]
        first = digits[:, :17] - _ZERO
        good = ((first >= 0) & (first <= 9)).all(axis=1)
        good &= ((last >= _ZERO) & (last <= _NINE)) | (last == _X)
        first = np.where(good[:, None], first, 0)
        good &= _CHECKS[(first @ _WEIGHTS) % 11] == last
        ymd = first[:, 6:14] @ _PLACES[-8:]
        year, month, day = ymd // 10000, ymd // 100 % 100, ymd % 100
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        good &= (month >= 1) & (month <= 12)
        days = _DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
        good &= (day >= 1) & (day <= days)
        earliest = EARLIEST_BIRTH.year * 10000 + EARLIEST_BIRTH.month * 100 + EARLIEST_BIRTH.day
        good &= (ymd >= earliest) & (ymd <= today.year * 10000 + today.month * 100 + today.day)
        keys = (first @ _PLACES).tolist()
        odd = (first[:, 16] % 2).tolist()
        for index, ok, number, key, male in zip(at, good.tolist(), ymd.tolist(), keys, odd,
                                                 strict=True):
            if not ok:
                continue
            birth = births.get(number)
            if birth is None:
                birth = births[number] = datetime.date(number // 10000, number // 100 % 100,
                                                       number % 100)
            self.found[index] = (column[index], birth, "male" if male else "female")
            self.keys[index] = key


def read_columns(rows: Sequence[RawRow], columns: dict[str, Sequence[str]],
                 today: datetime.date, cache: ParsedCells, births: dict[int, datetime.date],
                 sealers: tuple[Sealer, Sealer],
                 encode: Callable[[Sequence[Any]], bytes] | None
                 ) -> tuple[set[str], dict[int, Any], dict[int, tuple[Any, ...]],
                            dict[int, tuple[str, str]]]:
    """What RosterImporter._read answers for the batch (grid codes, parsed IDs, ready rows,
    their doors' locations), column by column (`columns`: columns_of(rows))."""
    codes, parsed, ready, placed, lean = read_lean_columns(
        rows, columns, today, cache, births, sealers, encode)
    if lean is not None:
        parsed = lean.spread(parsed, ready, [row.number for row in rows])
    return codes, parsed, ready, placed


def read_lean_columns(rows: Sequence[RawRow], columns: dict[str, Sequence[str]],
                      today: datetime.date, cache: ParsedCells,
                      births: dict[int, datetime.date], sealers: tuple[Sealer, Sealer],
                      encode: Callable[[Sequence[Any]], bytes] | None
                      ) -> tuple[set[str], dict[int, Any], dict[int, tuple[Any, ...]],
                                 dict[int, tuple[str, str]], LeanRows | None]:
    """read_columns(), its lean rows (with `encode`) left out of `ready` and `parsed` and
    answered as columns (roster_lean.LeanRows), or None."""
    size = len(rows)
    numbers = [row.number for row in rows]
    empty = ("",) * size
    codes_column = columns.get("grid_code", empty)
    codes = {code.strip() for code in set(codes_column)}
    id_column = columns.get("id_number", empty)
    ids = _Ids(id_column, today, births)
    id_sealer = sealers[0]
    # Rows whose ID is clean, with its hash; the others with an ID are parsed alone.
    parsed: dict[int, Any] = {}
    doubtful: list[RawRow] = []
    clean = [found for found in ids.found if found is not None]
    hashes = iter(id_sealer.hash_many([found[0] for found in clean]))
    for row, raw, found in zip(rows, id_column, ids.found, strict=True):
        if found is not None:
            parsed[row.number] = (found, next(hashes))
        elif raw:
            doubtful.append(row)
    if doubtful:  # in the rows' order, as read_batch has them
        parsed.update(roster_rows.parse_ids(doubtful, today, id_sealer.hash))
        parsed = {number: parsed[number] for number in numbers if number in parsed}

    checks = [True] * size
    _texts_fine(columns, size, checks)
    _phones_fine(columns.get("phone"), checks)
    _phones_fine(columns.get("household_phone"), checks)
    medical = _mapped(columns.get("is_medical_staff"), size, FAST_YES_NO,
                      lambda raw: cache.get("is_medical_staff", raw), checks)
    residency = _mapped(columns.get("residency"), size, FAST_RESIDENCY,
                        lambda raw: cache.get("residency", raw), checks)
    tags = _mapped(columns.get("tags"), size, {"": ""}, lambda raw: cache.get("tags", raw),
                   checks)
    returned = _mapped(columns.get("returned_on"), size, {"": None},
                       lambda raw: cache.get("returned_on", raw), checks)
    for index, number in enumerate(numbers):
        if checks[index] and isinstance(parsed.get(number), Exception):
            checks[index] = False
    # (grid code, name, address, head name, household number, occupation, returnee origin,
    # phone, household phone, medical staff, residency, tags, returned on): _clean_cells'.
    cells = [columns.get(name, empty) for name in ("grid_code", *TEXT_LIMITS)]
    phones = columns.get("phone", empty)
    household_phones = columns.get("household_phone", empty)
    table = list(zip(*cells, phones, household_phones, medical, residency, tags, returned,
                     strict=True))
    lean = LeanRows() if encode is not None else None
    ready = _ready(numbers, table, checks, parsed, ids, sealers, encode, lean)
    latitudes, longitudes = (columns.get(name, empty) for name in LOCATION)
    if latitudes is empty and longitudes is empty:
        return codes, parsed, ready, {}, lean
    if lean is not None:  # the doors' locations are read from the rows' own entries
        parsed, lean = lean.spread(parsed, ready, numbers), None
    return codes, parsed, ready, roster_rows.read_locations(
        numbers, latitudes, longitudes, ready), lean


def _ready(numbers: list[int], table: list[tuple[Any, ...]], checks: list[bool],
           parsed: dict[int, Any], ids: _Ids, sealers: tuple[Sealer, Sealer],
           encode: Callable[[Sequence[Any]], bytes] | None, lean: LeanRows | None = None
           ) -> dict[int, tuple[Any, ...]]:
    """read_batch's ready rows, their IDs and phones sealed a column at a time (and `parsed`
    made lean, as read_batch makes it); with `lean`, the lean rows go there instead of into
    `ready` and `parsed`."""
    id_sealer, phone_sealer = sealers
    at = list(itertools.compress(range(len(numbers)), checks))
    found = [parsed.get(numbers[index]) for index in at]
    with_id = [item[0][0] for item in found if item]
    id_columns = iter(zip(id_sealer.encrypt_many(with_id), map(id_sealer.mask, with_id),
                          strict=True))
    phone_columns = phone_sealer.seal_many([table[index][7] for index in at])
    ready: dict[int, tuple[Any, ...]] = {}
    lean_at: list[int] = []
    tails: list[bytes] = []
    keys: list[int] = []
    hashes: list[str] = []
    for index, item, sealed_phone in zip(at, found, phone_columns, strict=True):
        number, row = numbers[index], table[index]
        if item:
            encrypted, masked = next(id_columns)
            sealed_id = (encrypted, item[1], masked)
            birth, sex = item[0][1], item[0][2]
        else:
            sealed_id, birth, sex = _NO_ID, None, "unknown"
        if encode is None:
            ready[number] = (*row, sealed_id, sealed_phone, None)
            continue
        # roster_writes.tail_values, from the cells in _clean_cells' order.
        tail = encode((row[1], *sealed_id, *sealed_phone, sex, birth, row[5], row[9], row[10],
                       row[11], row[6], row[12]))
        if not item:
            ready[number] = (*row, sealed_id, sealed_phone, tail)
            continue
        key = ids.keys.get(index)
        key = key if key is not None else roster_rows.id_key(item)
        if lean is None:
            ready[number] = (*row[:5], row[10], row[8], row[8] == row[7], tail)
            parsed[number] = (key, item[1])
        else:
            lean_at.append(index)
            tails.append(tail)
            keys.append(key)
            hashes.append(item[1])
    if lean is not None and lean_at:
        lean.tails, lean.keys, lean.hashes = tails, keys, hashes
        _lean_columns(lean, numbers, table, lean_at, parsed)
    return ready


def _lean_columns(lean: LeanRows, numbers: list[int], table: list[tuple[Any, ...]],
                  at: list[int], parsed: dict[int, Any]) -> None:
    """The lean rows' cells (table's rows at `at`) into `lean`, a column at a time; their
    entries out of `parsed`."""
    lean.numbers = [numbers[index] for index in at]
    cells = list(zip(*[table[index] for index in at], strict=True))
    (lean.codes, lean.names, lean.addresses, lean.heads, lean.household_numbers) = cells[:5]
    lean.residencies, lean.household_phones = cells[10], cells[8]
    lean.same_phones = list(map(operator.eq, cells[8], cells[7]))
    for number in lean.numbers:
        del parsed[number]
