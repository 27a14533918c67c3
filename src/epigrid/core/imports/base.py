"""The shape of an importer: the columns it reads, how it cleans a row, how it writes a batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, overload

from django.db import models

from epigrid.core.access import Capability, sees_everything
from epigrid.core.imports.bulk_load import BulkLoad
from epigrid.core.imports.errors import CellError, RowError
from epigrid.core.imports.readers import ImportColumn, RawRow

T = TypeVar("T")


class _Invalid:
    """The value of a cell that did not parse (its error is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass
class CleanRow:
    number: int
    data: dict[str, Any]


Item = TypeVar("Item")


class MadeWhenAsked(Sequence[Item]):
    """A sequence of `size` items, each made (make()) when first asked for, then kept: a batch
    whose rows are mostly never looked at one by one."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.made: dict[int, Item] = {}

    def make(self, at: int) -> Item:
        raise NotImplementedError

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | Sequence[Item]:
        if isinstance(index, slice):
            return [self[at] for at in range(*index.indices(self.size))]
        at = index + self.size if index < 0 else index
        if not 0 <= at < self.size:
            raise IndexError(index)
        item = self.made.get(at)
        if item is None:
            item = self.made[at] = self.make(at)
        return item

    def __iter__(self) -> Iterator[Item]:
        return (self[at] for at in range(self.size))


class CleanBatch(MadeWhenAsked[CleanRow]):
    """What clean_rows() may answer when every row of the batch is clean: the runner then
    writes it as it is, without going through its rows (made only when asked for: a million
    row objects cost a first roster's run a twelfth of its process)."""


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: WriteResult) -> WriteResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


class Pending:
    """A batch's write begun and not finished yet (Importer.writes_behind): `finish()` waits for
    it, does what must follow it, and answers what was written (or raises the database's
    refusal); `wait()` only waits for it, for a run that fails meanwhile."""

    def __init__(self, finish: Callable[[], WriteResult], wait: Callable[[], Any]) -> None:
        self._finish, self._wait = finish, wait

    def finish(self) -> WriteResult:
        return self._finish()

    def wait(self) -> None:
        self._wait()


@dataclass
class Cells:
    """One row being cleaned: parses its cells and collects what is wrong with them."""

    row: RawRow
    errors: list[RowError] = field(default_factory=list)

    def raw(self, column: str) -> str:
        return self.row.values.get(column, "")

    def parse(self, column: str, parser: Callable[[str], T]) -> T:
        """The parsed value, or INVALID after recording the parser's message."""
        raw = self.raw(column)
        try:
            return parser(raw)
        except CellError as exc:
            self.error(column, exc.message)
            return INVALID

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row.number, column, self.raw(column).strip(), message))


class Importer:
    """Subclasses declare `name`, `label`, `model`, `columns` and clean and write rows.

    One instance serves one run, so it may remember what it saw in earlier rows (codes, to find
    duplicates within the file). It must not keep the rows themselves: the runner hands it one
    batch at a time — `prepare()` to fetch what the batch refers to in one query, `clean_row()`
    for each row, then `write_batch()` with the clean rows, in bulk.
    """

    name: ClassVar[str]
    label: ClassVar[Any]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[ImportColumn, ...]]
    # Who may run it: the general right to import, or the right of the records' own trade (a
    # lab's results are the medical team's to load, not every officer's).
    capability: ClassVar[Capability] = Capability.IMPORT
    # The tables it writes besides `model`'s, whose planner statistics a large run refreshes.
    also_writes: ClassVar[tuple[type[models.Model], ...]] = ()
    # The tables a large first load fills with their indexes set aside (core.imports.bulk_load).
    bulk_load: ClassVar[BulkLoad | None] = None
    # Columns of identity data (ID numbers, phones) and their masks: a refused row's value is
    # kept masked, as the pages show it; the run's errors are stored and reported in the clear.
    masked_columns: ClassVar[dict[str, Callable[[str], str]]] = {}

    def __init__(self, user: Any) -> None:
        self.user = user
        # No user: the command line, run by whoever runs the server.
        self.unrestricted = user is None or sees_everything(user)
        self.scope_path: str | None = None if self.unrestricted else user.scope_path

    @classmethod
    def column(cls, name: str) -> ImportColumn:
        return next(column for column in cls.columns if column.name == name)

    def in_scope(self, path: str) -> bool:
        """Whether a record at `path` lies in the subtree this user may import into."""
        if self.unrestricted:
            return True
        return bool(self.scope_path) and path.startswith(self.scope_path or "")

    def loading_alone(self) -> None:
        """Called once before the first batch when the run has its tables to itself until it
        ends (a large first load: core.imports.bulk_load holds their exclusive locks): what
        they held at the start is all that others will have written in them."""

    def prepare(self, rows: Sequence[RawRow]) -> None:
        """Fetch what the rows of one batch refer to, before they are cleaned."""

    # With reads_ahead, the runner reads each batch in a thread of its own (or, with
    # ahead_in_process, a forked process: core.imports.ahead) and calls read_ahead() there,
    # while the batch before it is still being cleaned and written.
    reads_ahead: ClassVar[bool] = False
    ahead_in_process: ClassVar[bool] = False

    def read_ahead(self, rows: Sequence[RawRow]) -> Any:
        """Work on a batch that needs no database (parse, hash), one batch ahead of prepare();
        what it answers is handed to take_ahead() with the same rows, in the run's thread.

        It runs in another thread (or process) at the same time as prepare(), clean_row() and
        write_batch() of the batch before: it must not use the database nor change what those
        methods use. In a process it must change nothing at all (the change would stay in the
        child), and its answer must pickle.
        """
        return None

    def take_ahead(self, rows: Sequence[RawRow], found: Any) -> None:
        """Keep what read_ahead() answered for these rows, for prepare() to take."""

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        raise NotImplementedError

    def clean_rows(self, rows: Sequence[RawRow]
                   ) -> list[CleanRow | list[RowError]] | CleanBatch:
        """clean_row() of each row in turn (an importer may clean a batch in one loop, and
        answer a CleanBatch when no row is refused)."""
        return [self.clean_row(row) for row in rows]

    # With writes_behind, write_batch() may answer a Pending, finished after the next batch is
    # prepared and cleaned, so the database inserts while Python cleans (core.imports.behind);
    # prepare() of a batch then runs before the batch before it is written.
    writes_behind: ClassVar[bool] = False
    # With cleans_on_written too, clean_row() of a batch may rely on what write_batch() of the
    # batch before remembered when it began (the rows it creates); when that write is refused,
    # the runner calls forget() with the batch cleaned meanwhile, writes the refused one again
    # row by row, then prepares and cleans the forgotten batch again.
    cleans_on_written: ClassVar[bool] = False

    def forget(self, rows: Sequence[RawRow]) -> None:
        """Undo what clean_row() of these rows remembered, before they are cleaned again."""

    def build_ahead(self, rows: Sequence[CleanRow]) -> None:
        """With writes_behind: called with a batch's clean rows as soon as they are cleaned,
        while the batch before is still being written. Work for write_batch() that needs no
        database (the rows to send, formatted) done here makes that write start sooner. What it
        built of rows that forget() is then called for must be dropped."""

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult | Pending:
        raise NotImplementedError
