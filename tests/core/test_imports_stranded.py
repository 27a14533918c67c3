"""An import whose task was lost (the broker down when it was sent, the database down when a
worker took it, a worker gone without giving it back) is sent again by the beat, once no
session runs it (core.imports.jobs.resend_stranded)."""

from __future__ import annotations

import datetime
import logging
import unittest
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from epigrid.areas.models import Area
from epigrid.core.imports import claims, jobs
from epigrid.core.models import ImportRun
from epigrid.core.tasks import resend_stranded_imports, run_import_task
from tests.base import BaseTestCase
from tests.core.test_imports_claims import NEW_VILLAGE
from tests.core.test_imports_pages import upload
from tests.sessions import after_it_ends, other_session

pg_only = unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's session locks")
NOW = datetime.datetime(2020, 2, 10, 1, 0, tzinfo=datetime.UTC)
LIMIT = datetime.timedelta(minutes=settings.IMPORT_STRANDED_MINUTES)


class StrandedImportTests(BaseTestCase):
    def stored_run(self, status: str = ImportRun.Status.QUEUED, *,
                   sent: datetime.datetime | None, created: datetime.datetime | None = None,
                   attempts: int = 0) -> ImportRun:
        run = ImportRun.objects.create(user=self.world.alice, importer="areas",
                                       file_name="areas.csv", language="en", status=status,
                                       sent_at=sent, attempts=attempts)
        run.file.save("stored.csv", upload(), save=True)
        ImportRun.objects.filter(pk=run.pk).update(created_at=created or sent or NOW)
        return run

    def assert_imported(self, run: ImportRun, attempts: int = 1) -> None:
        run.refresh_from_db()
        assert (run.status, run.rows_created, run.attempts, run.file.name) == (
            ImportRun.Status.PARTIAL, 1, attempts, "")
        assert Area.objects.filter(code=NEW_VILLAGE).count() == 1

    @pg_only
    def test_it_runs_a_run_queued_and_sent_longer_ago_than_the_limit(self) -> None:
        run = self.stored_run(sent=NOW - LIMIT - datetime.timedelta(seconds=1))
        assert jobs.resend_stranded(NOW) == [run.pk]  # the tests' tasks run at once
        self.assert_imported(run)
        assert ImportRun.objects.get(pk=run.pk).sent_at == NOW

    @pg_only
    def test_it_leaves_a_run_sent_no_longer_ago_than_the_limit(self) -> None:
        run = self.stored_run(sent=NOW - LIMIT)
        assert jobs.resend_stranded(NOW) == []
        run.refresh_from_db()
        assert (run.status, run.sent_at, run.file.name != "") == (
            ImportRun.Status.QUEUED, NOW - LIMIT, True)

    @pg_only
    def test_it_sends_a_run_never_sent_by_its_age(self) -> None:
        old = self.stored_run(sent=None, created=NOW - LIMIT - datetime.timedelta(minutes=1))
        self.stored_run(sent=None, created=NOW - datetime.timedelta(minutes=1))
        assert jobs.resend_stranded(NOW) == [old.pk]
        self.assert_imported(old)

    @pg_only
    def test_it_runs_again_a_running_run_whose_session_is_gone(self) -> None:
        run = self.stored_run(ImportRun.Status.RUNNING, sent=NOW - 2 * LIMIT, attempts=1)
        assert jobs.resend_stranded(NOW) == [run.pk]
        self.assert_imported(run, attempts=2)

    @pg_only
    def test_it_leaves_runs_another_session_runs_and_runs_finished(self) -> None:
        long_ago = NOW - 2 * LIMIT
        running = self.stored_run(ImportRun.Status.RUNNING, sent=long_ago, attempts=1)
        queued = self.stored_run(sent=long_ago)
        self.stored_run(ImportRun.Status.DONE, sent=long_ago)
        self.stored_run(ImportRun.Status.FAILED, sent=long_ago)
        with other_session() as worker:
            for run in (running, queued):
                worker.execute("SELECT pg_advisory_lock(%s, %s)", claims._key(run.pk))
            assert jobs.resend_stranded(NOW) == []
        # Let go with the worker's session.
        assert after_it_ends(lambda: not claims.held_elsewhere(queued.pk))
        assert set(ImportRun.objects.filter(pk__in=[running.pk, queued.pk])
                   .values_list("status", "sent_at")) == {
            (ImportRun.Status.RUNNING, long_ago), (ImportRun.Status.QUEUED, long_ago)}

    @pg_only
    def test_it_fails_a_stranded_run_whose_file_is_gone(self) -> None:
        run = self.stored_run(sent=NOW - 2 * LIMIT)
        run.file.delete(save=True)
        assert resend_stranded_imports() == 1  # by the beat, at the real time
        run.refresh_from_db()
        assert run.status == ImportRun.Status.FAILED
        assert "The stored file of this import is gone" in run.file_error

    @unittest.skipIf(connection.vendor == "postgresql", "SQLite")
    def test_it_sends_nothing_where_a_live_run_cannot_be_told_from_a_dead_one(self) -> None:
        run = self.stored_run(sent=NOW - 2 * LIMIT)
        assert jobs.resend_stranded(NOW) == []
        assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.QUEUED

    @pg_only
    def test_it_sends_them_at_the_next_sweep_when_the_broker_refuses_them(self) -> None:
        sent = NOW - LIMIT - datetime.timedelta(seconds=1)
        first, second = self.stored_run(sent=sent), self.stored_run(sent=sent)
        with mock.patch.object(run_import_task, "delay",
                               side_effect=BrokerDown("Connection refused")) as delay, \
                self.assertLogs("epigrid.core.stranded", logging.WARNING) as logged:
            assert jobs.resend_stranded(NOW) == []
        delay.assert_called_once_with(first.pk)  # the broker is down: the second is not tried
        assert f"import run {first.pk}" in "\n".join(logged.output)
        assert set(ImportRun.objects.values_list("status", "sent_at")) == {
            (ImportRun.Status.QUEUED, sent)}
        later = NOW + datetime.timedelta(minutes=5)
        assert jobs.resend_stranded(later) == [first.pk, second.pk]
        assert list(ImportRun.objects.order_by("pk").values_list("status", "sent_at")) == [
            (ImportRun.Status.PARTIAL, later), (ImportRun.Status.PARTIAL, later)]

    def test_the_beat_looks_every_five_minutes(self) -> None:
        entry = settings.CELERY_BEAT_SCHEDULE["resend-stranded-imports"]
        assert (entry["task"], entry["schedule"]) == (resend_stranded_imports.name, 300)


class BrokerDownAtUploadTests(BaseTestCase):
    @override_settings(CELERY_TASK_ALWAYS_EAGER=False)
    def test_it_keeps_the_run_queued_when_the_broker_refuses_it(self) -> None:
        with mock.patch.object(jobs, "INLINE_MAX_BYTES", 0), \
                mock.patch.object(run_import_task, "delay",
                                  side_effect=BrokerDown("Connection refused")) as delay, \
                self.assertLogs("django", logging.ERROR) as logged, \
                self.captureOnCommitCallbacks(execute=True):
            run = jobs.start_import("areas", upload(), ImportRun.Mode.VALID_ROWS,
                                    self.world.alice)
        delay.assert_called_once_with(run.pk)
        assert "Connection refused" in "\n".join(logged.output)
        run.refresh_from_db()
        assert (run.status, run.file.name != "", run.sent_at is not None) == (
            ImportRun.Status.QUEUED, True, True)
        page = self.client_for(self.world.alice).get(reverse("imports:detail", args=[run.pk]))
        assert (f"If no worker has taken it {settings.IMPORT_STRANDED_MINUTES} minutes later, "
                "it is sent again.") in page.content.decode()
