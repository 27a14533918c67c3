"""Cell parsers: any text gives a value or a CellError, never another exception."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.areas.importers import parse_level
from epigrid.core.imports import parsers
from epigrid.core.imports.errors import CellError

# Text people put in cells: digits and signs mixed with anything Unicode has.
cells = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,-+eE ，１２３ '"),
    st.from_regex(r"-?\d{1,15}(\.\d{0,8})?([eE][+-]?\d{1,4})?", fullmatch=True),
    st.sampled_from(["NaN", "sNaN", "Infinity", "-inf", "1e999999999", "1_000", "٣", "²"]),
)
PARSERS = [parsers.parse_code, parsers.parse_optional_code, parsers.parse_count,
           parsers.parse_latitude, parsers.parse_longitude, parsers.parse_phone, parse_level,
           lambda raw: parsers.parse_text(raw, max_length=10, required=True)]


@pytest.mark.parametrize("parse", PARSERS)
@settings(max_examples=150, deadline=None)
@given(raw=cells)
def test_it_answers_any_text_with_a_value_or_a_cell_error(parse: object, raw: str) -> None:
    try:
        parse(raw)  # type: ignore[operator]
    except CellError as exc:
        assert exc.message


@settings(max_examples=200, deadline=None)
@given(value=st.integers(min_value=0, max_value=parsers.MAX_COUNT))
def test_it_reads_back_every_count_as_written(value: int) -> None:
    assert parsers.parse_count(str(value)) == value
    assert parsers.parse_count(f"{value:,}") == value
    assert parsers.parse_count(f"{value}.0") == value


@settings(max_examples=200, deadline=None)
@given(value=st.decimals(min_value=-90, max_value=90, places=6))
def test_it_reads_back_every_latitude_as_written(value: Decimal) -> None:
    assert parsers.parse_latitude(str(value)) == value


@pytest.mark.parametrize(("raw", "level"), [
    ("city", 1), ("市", 1), ("District", 2), ("区县", 2), ("县", 2), ("区", 2), ("乡镇", 3),
    ("街道", 3), ("village", 4), ("村", 4), ("社区", 4), ("网格", 5), ("GRID", 5), ("3", 3),
    ("5.0", 5), ("４", 4), (" town ", 3)])
def test_it_reads_level_words(raw: str, level: int) -> None:
    assert parse_level(raw) == level


@pytest.mark.parametrize("raw", ["", "0", "6", "hamlet", "1.5", "-1"])
def test_it_refuses_unknown_levels(raw: str) -> None:
    with pytest.raises(CellError):
        parse_level(raw)


@pytest.mark.parametrize(("raw", "code"), [
    ("420102001001", "420102001001"), ("'420102001001", "420102001001"),
    ("420102001001.0", "420102001001"), ("４２０１０２００１００１", "420102001001"),
    (" 4201 0200 1001 ", "420102001001"), ("420102001001-01", "420102001001-01")])
def test_it_repairs_codes_as_spreadsheets_mangle_them(raw: str, code: str) -> None:
    assert parsers.parse_code(raw) == code


@pytest.mark.parametrize("raw", ["4.20102E+11", "4.20102001001e11", "=A1", "a" * 33, "编码"])
def test_it_refuses_codes_it_cannot_trust(raw: str) -> None:
    with pytest.raises(CellError):
        parsers.parse_code(raw)


def test_it_rounds_coordinates_to_six_places() -> None:
    assert parsers.parse_longitude("114.30551249") == Decimal("114.305512")
    assert parsers.parse_longitude("") is None
