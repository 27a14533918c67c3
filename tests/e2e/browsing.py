"""What browser stories share: signing in as one of the personas, and going without signal."""

from __future__ import annotations

from typing import Any

from tests.base import PASSWORD


def log_in(page: Any, base: str, username: str) -> None:
    """Sign in as `username` (an earlier session dropped) and wait for where epigrid lands."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


# Playwright's offline mode lets a request through that a page under a service worker sends
# past the worker (microsoft/playwright#2311): a queue's resend, sent as a page opens from its
# kept copy, reached the server. Without signal a phone's fetch() fails; this makes it so, told
# by a mark every page of the origin reads (the browser's own word comes late to a new page).
MARK = "epigrid-test-offline"  # as NO_FETCH_OFFLINE reads it
NO_FETCH_OFFLINE = """(() => {
    if (window.epigridOfflineFetch) { return; }
    window.epigridOfflineFetch = true;
    const sent = window.fetch.bind(window);
    window.fetch = (...args) => window.localStorage.getItem("epigrid-test-offline") ?
        Promise.reject(new TypeError("Failed to fetch")) : sent(...args);
})()"""


def offline(page: Any, on: bool) -> None:
    """No signal, or signal again."""
    context = page.context
    if on and not getattr(context, "epigrid_offline_fetch", False):
        context.add_init_script(NO_FETCH_OFFLINE)  # every page opened from here on
        context.epigrid_offline_fetch = True
        page.evaluate(NO_FETCH_OFFLINE)  # and the one open now
    page.evaluate("([mark, on]) => on ? window.localStorage.setItem(mark, '1')"
                  " : window.localStorage.removeItem(mark)", [MARK, on])
    context.set_offline(on)


def under_service_worker(page: Any) -> None:
    """Wait until the page's service worker has taken it over (its first opening installs it,
    and it takes the page at once)."""
    assert page.evaluate("""() => navigator.serviceWorker.ready.then(() =>
        navigator.serviceWorker.controller ? true : new Promise((done) =>
            navigator.serviceWorker.addEventListener("controllerchange", () => done(true))))""")
