"""Starting an import from an uploaded file: small files run at once, large ones on a worker."""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.core import stranded
from epigrid.core.imports import claims
from epigrid.core.imports.runner import create_run, execute_run
from epigrid.core.models import ImportRun

# Files up to this size are imported while the user waits; larger ones go to a Celery worker.
INLINE_MAX_BYTES = 2 * 1024 * 1024
# Runs of one file begun before it is given up (each one after the first: its worker died).
MAX_ATTEMPTS = 3


def start_import(importer: str, upload: UploadedFile, mode: str, user: Any,
                 sheet: str = "") -> ImportRun:
    run = create_run(importer, upload.name or "upload", mode, user, sheet)
    suffix = PurePath(upload.name or "").suffix.lower()[:8]
    inline = bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True))
    inline = inline or (upload.size or 0) <= INLINE_MAX_BYTES
    if not inline:
        run.sent_at = timezone.now()  # saved with the file's name
    run.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=True)
    if inline:
        return execute_stored_run(run)
    run_id = run.pk
    # A broker that is down is logged, not the user's upload failed: the run is stored, and
    # resend_stranded() sends it again.
    transaction.on_commit(lambda: _send(run_id), robust=True)
    return run


def _send(run_id: int) -> None:
    from epigrid.core.tasks import run_import_task

    run_import_task.delay(run_id)


def resend_stranded(now: datetime.datetime | None = None) -> list[int]:
    """Send again the runs whose task was lost (core.stranded), and answer their ids."""
    return stranded.resend(ImportRun.objects.all(), claims.IMPORTS, _send,
                           minutes=int(settings.IMPORT_STRANDED_MINUTES),
                           now=now or timezone.now(), kind="import")


def _failed(run: ImportRun, why: str) -> ImportRun:
    run.status, run.file_error, run.finished_at = ImportRun.Status.FAILED, why, timezone.now()
    run.save(update_fields=["status", "file_error", "finished_at"])
    if run.file:
        _drop_file(run)
    return run


def _drop_file(run: ImportRun) -> None:
    """Uploaded files may hold personal data: they are not kept once imported or given up."""
    run.file.delete(save=False)
    ImportRun.objects.filter(pk=run.pk).update(file="")


def execute_stored_run(run: ImportRun) -> ImportRun:
    """Run an import whose file was stored with it, unless another session runs it now
    (core.imports.claims); the file is deleted afterwards."""
    with claims.claimed_unfinished(run) as ours:
        if not ours:
            return run
        if not run.file:
            return _failed(run, _("The stored file of this import is gone; import it again."))
        if run.attempts >= MAX_ATTEMPTS:  # each time, its worker died: not a fourth time
            return _failed(run, _(
                "The import stopped its worker %(count)s times (is the file too big for the "
                "worker's memory?); nothing was saved.") % {"count": run.attempts})
        try:
            with run.file.open("rb") as source:
                return execute_run(run, source)
        finally:
            _drop_file(run)
