"""Writing behind: the database inserts one batch while the next one is cleaned.

For an importer with `writes_behind`, a batch's write_batch() may answer a `Pending`: the write
begun (a COPY sent by a thread of its own) and finished later. The runner then takes each batch
as: its look-ups (prepare), the write of the batch before it begun, its cleaning (CPU only, while
the server inserts), that write finished. Each write has its savepoint, as in the plain order:
a batch the database refuses is rolled back and written again one row at a time, to name the
rows it refuses.

Once cleaned, a batch may be readied for its write (`build_ahead()`, no database) while the
write before it still runs, so that its own write, once begun, only sends.

The look-ups of a batch run before the batch before it is written: an importer opts in when
its look-ups cannot depend on its own earlier batches (a lab's results: the persons are not the
import's, and a sample repeated in the file is caught by the file's own count), or when it
remembers, as each write begins, what the next batch's look-ups would have found of it
(`cleans_on_written`: a roster's new households and persons). Such an importer forgets that
when the write is refused, and the batch cleaned meanwhile is cleaned again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from epigrid.core.imports.base import CleanBatch, CleanRow, Importer, Pending, WriteResult
from epigrid.core.imports.errors import RowError, RowWriteError
from epigrid.core.imports.readers import RawRow

if TYPE_CHECKING:
    from epigrid.core.imports.runner import ErrorLog

REFUSALS = (IntegrityError, DataError, RowWriteError)
Started = tuple[Any, Sequence[CleanRow], "Pending | WriteResult | None"]


def settled(result: Pending | WriteResult) -> WriteResult:
    return result.finish() if isinstance(result, Pending) else result


def _write_failure(row: CleanRow, exc: Exception) -> RowError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return RowError(row.number, "", "", _("This row could not be saved (%(reason)s).")
                    % {"reason": reason})


def write_one_by_one(importer: Importer, rows: Sequence[CleanRow], log: ErrorLog
                     ) -> WriteResult:
    """The rows of a refused batch, each in a savepoint of its own: the refused ones logged."""
    result = WriteResult()
    for row in rows:
        try:
            with transaction.atomic():
                result += settled(importer.write_batch([row]))
        except RowWriteError as exc:
            log.add([exc.error])
        except (IntegrityError, DataError) as exc:
            log.add([_write_failure(row, exc)])
    return result


def clean(importer: Importer, batch: Sequence[RawRow], log: ErrorLog) -> Sequence[CleanRow]:
    found = importer.clean_rows(batch)
    if isinstance(found, CleanBatch):  # every row clean: written as it is
        return found
    accepted: list[CleanRow] = []
    for cleaned in found:
        if isinstance(cleaned, CleanRow):
            accepted.append(cleaned)
        else:
            log.add(cleaned)
    return accepted


def _start(importer: Importer, rows: Sequence[CleanRow]) -> Started | None:
    if not rows:
        return None
    savepoint = transaction.savepoint()
    try:
        return savepoint, rows, importer.write_batch(rows)
    except REFUSALS:
        transaction.savepoint_rollback(savepoint)
        return None, rows, None


def _settle(started: Started) -> WriteResult | None:
    """What the begun write wrote, or None when the database refused it (rolled back)."""
    savepoint, _rows, pending = started
    if savepoint is None or pending is None:
        return None
    try:
        result = settled(pending)
    except REFUSALS:
        transaction.savepoint_rollback(savepoint)
        return None
    transaction.savepoint_commit(savepoint)
    return result


def _finish(importer: Importer, started: Started | None, log: ErrorLog) -> WriteResult:
    if started is None:
        return WriteResult()
    result = _settle(started)
    return result if result is not None else write_one_by_one(importer, started[1], log)


def _abandon(started: Started | None) -> None:
    """Wait for a begun write before the run's error rolls everything back (what would follow
    the write, such as a positive result's workflow, is not done)."""
    if started is not None and isinstance(started[2], Pending):
        with contextlib.suppress(Exception):  # the run's own error is the one to raise
            started[2].wait()


def _refused(importer: Importer, rows: Sequence[CleanRow], batch: Sequence[RawRow],
             cleaned: Sequence[CleanRow], mark: tuple[int, int, int], log: ErrorLog
             ) -> tuple[Sequence[CleanRow], WriteResult]:
    """A refused write's rows written one by one; the batch cleaned meanwhile, cleaned again
    when its cleaning relied on that write (`cleans_on_written`). Answers (the batch's clean
    rows, what was written)."""
    if not importer.cleans_on_written:
        return cleaned, write_one_by_one(importer, rows, log)
    log.rewind(mark)  # its errors are found again, after the refused rows'
    importer.forget(batch)
    written = write_one_by_one(importer, rows, log)
    importer.prepare(batch)
    return clean(importer, batch, log), written


def run_behind(importer: Importer, batches: Iterable[Sequence[RawRow]], log: ErrorLog
               ) -> tuple[int, WriteResult]:
    """Every batch in the writing-behind order; (rows read, what was written)."""
    total, result = 0, WriteResult()
    waiting: Sequence[CleanRow] = []
    rest = iter(batches)
    following = next(rest, None)
    while following is not None:
        batch = following
        total += len(batch)
        importer.prepare(batch)
        started = _start(importer, waiting)
        mark = log.mark()
        try:
            waiting = clean(importer, batch, log)
            importer.build_ahead(waiting)
            # Taken from the reader while the server still inserts: the server's time is the
            # run's, any gap between two writes is lost.
            following = next(rest, None)
        except BaseException:
            _abandon(started)
            raise
        if started is not None:
            written = _settle(started)
            if written is None:
                waiting, written = _refused(importer, started[1], batch, waiting, mark, log)
            result += written
    result += _finish(importer, _start(importer, waiting), log)
    return total, result
