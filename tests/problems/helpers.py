"""Shared set-up of the problem tests: raising a problem at a given moment."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.problems import services
from epigrid.problems.models import Category, Problem


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A local moment of `day` (the deployment's time zone)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute),
                                     tzinfo=timezone.get_current_timezone())


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def raise_in(area: Area, by: Any, title: str = "Masks run out at the gate", *,
             now: datetime.datetime | None = None, due_in: int = 2, **fields: Any) -> Problem:
    """A problem of `area` raised by `by` at `now`, due `due_in` days later."""
    now = now or timezone.now()
    fields.setdefault("category", Category.MEDICAL_SUPPLIES)
    return services.raise_problem(area, by=by, title=title,
                                  due_on=timezone.localdate(now) + days(due_in),
                                  now=now, **fields)
