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


def _no_network(route: Any) -> None:
    route.abort("internetdisconnected")


def offline(page: Any, on: bool) -> None:
    """No signal, or signal again. Playwright's offline mode lets through a request that a page
    under a service worker sends past it (microsoft/playwright#2311): those are refused here."""
    page.context.set_offline(on)
    if on:
        page.context.route("**/*", _no_network)
    else:
        page.context.unroute("**/*", _no_network)
