"""A CSV file read through its plain blocks (core.imports.plain_csv) gives the records, numbers
and errors that csv.reader over its lines gives, wherever the blocks are cut."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.core.imports import plain_csv, readers
from epigrid.core.imports.errors import ImportFileError


def by_csv_module(data: bytes) -> list[tuple[int, list[str]]] | str:
    """The records as csv.reader gives them over the decoded lines (the reading before
    plain_csv), or the error's message."""
    source = io.BytesIO(data)
    lines = readers._text_lines(source, readers.detect_encoding(source))
    number = 0
    found = []
    try:
        first = next(lines, "")
        reader = csv.reader(itertools.chain((first,), lines),
                            delimiter=readers._delimiter(first), strict=True)
        for number, cells in enumerate(reader, 1):
            found.append((number, cells))
    except csv.Error as exc:
        return f"malformed at row {number + 1} ({exc})"
    except ImportFileError as exc:
        return str(exc)
    return found


def by_blocks(data: bytes, chunk: int) -> list[tuple[int, list[str]]] | str:
    found = []
    with mock.patch.object(plain_csv, "CHUNK", chunk):
        try:
            found.extend(readers._csv_records(io.BytesIO(data)))
        except ImportFileError as exc:
            text = str(exc)
            return text[text.index("malformed"):].rstrip(".") if "malformed" in text else text
    return found


CELL = st.text(st.sampled_from(list('ab中,"\r\n \t;') + ["\ufeff", "\x00"]), max_size=6)


@st.composite
def files(draw: st.DrawFn) -> bytes:
    rows = draw(st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=8))
    if draw(st.booleans()):  # as a spreadsheet writes it: quoted where needed
        out = io.StringIO()
        csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
        text = out.getvalue()
    else:  # as a script writes it: cells joined, whatever they hold
        ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        text = ending.join(",".join(row) for row in rows) + draw(st.sampled_from(["", ending]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # a bad byte somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff" + data[at:]
    return data


@settings(max_examples=400, deadline=None)
@given(data=files(), chunk=st.integers(1, 40))
def test_the_blocks_read_what_the_csv_module_reads(data: bytes, chunk: int) -> None:
    assert by_blocks(data, chunk) == by_csv_module(data)


def test_a_quote_after_plain_blocks_is_read_by_the_csv_module_from_its_line() -> None:
    data = "网格编码,姓名\nA1,刘洋\n\nA2,马丽\nA3,\"王, 芳\"\nA4,\"未闭合\n".encode()
    with mock.patch.object(plain_csv, "CHUNK", 16):
        source = io.BytesIO(data)
        records = readers._csv_records(source)
        assert [next(records) for _ in range(5)] == [
            (1, ["网格编码", "姓名"]), (2, ["A1", "刘洋"]), (3, []), (4, ["A2", "马丽"]),
            (5, ["A3", "王, 芳"])]
        with pytest.raises(ImportFileError, match="malformed at row 6"):
            next(records)


def test_a_bad_byte_is_named_at_its_line_after_plain_blocks() -> None:
    data = "姓名,网格编码\n".encode("gb18030") + "刘,A1\n".encode("gb18030") * 3 + b"\x81,A2\n"
    assert readers.detect_encoding(io.BytesIO(data)) == "gb18030"
    found = by_blocks(data, 8)
    assert found == by_csv_module(data)
    assert isinstance(found, str) and "Line 5 " in found


def test_a_byte_order_mark_starts_the_first_block_only() -> None:
    data = codecs.BOM_UTF8 + "姓名,网格编码\n刘洋,A1\n".encode() + codecs.BOM_UTF8 + b"x,A2\n"
    assert by_blocks(data, 1 << 20) == by_csv_module(data) == [
        (1, ["姓名", "网格编码"]), (2, ["刘洋", "A1"]), (3, ["x", "A2"])]


def test_a_tab_separated_file_is_split_on_tabs() -> None:
    data = "姓名\t网格编码\n刘洋\tA1, A2\n".encode()
    assert by_blocks(data, 1 << 20) == [(1, ["姓名", "网格编码"]), (2, ["刘洋", "A1, A2"])]


def test_a_line_longer_than_the_field_limit_goes_to_the_csv_module() -> None:
    limit = csv.field_size_limit()
    data = b"a,b\n" + b"x" * (limit + 1) + b",y\n"
    found = by_blocks(data, 1 << 20)
    assert found == by_csv_module(data)
    assert isinstance(found, str) and "row 2" in found


def blocks_of(data: bytes) -> Iterator[list[str]]:
    return plain_csv.blocks(io.BytesIO(data), "utf-8-sig")


def test_the_file_stands_at_the_first_line_not_given() -> None:
    source = io.BytesIO(b"a,b\nc,d\n\"e\",f\n")
    with mock.patch.object(plain_csv, "CHUNK", 8):
        assert list(plain_csv.blocks(source, "utf-8-sig")) == [["a,b", "c,d"]]
    assert source.read() == b"\"e\",f\n"
