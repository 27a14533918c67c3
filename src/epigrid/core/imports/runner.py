"""Running an import: stream the file in batches, clean each row, write the valid ones in bulk.

The whole run is one transaction, so a run commits either all its valid rows (mode
"valid_rows") or nothing (mode "all_or_nothing", or when the file turns out unreadable half way).
Each batch is written inside a savepoint; when the database refuses a batch, its rows are
written one by one to name the rows it refuses, and the others still go in.
"""

from __future__ import annotations

import gc
import itertools
import logging
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from epigrid.core import audit, planner_stats, reconnect
from epigrid.core.access import can
from epigrid.core.constraints import checked_at_once
from epigrid.core.imports import ahead, behind, bulk_load, registry
from epigrid.core.imports.base import CleanRow, Importer, WriteResult
from epigrid.core.imports.errors import ImportFileError, RowError
from epigrid.core.imports.readers import RawRow, open_table
from epigrid.core.models import ImportRun

DEFAULT_MAX_STORED_ERRORS = 10_000
logger = logging.getLogger(__name__)
# Allocations between two runs of the cycle collector during an import (Python's default: 700).
GC_THRESHOLD = 1_000_000


class ErrorLog:
    """The refused rows: all counted, the first `cap` errors kept for the report."""

    def __init__(self, cap: int, masks: Mapping[str, Callable[[str], str]] | None = None
                 ) -> None:
        self.cap = cap
        self.masks = masks or {}  # column -> its mask (Importer.masked_columns)
        self.items: list[dict[str, Any]] = []
        self.total = 0
        self.failed_rows = 0
        self.headers: dict[str, str] = {}

    def mark(self) -> tuple[int, int, int]:
        return len(self.items), self.total, self.failed_rows

    def rewind(self, mark: tuple[int, int, int]) -> None:
        """Forget the errors added since `mark` (rows to be cleaned again)."""
        kept, self.total, self.failed_rows = mark
        del self.items[kept:]

    def add(self, errors: Sequence[RowError]) -> None:
        self.failed_rows += 1
        for error in errors:
            self.total += 1
            if len(self.items) < self.cap:
                item = error.as_dict()
                if error.column in self.masks:
                    item["value"] = self.masks[error.column](error.value)
                item["column"] = self.headers.get(error.column, error.column)
                self.items.append(item)


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


# A batch read ahead by the thread, what read_ahead() answered, or the reading's error.
_Ahead = tuple[list[RawRow] | None, Any, BaseException | None]


