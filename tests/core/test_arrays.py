"""core.arrays: a Column reaches PostgreSQL as the array psycopg's own list dumper sends."""

from __future__ import annotations

import datetime
import unittest
import uuid
from decimal import Decimal
from typing import Any

from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from psycopg.adapt import PyFormat, Transformer

from epigrid.core.arrays import Column, ColumnDumper
from epigrid.core.rows import execute_binary
from tests.base import BaseTestCase

POSTGRESQL_ONLY = unittest.skipUnless(connection.vendor == "postgresql",
                                      "binary arrays are PostgreSQL's")
NOW = datetime.datetime(2020, 2, 10, 8, 30, 0, 123456, tzinfo=datetime.UTC)
LOCAL = datetime.timezone(datetime.timedelta(hours=8))
TEXTS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=12)


def sent(values: list[Any], sql_type: str, distinct: bool = False) -> tuple[Any, bool]:
    """What the server made of the Column, and whether it is the array psycopg's list makes."""
    column = Column(values, sql_type, distinct)
    [(found, same)] = execute_binary(  # the test's own type names only
        f"SELECT %b::{sql_type}[], %b::{sql_type}[] IS NOT DISTINCT FROM %b::{sql_type}[]",  # noqa: S608
        [column, column, values], fetch=True) or [None]
    return found, same


@POSTGRESQL_ONLY
class ColumnTests(BaseTestCase):
    def test_it_sends_each_type_a_passage_has_as_psycopg_does(self) -> None:
        cases: list[tuple[str, list[Any]]] = [
            ("bigint", [7, 7, 2**40, -(2**63), 7]),
            ("smallint", [1, 3, 1, 99]),
            ("text", ["in", "out", "in", "", "鄂A12345", 'a "quoted", {braced} \\ NULL']),
            ("uuid", [uuid.UUID(int=1), uuid.UUID(int=2**128 - 1), uuid.UUID(int=1)]),
            ("timestamp with time zone", [NOW, NOW.astimezone(LOCAL), NOW.replace(year=1999)]),
            ("numeric", [Decimal("36.5"), Decimal("37.3"), Decimal("36.5"), Decimal("-0.1")]),
        ]
        for sql_type, values in cases:
            for distinct in (False, True):
                with self.subTest(sql_type, distinct=distinct):
                    assert sent(values, sql_type, distinct) == (values, True)

    def test_it_marks_the_nulls_of_a_column(self) -> None:
        for distinct in (False, True):
            assert sent([None, 5, None], "bigint", distinct) == ([None, 5, None], True)
            assert sent([None, None], "text", distinct) == ([None, None], True)
            assert sent(["", None, ""], "text", distinct) == (["", None, ""], True)

    def test_it_writes_the_bytes_psycopg_writes(self) -> None:
        """Byte for byte where psycopg's list takes the same element type (for ints it picks
        the smallest that holds the largest value): the NULL flag included, which the server
        does not check."""
        connection.ensure_connection()
        adapters = Transformer(connection.connection)
        adapters.adapters.register_dumper(Column, ColumnDumper)
        cases: list[tuple[str, list[Any]]] = [
            ("text", ["in", None, "in", "鄂A12345"]), ("text", ["", ""]),
            ("uuid", [uuid.UUID(int=5), None]), ("timestamp with time zone", [NOW, NOW])]
        for sql_type, values in cases:
            for distinct in (False, True):
                column = Column(values, sql_type, distinct)
                ours = adapters.get_dumper(column, PyFormat.BINARY).dump(column)
                theirs = adapters.get_dumper(values, PyFormat.BINARY).dump(values)
                assert bytes(ours or b"") == bytes(theirs or b""), (sql_type, distinct)

    def test_it_sends_an_empty_column_as_an_empty_array(self) -> None:
        assert sent([], "text") == ([], True)
        assert sent([], "bigint") == ([], True)

    def test_it_types_the_array_without_a_cast(self) -> None:
        [(name,)] = execute_binary("SELECT pg_typeof(%b)::text", [Column([1], "bigint")],
                                   fetch=True) or [None]
        assert name == "bigint[]"

    def test_it_refuses_a_type_it_does_not_know(self) -> None:
        with self.assertRaisesRegex(ValueError, "no array of PostgreSQL type 'varchar2'"):
            execute_binary("SELECT %b", [Column(["x"], "varchar2")])



@POSTGRESQL_ONLY
class AnyColumnTests(HypothesisTestCase):
    @given(st.lists(st.one_of(st.none(), st.sampled_from(["", "in", "pass"]), TEXTS),
                    max_size=40))
    @settings(max_examples=150, deadline=None)
    def test_any_column_of_texts_arrives_whole(self, values: list[str | None]) -> None:
        assert sent(values, "text") == (values, True)

    @given(st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1),
                              st.integers(0, 3)), max_size=40))
    @settings(max_examples=150, deadline=None)
    def test_any_column_of_ids_arrives_whole(self, values: list[int | None]) -> None:
        assert sent(values, "bigint") == (values, True)
        assert sent(values, "bigint", distinct=True) == (values, True)
