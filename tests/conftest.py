from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from epigrid.config.celery import app


@pytest.fixture(autouse=True)
def _english_by_default(settings: pytest.FixtureRequest) -> None:
    """Assertions read messages in English unless a test asks for Chinese."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True, scope="session")
def _files_stored_apart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploads and written exports go to a temporary folder, not the data directory's; for the
    whole session, so that files made in a class's setUpTestData are found by its tests, and
    for the workers the tests start (EPIGRID_MEDIA_DIR, which they inherit)."""
    from django.conf import settings
    from django.test.utils import override_settings

    media = str(tmp_path_factory.mktemp("media"))
    storages = dict(settings.STORAGES)
    storages["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                           "OPTIONS": {"location": media}}
    before = os.environ.get("EPIGRID_MEDIA_DIR")
    os.environ["EPIGRID_MEDIA_DIR"] = media
    try:
        with override_settings(STORAGES=storages):
            yield
    finally:
        if before is None:
            os.environ.pop("EPIGRID_MEDIA_DIR", None)
        else:
            os.environ["EPIGRID_MEDIA_DIR"] = before


@pytest.fixture(autouse=True, scope="session")
def _passwords_hashed_quickly() -> Iterator[None]:
    """Passwords are argon2 as in production, at the lowest cost (tests/hashers.py)."""
    from django.conf import settings
    from django.test.utils import override_settings

    hashers = ["tests.hashers.QuickArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist (`make test` runs the suite on every core) the tests that talk to the real
    broker run one after another on one worker: a worker started by one of them would take the
    tasks another sends to the shared default queue, and run them on its own test database."""
    for item in items:
        if item.get_closest_marker("broker"):
            item.add_marker(pytest.mark.xdist_group("broker"))


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the broker test must run here)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def broker() -> None:
    if not os.environ.get("CELERY_BROKER_URL"):
        _unavailable("CELERY_BROKER_URL is not set: no broker to test against (set it and "
                     "CELERY_RESULT_BACKEND, e.g. redis://127.0.0.1:6379/0 and /1)")
    if not os.environ.get("CELERY_RESULT_BACKEND"):
        _unavailable("CELERY_RESULT_BACKEND is not set: the test needs the task's result back")
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no broker here"
        pytest.fail(f"the broker at CELERY_BROKER_URL does not answer: {exc}", pytrace=False)
