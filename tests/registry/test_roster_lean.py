"""A batch of lean rows cleaned and built as columns gives what its rows give one by one.

No database: the importer's grids, households and registered persons are set by hand, as
prepare() would load them (tests/registry/test_roster_fast.py). Each batch is read once, ahead,
as the reading process reads a CSV batch; one importer takes it as columns (roster_lean), the
other has it spread into its rows' entries (roster_rows.fast_rows, roster_writes.build).
"""

from __future__ import annotations

import copy
import datetime
import itertools
import pickle
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from epigrid.core import crypto
from epigrid.core.identity import check_char
from epigrid.core.imports.base import CleanBatch, CleanRow
from epigrid.core.imports.readers import CellsRow
from epigrid.registry import roster_lean, roster_writes
from epigrid.registry.importers import RosterImporter
from epigrid.registry.roster_lean import LeanRow, LeanRows
from tests.registry.test_roster_fast import ID_1, ID_2, importer

ID_3 = "42010219850723003" + check_char("42010219850723003")
ID_4 = "42010220010101004" + check_char("42010220010101004")
ID_5 = "11010519491231002" + check_char("11010519491231002")
NOW = datetime.datetime(2026, 1, 1, 8, tzinfo=datetime.UTC)
NAMES = ("grid_code", "household_number", "address", "head_name", "household_phone", "name",
         "id_number", "phone", "residency")
CELLS: dict[str, list[str]] = {
    # The third grid is nobody's; the first household exists (test_roster_fast.importer).
    "grid_code": ["420102001001-01", "420102001001-02", "420102009999-01"],
    "household_number": ["A-1", "B-2", "", "C-3"],
    "address": ["东街100号", "", "No. 1, West Lane"],
    "head_name": ["刘洋", ""],
    "household_phone": ["13700000001", "", "13900000002"],
    "name": ["刘洋", "Ma Li"],
    "id_number": [ID_1, ID_3, ID_4, ID_2, ""],
    "phone": ["13700000001", "13900000002", ""],
    "residency": ["常住", "访客", ""],
}


class Sealer:
    """Seals without a random nonce, so that two builds of one batch compare equal."""

    def seal(self, value: str) -> tuple[str, str, str]:
        return (f"enc:{value}", crypto.keyed_hash(value, "phone"), "masked") if value else \
            ("", "", "")


def ids_from(start: int) -> Iterator[int]:
    return itertools.count(start)


@st.composite
def batches(draw: st.DrawFn) -> list[CellsRow]:
    """Rows of any values; or, half the time, rows with IDs of their own in known grids,
    households of either grid with or without number and address (as a first roster's)."""
    size = draw(st.integers(1, 10))
    if draw(st.booleans()):
        return [CellsRow(number, NAMES, tuple(draw(st.sampled_from(values)) for values in
                                              CELLS.values()))
                for number in range(2, size + 2)]
    ids = draw(st.lists(st.sampled_from([ID_1, ID_2, ID_3, ID_4, ID_5]), min_size=size,
                        max_size=size, unique=size <= 5))  # noqa: PLR2004 - the pool's size
    rows = []
    for number, id_number in enumerate(ids, 2):
        cells = {name: draw(st.sampled_from(values)) for name, values in CELLS.items()}
        cells.update(grid_code=draw(st.sampled_from(CELLS["grid_code"][:2])),
                     address=draw(st.sampled_from(["东街100号"] * 4 + CELLS["address"])),
                     id_number=id_number, residency="常住")
        rows.append(CellsRow(number, NAMES, tuple(cells[name] for name in NAMES)))
    return rows


def read(made: RosterImporter, batch: list[CellsRow]) -> Any:
    found = made.read_ahead(batch)
    assert len(found) == 5  # noqa: PLR2004 - a batch read ahead, its lean rows apart
    return found


def two_importers(batch: list[CellsRow], seen: bool, registered: bool
                  ) -> tuple[RosterImporter, RosterImporter]:
    """The batch read once: as columns by the first importer, row by row by the second."""
    ids = {int(ID_3[:17]): 1} if seen else {}
    by_columns, by_rows = importer(ids), importer(ids)
    # As prepare() finds them: the registered persons of the batch's IDs.
    hashes = {crypto.keyed_hash(row.cells[6], "id_number") for row in batch if registered}
    for made in (by_columns, by_rows):
        made.pending = set()
        made.known = {key: person for key, person in made.known.items() if key in hashes}
    found = read(by_columns, batch)
    spread = copy.deepcopy(found)
    lean: LeanRows | None = spread[4]
    parsed = lean.spread(spread[1], spread[2], [row.number for row in batch]) if lean else \
        spread[1]
    by_columns._take(batch, found)
    by_rows._take(batch, (spread[0], parsed, spread[2], spread[3], None))
    assert by_rows.lean is None
    return by_columns, by_rows


def plain(cleaned: list[Any]) -> list[Any]:
    return [(row.number, row.data) if isinstance(row, CleanRow) else row for row in cleaned]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=batches(), seen=st.booleans(), registered=st.booleans())
