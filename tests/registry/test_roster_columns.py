"""A CSV batch read column by column (roster_columns) gives what the row-by-row reading gives.

No database: the two readings are compared on the same batches, their ciphertexts decrypted
(each sealing draws its own nonces) and their tails decoded.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epigrid.core import crypto
from epigrid.core.identity import check_char
from epigrid.core.imports.errors import CellError
from epigrid.core.imports.readers import CellsRow, RawRow, open_table
from epigrid.registry import roster_columns, roster_parsing, roster_rows
from epigrid.registry.copy_rows import TailEncoder
from epigrid.registry.importers import RosterImporter
from tests.registry.test_roster_fast import CELLS, ID_1, TODAY, decoded, rows, sealers

NAMES = tuple(CELLS)


def batch_of(values: list[dict[str, str]], names: tuple[str, ...] = NAMES) -> list[CellsRow]:
    return [CellsRow(number, names, tuple(row.get(name, "") for name in names))
            for number, row in enumerate(values, 2)]


def by_rows(batch: list[CellsRow], encode: TailEncoder | None) -> Any:
    plain = [RawRow(row.number, dict(zip(row.names, row.cells, strict=True))) for row in batch]
    parsed = roster_rows.parse_ids(plain, TODAY, sealers()[0].hash)
    cache = roster_rows.ParsedCells(TODAY)
    codes = {row.values.get("grid_code", "").strip() for row in plain}
    ready = roster_rows.read_batch(plain, parsed, cache, *sealers(), encode)
    placed = roster_rows.read_locations(
        [row.number for row in plain], [row.values.get("latitude", "") for row in plain],
        [row.values.get("longitude", "") for row in plain], ready)
    return codes, parsed, ready, placed


def by_columns(batch: list[CellsRow], encode: TailEncoder | None) -> Any:
    columns = roster_columns.columns_of(batch)
    assert columns is not None
    return roster_columns.read_columns(batch, columns, TODAY, roster_rows.ParsedCells(TODAY),
                                       {}, sealers(), encode)


def opened(sealed: tuple[str, str, str], field: str) -> tuple[str, str, str]:
    encrypted, hashed, masked = sealed
    return (crypto.decrypt(encrypted, field) if encrypted else "", hashed, masked)


def plain_ready(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    """A ready row with its ciphertexts decrypted and its tail decoded."""
    *cells, tail = entry
    if tail is not None:
        values = list(decoded(tail))
        values[1:4] = opened(tuple(values[1:4]), "id_number")
        values[4:7] = opened(tuple(values[4:7]), "phone")
        tail = tuple(values)
    if len(cells) > roster_rows.LEAN - 1:  # not lean: the sealed ID and phone follow the cells
        cells[-2:] = [opened(cells[-2], "id_number"), opened(cells[-1], "phone")]
    return (*cells, tail)


def plain_parsed(found: Any) -> Any:
    return (type(found), str(found)) if isinstance(found, CellError) else found


def assert_same(batch: list[CellsRow], encode: TailEncoder | None) -> None:
    (codes, parsed, ready, placed), (codes_c, parsed_c, ready_c, placed_c) = \
        by_rows(batch, encode), by_columns(batch, encode)
    assert codes_c == codes
    assert placed_c == placed
    assert list(parsed_c) == list(parsed)  # the rows' order
    assert {number: plain_parsed(found) for number, found in parsed_c.items()} == \
        {number: plain_parsed(found) for number, found in parsed.items()}
    assert sorted(ready_c) == sorted(ready)
    assert {number: plain_ready(entry) for number, entry in ready_c.items()} == \
        {number: plain_ready(entry) for number, entry in ready.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(rows(), min_size=1, max_size=12), lean=st.booleans(),
       dropped=st.sets(st.sampled_from(["tags", "returned_on", "household_phone", "phone",
                                        "is_medical_staff", "residency", "occupation",
                                        "latitude", "longitude"])))
def test_a_batch_read_by_columns_is_the_batch_read_by_rows(
        values: list[dict[str, str]], lean: bool, dropped: set[str]) -> None:
    # A file that lacks a column lacks it on every row.
    names = tuple(name for name in NAMES if name not in dropped)
    assert_same(batch_of(values, names), TailEncoder() if lean else None)


def test_a_column_with_one_odd_cell_refuses_that_row_only() -> None:
    clean = {name: CELLS[name][1 if name in ("grid_code", "name", "id_number") else 0]
             for name in NAMES}
    values = [dict(clean, id_number=""), dict(clean, id_number="", address="东街  100号"),
              dict(clean, id_number="", name="n" * 101), dict(clean, id_number=ID_1),
              dict(clean, id_number="", phone="999"), dict(clean, id_number="", tags="VIP")]
    batch = batch_of(values)
    _codes, _parsed, ready, _placed = by_columns(batch, TailEncoder())
    assert sorted(ready) == [2, 5]
    assert_same(batch, TailEncoder())


def test_an_id_beyond_ascii_or_with_spaces_is_parsed_alone() -> None:
    spaced = " " + ID_1[:17]
    values = [dict(grid_code="420102001001-01", name="刘洋", id_number=text)
              for text in (ID_1, "４" + ID_1[1:], spaced, ID_1[:17] + "x", "")]
    batch = batch_of(values, ("grid_code", "name", "id_number"))
    assert_same(batch, TailEncoder())
    _codes, parsed, _ready, _placed = by_columns(batch, None)
    assert parsed[2][0][0] == ID_1 and parsed[3][0][0] == ID_1
    assert isinstance(parsed[4], CellError) and 6 not in parsed


@settings(max_examples=400, deadline=None)
@given(digits=st.text("0123456789", min_size=17, max_size=17),
       date=st.dates(datetime.date(1880, 1, 1), datetime.date(2030, 12, 31)),
       check=st.sampled_from(["right", "wrong", "X"]))
def test_the_ids_checked_in_numpy_are_those_the_parser_takes(
        digits: str, date: datetime.date, check: str) -> None:
    first17 = digits[:6] + date.strftime("%Y%m%d") + digits[14:]
    last = {"right": check_char(first17), "X": "X",
            "wrong": "0" if check_char(first17) != "0" else "1"}[check]
    text = first17 + last
    ids = roster_columns._Ids([text, "", text[:-1]], TODAY, {})
    try:
        expected = roster_parsing.parse_id(text, TODAY)
    except CellError:
        expected = None
    assert ids.found == [expected, None, None]
    assert ids.keys == ({0: int(first17)} if expected else {})


def test_leap_days_and_the_earliest_and_latest_birth_dates() -> None:
    def found(day: str) -> bool:
        first17 = "420102" + day + "001"
        return roster_columns._Ids([first17 + check_char(first17)], TODAY, {}).found[0] \
            is not None

    assert found("20000229") and found("19960229") and not found("19000229")
    assert not found("19990229") and not found("19991301") and not found("19990431")
    assert found("18900101") and not found("18891231")
    assert found(TODAY.strftime("%Y%m%d")) and not found("20260102")


def test_a_csv_file_reaches_the_importer_as_rows_of_cells() -> None:
    text = ("网格编码,姓名,身份证号,手机号\n"
            f"420102001001-01,刘洋,{ID_1},13700000001\n"
            ",,,\n"
            "420102001001-02,马丽,,\n")
    source = io.BytesIO(text.encode())
    with open_table(source, "roster.csv", RosterImporter.columns) as table:
        batch = list(table.rows)
    assert [row.number for row in batch] == [2, 4]  # the blank row is skipped, not renumbered
    assert all(isinstance(row, CellsRow) for row in batch)
    assert batch[1].values == {"grid_code": "420102001001-02", "name": "马丽",
                               "id_number": "", "phone": ""}
    columns = roster_columns.columns_of(batch)
    assert columns is not None and columns["name"] == ("刘洋", "马丽")
    assert roster_columns.columns_of([*batch, RawRow(9, {"name": "x"})]) is None
