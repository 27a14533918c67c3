"""Exports written in the background (core.export_jobs): the run's page while it waits and when
it is done, its progress, its failures, its file for its user alone, and the file's retention."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from celery import current_app
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from epigrid.core import export_jobs, retention
from epigrid.core.exports import Column
from epigrid.core.models import AuditEntry, ExportRun
from epigrid.core.tasks import run_export_task
from tests.base import BaseTestCase

NAMES = ["Wang Jun", "Wang Lei", "Sun Li", "Liu Min", "He Ping"]
seen: list[int] = []  # the run's stored row count, as the records were read


def _names(run: ExportRun) -> Iterator[dict[str, str]]:
    for name in NAMES:
        seen.append(ExportRun.objects.get(pk=run.pk).rows)
        yield {"name": name}


def _build(run: ExportRun) -> tuple[Any, list[Column], str]:
    if run.params.get("refuse"):
        raise PermissionDenied
    if run.params.get("break"):
        raise RuntimeError("disk full")
    return _names(run), [Column("name", lambda record: record["name"])], "names"


export_jobs.register_export("test_names", _build)


@contextmanager
def a_broker() -> Iterator[None]:
    """As if a broker were there: a run waits for a worker (tests/conftest.py runs tasks
    eagerly otherwise)."""
    current_app.conf.task_always_eager = False
    try:
        yield
    finally:
        current_app.conf.task_always_eager = True


class ExportRunTests(BaseTestCase):
    def start(self, **params: Any) -> ExportRun:
        return export_jobs.start_export("test_names", self.world.alice, fmt="csv",
                                        file_name="names.csv", params=params)

    def page(self, run: ExportRun, user: Any = None) -> Any:
        return self.client_for(user or self.world.alice).get(
            reverse("exports:detail", args=[run.pk]))

    def test_a_worker_writes_it_after_the_commit_while_its_page_waits(self) -> None:
        with a_broker(), self.captureOnCommitCallbacks() as sent:
            run = self.start()
        waiting = self.page(run).content.decode()
        assert ExportRun.objects.get(pk=run.pk).status == "queued"
        assert '<meta http-equiv="refresh" content="3">' in waiting
        assert 'id="export-download"' not in waiting
        for callback in sent:
            callback()  # the task, run eagerly in the test (tests/conftest.py)
        run.refresh_from_db()
        assert (run.status, run.rows) == ("done", 5)
        done = self.page(run).content.decode()
        assert "refresh" not in done and 'id="export-download"' in done
        assert "kept for 7 days, for you alone" in done
        assert run_export_task(run.pk) == "done"  # a second delivery writes nothing again

    def test_its_file_is_its_users_alone_and_each_download_is_logged(self) -> None:
        w = self.world
        run = self.start()
        url = reverse("exports:download", args=[run.pk])
        response = self.client_for(w.alice).get(url)
        assert b"".join(response.streaming_content).decode("utf-8-sig").splitlines() == [
            "name", *NAMES]
        assert response["Content-Disposition"] == 'attachment; filename="names.csv"'
        entry = AuditEntry.objects.get(model="core.ExportRun")
        assert (entry.actor, entry.changes["download"]) == (w.alice, True)
        missing = reverse("exports:download", args=[run.pk + 1])
        for other in (w.bob, w.command, w.admin):
            assert self.client_for(other).get(url).status_code == 404
            assert self.page(run, other).status_code == 404
        assert self.client_for(w.alice).get(missing).status_code == 404
        assert AuditEntry.objects.filter(model="core.ExportRun").count() == 1

    def test_it_tells_how_far_it_is_as_it_writes(self) -> None:
        seen.clear()
        with mock.patch.object(export_jobs, "PROGRESS_EVERY", 2):
            run = self.start()
        assert seen == [0, 0, 2, 2, 4] and run.rows == 5

    def test_a_refused_or_broken_run_says_so_and_has_no_file(self) -> None:
        refused = self.start(refuse=True)
        with self.assertLogs("epigrid.core.export_jobs", "ERROR"):
            broken = self.start(**{"break": True})
        assert (refused.status, broken.status) == ("failed", "failed")
        assert "You may no longer export these records as asked." in self.page(
            refused).content.decode()
        assert "The export stopped on an unexpected error" in self.page(broken).content.decode()
        assert self.client_for(self.world.alice).get(
            reverse("exports:download", args=[refused.pk])).status_code == 404

    def test_its_file_goes_past_the_retention_limit_and_the_run_stays(self) -> None:
        old, new = self.start(), self.start()
        stored = old.file.path
        ExportRun.objects.filter(pk=old.pk).update(
            finished_at=timezone.now() - datetime.timedelta(days=8))
        assert retention.purge(only={"export_files"})[0].rows == 1
        old.refresh_from_db()
        new.refresh_from_db()
        assert (old.file.name, old.status, bool(new.file)) == ("", "done", True)
        assert not Path(stored).exists() and Path(new.file.path).exists()
        assert 'id="export-purged"' in self.page(old).content.decode()
        assert self.client_for(self.world.alice).get(
            reverse("exports:download", args=[old.pk])).status_code == 404
