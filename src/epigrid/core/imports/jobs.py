"""Starting an import from an uploaded file: small files run at once, large ones on a worker."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from epigrid.core.imports.runner import create_run, execute_run
from epigrid.core.models import ImportRun

# Files up to this size are imported while the user waits; larger ones go to a Celery worker.
INLINE_MAX_BYTES = 2 * 1024 * 1024


def start_import(importer: str, upload: UploadedFile, mode: str, user: Any,
                 sheet: str = "") -> ImportRun:
    run = create_run(importer, upload.name or "upload", mode, user, sheet)
    suffix = PurePath(upload.name or "").suffix.lower()[:8]
    run.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=True)
    inline = bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True))
    if inline or (upload.size or 0) <= INLINE_MAX_BYTES:
        return execute_stored_run(run)
    from epigrid.core.tasks import run_import_task

    run_id = run.pk
    transaction.on_commit(lambda: run_import_task.delay(run_id))
    return run


def execute_stored_run(run: ImportRun) -> ImportRun:
    """Run an import whose file was stored with it; the file is deleted afterwards."""
    try:
        with run.file.open("rb") as source:
            return execute_run(run, source)
    finally:
        # Uploaded files may hold personal data: they are not kept once imported.
        run.file.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(file="")
