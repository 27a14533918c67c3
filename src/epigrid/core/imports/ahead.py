"""Reading ahead in a process of its own: the file read, parsed and sealed on the other core.

A reading thread (runner._read_ahead) overlaps the reading with the database's waits only: the
reading, the cleaning and the writing are all Python, and take turns on one interpreter lock.
For an importer with `ahead_in_process`, a forked child reads the file instead, calls
`read_ahead()` on each batch and sends the batch's cells and what read_ahead() answered through
a pipe; this process takes them (`take_ahead()`) while the child goes on. The pipe and the
child's outbox hold a few batches: the child waits when this process is that far behind. The
batch arrives as a `PackedBatch`, a sequence whose rows are made as they are asked for.

The child uses nothing of the parent but the file and the importer's read_ahead(), which needs
no database; it ends with os._exit, so nothing it inherited (the database connection among
them) is closed or flushed by it. A reading error travels to this process, raised in the file's
order. Where fork is missing, or for a small file, the runner reads in a thread.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import pickle
import queue
import signal
import threading
from collections.abc import Generator, Iterator, Sequence
from functools import cached_property
from multiprocessing.connection import Connection
from typing import IO, Any, NoReturn

from django.conf import settings

from epigrid.core.imports.base import Importer, MadeWhenAsked
from epigrid.core.imports.readers import CellsRow, RawRow, table_names

Batches = Iterator[list[RawRow]]
PIPE_BYTES = 1 << 20  # Linux's default cap for an unprivileged process (pipe-max-size)
SEPARATOR = "\x00"
# Batches the reading process may hold ready beyond the pipe's (about 1 MB each, pickled).
AHEAD_BATCHES = 4


def available() -> bool:
    return hasattr(os, "fork")


def worth_a_process(source: IO[bytes]) -> bool:
    """Whether a file is big enough to be read by a process (IMPORT_PROCESS_MIN_BYTES): a
    small one is read before a process would have started, and a web request's thread should
    not fork for it."""
    if not available():
        return False
    least = int(getattr(settings, "IMPORT_PROCESS_MIN_BYTES", 0))
    try:
        size = os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        here = source.tell()
        size = source.seek(0, io.SEEK_END)
        source.seek(here)
    return size >= least


class _Cells:
    """A batch's cells as the reading process sent them: every cell of every row joined by
    NUL (which no cell holds: the readers refuse it), split once, when a row is first asked
    for its values."""

    def __init__(self, names: tuple[str, ...], packed: str) -> None:
        self.names, self.packed = names, packed
        self.split: list[str] | None = None

    def of(self, index: int) -> dict[str, str]:
        if not self.names:
            return {}
        if self.split is None:
            self.split = self.packed.split(SEPARATOR)
        width = len(self.names)
        return dict(zip(self.names, self.split[index * width:(index + 1) * width],
                        strict=True))


class PackedRow(RawRow):
    """A row of a PackedBatch: its cells made into `values` only when something asks for them.
    The importers' fast paths take what read_ahead() made of the row instead, and never do."""

    _cells: tuple[_Cells, int]

    def __init__(self, number: int, cells: _Cells, index: int) -> None:
        # Straight into the instance's dict: a frozen dataclass refuses setattr, and
        # object.__setattr__ cost twice as much.
        fields = self.__dict__
        fields["number"] = number
        fields["_cells"] = (cells, index)

    @cached_property
    def values(self) -> dict[str, str]:
        cells, index = self._cells
        return cells.of(index)


class PackedBatch(MadeWhenAsked[RawRow]):
    """A batch as the reading process sent it: its row numbers and its cells in one string.
    A row is made when asked for (the roster's lean batches ask for their first row only: a
    million row objects cost the run's process a tenth of its time, for nothing). The rows
    hold the cells, not the batch: no cycle keeps a written batch alive."""

    def __init__(self, names: tuple[str, ...], numbers: Sequence[int], packed: str) -> None:
        super().__init__(len(numbers))
        self.numbers = numbers
        self.cells = _Cells(names, packed)

    def make(self, at: int) -> RawRow:
        return PackedRow(self.numbers[at], self.cells, at)


def _numbers(batch: Sequence[RawRow]) -> Sequence[int]:
    """The rows' numbers: a range when they follow one another (they mostly do)."""
    first, last = batch[0].number, batch[-1].number
    if last - first == len(batch) - 1 and all(
            row.number == number for row, number in zip(batch, range(first, last + 1),
                                                         strict=True)):
        return range(first, last + 1)
    return [row.number for row in batch]


