"""How many rows a file brings, told before it is read (core.imports.bulk_load): an estimate
that decides whether an import is a large load."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.imports import bulk_load
from tests.core.test_imports_support import xlsx_bytes

LINE = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
               max_size=40)


@given(st.lists(LINE, max_size=50), st.booleans(), st.integers(0, 5))
def test_it_counts_the_lines_with_or_without_a_last_line_break(
        lines: list[str], last_break: bool, start: int) -> None:
    text = "\n".join(lines) + ("\n" if last_break and lines else "")
    source = io.BytesIO(text.encode())
    source.seek(min(start, len(source.getvalue())))
    at = source.tell()
    # A last line without its line break counts; an empty file has none.
    expected = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    assert bulk_load.csv_lines(source) == expected
    assert source.tell() == at  # the reader goes on where it was


def test_it_counts_past_the_reading_chunk() -> None:
    lines = b"a,b\n" * (bulk_load.CHUNK // 4 + 3)
    assert bulk_load.csv_lines(io.BytesIO(lines)) == bulk_load.CHUNK // 4 + 3


def test_it_estimates_the_data_rows_of_a_csv_file() -> None:
    content = b"name,id\n" + b"Liu Yang,420102199002150010\n" * 100
    assert bulk_load.estimated_rows(io.BytesIO(content), "roster.csv", 10) == 100


def test_it_does_not_count_a_file_too_small_to_hold_the_least_rows() -> None:
    content = b"name,id\n" + b"L,4\n" * 100
    assert bulk_load.estimated_rows(io.BytesIO(content), "roster.csv",
                                    len(content) // bulk_load.LEAST_LINE_BYTES + 1) == 0


def test_it_does_not_count_a_workbook() -> None:
    content = xlsx_bytes({"Roster": [["name", "id"], *[["Liu Yang", "1"]] * 100]})
    assert bulk_load.estimated_rows(io.BytesIO(content), "roster.xlsx", 1) == 0


def test_it_estimates_from_the_start_whatever_was_read_before_and_puts_the_file_back() -> None:
    # The run's reader has read ahead (a whole chunk of a small file: its end) when it asks.
    content = b"name,id\n" + b"Liu Yang,420102199002150010\n" * 100
    source = io.BytesIO(content)
    source.seek(len(content))
    assert bulk_load.estimated_rows(source, "roster.csv", 10) == 100
    assert source.tell() == len(content)
    workbook = io.BytesIO(xlsx_bytes({"Roster": [["name", "id"], *[["Liu Yang", "1"]] * 100]}))
    workbook.seek(100)
    assert bulk_load.estimated_rows(workbook, "roster.xlsx", 1) == 0
    assert workbook.tell() == 100
