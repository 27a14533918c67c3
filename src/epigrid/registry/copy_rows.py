"""New persons' rows in PostgreSQL's binary COPY form, most of each made by the reading process.

A person's row is 20 columns. The last 15 (name to returned_on, `TAIL`) depend on the row's
cells only, so the roster's reading process encodes them as it seals the ID and the phone
(`TailEncoder`: psycopg's own binary dumpers, in C). The first 5 (timestamps, area path, grid,
household) are known only when the batch is written; `PersonCopy` puts them in front of each
tail, once per grid and household, and joins the batch into one block of COPY data. The COPY
then only sends bytes: its thread needs no interpreter lock while the next batch is cleaned, and
the server never waits for a row to be formatted. A row without a tail (cleaned the full way)
is formatted here from its values, into the same block.
"""

from __future__ import annotations

import datetime
import functools
import struct
from collections.abc import Sequence
from typing import Any

from epigrid.registry import bulk
from epigrid.registry.models import Person

# The binary COPY format's header (signature, flags, no extension) and trailer.
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
TRAILER = b"\xff\xff"
HEAD = bulk.PERSON_COLUMNS[:5]  # created_at, updated_at, area_path, grid_id, household_id
TAIL = bulk.PERSON_COLUMNS[5:]
_NULL = struct.pack(">i", -1)
_ID = struct.Struct(">iq")  # an int8 field: its length, 8, and its value
_LENGTH = struct.Struct(">i")
_TAIL_COUNT = struct.pack(">h", len(TAIL))
_PHONE = TAIL.index("phone_enc")  # the phone's three stored forms follow one another


@functools.cache
def _transformer(columns: tuple[str, ...], loads: bool = False) -> Any:
    """A binary dumper (or loader) for each column, set up once per set of columns (every
    batch is alike)."""
    import psycopg
    from psycopg.adapt import Transformer
    from psycopg.pq import Format

    transformer = Transformer()
    oids = [psycopg.adapters.types.get_oid(name) for name in bulk.pg_types(Person, columns)]
    if loads:
        transformer.set_loader_types(oids, Format.BINARY)
    else:
        transformer.set_dumper_types(oids, Format.BINARY)
    return transformer


def decode_tail(tail: bytes) -> tuple[Any, ...]:
    """A tail's values (TAIL order), as the server will read them."""
    from psycopg._copy_base import parse_row_binary

    return tuple(parse_row_binary(_TAIL_COUNT + tail, _transformer(TAIL, loads=True)))


def tail_phone(tail: bytes) -> tuple[str, str, str]:
    """The stored forms of the phone in a tail (a household's phone is its head's, often):
    the four fields before them (name and the ID's three, text: never NULL) are skipped by
    their lengths, nothing else decoded."""
    unpack = _LENGTH.unpack_from
    at = 0
    for _field in range(_PHONE):
        at += 4 + unpack(tail, at)[0]
    found = []
    for _field in range(3):
        size = unpack(tail, at)[0]
        found.append(tail[at + 4:at + 4 + size].decode())
        at += 4 + size
    return found[0], found[1], found[2]


def _formatter() -> Any:
    from psycopg._copy_base import format_row_binary

    return format_row_binary


class TailEncoder:
    """The TAIL columns of a person's row (values in TAIL order), as COPY data without the
    row's field count. Needs no connection: it runs in the reading process."""

    def __init__(self) -> None:
        self.transformer, self.format = _transformer(TAIL), _formatter()

    def __call__(self, values: Sequence[Any]) -> bytes:
        out = bytearray()
        self.format(values, self.transformer, out)
        del out[:2]  # the field count: PersonCopy writes the whole row's
        return bytes(out)


def household_field(household_id: int | None) -> bytes:
    """A row's household_id field (NULL for a person attached to the grid alone)."""
    return _NULL if household_id is None else _ID.pack(8, household_id)


class PersonCopy:
    """A batch of new persons (PERSON_COLUMNS rows) as one block of binary COPY data."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now, self.format = now, _formatter()
        self.transformer = _transformer(bulk.PERSON_COLUMNS)
        self.head = _transformer(HEAD[:4])  # the household's id is packed here
        self.parts: list[bytes] = [SIGNATURE]
        self.count = 0
        self.prefixes: dict[int, bytes] = {}  # grid id -> the row's count and first 4 fields

    def _prefix(self, grid_id: int, path: str) -> bytes:
        prefix = self.prefixes.get(grid_id)
        if prefix is None:
            out = bytearray()
            self.format((self.now, self.now, path, grid_id), self.head, out)
            out[:2] = struct.pack(">h", len(bulk.PERSON_COLUMNS))
            prefix = self.prefixes[grid_id] = bytes(out)
        return prefix

    def add_tail(self, grid: tuple[int, str], household_id: int | None, tail: bytes) -> None:
        """A row whose TAIL columns the reading process encoded (TailEncoder)."""
        # household_field(), inlined: this runs once a row on the row-by-row path.
        self.parts += (self._prefix(*grid), _NULL if household_id is None
                       else _ID.pack(8, household_id), tail)
        self.count += 1

    def add_row(self, row: Sequence[Any]) -> None:
        """A row's values in PERSON_COLUMNS order."""
        out = bytearray()
        self.format(row, self.transformer, out)
        self.parts.append(bytes(out))
        self.count += 1

    def encoded(self) -> bulk.Encoded:
        return bulk.Encoded(b"".join((*self.parts, TRAILER)), self.count)
