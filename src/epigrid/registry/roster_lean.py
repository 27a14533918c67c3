"""A roster batch whose every row is lean, cleaned and built a column at a time.

On PostgreSQL the reading process leaves most rows of a first roster lean (roster_rows.LEAN:
an ID, its cells clean, the person's row's tail encoded). For a CSV batch it sends them as
columns (`LeanRows`), not as a tuple a row. When every row of the batch is lean, and nothing
the rows meet needs a row's own look-up (no registered person among their IDs, no ID seen
before, every grid known, every household found or with an address on its first row, no
door's location), `clean()` answers their clean rows with one pass over the batch's households
instead of one over its rows, and `build()` makes their COPY data from those households. The
rows it answers clean are exactly what roster_rows.fast_rows answers (their `data` is made on
demand, the same dict); any other batch is spread out into the rows' own entries
(`spread()`) and takes fast_rows, row by row (tests/registry/test_roster_lean.py holds them
equal). A first roster of a million rows cost the run's process 11 CPU-s row by row, 6 so.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from operator import itemgetter
from typing import Any

from epigrid.core.imports.base import CleanBatch, CleanRow
from epigrid.registry import copy_rows
from epigrid.registry.copy_rows import PersonCopy
from epigrid.registry.models import Household
from epigrid.registry.roster_writes import Built

_NONE: dict[str, int] = {}
_NOWHERE = (None, None)  # a new household's location: none given
# Household: (grid (id, path), key, existing household id or None, the batch's first row of it)
Group = tuple[tuple[int, str], str, "int | None", int]


class LeanRows:
    """The lean rows of a batch, a list a column: each row's roster_rows.LEAN cells (grid
    code, name, address, head name, household number, residency, household phone, whether it
    is the person's phone, tail) and its `parsed` entry (the ID's first 17 digits, its hash)."""

    COLUMNS = ("numbers", "codes", "names", "addresses", "heads", "household_numbers",
               "residencies", "household_phones", "same_phones", "tails", "keys", "hashes")

    def __init__(self) -> None:
        self.numbers: Sequence[int] = []
        self.codes: Sequence[str] = []
        self.names: Sequence[str] = []
        self.addresses: Sequence[str] = []
        self.heads: Sequence[str] = []
        self.household_numbers: Sequence[str] = []
        self.residencies: Sequence[str] = []
        self.household_phones: Sequence[str] = []
        self.same_phones: Sequence[bool] = []
        self.tails: Sequence[bytes] = []
        self.keys: Sequence[int] = []
        self.hashes: Sequence[str] = []
        # Set by clean(): the batch's households (Group) and each row's among them.
        self.groups: list[Group] = []
        self.group_of: list[int] = []

    def __len__(self) -> int:
        return len(self.numbers)

    def __getstate__(self) -> tuple[list[Any], ...]:  # the columns only, in a tuple
        return tuple(getattr(self, name) for name in self.COLUMNS)

    def __setstate__(self, state: tuple[list[Any], ...]) -> None:
        self.__init__()  # type: ignore[misc]
        for name, column in zip(self.COLUMNS, state, strict=True):
            setattr(self, name, column)

    @property
    def _cells(self) -> tuple[Sequence[Any], ...]:
        return (self.codes, self.names, self.addresses, self.heads, self.household_numbers,
                self.residencies, self.household_phones, self.same_phones, self.tails)

    def spread(self, parsed: dict[int, Any], ready: dict[int, tuple[Any, ...]],
               order: Sequence[int]) -> dict[int, Any]:
        """Put the rows into `ready` as LEAN tuples and into `parsed`, which is answered
        anew in the rows' order (`order`: the batch's row numbers), as the row path has it."""
        if not self.numbers:
            return parsed
        ready.update(zip(self.numbers, zip(*self._cells, strict=True), strict=True))
        parsed.update(zip(self.numbers, zip(self.keys, self.hashes, strict=True), strict=True))
        self.numbers = []
        return {number: parsed[number] for number in order if number in parsed}


class LeanRow(CleanRow):
    """A clean row of a LeanRows batch; `data` is the dict roster_rows.clean() would make."""

    def __init__(self, number: int, lean: LeanRows, at: int) -> None:
        fields = self.__dict__
        fields["number"], fields["lean"], fields["at"] = number, lean, at

    @cached_property
    def data(self) -> dict[str, Any]:  # type: ignore[override]
        lean, at = self.__dict__["lean"], self.__dict__["at"]
        grid, key, existing, _first = lean.groups[lean.group_of[at]]
        return {"grid": grid, "household": (key, existing, lean.addresses[at]),
                "id": (lean.keys[at], lean.hashes[at]), "id_hash": lean.hashes[at],
                "person": None, "known": None, "household_phone": lean.household_phones[at],
                "head_name": lean.heads[at], "sealed": None, "tail": lean.tails[at],
                "same_phone": lean.same_phones[at]}


class LeanBatch(CleanBatch):
    """The clean rows of a LeanRows batch, every row of it; a row made when asked for (the
    runner writes the batch as it is: only a refused write goes through its rows)."""

    def __init__(self, lean: LeanRows) -> None:
        super().__init__(len(lean))
        self.lean = lean

    def make(self, at: int) -> CleanRow:
        return LeanRow(self.lean.numbers[at], self.lean, at)


def _groups(lean: LeanRows, grids: Mapping[str, tuple[int, str]],
            households: Mapping[int, dict[str, int]], pending: set[tuple[int, str]]
            ) -> list[Group] | None:
    """The batch's households in the order of their first rows, or None when a row needs its
    own look-up: an unknown grid, a row without household number and address, or a household
    neither registered nor given an address on its first row."""
    keys = [f"#{number}" if number else f"@{address}"
            for number, address in zip(lean.household_numbers, lean.addresses, strict=True)]
    if "@" in keys:  # neither number nor address (a visitor's or worker's row, or an error)
        return None
    found: dict[str, tuple[int, str]] = {}
    for code in set(lean.codes):
        grid = grids.get(code)
        if grid is None:
            return None
        found[code] = grid
    pairs = list(zip(lean.codes, keys, strict=True))
    # Each household's first row: the dict of the reversed pairs keeps the earliest index.
    first = dict(zip(reversed(pairs), range(len(pairs) - 1, -1, -1), strict=True))
    groups: list[Group] = []
    index: dict[tuple[str, str], int] = {}
    for (code, key), at in sorted(first.items(), key=itemgetter(1)):
        grid = found[code]
        existing = households.get(grid[0], _NONE).get(key)
        if existing is None:
            if not lean.addresses[at]:
                return None
            pending.add((grid[0], key))
        index[(code, key)] = len(groups)
        groups.append((grid, key, existing, at))
    lean.group_of = list(map(index.__getitem__, pairs))
    return groups


def clean(lean: LeanRows | None, count: int, grids: Mapping[str, tuple[int, str]],
          households: Mapping[int, dict[str, int]], pending: set[tuple[int, str]],
          ids: dict[int, int], registered: Mapping[str, Any]) -> LeanBatch | None:
    """The clean rows of a batch of `count` rows, all lean, or None (nothing changed) when it
    must go row by row. Notes the rows' IDs in `ids` and the new households in `pending`, as
    fast_rows does."""
    if lean is None or len(lean) != count or registered:
        return None
    keys = lean.keys
    if len(set(keys)) != len(keys) or not ids.keys().isdisjoint(keys):
        return None
    taken: set[tuple[int, str]] = set()
    groups = _groups(lean, grids, households, taken)
    if groups is None:
        return None
    pending |= taken
    lean.groups = groups
    ids.update(zip(keys, lean.numbers, strict=True))
    return LeanBatch(lean)


def batch_of(rows: Sequence[CleanRow]) -> LeanRows | None:
    """The LeanRows whose clean rows `rows` are, all of them in order, or None."""
    if isinstance(rows, LeanBatch):
        return rows.lean
    first = rows[0] if rows else None
    if type(first) is not LeanRow:
        return None
    lean: LeanRows = first.__dict__["lean"]
    if len(rows) != len(lean) or not all(
            type(row) is LeanRow and row.__dict__["lean"] is lean and row.__dict__["at"] == at
            for at, row in enumerate(rows)):
        return None
    return lean


TakeIds = Callable[[Any, int], "list[int] | None"]


def build(lean: LeanRows, households: Mapping[int, dict[str, int]], now: datetime.datetime,
          seal: Callable[[str], tuple[str, str, str]], take_ids: TakeIds) -> Any:
    """roster_writes.build() of the batch's clean rows (a Built), or None with too few ids."""
    groups = lean.groups
    wanted: list[int] = []
    for at, (grid, key, existing, first) in enumerate(groups):
        if existing is None:
            cached = households.get(grid[0], _NONE).get(key)
            if cached is None:
                wanted.append(at)
            else:  # written since it was looked up (roster_writes.new_households)
                groups[at] = (grid, key, cached, first)
    pks = take_ids(Household, len(wanted))
    if pks is None:
        return None
    made: dict[tuple[int, str], tuple[int, tuple[Any, ...]]] = {}
    household_ids = [existing for _grid, _key, existing, _first in groups]
    for at, pk in zip(wanted, pks, strict=True):
        grid, key, _existing, first = groups[at]
        phone = (copy_rows.tail_phone(lean.tails[first]) if lean.same_phones[first]
                 else seal(lean.household_phones[first]))
        made[(grid[0], key)] = (pk, (pk, now, now, grid[1], grid[0],
                                     key[1:] if key.startswith("#") else "",
                                     lean.addresses[first], lean.heads[first], *phone,
                                     *_NOWHERE))
        household_ids[at] = pk
    copy = PersonCopy(now)
    prefixes = [copy._prefix(*grid) for grid, _key, _existing, _first in groups]
    packed = [copy_rows.household_field(pk) for pk in household_ids]
    group_of = lean.group_of
    copy.parts += itertools.chain.from_iterable(zip(
        map(prefixes.__getitem__, group_of), map(packed.__getitem__, group_of), lean.tails,
        strict=True))
    copy.count += len(lean)
    return Built(made, copy.encoded(), [], [], 0, {})
