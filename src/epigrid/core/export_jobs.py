"""Exports written in the background: a district's roster is half a million rows, longer than a
request may take (a web worker is stopped after 30 s), so the page starts a run and shows it.

An app registers, for each kind it exports this way, a function that answers a run's records
(restricted to the run's user), columns and sheet title (`register_export`). `start_export()`
stores the run and sends it to a worker once the request commits, or, without a broker, writes
it at once; `execute_export()` writes the file CHUNK rows at a time and keeps the run's row
count current, so its page tells how far it is. The file is its user's alone
(core.export_views) and goes past its retention limit (core.retention_rules).

A run whose task was lost is sent again by the beat (`resend_stranded`, core.stranded); a worker
that died writing one gives its task back, and the next delivery writes the file from its first
row, unless the run still lives elsewhere (its lock, core.imports.claims) or was begun
MAX_ATTEMPTS times already.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.core import audit, stranded
from epigrid.core.exports import Column, csv_lines, write_xlsx
from epigrid.core.imports import claims
from epigrid.core.models import ExportRun

logger = logging.getLogger(__name__)

# (records restricted to the run's user, columns, sheet title) of a run; PermissionDenied when
# its user may no longer export them.
Build = Callable[[ExportRun], tuple[Iterable[Any], Sequence[Column], str]]
PROGRESS_EVERY = 5_000
CHUNK = 2_000
# Runs of one export begun before it is given up (each one after the first: its worker died).
MAX_ATTEMPTS = 3

_BUILDERS: dict[str, Build] = {}


def register_export(name: str, build: Build) -> None:
    _BUILDERS[name] = build


def start_export(name: str, user: Any, *, fmt: str, file_name: str,
                 params: dict[str, Any] | None = None) -> ExportRun:
    """Store the run and have it written: by a worker after the commit, or now without one."""
    if name not in _BUILDERS:
        raise LookupError(name)
    eager = current_app.conf.task_always_eager  # no broker: no worker either
    run = ExportRun.objects.create(user=user, exporter=name, format=fmt, file_name=file_name,
                                   params=params or {}, sent_at=None if eager else timezone.now())
    if eager:
        return execute_export(run)
    run_id = run.pk
    transaction.on_commit(lambda: _send(run_id), robust=True)
    return run


def _send(run_id: int) -> None:
    from epigrid.core.tasks import run_export_task

    run_export_task.delay(run_id)


def resend_stranded(now: datetime.datetime | None = None) -> list[int]:
    """Send again the runs whose task was lost (core.stranded), and answer their ids."""
    return stranded.resend(ExportRun.objects.all(), claims.EXPORTS, _send,
                           minutes=int(settings.IMPORT_STRANDED_MINUTES),
                           now=now or timezone.now(), kind="export")


def execute_sent(run_id: int) -> ExportRun:
    """Write a run a worker was handed, unless it is written already or another session
    writes it now; one begun MAX_ATTEMPTS times is given up."""
    run = ExportRun.objects.get(pk=run_id)
    if run.finished or (run.status == ExportRun.Status.RUNNING and not claims.can_tell()):
        return run  # delivered twice: the first delivery did the work (or does it)
    with claims.claimed_unfinished(run, claims.EXPORTS) as ours:
        if not ours:
            return run
        if run.attempts >= MAX_ATTEMPTS:
            return _given_up(run)
        return execute_export(run)


def _given_up(run: ExportRun) -> ExportRun:
    run.status, run.finished_at = ExportRun.Status.FAILED, timezone.now()
    run.error = _("The export stopped its worker %(count)s times; nothing was written. "
                  "Export fewer records, or ask your administrator.") % {"count": run.attempts}
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def _counted(objects: Iterable[Any], run: ExportRun) -> Iterator[Any]:
    """The records, telling the run how many went out every PROGRESS_EVERY."""
    rows = objects.iterator(chunk_size=CHUNK) if hasattr(objects, "iterator") else objects
    count = 0
    for record in rows:
        yield record
        count += 1
        if count % PROGRESS_EVERY == 0:
            ExportRun.objects.filter(pk=run.pk).update(rows=count)
    run.rows = count


def _write(run: ExportRun, target: Any) -> None:
    objects, columns, title = _BUILDERS[run.exporter](run)
    records = _counted(objects, run)
    if run.format == "xlsx":
        write_xlsx(records, columns, target, title=title)
    else:
        for line in csv_lines(records, columns):
            target.write(line.encode("utf-8"))


def execute_export(run: ExportRun) -> ExportRun:
    """Write the run's file into the storage, and record how it went."""
    run.status, run.started_at, run.rows = ExportRun.Status.RUNNING, timezone.now(), 0
    run.attempts += 1
    run.save(update_fields=["status", "started_at", "rows", "attempts"])
    try:
        with tempfile.TemporaryFile() as spool:
            _write(run, spool)
            spool.seek(0)
            run.file.save(run.file_name, File(spool), save=False)
        run.status = ExportRun.Status.DONE
    except PermissionDenied:
        run.status, run.error = ExportRun.Status.FAILED, _(
            "You may no longer export these records as asked.")
    except Exception:
        logger.exception("export %s failed", run.pk)
        run.status, run.error = ExportRun.Status.FAILED, _(
            "The export stopped on an unexpected error; start it again.")
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "rows", "file", "finished_at"])
    return run


def download(run: ExportRun) -> FileResponse | None:
    """The run's file as a download, logged (the export was logged when it was asked for;
    each download of its file too); None while it has no file (the pages' and the API's
    404)."""
    if run.status != ExportRun.Status.DONE or not run.file:
        return None
    audit.record("export", model=ExportRun._meta.label, object_pk=run.pk,
                 object_repr=f"download of {run.file_name}"[:200],
                 changes={"exporter": run.exporter, "format": run.format, "download": True})
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.file_name)
