"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

The browser is the system's (`/usr/bin/chromium`, or EPIGRID_CHROMIUM); Playwright's own browser
download is never used. Without chromium the tests skip, except under CI=true, where a missing
browser is a failure: CI must run them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


def _unavailable(reason: str) -> None:
    message = f"browser tests cannot run: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: the browser tests must run here)", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str:
    candidate = os.environ.get("EPIGRID_CHROMIUM") or DEFAULT_CHROMIUM
    found = shutil.which(candidate) if not os.path.isabs(candidate) else candidate
    if not found or not os.access(found, os.X_OK):
        _unavailable(f"no chromium at {candidate}; install Debian's chromium package or set "
                     "EPIGRID_CHROMIUM to a chromium executable")
    return str(found)


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> None:
    """Overrides tests/conftest.py: in the browser the site speaks its real default, Chinese."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright; "
                     "no `playwright install`: the system chromium is used)")
    # Playwright's sync API runs an event loop in this thread, and Django refuses database
    # calls from a thread with a running loop; the tests' own queries are synchronous anyway.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so `page` knows at teardown if the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A fresh browser context and page. `Accept-Language: *` states no preference, so the site
    answers in its default language. On failure a screenshot goes to test-artifacts/."""
    context = browser.new_context(extra_http_headers={"Accept-Language": "*"},
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
