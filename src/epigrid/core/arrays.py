"""A column of values sent to PostgreSQL as one binary array, each distinct value dumped once.

The batch API stores a batch's passages from one array per column (checkpoints.passage_rows).
psycopg dumps a list parameter element by element in Python, about 0.3 µs each, and a numeric
(a temperature) five times that: twenty columns of five hundred passages were a seventh of the
API's CPU. Yet most of a batch's columns repeat a few values: its checkpoints, "in" and "out",
"pass", temperatures to a tenth, empty texts. A `Column` names its PostgreSQL type once; its
dumper dumps each distinct value once, with psycopg's own binary dumper of that type, and
repeats the bytes, so the server receives the array psycopg would send
(tests/core/test_arrays.py holds the two equal). A column of values that do not repeat (ids,
times) says so: looking each up would cost more than dumping it.

Values equal in Python are sent alike: Decimal("1.50") goes as Decimal("1.5") when that came
first, which a column of a fixed scale (numeric(3, 1)) stores the same.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any, cast

from psycopg import abc, postgres
from psycopg.abc import AdaptContext, Buffer, DumperKey
from psycopg.adapt import Dumper, PyFormat
from psycopg.pq import Format

_HEAD = struct.Struct("!IIIii")  # dimensions, has NULLs, element type, length, lower bound
_EMPTY = struct.Struct("!III")  # no dimensions
_LENGTH = struct.Struct("!i")
_NULL = _LENGTH.pack(-1)


class Column:
    """The values of one column for a `%b` parameter: a one-dimensional array of `sql_type`, a
    PostgreSQL type's name ("bigint", "text", "timestamp with time zone"); None is NULL.
    `distinct`: the values hardly repeat, so each is dumped without looking for its twin."""

    __slots__ = ("distinct", "sql_type", "values")

    def __init__(self, values: Sequence[Any], sql_type: str, distinct: bool = False) -> None:
        self.values = values
        self.sql_type = sql_type
        self.distinct = distinct


class ColumnDumper(Dumper):
    """Dumps a Column; register it on a connection's or a cursor's adapters."""

    format = Format.BINARY

    def __init__(self, cls: type, context: AdaptContext | None = None) -> None:
        super().__init__(cls, context)
        self._adapters = context.adapters if context is not None else postgres.adapters
        self._context = context
        self._element: abc.Dumper | None = None
        self._element_oid = 0

    def get_key(self, obj: Column, format: PyFormat) -> DumperKey:
        # psycopg keeps the upgraded dumper by this key: any hashable serves.
        return cast(DumperKey, (self.cls, obj.sql_type))

    def upgrade(self, obj: Column, format: PyFormat) -> ColumnDumper:
        """The dumper of columns of `obj.sql_type`: the array's type and its element's dumper."""
        info = self._adapters.types.get(obj.sql_type)
        if info is None or not info.array_oid:
            raise ValueError(f"no array of PostgreSQL type {obj.sql_type!r}")
        dumper = ColumnDumper(self.cls, self._context)
        dumper.oid = info.array_oid
        dumper._element_oid = info.oid
        element = self._adapters.get_dumper_by_oid(info.oid, Format.BINARY)
        dumper._element = element(object, self._context)
        return dumper

    def dump(self, obj: Column) -> Buffer:
        if self._element is None:  # not upgraded: psycopg always upgrades first
            return self.upgrade(obj, PyFormat.BINARY).dump(obj)
        values = obj.values
        if not values:
            return _EMPTY.pack(0, 0, self._element_oid)
        dump = self._element.dump
        known: dict[Any, bytes] | None = None if obj.distinct else {}
        has_null = False
        parts = [b""]  # the head, once the NULLs are known
        for value in values:
            part = known.get(value) if known is not None else None
            if part is None:
                data = None if value is None else dump(value)
                if data is None:  # NULL, as psycopg sends a value its dumper makes None
                    part, has_null = _NULL, True
                else:
                    part = _LENGTH.pack(len(data)) + data
                if known is not None:
                    known[value] = part
            parts.append(part)
        parts[0] = _HEAD.pack(1, has_null, self._element_oid, len(values), 1)
        return b"".join(parts)
