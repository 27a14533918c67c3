"""Core's retention rules (core.retention): the stored errors of finished imports, the files of
finished exports, the audit log.

An import run's errors repeat cells of the refused rows (names, masked IDs): after the limit
they go, and the run keeps its counts. An export's file (a roster, full IDs maybe) goes and its
run stays. The audit log is kept for good unless a limit is set.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from epigrid.core.models import AuditEntry, ExportRun, ImportRun
from epigrid.core.retention import Rule, delete_in_batches, in_batches, register_rule


def _import_errors(before: datetime.datetime, dry_run: bool) -> int:
    return in_batches(ImportRun.objects.filter(finished_at__lt=before).exclude(errors=[]),
                      lambda batch: batch.update(errors=[]), dry_run)


def _forget_files(batch: QuerySet[ExportRun]) -> None:
    for run in batch:
        run.file.delete(save=False)  # from the storage; then the run forgets it
    batch.update(file="")


def _export_files(before: datetime.datetime, dry_run: bool) -> int:
    return in_batches(ExportRun.objects.filter(finished_at__lt=before).exclude(file=""),
                      _forget_files, dry_run)


def _audit(before: datetime.datetime, dry_run: bool) -> int:
    return delete_in_batches(AuditEntry.objects.filter(at__lt=before), dry_run)


def register() -> None:
    register_rule(Rule("import_errors", "core.ImportRun", "RETAIN_IMPORT_ERRORS_DAYS",
                       _import_errors))
    register_rule(Rule("export_files", "core.ExportRun", "RETAIN_EXPORT_FILES_DAYS",
                       _export_files))
    register_rule(Rule("audit", "core.AuditEntry", "RETAIN_AUDIT_DAYS", _audit))
