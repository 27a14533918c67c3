"""A worker killed in the middle of an import, for real: a Celery worker (prefork, one child)
through the broker named by CELERY_BROKER_URL, its child killed with SIGKILL while it imports a
roster. The broker gives the task back, the next child finds the run's session gone and runs the
file again from its first row: every row once (core.imports.claims). PostgreSQL only: the
worker is another process, on the same test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from epigrid.core.models import ImportRun
from epigrid.core.tasks import run_import_task
from epigrid.registry.models import Person
from tests.registry.test_roster_import import make_id, roster, row
from tests.registry.test_roster_restart import grid_a1_1_alone

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="PostgreSQL only: the worker must reach the test database"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]
ROWS = 20_000
TIMEOUT = 120.0


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (f"postgresql://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


@pytest.fixture
def worker(broker: None, transactional_db: None, tmp_path: Path
           ) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    queue = f"epigrid-test-{uuid.uuid4().hex}"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "celery", "-A", "epigrid.config.celery", "worker",
             "--pool=prefork", "--concurrency=1", "--queues", queue, "--loglevel=WARNING",
             "--without-heartbeat", "--without-mingle", "--without-gossip"],
            env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process, queue, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _until(what: str, check: Callable[[], bool], deadline: float, log: Path) -> None:
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the worker said:\n"
                                 + log.read_text(errors="replace")[-3000:])
        time.sleep(0.05)


def _status(run: ImportRun) -> str:
    return str(ImportRun.objects.values_list("status", flat=True).get(pk=run.pk))


def resident_roster(rows: int) -> bytes:
    """A roster of `rows` residents of grid A1-1 (grid_a1_1_alone), three to a household."""
    return roster(*[row(household_number=f"H{n // 3:05d}", address=f"No. {n // 3}",
                        name=f"Resident {n}",
                        id_number=make_id(f"4201021990{1 + n // 2000:02d}{1 + n % 28:02d}"
                                          f"{n % 2000 // 28:03d}"))
                    for n in range(rows)])


def kill_once_running(worker: tuple[subprocess.Popen[bytes], str, Path],
                      running: Callable[[], bool], ended: Callable[[], bool]) -> None:
    """Kill the worker's child once `running()`, and wait until `ended()`."""
    process, _queue, log = worker
    deadline = time.monotonic() + TIMEOUT
    _until("the run to start", running, deadline, log)
    children = _children(process.pid)
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    _until("the run to end", ended, deadline, log)


def test_it_imports_every_row_once_though_the_worker_was_killed_half_way(
        worker: tuple[subprocess.Popen[bytes], str, Path]) -> None:
    grid_a1_1_alone()
    run = ImportRun.objects.create(importer="roster", file_name="roster.csv", language="en")
    run.file.save("roster.csv", ContentFile(resident_roster(ROWS)), save=True)
    run_import_task.apply_async(args=[run.pk], queue=worker[1])
    kill_once_running(worker, lambda: _status(run) == ImportRun.Status.RUNNING,
                      lambda: _status(run) not in {ImportRun.Status.QUEUED,
                                                   ImportRun.Status.RUNNING})
    run.refresh_from_db()
    assert (run.status, run.rows_created, run.attempts) == (ImportRun.Status.DONE, ROWS, 2), (
        run.file_error, run.errors[:3])
    assert Person.objects.count() == ROWS
    assert Person.objects.values("id_number_hash").distinct().count() == ROWS
