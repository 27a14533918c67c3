"""Core's retention rules (core.retention): the stored errors of finished imports, the files of
finished exports, the audit log.

An import run's errors repeat cells of the refused rows (names, masked IDs): after the limit
they go, and the run keeps its counts. An export's file (a roster, full IDs maybe) goes and its
run stays. The audit log is kept for good unless a limit is set.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from epigrid.core.models import AuditEntry, ExportRun, ImportRun
from epigrid.core.retention import BATCH, Rule, delete_in_batches, register_rule


def _import_errors(before: datetime.datetime, dry_run: bool) -> int:
    runs = ImportRun.objects.filter(finished_at__lt=before).exclude(errors=[])
    if dry_run:
        return runs.count()
    done = 0
    while ids := list(runs.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            ImportRun.objects.filter(pk__in=ids).update(errors=[])
        done += len(ids)
    return done


def _export_files(before: datetime.datetime, dry_run: bool) -> int:
    runs = ExportRun.objects.filter(finished_at__lt=before).exclude(file="")
    if dry_run:
        return runs.count()
    done = 0
    for run in runs.iterator(chunk_size=BATCH):
        run.file.delete(save=False)  # from the storage; then the run forgets it
        ExportRun.objects.filter(pk=run.pk).update(file="")
        done += 1
    return done


def _audit(before: datetime.datetime, dry_run: bool) -> int:
    return delete_in_batches(AuditEntry.objects.filter(at__lt=before), dry_run)


def register() -> None:
    register_rule(Rule("import_errors", "core.ImportRun", "RETAIN_IMPORT_ERRORS_DAYS",
                       _import_errors))
    register_rule(Rule("export_files", "core.ExportRun", "RETAIN_EXPORT_FILES_DAYS",
                       _export_files))
    register_rule(Rule("audit", "core.AuditEntry", "RETAIN_AUDIT_DAYS", _audit))
