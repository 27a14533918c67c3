from __future__ import annotations

from collections.abc import Iterator

import pytest

from epigrid.config.celery import app


@pytest.fixture(autouse=True)
def _english_by_default(settings: pytest.FixtureRequest) -> None:
    """Assertions read messages in English unless a test asks for Chinese."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _tasks_run_in_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run eagerly, inside the test's transaction, even where CI names a real broker.

    No worker listens during the suite: a task sent over the wire would never run and its
    result would never come. Only the tests marked `broker` go over the wire, to a worker they
    start themselves.
    """
    if request.node.get_closest_marker("broker"):
        yield
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before
