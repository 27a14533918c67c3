"""The persons of a scope by the keyed hash of their ID number, held in memory for a big sheet.

A sheet's IDs are matched batch by batch, each ID one probe of the person table's hash index: a
random read of the table, some microseconds of the database's time each. When a sheet is as big
as the registry it is matched against (a city's million results against its million persons),
those probes cost more than reading the scope's persons once, in the table's order, and
searching them here: `PersonHashIndex` keeps them as sorted arrays (the hash's 32 bytes, the
person id, the area path's number: 44 bytes a person) and answers a batch with one binary
search. It is a snapshot: a person registered after it was read is not found by it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from epigrid.core.access import PATH_END
from epigrid.registry.models import Person

HASH_BYTES = 32  # HMAC-SHA256 (core.crypto.keyed_hash), stored as 64 hex digits
CHUNK = 20_000
AMBIGUOUS = -1  # the id of a hash several persons share: no match, as persons_by_hash answers
Found = dict[str, tuple[int, str] | None]


def scope_sql(scope_path: str | None, unrestricted: bool) -> tuple[str, list[Any]]:
    """`FROM person WHERE ...` for the persons of the scope with an ID number, and its values
    (PostgreSQL's and SQLite's words alike)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    # NOT ... = '': the words of the hash index's own condition (core.indexes).
    where = f"FROM {table} WHERE NOT id_number_hash = ''"  # noqa: S608 - our own names
    if unrestricted:
        return where, []
    return where + " AND area_path >= %s AND area_path < %s", [scope_path,
                                                               f"{scope_path}{PATH_END}"]


def count_in_scope(scope_path: str | None, unrestricted: bool) -> int:
    """How many persons of the scope have an ID number."""
    if not (unrestricted or scope_path):
        return 0
    where, params = scope_sql(scope_path, unrestricted)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {where}", params)  # noqa: S608 - our own names
        return int(cursor.fetchone()[0])


def _rows(scope_path: str | None, unrestricted: bool) -> Iterator[list[tuple[str, int, str]]]:
    where, params = scope_sql(scope_path, unrestricted)
    # A server-side cursor on PostgreSQL: the rows arrive CHUNK at a time, never all at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT id_number_hash, id, area_path {where}", params)  # noqa: S608
        while chunk := cursor.fetchmany(CHUNK):
            yield chunk


