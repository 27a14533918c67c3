"""What the tests of the apps that tell people things read back: a user's inbox."""

from __future__ import annotations

from typing import Any

from epigrid.alerts.models import Receipt


def inbox_of(user: Any) -> list[tuple[str, str, str]]:
    """The user's notices, oldest first, as (title, body, link)."""
    return list(Receipt.objects.filter(user=user).order_by("pk").values_list(
        "notice__title", "notice__body", "notice__link"))
