"""A background export whose task was lost is sent again by the beat, and one whose worker died
is written again from its first row, once no session writes it (core.export_jobs,
core.stranded)."""

from __future__ import annotations

import datetime
import logging
import unittest
from typing import Any
from unittest import mock

from django.conf import settings
from django.db import connection
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from epigrid.core import export_jobs
from epigrid.core.imports import claims
from epigrid.core.models import ExportRun
from epigrid.core.tasks import resend_stranded_exports, run_export_task
from tests.base import BaseTestCase
from tests.core.test_export_jobs import NAMES, a_broker
from tests.sessions import after_it_ends, other_session

pg_only = unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's session locks")
NOW = datetime.datetime(2020, 2, 10, 1, 0, tzinfo=datetime.UTC)
LIMIT = datetime.timedelta(minutes=settings.IMPORT_STRANDED_MINUTES)
LONG_AGO = NOW - 2 * LIMIT


class StrandedExportTests(BaseTestCase):
    def stored_run(self, status: str = ExportRun.Status.QUEUED, *,
                   sent: datetime.datetime | None, created: datetime.datetime | None = None,
                   attempts: int = 0) -> ExportRun:
        run = ExportRun.objects.create(user=self.world.alice, exporter="test_names",
                                       format="csv", file_name="names.csv", status=status,
                                       sent_at=sent, attempts=attempts)
        ExportRun.objects.filter(pk=run.pk).update(created_at=created or sent or NOW)
        return run

    def assert_written(self, run: ExportRun, attempts: int = 1) -> None:
        run.refresh_from_db()
        assert (run.status, run.rows, run.attempts) == ("done", len(NAMES), attempts)
        with run.file.open("rb") as written:
            assert written.read().decode("utf-8-sig").splitlines() == ["name", *NAMES]

    def page(self, run: ExportRun) -> str:
        return self.client_for(self.world.alice).get(
            reverse("exports:detail", args=[run.pk])).content.decode()

    @pg_only
    def test_it_writes_a_run_queued_and_sent_longer_ago_than_the_limit(self) -> None:
        run = self.stored_run(sent=NOW - LIMIT - datetime.timedelta(seconds=1))
        assert export_jobs.resend_stranded(NOW) == [run.pk]  # the tests' tasks run at once
        self.assert_written(run)
        assert ExportRun.objects.get(pk=run.pk).sent_at == NOW

    @pg_only
    def test_it_leaves_a_run_sent_no_longer_ago_than_the_limit(self) -> None:
        run = self.stored_run(sent=NOW - LIMIT)
        assert export_jobs.resend_stranded(NOW) == []
        run.refresh_from_db()
        assert (run.status, run.sent_at, run.attempts) == ("queued", NOW - LIMIT, 0)

    @pg_only
    def test_it_sends_a_run_never_sent_by_its_age(self) -> None:
        old = self.stored_run(sent=None, created=NOW - LIMIT - datetime.timedelta(minutes=1))
        self.stored_run(sent=None, created=NOW - datetime.timedelta(minutes=1))
        assert export_jobs.resend_stranded(NOW) == [old.pk]
        self.assert_written(old)

    @pg_only
    def test_it_writes_again_a_running_run_whose_session_is_gone(self) -> None:
        run = self.stored_run(ExportRun.Status.RUNNING, sent=LONG_AGO, attempts=1)
        ExportRun.objects.filter(pk=run.pk).update(rows=3)  # how far the dead worker came
        assert export_jobs.resend_stranded(NOW) == [run.pk]
        self.assert_written(run, attempts=2)
        assert "1 earlier run stopped with its worker: the file was written again from its " \
               "first row." in self.page(run)

    @pg_only
    def test_it_leaves_runs_another_session_writes_and_runs_finished(self) -> None:
        running = self.stored_run(ExportRun.Status.RUNNING, sent=LONG_AGO, attempts=1)
        queued = self.stored_run(sent=LONG_AGO)
        self.stored_run(ExportRun.Status.DONE, sent=LONG_AGO)
        self.stored_run(ExportRun.Status.FAILED, sent=LONG_AGO)
        with other_session() as worker:
            for run in (running, queued):
                worker.execute("SELECT pg_advisory_lock(%s, %s)",
                               claims._key(run.pk, claims.EXPORTS))
            assert export_jobs.resend_stranded(NOW) == []
            with mock.patch.object(claims, "WAIT_SECONDS", 0):  # a second delivery meanwhile
                assert run_export_task(running.pk) == "running"
        # Went with the session.
        assert after_it_ends(lambda: not claims.held_elsewhere(queued.pk, claims.EXPORTS))
        assert set(ExportRun.objects.filter(pk__in=[running.pk, queued.pk])
                   .values_list("status", "sent_at", "attempts")) == {
            ("running", LONG_AGO, 1), ("queued", LONG_AGO, 0)}

    @pg_only
    def test_an_import_of_the_same_id_running_does_not_hold_the_export(self) -> None:
        run = self.stored_run(sent=LONG_AGO)
        with other_session() as worker:
            worker.execute("SELECT pg_advisory_lock(%s, %s)", claims._key(run.pk))
            assert claims.held_elsewhere(run.pk)
            assert export_jobs.resend_stranded(NOW) == [run.pk]
        self.assert_written(run)

    @pg_only
    def test_it_gives_up_a_run_its_worker_died_writing_three_times(self) -> None:
        run = self.stored_run(ExportRun.Status.RUNNING, sent=LONG_AGO,
                              attempts=export_jobs.MAX_ATTEMPTS)
        assert resend_stranded_exports() == 1  # by the beat, at the real time
        run.refresh_from_db()
        assert (run.status, run.attempts, run.file.name) == ("failed", 3, "")
        assert "The export stopped its worker 3 times; nothing was written." in run.error
        assert run.finished_at is not None

    @unittest.skipIf(connection.vendor == "postgresql", "SQLite")
    def test_it_sends_nothing_where_a_live_run_cannot_be_told_from_a_dead_one(self) -> None:
        queued = self.stored_run(sent=LONG_AGO)
        running = self.stored_run(ExportRun.Status.RUNNING, sent=LONG_AGO, attempts=1)
        assert export_jobs.resend_stranded(NOW) == []
        assert run_export_task(running.pk) == "running"  # redelivered: left to the first
        assert list(ExportRun.objects.order_by("pk").values_list("status", "attempts")) == [
            ("queued", 0), ("running", 1)]
        assert queued.pk < running.pk

    @pg_only
    def test_it_sends_them_at_the_next_sweep_when_the_broker_refuses_them(self) -> None:
        sent = NOW - LIMIT - datetime.timedelta(seconds=1)
        first, second = self.stored_run(sent=sent), self.stored_run(sent=sent)
        with mock.patch.object(run_export_task, "delay",
                               side_effect=BrokerDown("Connection refused")) as delay, \
                self.assertLogs("epigrid.core.stranded", logging.WARNING) as logged:
            assert export_jobs.resend_stranded(NOW) == []
        delay.assert_called_once_with(first.pk)  # the broker is down: the second is not tried
        assert f"export run {first.pk}" in "\n".join(logged.output)
        assert set(ExportRun.objects.values_list("status", "sent_at")) == {("queued", sent)}
        later = NOW + datetime.timedelta(minutes=5)
        assert export_jobs.resend_stranded(later) == [first.pk, second.pk]
        assert list(ExportRun.objects.order_by("pk").values_list("status", "sent_at")) == [
            ("done", later), ("done", later)]

    def test_a_run_sent_to_a_worker_says_when_and_what_follows(self) -> None:
        with a_broker(), self.captureOnCommitCallbacks():
            run = export_jobs.start_export("test_names", self.world.alice, fmt="csv",
                                           file_name="names.csv")
        run.refresh_from_db()
        assert run.sent_at is not None and run.attempts == 0
        assert (f"If no worker has taken it {settings.IMPORT_STRANDED_MINUTES} minutes later, "
                "it is sent again.") in self.page(run)

    def test_a_run_written_at_once_was_never_sent(self) -> None:
        run: Any = export_jobs.start_export("test_names", self.world.alice, fmt="csv",
                                            file_name="names.csv")
        assert (run.status, run.sent_at, run.attempts) == ("done", None, 1)
        assert "sent again" not in self.page(run)

    def test_the_beat_looks_every_five_minutes(self) -> None:
        entry = settings.CELERY_BEAT_SCHEDULE["resend-stranded-exports"]
        assert (entry["task"], entry["schedule"]) == (resend_stranded_exports.name, 300)