def _prefixes(keys: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """The first 8 bytes of each key as a number, in the keys' order (big-endian)."""
    return np.frombuffer(keys.tobytes(), dtype=">u8")[::HASH_BYTES // 8].astype(np.uint64)


class PersonHashIndex:
    """ID hash -> (person id, area path), for the persons of one scope."""

    def __init__(self, keys: npt.NDArray[Any], ids: npt.NDArray[np.int64],
                 paths: npt.NDArray[np.int32], path_names: list[str]) -> None:
        self.keys, self.ids, self.paths, self.path_names = keys, ids, paths, path_names
        self.prefixes = _prefixes(keys)

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def load(cls, scope_path: str | None, unrestricted: bool, expected: int = 0
             ) -> PersonHashIndex:
        """The scope's persons; `expected` (their count) lets the arrays be made at their size
        once, where growing them chunk by chunk would hold two copies at the end."""
        keys = np.empty(expected, dtype=f"S{HASH_BYTES}")
        ids = np.empty(expected, dtype=np.int64)
        paths = np.empty(expected, dtype=np.int32)
        number_of: dict[str, int] = {}
        size = 0
        for rows in (_rows(scope_path, unrestricted) if unrestricted or scope_path else ()):
            # A keyed hash is 64 hex digits; anything else could never match one.
            chunk = [row for row in rows if len(row[0]) == 2 * HASH_BYTES]
            end = size + len(chunk)
            if end > len(keys):  # persons registered since they were counted
                keys, ids, paths = (np.resize(array, max(end, 2 * len(array)))
                                    for array in (keys, ids, paths))
            keys[size:end] = np.frombuffer(b"".join(bytes.fromhex(row[0]) for row in chunk),
                                           dtype=f"S{HASH_BYTES}")
            ids[size:end] = np.fromiter((row[1] for row in chunk), np.int64, len(chunk))
            paths[size:end] = np.fromiter((number_of.setdefault(row[2], len(number_of))
                                           for row in chunk), np.int32, len(chunk))
            size = end
        order = np.argsort(keys[:size], kind="stable")
        keys = keys[order]
        shared = keys[1:] == keys[:-1]  # one ID in several persons: theirs is nobody's
        ids = ids[order]
        ids[1:][shared] = AMBIGUOUS
        ids[:-1][shared] = AMBIGUOUS
        return cls(keys, ids, paths[order], list(number_of))

    def _places(self, asked: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
        """Where each asked key is, or would be, among the keys (clipped to the last one).

        Searched by their first 8 bytes, in the asked keys' order: a binary search of numbers
        through memory read in order is several times faster than one of 32-byte strings read
        at random. Keys sharing those 8 bytes (one pair in ~10^7 among a million) are searched
        again in full."""
        prefixes = _prefixes(asked)
        order = np.argsort(prefixes)
        at = np.empty(len(asked), dtype=np.intp)
        at[order] = np.searchsorted(self.prefixes, prefixes[order])
        at = np.minimum(at, len(self.keys) - 1)
        again = np.flatnonzero((self.keys[at] != asked) & (self.prefixes[at] == prefixes))
        if len(again):
            at[again] = np.minimum(np.searchsorted(self.keys, asked[again]), len(self.keys) - 1)
        return at

    def find(self, hashes: Iterable[str]) -> Found:
        """Like lab_bulk.persons_by_hash: each hash found -> (id, path), or None when several
        persons share it; a hash of nobody is left out."""
        wanted = [value for value in hashes if len(value) == 2 * HASH_BYTES]
        if not wanted or not len(self.keys):
            return {}
        asked = np.frombuffer(b"".join(bytes.fromhex(value) for value in wanted),
                              dtype=f"S{HASH_BYTES}")
        at = self._places(asked)
        hits = np.flatnonzero(self.keys[at] == asked)
        places = at[hits]
        names = self.path_names
        return {wanted[index]: None if pk == AMBIGUOUS else (pk, names[path])
                for index, pk, path in zip(hits.tolist(), self.ids[places].tolist(),
                                           self.paths[places].tolist(), strict=True)}


class PersonMatcher:
    """Matches a sheet's batches of ID hashes to the persons of a scope: by index probes (`probe`,
    such as lab_bulk.persons_by_hash), until the sheet has shown itself big beside the scope's
    registry; from then on from a PersonHashIndex read once.

    The index is read when the IDs matched so far reach `after` and a `share` of the scope's
    persons, and only for at most `most` persons (its memory: 44 bytes a person). Without a
    probe it only tells when the index is worth reading (`index_for`): the caller probes."""

    def __init__(self, scope_path: str | None, unrestricted: bool,
                 probe: Callable[[set[str]], Found] | None = None, *, after: int = 100_000,
                 share: float = 0.1, most: int = 2_000_000) -> None:
        self.scope_path, self.unrestricted, self.probe = scope_path, unrestricted, probe
        self.after, self.share, self.most = after, share, most
        self.asked = 0
        self.persons: int | None = None  # in the scope, counted once
        self.index: PersonHashIndex | None = None

    def index_for(self, count: int) -> PersonHashIndex | None:
        """The index, read when `count` more IDs to match make the sheet big enough, or None
        while the probes are the cheaper way."""
        self.asked += count
        if self.index is None and self.asked >= self.after:
            self._read(self.share)
        return self.index

    def read_now(self) -> PersonHashIndex | None:
        """The index read at once, whatever was asked (None when the scope is too big to hold):
        for a run that has the tables to itself from its start (Importer.loading_alone), it then
        holds every person the run did not register itself."""
        if self.index is None:
            self._read(0.0)
        return self.index

    def _read(self, share: float) -> None:
        """Read the index when the scope is small enough and the IDs asked so far reach
        `share` of its persons."""
        if self.persons is None:
            self.persons = count_in_scope(self.scope_path, self.unrestricted)
        if self.persons <= self.most and self.asked >= share * self.persons:
            self.index = PersonHashIndex.load(self.scope_path, self.unrestricted, self.persons)

    def find(self, hashes: set[str]) -> Found:
        if self.probe is None:
            raise TypeError("a PersonMatcher without a probe only answers index_for()")
        index = self.index_for(len(hashes))
        return index.find(hashes) if index is not None else self.probe(hashes)
