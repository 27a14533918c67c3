"""Keyset pages for the lists of pages (the API's are `core.api.keyset_page`): no OFFSET, no
COUNT, whatever the table's size."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest


def keyset(rows: QuerySet[Any], request: HttpRequest, param: str = "after", *,
           newest_first: bool = False) -> tuple[list[Any], int | None]:
    """One page of `rows` by id after the id in `?<param>=` (in id order, or newest first),
    and the id to continue after (or None on the last page)."""
    raw = request.GET.get(param, "")
    rows = rows.order_by("-pk" if newest_first else "pk")
    if raw.isdigit():
        rows = rows.filter(**{"pk__lt" if newest_first else "pk__gt": int(raw)})
    items = list(rows[: settings.PAGE_SIZE + 1])
    more = len(items) > settings.PAGE_SIZE
    items = items[: settings.PAGE_SIZE]
    return items, (items[-1].pk if more else None)
