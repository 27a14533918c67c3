"""What every browser story does first: sign in as one of the personas."""

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
