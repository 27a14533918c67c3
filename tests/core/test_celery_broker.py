"""One task through the real broker (Redis in CI) to a real worker, and back.

Elsewhere tasks run eagerly (no CELERY_BROKER_URL); this test is what shows that the app, its
task registry and the result backend work over the wire. CI sets
CELERY_BROKER_URL=redis://127.0.0.1:6379/0 and CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1.
"""

from __future__ import annotations

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult

from epigrid.areas.models import Level
from epigrid.config.celery import app
from epigrid.core.models import ExportRun
from epigrid.core.tasks import run_export_task
from epigrid.web.tasks import healthcheck
from tests.base import World, make_area
from tests.core.test_export_jobs import NAMES  # and registers its "test_names" export

pytestmark = [pytest.mark.broker]


# The worker runs in a thread with its own database connection: it can only see committed rows.
def test_it_runs_a_task_on_a_worker_through_the_broker(broker: None,
                                                       transactional_db: None) -> None:
    city = make_area(None, Level.CITY, "420100000000", "Jinhe City")
    make_area(city, Level.DISTRICT, "420102000000", "Qingshan District")
    assert not app.conf.task_always_eager
    # A queue of its own: the worker takes no stray message left on the shared broker.
    queue = f"epigrid-test-{uuid.uuid4().hex}"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15,
                      queues=[queue]):
        result = healthcheck.apply_async(queue=queue)
        assert not isinstance(result, EagerResult)
        assert result.get(timeout=30) == {"ok": True, "db": 2}
    assert result.successful()


def test_a_worker_writes_an_export_run_sent_through_the_broker(broker: None,
                                                                transactional_db: None) -> None:
    world = World()
    run = ExportRun.objects.create(user=world.alice, exporter="test_names", format="csv",
                                   file_name="names.csv")
    queue = f"epigrid-test-{uuid.uuid4().hex}"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15,
                      queues=[queue]):
        result = run_export_task.apply_async((run.pk,), queue=queue)
        assert not isinstance(result, EagerResult)
        assert result.get(timeout=30) == "done"
    run.refresh_from_db()
    assert (run.status, run.rows) == ("done", len(NAMES))
    assert run.file.read().decode("utf-8-sig").splitlines() == ["name", *NAMES]