def _read_ahead(importer: Importer, rows: Iterator[RawRow], size: int, in_process: bool
                ) -> Generator[Sequence[RawRow], None, None]:
    """The batches, read one ahead when the importer `reads_ahead`: by a forked process when
    `in_process` (core.imports.ahead), else by a thread.

    The reader reads the file and calls importer.read_ahead() on each batch while this thread
    cleans and writes the batch before; what read_ahead() answered reaches take_ahead() here,
    just before the batch is prepared. The reader uses no database connection; a reading error
    reaches this thread in the file's order. A thread overlaps the reading with the database's
    waits only (the GIL is released while waiting); a process, with everything else too.
    """
    if not importer.reads_ahead:
        yield from _batches(rows, size)
        return
    if in_process:
        yield from ahead.read_in_process(importer, _batches(rows, size))
        return
    ready: queue.Queue[_Ahead] = queue.Queue(1)
    stop = threading.Event()
    language = translation.get_language()

    def put(item: _Ahead) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read() -> None:
        with translation.override(language):  # messages made ahead speak the run's language
            try:
                for batch in _batches(rows, size):
                    put((batch, importer.read_ahead(batch), None))
                    if stop.is_set():
                        return
                put((None, None, None))
            except BaseException as exc:  # noqa: BLE001 - raised again in the run's thread
                put((None, None, exc))

    reader = threading.Thread(target=read, name="import-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            batch, found, error = ready.get()
            if error is not None:
                raise error
            if batch is None:
                return
            importer.take_ahead(batch, found)
            yield batch
    finally:
        stop.set()
        reader.join()


def _write(importer: Importer, rows: Sequence[CleanRow], log: ErrorLog) -> WriteResult:
    try:
        with transaction.atomic():
            return behind.settled(importer.write_batch(rows))
    except behind.REFUSALS:
        pass
    # The savepoint is rolled back; find the guilty rows by writing one row at a time.
    return behind.write_one_by_one(importer, rows, log)


def _process_batch(importer: Importer, batch: Sequence[RawRow], log: ErrorLog
                   ) -> WriteResult:
    importer.prepare(batch)
    accepted = behind.clean(importer, batch, log)
    return _write(importer, accepted, log) if accepted else WriteResult()


def batch_size(bulk: bool) -> int:
    """Rows a batch: a large first load's own (IMPORT_BULK_LOAD_BATCH_SIZE, fewer batches'
    fixed costs), or the setting every other import takes."""
    return max(1, int(settings.IMPORT_BULK_LOAD_BATCH_SIZE if bulk else
                      settings.IMPORT_BATCH_SIZE))


def _read_and_write(run: ImportRun, importer: Importer, source: IO[bytes],
                    log: ErrorLog) -> tuple[int, WriteResult]:
    total, result = 0, WriteResult()
    in_process = importer.ahead_in_process and ahead.worth_a_process(source)
    with open_table(source, run.file_name, importer.columns, run.sheet) as table, \
            transaction.atomic():
        log.headers = table.headers
        # A batch's foreign keys checked as it is written: a row refused by them is named.
        with bulk_load.deferring(importer.bulk_load, source, run.file_name) as rebuilt, \
                checked_at_once(), closing(_read_ahead(importer, table.rows, batch_size(rebuilt),
                                                    in_process)) as batches:
            if rebuilt:
                importer.loading_alone()
            if importer.writes_behind:
                total, result = behind.run_behind(importer, batches, log)
            else:
                for batch in batches:
                    total += len(batch)
                    result += _process_batch(importer, batch, log)
        if total == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        if run.mode == ImportRun.Mode.ALL_OR_NOTHING and log.failed_rows:
            transaction.set_rollback(True)
            result = WriteResult()
        elif not rebuilt:  # (a rebuild ends with ANALYZE)
            # The planner's figures for the tables grown, committed with their rows.
            planner_stats.refresh_if_grown((importer.model, *importer.also_writes),
                                           result.created)
    return total, result


def _status(run: ImportRun, log: ErrorLog) -> str:
    if not log.failed_rows:
        return ImportRun.Status.DONE
    if run.mode == ImportRun.Mode.ALL_OR_NOTHING:
        return ImportRun.Status.ROLLED_BACK
    return ImportRun.Status.PARTIAL


@contextmanager
def few_collections(threshold: int = GC_THRESHOLD) -> Iterator[None]:
    """Python's cycle collector, run less often while rows stream through.

    A batch allocates thousands of short-lived tuples and strings that reference counting frees
    alone; with the default threshold (700 allocations) the collector also ran every few rows,
    each time walking the young objects for cycles there are none of: a third of an import's
    CPU. The threshold is far above a batch's objects (~50,000 for 5,000 rows, alive until the
    batch is written): at 50,000, a run whose batches made a few more objects crossed it once a
    batch, and each collection walked the whole live batch (a fifth of the run's CPU). The
    objects that live through the run (the code, caches) are frozen out of its sight.
    """
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def execute_run(run: ImportRun, source: IO[bytes]) -> ImportRun:
    """Import `source` as `run` describes it, and record how it went."""
    importer = registry.get_importer(run.importer)(run.user)
    log = ErrorLog(int(getattr(settings, "IMPORT_MAX_STORED_ERRORS", DEFAULT_MAX_STORED_ERRORS)),
                   importer.masked_columns)
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.attempts += 1
    run.save(update_fields=["status", "started_at", "attempts"])
    total, result = 0, WriteResult()
    language = run.language or translation.get_language()
    with audit.acting_as(run.user), translation.override(language), few_collections():
        try:
            total, result = _read_and_write(run, importer, source, log)
            run.status = _status(run, log)
        except ImportFileError as exc:
            run.status, run.file_error = ImportRun.Status.FAILED, exc.message
        except Exception as error:
            run.status = ImportRun.Status.FAILED
            if reconnect.is_lost(error) and not connection.in_atomic_block:
                # The whole run was one transaction: it died with the connection.
                logger.warning("import %s lost its database connection", run.pk, exc_info=True)
                run.file_error = _("The connection to the database was lost (was it "
                                   "restarted?); nothing was saved. Import the file again: no "
                                   "row will be doubled.")
                reconnect.on_a_new_connection(
                    lambda: _finish_at_once(run, importer, 0, WriteResult(), log))
                return run
            run.file_error = _("The import stopped on an unexpected error; nothing was saved.")
            _finish(run, importer, 0, WriteResult(), log)
            raise
        _finish(run, importer, total, result, log)
    return run


def _finish(run: ImportRun, importer: Importer, total: int, result: WriteResult,
            log: ErrorLog) -> None:
    run.finished_at = timezone.now()
    run.rows_total, run.rows_failed = total, log.failed_rows
    run.rows_created, run.rows_updated = result.created, result.updated
    run.rows_unchanged = result.unchanged
    run.errors, run.errors_total = log.items, log.total
    run.save()
    audit.record("import", model=importer.model._meta.label, object_pk=run.pk,
                 object_repr=run.file_name,
                 changes={"importer": run.importer, "mode": run.mode, "status": run.status,
                          "rows": total, "created": result.created, "updated": result.updated,
                          "unchanged": result.unchanged, "failed": log.failed_rows},
                 area_path=run.area_path)


def _finish_at_once(run: ImportRun, importer: Importer, total: int, result: WriteResult,
                    log: ErrorLog) -> None:
    """_finish() in a transaction of its own: tried again whole, the audit entry is not doubled."""
    with transaction.atomic():
        _finish(run, importer, total, result, log)


def create_run(importer: str, file_name: str, mode: str, user: Any, sheet: str = "") -> ImportRun:
    # An unknown name fails here, before anything is stored.
    capability = registry.get_importer(importer).capability
    if mode not in ImportRun.Mode.values:
        raise ValueError(f"unknown import mode {mode!r}")
    if user is not None and not can(user, capability):
        raise PermissionDenied
    scope = getattr(user, "scope_path", None) if user is not None else None
    return ImportRun.objects.create(
        user=user, importer=importer, file_name=file_name[:255], mode=mode, sheet=sheet,
        language=translation.get_language() or settings.LANGUAGE_CODE, area_path=scope or "")


def run_import(importer: str | type[Importer], file: str | IO[bytes], mode: str, user: Any, *,
               file_name: str = "", sheet: str = "") -> ImportRun:
    """Import a file (a path or an open binary file) now, in this process."""
    name = importer if isinstance(importer, str) else importer.name
    if isinstance(file, str):
        with open(file, "rb") as source:  # noqa: PTH123 - a plain path from the command line
            return run_import(name, source, mode, user, file_name=file_name or file, sheet=sheet)
    file_name = file_name or str(getattr(file, "name", "") or "upload")
    run = create_run(name, file_name.replace("\\", "/").rsplit("/", 1)[-1], mode, user, sheet)
    return execute_run(run, file)
