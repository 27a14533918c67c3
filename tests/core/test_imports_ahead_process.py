"""Reading ahead in a process: an importer with `ahead_in_process` gets each batch read and
worked on by a forked child, its answers handed over in the file's order; errors travel too."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any, ClassVar

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Warehouse
from epigrid.core.imports import ahead, registry
from epigrid.core.imports.base import Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import CellsRow, ImportColumn, RawRow
from epigrid.core.models import ImportRun
from tests.base import BaseTestCase
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes

pytestmark = pytest.mark.skipif(not ahead.available(), reason="no fork here: read in a thread")


class ForkReadingWarehouseImporter(Importer):
    """Upper-cases names ahead, noting the process that did it and its language."""

    name = "warehouses_fork_ahead"
    label = "warehouses read in a process"
    model = Warehouse
    columns = (ImportColumn("code", "code", required=True),
               ImportColumn("name", "name", required=True))
    reads_ahead = True
    ahead_in_process = True
    events: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self.upper: dict[int, str] = {}

    def read_ahead(self, rows: Sequence[RawRow]) -> dict[str, Any]:
        if any(row.values["name"] == "boom" for row in rows):
            raise ValueError("a bug in the reading")
        if any(row.values["name"] == "loop" for row in rows):
            holder: list[Any] = []
            holder.append(holder)  # an answer that holds itself cannot be sent
            return {"upper": holder}
        return {"pid": os.getpid(), "message": _("This column must not be empty."),
                "upper": {row.number: row.values["name"].upper() for row in rows}}

    def take_ahead(self, rows: Sequence[RawRow], found: Any) -> None:
        self.events.append(("ahead", (rows[0].number, found["pid"], found["message"])))
        self.upper.update(found["upper"])

    def prepare(self, rows: Sequence[RawRow]) -> None:
        self.events.append(("prepare", rows[0].number))

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        if row.values["name"] == "crash":
            raise RuntimeError("a bug in the cleaning")
        cells = Cells(row)
        if not cells.raw("name"):
            cells.error("name", _("This column must not be empty."))
        return cells.errors or CleanRow(row.number, {"code": row.values["code"],
                                                     "name": self.upper.pop(row.number)})

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        area = Area.objects.get(code="420102001000")
        Warehouse.objects.bulk_create([Warehouse(area=area, **row.data) for row in rows])
        return WriteResult(created=len(rows))


registry.register_importer(ForkReadingWarehouseImporter)


def run(rows: list[list[str]], tail: bytes = b"", **kwargs: Any) -> ImportRun:
    ForkReadingWarehouseImporter.events = []
    content = csv_bytes([["code", "name"], *rows]) + tail
    return import_bytes("warehouses_fork_ahead", content, None, **kwargs)


def warehouses(count: int, blank: int | None = None) -> list[list[str]]:
    return [[f"FA{index:03d}", "" if index == blank else f"store {index}"]
            for index in range(count)]


def readers(events: list[tuple[str, Any]]) -> set[int]:
    """The processes that read the batches ahead."""
    return {value[1] for kind, value in events if kind == "ahead"}


def gone(pids: set[int]) -> bool:
    """Whether these processes have ended and been reaped (no zombie left behind)."""
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


@override_settings(IMPORT_BATCH_SIZE=3, IMPORT_PROCESS_MIN_BYTES=0)
class ProcessReadAheadTests(BaseTestCase):
    def test_it_reads_every_batch_in_another_process_before_preparing_it(self) -> None:
        result = run(warehouses(8))
        assert (result.status, result.rows_created) == ("done", 8)
        events = ForkReadingWarehouseImporter.events
        assert [kind for kind, _value in events] == ["ahead", "prepare"] * 3
        assert [value[0] for kind, value in events if kind == "ahead"] == [2, 5, 8]
        pids = readers(events)
        assert len(pids) == 1 and os.getpid() not in pids
        assert gone(pids)
        assert Warehouse.objects.get(code="FA007").name == "STORE 7"

    def test_the_reading_process_speaks_the_runs_language(self) -> None:
        with translation.override("zh-hans"):
            result = run(warehouses(4, blank=1))
        [(_first, _pid, message), *_rest] = [
            value for kind, value in ForkReadingWarehouseImporter.events if kind == "ahead"]
        assert message == result.errors[0]["message"] != "This column must not be empty."
        assert errors_of(result)[0][:2] == (3, "name")

    def test_a_malformed_line_stops_the_run_in_the_files_order_and_keeps_nothing(self) -> None:
        result = run(warehouses(7), tail=b'FA100,"never closed\n')
        assert result.status == "failed"
        assert "row 9" in result.file_error, result.file_error
        assert not Warehouse.objects.filter(code__startswith="FA").exists()
        assert gone(readers(ForkReadingWarehouseImporter.events))

    def test_an_error_in_the_reading_process_reaches_the_run(self) -> None:
        with pytest.raises(ValueError, match="a bug in the reading"):
            run([*warehouses(4), ["FA900", "boom"]])
        assert not Warehouse.objects.filter(code__startswith="FA").exists()
        assert ImportRun.objects.get(importer="warehouses_fork_ahead").status == "failed"
        assert gone(readers(ForkReadingWarehouseImporter.events))

    def test_an_answer_that_holds_itself_fails_the_run_instead_of_hanging_it(self) -> None:
        with pytest.raises(ValueError, match="cyclic"):
            run([*warehouses(4), ["FA900", "loop"]])
        assert not Warehouse.objects.filter(code__startswith="FA").exists()

    def test_a_run_that_stops_early_ends_its_reading_process(self) -> None:
        with pytest.raises(RuntimeError, match="a bug in the cleaning"):
            run([["FA000", "crash"], *warehouses(60)])
        pids = readers(ForkReadingWarehouseImporter.events)
        assert len(pids) == 1 and gone(pids)


@override_settings(IMPORT_BATCH_SIZE=3, IMPORT_PROCESS_MIN_BYTES=200)
class SmallFileTests(BaseTestCase):
    def test_it_reads_a_file_under_the_threshold_in_a_thread(self) -> None:
        small = run(warehouses(2))  # 38 bytes
        assert readers(ForkReadingWarehouseImporter.events) == {os.getpid()}
        Warehouse.objects.filter(code__startswith="FA").delete()
        big = run(warehouses(20, blank=3))  # 280 bytes
        assert os.getpid() not in readers(ForkReadingWarehouseImporter.events)
        assert (small.rows_created, big.rows_created, big.rows_failed) == (2, 19, 1)


def test_a_row_sent_by_the_reading_process_reads_like_any_row() -> None:
    batch = ahead.PackedBatch(("code", "name", "note"), range(7, 9),
                              ahead.SEPARATOR.join(["W1", "", "x y", "W2", "b", ""]))
    row = batch[0]
    assert (row.number, row.values) == (7, {"code": "W1", "name": "", "note": "x y"})
    assert row.values is row.values and batch[0] is row  # made once
    assert [(row.number, row.values["code"]) for row in batch] == [(7, "W1"), (8, "W2")]
    assert batch[-1] is batch[1] and len(batch) == 2 and batch[1:][0] is batch[1]  # noqa: PLR2004
    with pytest.raises(IndexError):
        batch[2]


def test_a_batch_travels_as_one_string_and_its_numbers() -> None:
    rows = [CellsRow(number, ("code", "name"), (f"W{number}", "")) for number in (2, 3, 5)]
    names, numbers, packed = ahead._cells(rows)
    assert (names, list(numbers)) == (("code", "name"), [2, 3, 5])
    assert packed == "W2\x00\x00W3\x00\x00W5\x00"
    assert ahead._cells(rows[:2])[1] == range(2, 4)  # numbers that follow one another
    batch = ahead.PackedBatch(names, numbers, packed)
    assert [row.values for row in batch] == [row.values for row in rows]
    assert list(ahead.PackedBatch((), range(2, 4), "")[1].values) == []


def test_a_batch_is_sent_without_pickles_memo_and_arrives_equal() -> None:
    shared = ("resident", "13700000001")
    message = ("batch", None, {1: shared, 2: shared, 3: [b"tail", None, True, 7]})
    sent = ahead._dumps(message)
    assert pickle.loads(sent) == message  # noqa: S301 - our own bytes
    # Fast mode: the shared tuple is written twice, not once and referred to.
    assert len(sent) > len(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def test_rows_with_columns_in_another_order_are_sent_in_the_first_rows_order() -> None:
    names, numbers, packed = ahead._cells([RawRow(2, {"code": "A", "name": "a"}),
                                           RawRow(3, {"name": "b", "code": "B"})])
    assert names == ("code", "name")
    assert [row.values for row in ahead.PackedBatch(names, numbers, packed)] == [
        {"code": "A", "name": "a"}, {"code": "B", "name": "b"}]


def _taken(outbox: ahead._Outbox) -> None:
    """Wait until the sending thread has taken what was queued (it then waits on the pipe)."""
    for _attempt in range(500):
        if outbox.queue.empty():
            return
        threading.Event().wait(0.01)
    raise AssertionError("the sending thread never took its message")


def test_the_reading_process_readies_batches_while_the_pipe_is_full() -> None:
    readable, writable = os.pipe()
    outbox = ahead._Outbox(Connection(writable, readable=False), depth=2)
    receiver = Connection(readable, writable=False)
    big = bytes(2 << 20)  # more than the pipe holds: the thread waits until it is read
    assert outbox.put(memoryview(big))
    _taken(outbox)
    assert outbox.put(memoryview(b"second")) and outbox.put(memoryview(b"third"))
    assert outbox.queue.full()  # two batches ready, none of them in the pipe yet
    assert [receiver.recv_bytes() for _turn in range(3)] == [big, b"second", b"third"]
    outbox.close()
    assert not outbox.thread.is_alive()
    receiver.close()


def test_the_reading_process_stops_readying_batches_once_the_run_stops_reading() -> None:
    readable, writable = os.pipe()
    outbox = ahead._Outbox(Connection(writable, readable=False), depth=1)
    os.close(readable)
    sent = [outbox.put(memoryview(b"batch")) for _turn in range(3)]
    assert sent[0] and not sent[-1]
    assert outbox.closed.is_set()
    outbox.close()  # returns: nothing waits for a reader any more
    assert not outbox.thread.is_alive()
