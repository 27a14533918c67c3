"""Import of the roster 花名册: one row per person, with the columns of their household.

A household is found by (grid, household number), or by (grid, address) when the row has no
number, and created when it is not there. A person is found again by their ID number in the same
household (or, without an ID, by name in that household) and updated, so re-running a file
doubles nothing. An ID given twice in the file, or already registered in another household, is
refused on that row. A grid outside the user's area gets the same message as an unknown grid.

The hot path handles plain tuples, not model instances: the benchmark imports a million rows.
A row whose cells are all in their common clean form takes `roster_rows.fast_row` (no parser
calls, no error objects); any other row takes the full cleaning below, which names what is wrong.
Both give the same clean row for a row they both accept (tests/registry/test_roster_fast.py).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area, Level
from epigrid.core.identity import mask_id_number, mask_phone
from epigrid.core.ids import IdPool, allocate_ids
from epigrid.core.imports import parsers
from epigrid.core.imports.base import CleanBatch, CleanRow, Importer, Pending, WriteResult
from epigrid.core.imports.bulk_load import BulkLoad
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import RawRow
from epigrid.registry import (
    bulk,
    progress,
    roster_columns,
    roster_full,
    roster_lean,
    roster_rows,
    roster_writes,
)
from epigrid.registry.copy_rows import TailEncoder
from epigrid.registry.fields import Sealer
from epigrid.registry.hash_index import PersonMatcher
from epigrid.registry.models import Household, Person
from epigrid.registry.roster_lean import LeanRows
from epigrid.registry.roster_rows import (
    LOCATION,
    ROSTER_COLUMNS,
)

ID_FIELD, PHONE_FIELD = "id_number", "phone"
# Grids whose households are kept in memory; a roster is usually sorted by grid, so a bounded
# cache serves a city's file without holding every household of the city.
CACHED_GRIDS = 4096
# A registered person as (id hash, id, household id, grid id, *PERSON_UPDATE_COLUMNS).
KNOWN_FIELDS = ("id_number_hash", "id", "household_id", "grid_id", *bulk.PERSON_UPDATE_COLUMNS)

# A batch read (RosterImporter._read): its grid codes, parsed IDs (see parsed), clean cells
# (see ready) and the doors' locations of those (see placed); read ahead, its lean rows too.
Read = tuple[set[str], dict[int, Any], dict[int, tuple[Any, ...]], dict[int, tuple[str, str]]]
Ahead = tuple[set[str], dict[int, Any], dict[int, tuple[Any, ...]], dict[int, tuple[str, str]],
              LeanRows | None]

__all__ = ["ID_FIELD", "IMPORTERS", "PHONE_FIELD", "ROSTER_COLUMNS", "RosterImporter"]


class RosterImporter(Importer):
    name = "roster"
    label = gettext_lazy("Roster of households and persons")
    model = Person
    also_writes = (Household,)
    columns = ROSTER_COLUMNS
    masked_columns = {"id_number": mask_id_number, "phone": mask_phone,
                      "household_phone": mask_phone}
    # A district's first roster: the indexes its own look-ups read stay (persons found again
    # by ID hash, or by household; a grid's households), and so do the phones' hash indexes:
    # built at the end they took 2.3 s of a million rows' 8 s there, on one core (a hash index
    # is never built in parallel); kept, they cost about as much spread over the load, while
    # the other core reads (the load 1.4 s shorter, mean of three runs each).
    bulk_load = BulkLoad((Person, Household), keep=(
        (Person, "id_number_hash"), (Person, "household_id"), (Household, "grid_id"),
        (Person, "phone_hash"), (Household, "phone_hash")))

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self.today = timezone.localdate()
        self._grids: dict[str, tuple[int, str]] | None = None  # code -> (id, path) in scope
        # The codes that parse_code() leaves as they are: a cell equal to one needs no parsing.
        self.clean_grids: dict[str, tuple[int, str]] = {}
        # grid id -> {"#number" or "@address": household id}; least recently used first.
        self.households: OrderedDict[int, dict[str, int]] = OrderedDict()
        # The first 17 digits of every ID in the file -> its row: finds repeats in ~80 bytes/row.
        self.ids: dict[int, int] = {}
        self.new_household_grids: set[str] = set()  # area paths (bulk.HOUSEHOLD_COLUMNS[3])
        # Registered persons (KNOWN_FIELDS) by ID hash, and those without an ID by
        # (household id, name).
        self.known: dict[str, tuple[Any, ...]] = {}
        self.unnamed: dict[tuple[int, str], tuple[Any, ...]] = {}
        # Registered persons found by their ID's hash from memory once the file proves big
        # beside the registry (registry.hash_index); an ID anywhere counts, not only in scope.
        self.matcher = PersonMatcher(None, True)
        self.pending: set[tuple[int, str]] = set()  # households new in this batch
        # row number -> ((ID, birth date, sex), ID hash) or the ID's CellError, for one batch;
        # (first 17 digits, ID hash) for a row read lean (roster_rows.read_batch)
        self.parsed: dict[int, tuple[Any, str] | Exception] = {}
        # row number -> its cells in their clean form, ID and phone sealed, or on PostgreSQL
        # a row with an ID's lean cells (roster_rows.read_batch, LEAN)
        self.ready: dict[int, tuple[Any, ...]] = {}
        # row number -> the door's (latitude, longitude), of the ready rows that give one
        self.placed: dict[int, tuple[str, str]] = {}
        # The batch's rows, when all are lean, as columns (roster_lean); else None.
        self.lean: LeanRows | None = None
        self.cache = roster_rows.ParsedCells(self.today)
        self.births: dict[int, Any] = {}  # YYYYMMDD -> its date (roster_columns)
        # (first row number, rows) of a batch -> what read_ahead() made of it.
        self.ahead: dict[tuple[int, int], Ahead] = {}
        # Ids reserved by prepare() for the rows build_ahead() makes, when the database is busy.
        self.pools: dict[type[Any], IdPool] = {Household: IdPool(Household),
                                               Person: IdPool(Person)}
        # (clean rows, what they write) made by build_ahead().
        self.built: tuple[Sequence[CleanRow], roster_writes.Built] | None = None

    @cached_property
    def id_sealer(self) -> Sealer:  # made on first use: a missing key fails inside the run
        return Sealer(ID_FIELD, mask_id_number)

    @cached_property
    def phone_sealer(self) -> Sealer:
        return Sealer(PHONE_FIELD, mask_phone)

    @cached_property
    def encode_tail(self) -> TailEncoder | None:
        """On PostgreSQL, a new person's row is mostly encoded for COPY ahead (copy_rows)."""
        return TailEncoder() if connection.vendor == "postgresql" else None

    # --- what a batch refers to ------------------------------------------------------------

    def grid_map(self) -> dict[str, tuple[int, str]]:
        """The grids of the user's area by code, (id, path): read once a run."""
        if self._grids is None:
            grids = Area.objects.filter(level=Level.GRID)
            if not self.unrestricted:
                grids = grids.within(self.scope_path) if self.scope_path else grids.none()
            self._grids = {code: (pk, path) for pk, code, path in
                           grids.values_list("pk", "code", "path")}
            self.clean_grids = {code: found for code, found in self._grids.items()
                                if roster_rows.is_clean_code(code)}
        return self._grids

    # Rows are parsed, checked and sealed ahead by a forked process (core.imports.ahead). In a
    # thread it measured slower: the reading and the writing took turns on one interpreter lock.
    reads_ahead = True
    ahead_in_process = True

    def read_ahead(self, rows: Sequence[RawRow]) -> Ahead:
        """Parse, check and seal what needs no database, in the runner's reader; the lean rows
        of a CSV batch as columns (roster_lean)."""
        columns = roster_columns.columns_of(rows)
        if columns is not None:
            return roster_columns.read_lean_columns(
                rows, columns, self.today, self.cache, self.births,
                (self.id_sealer, self.phone_sealer), self.encode_tail)
        return (*self._read(rows), None)

    def take_ahead(self, rows: Sequence[RawRow], found: Any) -> None:
        if rows:
            self.ahead[(rows[0].number, len(rows))] = found

    def _read(self, rows: Sequence[RawRow]) -> Read:
        columns = roster_columns.columns_of(rows)
        if columns is not None:  # a CSV's batch: read column by column
            return roster_columns.read_columns(
                rows, columns, self.today, self.cache, self.births,
                (self.id_sealer, self.phone_sealer), self.encode_tail)
        codes = {row.values.get("grid_code", "").strip() for row in rows}
        parsed = roster_rows.parse_ids(rows, self.today, self.id_sealer.hash)
        ready = roster_rows.read_batch(rows, parsed, self.cache, self.id_sealer,
                                       self.phone_sealer, self.encode_tail)
        latitudes, longitudes = ([row.values.get(name, "") for row in rows] for name in LOCATION)
        return codes, parsed, ready, roster_rows.read_locations(
            [row.number for row in rows], latitudes, longitudes, ready)

    def loading_alone(self) -> None:
        """The registered persons read once now: no one else registers any until the run ends,
        and an ID the run registers itself is found again by `ids`, so the batches' IDs need
        no look-up in the table (10,000 index probes a batch) but for the persons found."""
        self.matcher.read_now()

    def prepare(self, rows: Sequence[RawRow]) -> None:
        # Each row is read once (mostly ahead); clean_row() takes the result.
        ahead = self.ahead.pop((rows[0].number, len(rows)), None) if rows else None
        codes = self._take(rows, ahead if ahead is not None else (*self._read(rows), None))
        wanted = {found[0] for code in codes if (found := self._grid_of(code)) is not None}
        self._load_households(wanted)
        self.known = self._known([*(self.lean.hashes if self.lean is not None else ()),
                                  *(found[1] for found in self.parsed.values()
                                    if isinstance(found, tuple))])
        # A person without an ID is found again by name in their household: only the grids of
        # this batch's rows without an ID need their households' such persons. (All the grids'
        # made the look-up grow with every household the run had created: quadratic.)
        # (A row has an ID, well formed or not, when parse_ids() said something of it; the
        # cells of the others only are looked at: a row read ahead is split on demand.)
        without_id = [] if self.lean is not None else [
            row for row in rows if row.number not in self.parsed]
        unnamed = {found[0] for row in without_id
                   if (found := self._grid_of(row.values.get("grid_code", ""))) is not None}
        households = [pk for grid in unnamed for pk in self.households[grid].values()]
        self.unnamed = {(found[2], found[4]): found for found in bulk.select_rows(
            Person, KNOWN_FIELDS, "household_id", households, id_number_hash="")}
        self.pending = set()
        # At most a household per row and an ID-less person per row without an ID.
        self.pools[Household].reserve(len(rows))
        self.pools[Person].reserve(len(without_id))

    def _take(self, rows: Sequence[RawRow], found: Ahead) -> set[str]:
        """The batch as read (ahead or not) made the importer's; answers its grid codes."""
        codes, self.parsed, self.ready, self.placed, self.lean = found
        if self.lean is not None and (len(self.lean) != len(rows) or self.placed):
            self._row_by_row(rows)  # a batch not all lean, or with doors to place
        return codes

    def _row_by_row(self, rows: Sequence[RawRow]) -> None:
        """The batch's lean rows spread into their own entries, for fast_rows()."""
        if self.lean is not None:
            lean, self.lean = self.lean, None
            self.parsed = lean.spread(self.parsed, self.ready, [row.number for row in rows])

    def _known(self, hashes: list[str]) -> dict[str, tuple[Any, ...]]:
        """The registered persons with these ID hashes (KNOWN_FIELDS), by hash."""
        index = self.matcher.index_for(len(hashes))
        if index is None:
            rows = bulk.select_rows(Person, KNOWN_FIELDS, "id_number_hash", hashes)
        else:  # the index knows who; only they are read (a shared ID: by its hash)
            found = index.find(hashes)
            rows = bulk.select_rows(Person, KNOWN_FIELDS, "id", [
                hit[0] for hit in found.values() if hit is not None])
            rows += bulk.select_rows(Person, KNOWN_FIELDS, "id_number_hash", [
                value for value, hit in found.items() if hit is None])
        return {row[0]: row for row in rows}

    def _grid_of(self, raw: str) -> tuple[int, str] | None:
        """The grid of a raw code cell as clean_row() will find it (a code as typed in Excel,
        '0420 or 420102001001.0, is the same grid), or None."""
        grids = self.grid_map()
        found = grids.get(raw.strip())
        if found is None:
            try:
                found = grids.get(parsers.parse_code(raw))
            except parsers.CellError:
                return None
        return found

    def _load_households(self, grids: set[int]) -> None:
        for grid in grids & self.households.keys():
            self.households.move_to_end(grid)
        missing = grids - self.households.keys()
        if not missing:
            return
        for grid in missing:
            self.households[grid] = {}
        for pk, grid, number, address in bulk.select_rows(
                Household, ("id", "grid_id", "number", "address"), "grid_id", list(missing)):
            keys = self.households[grid]
            keys.setdefault(f"#{number}" if number else f"@{address}", pk)
        while len(self.households) > max(CACHED_GRIDS, len(grids)):
            self.households.popitem(last=False)

    # --- one row ---------------------------------------------------------------------------

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        return self.clean_rows([row])[0]

    def clean_rows(self, rows: Sequence[RawRow]
                   ) -> list[CleanRow | list[RowError]] | CleanBatch:
        if self.lean is not None:
            cleaned = roster_lean.clean(self.lean, len(rows), self.clean_grids,
                                        self.households, self.pending, self.ids, self.known)
            if cleaned is not None:
                return cleaned
            self._row_by_row(rows)
        return roster_rows.fast_rows(self, rows, self.full_clean)

    def full_clean(self, row: RawRow) -> CleanRow | list[RowError]:
        """Every cell through its parser, every problem named (the fast path's fallback)."""
        return roster_full.full_clean(self, row)

    # --- writing ---------------------------------------------------------------------------

    # A batch's COPY runs while the next batch is cleaned (core.imports.behind). That batch's
    # look-ups ran before this write: what they would have found of it is remembered as the
    # write begins (its new households, and its new persons without an ID, found again by name
    # in their household), and forgotten if the database refuses it. A repeated ID is caught
    # by `ids` whatever was written.
    writes_behind = True
    cleans_on_written = True

    def build_ahead(self, rows: Sequence[CleanRow]) -> None:
        """What write_batch() of these rows will send, made while the batch before is written:
        its COPY waits for none of it. Ids come from the pools prepare() filled; with too few
        at hand, write_batch() makes it all itself. (What it creates is remembered when the
        write begins, after the next batch's look-ups, which would not find it.)"""
        built = self._build(rows, ahead=True) if rows else None
        self.built = (rows, built) if built is not None else None

    def _build(self, rows: Sequence[CleanRow], ahead: bool) -> roster_writes.Built | None:
        lean = roster_lean.batch_of(rows)
        if lean is not None:
            return roster_lean.build(lean, self.households, timezone.now(),
                                     self.phone_sealer.seal,
                                     functools.partial(self._take_ids, ahead=ahead))
        return roster_writes.build(rows, self.households, timezone.now(),
                                   (self.id_sealer, self.phone_sealer),
                                   functools.partial(self._take_ids, ahead=ahead),
                                   self.encode_tail is not None)

    def _take_ids(self, model: type[Any], count: int, ahead: bool) -> list[int] | None:
        taken = self.pools[model].take(count)
        # Not into the pool: this may run in a savepoint that is rolled back (core.ids.IdPool).
        return allocate_ids(model, count) if taken is None and not ahead else taken

    def write_batch(self, rows: Sequence[CleanRow]) -> Pending:
        built = self.built[1] if self.built is not None and self.built[0] is rows else \
            self._build(rows, ahead=False)
        self.built = None
        if built is None:  # not ahead: ids are allocated when the pool is short
            raise RuntimeError("no ids for the batch")
        remembered = self._remember(built)
        result = WriteResult(unchanged=built.unchanged)
        try:
            result.updated = bulk.update_persons(built.updates)
            bulk.place_households(built.moved)
            writing = bulk.insert_rows_behind(
                (Household, bulk.PLACED_HOUSEHOLD_COLUMNS, [row for _pk, row in
                                                     built.households.values()]),
                (Person, bulk.PERSON_COLUMNS, built.persons),
                (Person, ("id", *bulk.PERSON_COLUMNS), built.unnamed))
        except BaseException:
            self._forget_written(remembered)
            raise

        def finish() -> WriteResult:
            try:
                _households, persons, unnamed_persons = writing.finish()
            except BaseException:
                self._forget_written(remembered)
                raise
            result.created = persons + unnamed_persons
            self._count_households(built)
            return result
        return Pending(finish, wait=writing.finish)

    def _count_households(self, built: roster_writes.Built) -> None:
        """The grids of the households written; the open campaigns count them once the run
        commits (registry.progress: a roster arriving while its town screens)."""
        if not built.households:
            return
        if not self.new_household_grids:  # the first: nothing to count if the run rolls back
            grids = self.new_household_grids
            transaction.on_commit(lambda: progress.households_registered(grids), robust=True)
        self.new_household_grids.update(row[3] for _pk, row in built.households.values())

    def _remember(self, built: roster_writes.Built) -> roster_writes.Remembered:
        return roster_writes.remember(self.households, self.unnamed, built)

    def _forget_written(self, remembered: roster_writes.Remembered) -> None:
        roster_writes.forget_written(self.households, self.unnamed, remembered)

    def forget(self, rows: Sequence[RawRow]) -> None:
        """The IDs these rows (the batch just prepared) brought, and what was built of them
        ahead, as if never read."""
        self.built = None
        numbers = {row.number for row in rows}
        if self.lean is not None:  # cleaned as columns: its IDs are its rows'
            for number, key in zip(self.lean.numbers, self.lean.keys, strict=True):
                if number in numbers and self.ids.get(key) == number:
                    del self.ids[key]
        for number, found in self.parsed.items():
            if number in numbers and isinstance(found, tuple):
                key = roster_rows.id_key(found)
                if self.ids.get(key) == number:
                    del self.ids[key]


IMPORTERS: tuple[type[Importer], ...] = (RosterImporter,)
