"""Several counts of an area's records in one query: scalar subqueries selected beside the
area's row (the panels of the area page and the meeting read a handful of counts each)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery

from epigrid.areas.models import Area


def count_of(rows: QuerySet[Any]) -> Subquery:
    """The number of `rows` as a scalar subquery: `SELECT COUNT(id) ... WHERE ...`, one row
    (COUNT as a plain function: no GROUP BY)."""
    return Subquery(rows.order_by().annotate(n=Func(F("pk"), function="COUNT"))
                    .values("n"), output_field=IntegerField())


def counts(area: Area, **subqueries: Subquery) -> dict[str, int]:
    """Several counts in one query: scalar subqueries selected beside the area's row."""
    found = Area.objects.filter(pk=area.pk).annotate(**subqueries).values(*subqueries).first()
    return {name: int(found[name] or 0) if found else 0 for name in subqueries}
