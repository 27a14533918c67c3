"""API of checkpoint figures (router mounted at /api/passage-figures): an area's or a checkpoint's
passages per day and per hour over a period, an area's children and its busiest checkpoints.

Scoped like the pages: missing and forbidden are the same 404. Periods: `?day=` (the last day,
default today) and `?days=` (1 to 31, default 7); a bad one answers 422 naming the parameter.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints import figures
from epigrid.checkpoints.periods import Period, parse_day, parse_period
from epigrid.core.api import api_user, field_errors, get_object_for_user

router = Router(tags=["checkpoint figures"])


class CountsOut(Schema):
    passages: int
    passages_in: int
    passages_out: int
    vehicles: int
    persons: int
    turned_back: int
    referred: int
    fevers: int


class DayOut(Schema):
    day: datetime.date
    figures: CountsOut


class HourOut(Schema):
    hour: datetime.datetime
    figures: CountsOut


class ChildOut(Schema):
    area_id: int
    area_name: str
    figures: CountsOut


class AreaFiguresOut(Schema):
    area_id: int
    area_name: str
    first_day: datetime.date
    last_day: datetime.date
    total: CountsOut
    days: list[DayOut]
    hours: list[HourOut]
    children: list[ChildOut]


class CheckpointFiguresOut(Schema):
    checkpoint_id: int
    checkpoint_name: str
    first_day: datetime.date
    last_day: datetime.date
    total: CountsOut
    days: list[DayOut]
    hours: list[HourOut]


class BusiestOut(Schema):
    checkpoint_id: int
    checkpoint_name: str
    area_id: int
    figures: CountsOut


def period_or_422(day: str | None, days: str | None) -> Period:
    try:
        return parse_period(day, days)
    except ValidationError as exc:
        raise field_errors(exc.message_dict, "query") from None


def counts(value: figures.Counts) -> dict[str, int]:
    return value.as_dict()


def series(found: dict[str, Any]) -> dict[str, Any]:
    return {"total": counts(found["total"]),
            "days": [{"day": day, "figures": counts(c)} for day, c in found["days"]],
            "hours": [{"hour": hour, "figures": counts(c)} for hour, c in found["hours"]]}


@router.get("/areas/{int:area_id}", response=AreaFiguresOut,
            summary="An area's passages per day, per hour and per child area")
def area_figures(request: HttpRequest, area_id: int, day: str | None = None,
                 days: str | None = None) -> dict[str, Any]:
    user = api_user(request)
    area: Area = get_object_for_user(Area, user, area_id)
    period = period_or_422(day, days)
    found = figures.area_figures(user, area, period)
    return {"area_id": area.pk, "area_name": area.name, "first_day": period.first,
            "last_day": period.last, **series(found),
            "children": [{"area_id": child.pk, "area_name": child.name, "figures": counts(c)}
                         for child, c in found["children"]]}


@router.get("/areas/{int:area_id}/busiest", response=list[BusiestOut],
            summary="The area's checkpoints with the most passages on a day")
def area_busiest(request: HttpRequest, area_id: int, day: str | None = None,
                 limit: int = figures.BUSIEST_LIMIT) -> list[dict[str, Any]]:
    user = api_user(request)
    area: Area = get_object_for_user(Area, user, area_id)
    try:
        on = parse_day(day)
    except ValidationError as exc:
        raise field_errors(exc.message_dict, "query") from None
    limit = max(1, min(limit, 100))
    return [{"checkpoint_id": checkpoint.pk, "checkpoint_name": checkpoint.name,
             "area_id": checkpoint.area_id, "figures": counts(c)}
            for checkpoint, c in figures.busiest(user, area, on, limit)]


@router.get("/checkpoints/{int:checkpoint_id}", response=CheckpointFiguresOut,
            summary="A checkpoint's passages per day and per hour")
def checkpoint_figures(request: HttpRequest, checkpoint_id: int, day: str | None = None,
                       days: str | None = None) -> dict[str, Any]:
    user = api_user(request)
    checkpoint: Checkpoint = get_object_for_user(Checkpoint, user, checkpoint_id)
    period = period_or_422(day, days)
    found = figures.checkpoint_figures(user, checkpoint, period)
    return {"checkpoint_id": checkpoint.pk, "checkpoint_name": checkpoint.name,
            "first_day": period.first, "last_day": period.last, **series(found)}
