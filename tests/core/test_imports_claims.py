"""An import task delivered again: a run left "running" by a worker that died is run again from
its start; one that another session still runs is left alone (core.imports.claims)."""

from __future__ import annotations

import threading
import unittest
from unittest import mock

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.core.imports import claims
from epigrid.core.models import ImportRun
from epigrid.core.tasks import run_import_task
from tests.base import BaseTestCase
from tests.core.test_imports_pages import upload
from tests.sessions import other_session

NEW_VILLAGE = "420102001003"  # the one good row of the uploaded file


def _lock_taken_elsewhere(run_id: int) -> bool:
    with other_session() as other:
        cursor = other.execute("SELECT pg_try_advisory_lock(%s, %s)", claims._key(run_id))
        row = cursor.fetchone()
        return not (row and row[0])  # its session ends here, and any lock it took with it


class ImportTaskDeliveredAgainTests(BaseTestCase):
    def stored_run(self, status: str = ImportRun.Status.RUNNING, attempts: int = 1
                   ) -> ImportRun:
        """A run as a worker killed half way leaves it: running, its file still stored."""
        run = ImportRun.objects.create(user=self.world.alice, importer="areas",
                                       file_name="areas.csv", language="en", status=status,
                                       started_at=timezone.now(), attempts=attempts)
        run.file.save("stored.csv", upload(), save=True)
        return run

    def test_it_is_acknowledged_only_once_done(self) -> None:
        assert (run_import_task.acks_late, run_import_task.reject_on_worker_lost) == (True, True)

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's session locks")
    def test_it_runs_again_a_run_whose_worker_died(self) -> None:
        run = self.stored_run()
        stored = run.file.name
        assert run_import_task(run.pk) == "partial"
        run.refresh_from_db()
        assert (run.rows_created, run.rows_failed, run.file.name, run.attempts) == (1, 1, "", 2)
        assert not run.file.storage.exists(stored)
        assert not _lock_taken_elsewhere(run.pk)  # freed once the run is done
        assert run_import_task(run.pk) == "partial"  # a third delivery does nothing
        assert Area.objects.filter(code=NEW_VILLAGE).count() == 1
        page = self.client_for(self.world.alice).get(reverse("imports:detail", args=[run.pk]))
        assert ("1 earlier run stopped with its worker: this file was imported again from its "
                "first row.") in page.content.decode()

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's session locks")
    def test_it_leaves_a_run_that_another_session_still_runs(self) -> None:
        for status in (ImportRun.Status.RUNNING, ImportRun.Status.QUEUED):
            run = self.stored_run(status, attempts=int(status == ImportRun.Status.RUNNING))
            with other_session() as worker, mock.patch.object(claims, "WAIT_SECONDS", 0.3):
                worker.execute("SELECT pg_advisory_lock(%s, %s)", claims._key(run.pk))
                assert run_import_task(run.pk) == status
            run.refresh_from_db()
            assert (run.status, run.file.name != "") == (status, True)
            assert not Area.objects.filter(code=NEW_VILLAGE).exists()

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's session locks")
    def test_it_waits_for_the_session_of_a_killed_worker_to_end(self) -> None:
        run = self.stored_run()
        worker = other_session()
        worker.execute("SELECT pg_advisory_lock(%s, %s)", claims._key(run.pk))
        # Its server process finds the socket closed a moment after the task is delivered again.
        ended = threading.Timer(0.5, worker.close)
        ended.start()
        with mock.patch.object(claims, "WAIT_SECONDS", 20.0), \
                mock.patch.object(claims, "POLL_SECONDS", 0.1):
            assert run_import_task(run.pk) == "partial"
        ended.join()
        assert Area.objects.filter(code=NEW_VILLAGE).count() == 1

    def test_it_leaves_a_running_run_where_it_cannot_tell_dead_from_alive(self) -> None:
        run = self.stored_run()
        with mock.patch.object(claims, "can_tell", return_value=False):
            assert run_import_task(run.pk) == "running"
        assert not Area.objects.filter(code=NEW_VILLAGE).exists()

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's session locks")
    def test_it_fails_a_run_whose_stored_file_is_gone(self) -> None:
        run = self.stored_run()
        run.file.delete(save=True)
        assert run_import_task(run.pk) == "failed"
        run.refresh_from_db()
        assert run.file_error == "The stored file of this import is gone; import it again."

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's session locks")
    def test_it_gives_up_a_file_that_stopped_its_worker_three_times(self) -> None:
        run = self.stored_run(attempts=3)
        stored = run.file.name
        assert run_import_task(run.pk) == "failed"
        run.refresh_from_db()
        assert run.file_error == ("The import stopped its worker 3 times (is the file too big "
                                  "for the worker's memory?); nothing was saved.")
        assert (run.file.name, run.finished_at is not None) == ("", True)
        assert not run.file.storage.exists(stored)
        assert not Area.objects.filter(code=NEW_VILLAGE).exists()