def _cells(batch: list[RawRow]) -> tuple[tuple[str, ...], Sequence[int], str]:
    """The batch as (column names, row numbers, every cell joined): one string a batch
    pickles at a fraction of the cost of a string a row, let alone a tuple or a dict of cells
    (the rows of a file share their columns and their order)."""
    if not batch:
        return (), [], ""
    table = table_names(batch)
    if table is not None:
        cells: list[CellsRow] = batch  # type: ignore[assignment]
        return table, _numbers(batch), SEPARATOR.join(
            itertools.chain.from_iterable(row.cells for row in cells))
    names = tuple(batch[0].values)
    return names, _numbers(batch), SEPARATOR.join(itertools.chain.from_iterable(
        row.values.values() if tuple(row.values) == names
        else (row.values.get(name, "") for name in names) for row in batch))


def _dumps(message: Any) -> memoryview:
    """A batch pickled without pickle's memo (fast mode): a batch is a tree of tuples, strings
    and dicts, none seen twice, and remembering each of its objects cost the reading process
    more than writing them (half the pickling of a roster's batch). An object holding itself
    is refused (ValueError), and the error goes to the run."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(message)
    return out.getbuffer()


def _error(exc: BaseException) -> memoryview:
    try:
        return _dumps(("error", exc, None))
    except Exception:  # noqa: BLE001 - an error that does not pickle goes as its text
        return _dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), None))


class _Outbox:
    """The child's pickled batches, sent through the pipe by a thread of their own.

    The pipe holds about one batch. Without this, the child waited on a full pipe whenever the
    run's process was slow on a batch (4.4 s of a 35 s million-row import), and the run's
    process waited on the child when its next batch was a slow one to read (2 s): the two
    cores sat idle by turns. The thread waits on the pipe (without the interpreter lock) while
    the child reads up to `depth` more batches.
    """

    def __init__(self, channel: Connection, depth: int = AHEAD_BATCHES) -> None:
        self.channel = channel
        self.queue: queue.Queue[memoryview | None] = queue.Queue(depth)
        self.closed = threading.Event()  # the run stopped reading
        self.thread = threading.Thread(target=self._send, name="import-send", daemon=True)
        self.thread.start()

    def _send(self) -> None:
        while (message := self.queue.get()) is not None:
            try:
                self.channel.send_bytes(message)
            except BrokenPipeError:
                self.closed.set()
                return

    def put(self, message: memoryview | None) -> bool:
        """Queue a message (None: the last); False once the run has stopped reading."""
        while not self.closed.is_set():
            try:
                self.queue.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def close(self) -> None:
        self.put(None)
        self.thread.join()


def _child(importer: Importer, batches: Batches, channel: Connection) -> NoReturn:
    code = 0
    outbox = _Outbox(channel)
    try:
        for batch in batches:
            if not outbox.put(_dumps(("batch", _cells(batch), importer.read_ahead(batch)))):
                break
        else:
            outbox.put(_dumps(("end", None, None)))
    except BaseException as exc:  # noqa: BLE001 - raised again in the run's process
        code = 1
        outbox.put(_error(exc))
    finally:
        outbox.close()
        os._exit(code)


def _widen(pipe: int) -> None:
    """Let the pipe hold a megabyte (Linux; a batch is about that much): the child can then run
    a batch further ahead while this process is busy, instead of waiting for every read."""
    with contextlib.suppress(ImportError, AttributeError, OSError):  # elsewhere, or too much
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def read_in_process(importer: Importer, batches: Batches
                    ) -> Generator[Sequence[RawRow], None, None]:
    """The batches of `batches`, read by a forked child; each handed to take_ahead() first."""
    readable, writable = os.pipe()
    _widen(writable)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's lines run in the child
        os.close(readable)
        _child(importer, batches, Connection(writable, readable=False))
    os.close(writable)
    channel = Connection(readable, writable=False)
    finished = False
    try:
        while True:
            kind, content, ahead = pickle.loads(channel.recv_bytes())  # noqa: S301 - our child
            if kind == "error":
                raise content
            if kind == "end":
                finished = True
                return
            batch = PackedBatch(*content)
            importer.take_ahead(batch, ahead)
            yield batch
    finally:
        channel.close()
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


