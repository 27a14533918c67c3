"""Keyset pages for the lists of pages (the API's are `core.api.keyset_page`): no OFFSET, no
COUNT, whatever the table's size.

A list of a table of millions filtered to an area (the persons of a town) pages in (area path,
id) order, the order of the table's (area_path, id) index: the database reads the area's range
from its start and stops after a page. In id order it read the table by id and filtered, and
a town whose records came late (a roster imported town by town) had every earlier record read
first: 470,000 of the district demo's persons for one page of its last town.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest

T = TypeVar("T")

def _after_in_area_order(rows: QuerySet[Any], pk: int) -> QuerySet[Any]:
    """The rows after record `pk` in (area path, id) order; none when it is not among them."""
    path = rows.filter(pk=pk).values_list("area_path", flat=True).first()
    if path is None:
        return rows.none()
    # The first condition starts the index range at the record's path; the second skips what
    # lies before it on that path (a grid's records at most).
    return rows.filter(area_path__gte=path).filter(Q(area_path__gt=path) | Q(pk__gt=pk))


def _before_in_field_order(rows: QuerySet[Any], field: str, pk: int) -> QuerySet[Any]:
    """The rows before record `pk` in (`field`, id) order, newest first; none when it is not
    among them."""
    value = rows.filter(pk=pk).values_list(field, flat=True).first()
    if value is None:
        return rows.none()
    return rows.filter(**{f"{field}__lte": value}).filter(
        Q(**{f"{field}__lt": value}) | Q(pk__lt=pk))


def split_page(rows: list[T], size: int) -> tuple[list[T], bool]:
    """A page fetched with one row more than its `size`: its rows, and whether more follow."""
    return rows[:size], len(rows) > size


def page_after(rows: QuerySet[Any], after: int | None, size: int, *,
               newest_first: bool = False, area_order: bool = False, dated_by: str = ""
               ) -> tuple[list[Any], int | None]:
    """One page of `size` rows after the record of id `after` (in id order, newest first, by
    area path then id, or by the `dated_by` column newest first then id: a ledger by the day of
    its lines, a line entered late among its day's), and the id to continue after (or None on
    the last page). Fetches one row more than asked to know if more follow. The pages' `keyset`
    and the API's `core.api.keyset_page` both page through it."""
    if dated_by:
        rows = rows.order_by(f"-{dated_by}", "-pk")
        if after is not None:
            rows = _before_in_field_order(rows, dated_by, after)
    elif area_order:
        rows = rows.order_by("area_path", "pk")
        if after is not None:
            rows = _after_in_area_order(rows, after)
    else:
        rows = rows.order_by("-pk" if newest_first else "pk")
        if after is not None:
            rows = rows.filter(**{"pk__lt" if newest_first else "pk__gt": after})
    items, more = split_page(list(rows[: size + 1]), size)
    return items, (items[-1].pk if more else None)


def list_page(rows: Sequence[T], page: int, size: int) -> tuple[list[T], int | None]:
    """Page `page` (1 the first) of `size` rows of a list computed whole (the clusters), and the
    next page's number (None on the last)."""
    start = (page - 1) * size
    items, more = split_page(list(rows[start:start + size + 1]), size)
    return items, page + 1 if more else None


def page_number(request: HttpRequest) -> int:
    """A numbered list's page (`?page=`): 1 unless a positive number."""
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def keyset(rows: QuerySet[Any], request: HttpRequest, param: str = "after", *,
           newest_first: bool = False, area_order: bool = False, dated_by: str = ""
           ) -> tuple[list[Any], int | None]:
    """page_after() of a page's size, after the id in `?<param>=`."""
    raw = request.GET.get(param, "")
    return page_after(rows, int(raw) if raw.isdigit() else None, settings.PAGE_SIZE,
                      newest_first=newest_first, area_order=area_order, dated_by=dated_by)
