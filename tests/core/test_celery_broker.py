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
from epigrid.web.tasks import healthcheck
from tests.base import make_area

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