def test_it_cleans_and_builds_a_batch_as_its_rows_one_by_one(
        batch: list[CellsRow], seen: bool, registered: bool) -> None:
    by_columns, by_rows = two_importers(batch, seen, registered)
    found, one_by_one = by_columns.clean_rows(batch), by_rows.clean_rows(batch)
    as_columns = list(found)
    assert plain(as_columns) == plain(one_by_one)
    assert (by_columns.ids, by_columns.pending) == (by_rows.ids, by_rows.pending)
    clean = [row for row in as_columns if isinstance(row, CleanRow)]
    lean = roster_lean.batch_of(clean)
    assert (lean is not None) == isinstance(found, CleanBatch)
    event("as columns" if lean is not None else "row by row")
    if lean is None:  # some row needed its own look-up: the whole batch went row by row
        assert not any(isinstance(row, LeanRow) for row in as_columns)
        return
    households = copy.deepcopy(by_columns.households)
    counter = ids_from(900)
    built = roster_lean.build(lean, by_columns.households, NOW, Sealer().seal,
                              lambda _model, count: [next(counter) for _ in range(count)])
    expected = one_by_one_build([row for row in one_by_one if isinstance(row, CleanRow)],
                                households)
    assert built is not None
    assert built.households == expected.households
    assert (built.persons.data, built.persons.count) == (expected.persons.data,
                                                         expected.persons.count)
    assert (built.unnamed, built.updates, built.unchanged, built.moved) == (
        expected.unnamed, expected.updates, expected.unchanged, expected.moved)


def common_batch(size: int = 4) -> list[CellsRow]:
    ids = [ID_1, ID_3, ID_4, ID_5]
    return [CellsRow(number, NAMES, ("420102001001-02", "C-3", "东街100号", "刘洋",
                                     "13700000001", "刘洋", ids[number - 2], "13700000001",
                                     "常住")) for number in range(2, size + 2)]


def test_it_takes_a_batch_of_common_rows_as_columns() -> None:
    batch = common_batch()
    by_columns, _by_rows = two_importers(batch, seen=False, registered=False)
    cleaned = by_columns.clean_rows(batch)
    # Every row clean: the batch is written as it is, its rows made only when asked for.
    assert isinstance(cleaned, CleanBatch) and not cleaned.made
    rows = list(cleaned)
    assert [type(row) for row in rows] == [LeanRow] * 4
    assert cleaned[1] is rows[1] and cleaned[-1] is rows[3] and len(cleaned) == 4  # noqa: PLR2004
    assert by_columns.pending == {(12, "#C-3")}
    assert by_columns.ids == {int(row.cells[6][:17]): row.number for row in batch}
    # Built as columns only when the rows are the whole batch's, in order.
    assert roster_lean.batch_of(cleaned) is by_columns.lean
    assert roster_lean.batch_of(rows) is by_columns.lean
    assert roster_lean.batch_of(rows[:2]) is None
    assert roster_lean.batch_of(rows[::-1]) is None


def test_it_leaves_a_batch_with_an_id_seen_before_to_the_rows_untouched() -> None:
    batch = common_batch()
    by_columns, _by_rows = two_importers(batch, seen=True, registered=False)
    before = dict(by_columns.ids)
    cleaned = list(by_columns.clean_rows(batch))
    # Row 3 repeats an ID of row 1's file: refused by name; the others go the fast way.
    assert not isinstance(cleaned[1], CleanRow)
    assert "appears twice" in cleaned[1][0].message
    assert all(type(row) is CleanRow for index, row in enumerate(cleaned) if index != 1)
    assert set(by_columns.ids) - set(before) == {int(batch[0].cells[6][:17]),
                                                 int(batch[2].cells[6][:17]),
                                                 int(batch[3].cells[6][:17])}


def test_it_travels_as_its_columns() -> None:
    batch = common_batch()
    made = importer()
    lean = read(made, batch)[4]
    assert lean is not None and len(lean) == len(batch)
    again = pickle.loads(pickle.dumps(lean))  # noqa: S301 - our own
    assert again.__getstate__() == lean.__getstate__()
    assert again.groups == [] and again.group_of == []


def test_a_row_written_alone_after_a_refusal_is_the_row_it_was() -> None:
    # A refused batch is written again row by row (core.imports.behind): a lean row's data is
    # then made from its batch, and it builds as a row cleaned one by one.
    batch = common_batch(2)
    by_columns, by_rows = two_importers(batch, seen=False, registered=False)
    cleaned, one_by_one = list(by_columns.clean_rows(batch)), by_rows.clean_rows(batch)
    alone = one_by_one_build([cleaned[1]], by_columns.households)
    expected = one_by_one_build([one_by_one[1]], by_rows.households)
    assert alone.persons.data == expected.persons.data
    assert alone.households == expected.households


def one_by_one_build(rows: list[Any], households: Any) -> Any:
    """roster_writes.build() of clean rows, ids from 900 on."""
    counter = ids_from(900)
    sealers: Any = (Sealer(), Sealer())  # only seal() is asked of them
    built = roster_writes.build(rows, households, NOW, sealers,
                                lambda _model, count: [next(counter) for _ in range(count)],
                                encoded=True)
    assert built is not None
    return built
