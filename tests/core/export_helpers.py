"""Background export runs as a test needs them: done with a file, done and purged, waiting."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from epigrid.core.models import ExportRun


def export_run(user: Any, name: str, status: str = "done",
               content: bytes | None = b"name\nWang Jun\n") -> ExportRun:
    """A run of `user` with its file (`content`) when done; no file when `content` is None."""
    run = ExportRun.objects.create(user=user, exporter="roster", format="csv",
                                   file_name=name, status=status, rows=1)
    if content is not None and status == "done":
        run.file.save(name, ContentFile(content), save=True)
    return run
