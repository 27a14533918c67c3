"""Background work of core: imports of large files, exports of long lists, the sweeps."""

from __future__ import annotations

from celery import shared_task

from epigrid.core.models import ImportRun


# Acknowledged once done: a worker killed half way gives the task back to the broker, and the
# next delivery runs the file again unless the first run still lives (core.imports.claims).
@shared_task(name="epigrid.core.run_import", acks_late=True, reject_on_worker_lost=True)
def run_import_task(run_id: int) -> str:
    """Run a queued import, or one left "running" by a worker that died; returns its status."""
    from epigrid.core.imports import claims
    from epigrid.core.imports.jobs import execute_stored_run

    run = ImportRun.objects.get(pk=run_id)
    if run.finished or (run.status == ImportRun.Status.RUNNING and not claims.can_tell()):
        return str(run.status)  # delivered twice: the first delivery did the work
    return str(execute_stored_run(run).status)


# Acknowledged once done, as imports: a worker killed half way gives the task back.
@shared_task(name="epigrid.core.run_export", acks_late=True, reject_on_worker_lost=True)
def run_export_task(run_id: int) -> str:
    """Write a queued export, or one left "running" by a worker that died (core.export_jobs);
    returns its status."""
    from epigrid.core.export_jobs import execute_sent

    return str(execute_sent(run_id).status)


@shared_task(name="epigrid.core.resend_stranded_imports")
def resend_stranded_imports() -> int:
    """Send again the imports whose task was lost (beat, every five minutes)."""
    from epigrid.core.imports.jobs import resend_stranded

    return len(resend_stranded())


@shared_task(name="epigrid.core.resend_stranded_exports")
def resend_stranded_exports() -> int:
    """Send again the background exports whose task was lost (beat, every five minutes)."""
    from epigrid.core.export_jobs import resend_stranded

    return len(resend_stranded())


@shared_task(name="epigrid.core.purge_expired")
def purge_expired() -> dict[str, int]:
    """Remove what is past its retention limit (beat, nightly); rows removed by rule."""
    from epigrid.core.retention import purge

    return {done.rule.name: done.rows for done in purge()}
