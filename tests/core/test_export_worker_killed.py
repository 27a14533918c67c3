"""A worker killed in the middle of a background export, for real: a Celery worker (prefork,
one child) through the broker named by CELERY_BROKER_URL, its child killed with SIGKILL while it
writes a roster. The broker gives the task back, the next child finds the run's session gone and
writes the file again from its first row (core.export_jobs, core.imports.claims). PostgreSQL
only: the worker is another process, on the same test database."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from epigrid.accounts.models import User
from epigrid.core.imports.runner import run_import
from epigrid.core.models import ExportRun, ImportRun
from epigrid.core.tasks import run_export_task
from tests.core.test_import_worker_killed import (
    kill_once_running,
    pytestmark,  # noqa: F401 - the same marks: a broker, PostgreSQL, Linux
    resident_roster,
    worker,  # noqa: F401 - the fixture
)
from tests.registry.test_roster_restart import grid_a1_1_alone

ROWS = 20_000


def _status(run: ExportRun) -> str:
    return str(ExportRun.objects.values_list("status", flat=True).get(pk=run.pk))


def test_it_writes_the_whole_file_though_its_worker_was_killed_half_way(
        worker: tuple[subprocess.Popen[bytes], str, Path]) -> None:  # noqa: F811
    grid_a1_1_alone()
    admin = User.objects.create_superuser("admin", password="x")  # noqa: S106
    imported = run_import("roster", io.BytesIO(resident_roster(ROWS)),
                          ImportRun.Mode.VALID_ROWS, admin, file_name="roster.csv")
    assert imported.rows_created == ROWS
    run = ExportRun.objects.create(user=admin, exporter="roster", format="csv",
                                   file_name="roster.csv", params={"unmasked": False})
    run_export_task.apply_async(args=[run.pk], queue=worker[1])
    kill_once_running(worker, lambda: _status(run) == ExportRun.Status.RUNNING,
                      lambda: _status(run) not in {ExportRun.Status.QUEUED,
                                                   ExportRun.Status.RUNNING})
    run.refresh_from_db()
    assert (run.status, run.rows, run.attempts) == (ExportRun.Status.DONE, ROWS, 2), run.error
    with run.file.open("rb") as written:
        lines = written.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + ROWS
    names = {found.group() for found in map(re.compile(r"Resident \d+").search, lines) if found}
    assert names == {f"Resident {n}" for n in range(ROWS)}  # each once: as many lines
