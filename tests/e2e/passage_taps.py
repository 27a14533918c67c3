"""The passage log's taps, shared by the checkpoint stories."""

from __future__ import annotations

from typing import Any

WAIT_MS = 30_000


def tap(page: Any, name: str, value: str) -> None:
    page.locator(f"label:has(input[name={name}][value='{value}']) span").click()


def decide(page: Any, decision: str) -> None:
    page.locator(f"button.decision[value={decision}]").click()


def waiting(page: Any, n: int) -> None:
    page.locator(f"#queue-status[data-waiting='{n}']").wait_for(state="attached",
                                                               timeout=WAIT_MS)
