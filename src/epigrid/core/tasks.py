"""Background work of core: imports of large files."""

from __future__ import annotations

from celery import shared_task

from epigrid.core.models import ImportRun


@shared_task(name="epigrid.core.run_import")
def run_import_task(run_id: int) -> str:
    """Run a queued import; returns its final status."""
    from epigrid.core.imports.jobs import execute_stored_run

    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return str(run.status)  # delivered twice: the first delivery did the work
    return str(execute_stored_run(run).status)
