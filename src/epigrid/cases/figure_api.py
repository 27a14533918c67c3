"""API of case figures (router mounted at /api/case-figures): an area's figures for a day or a
range of days, its epidemic curve and Rt. Scoped like the pages: missing and forbidden are 404."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from epigrid.areas.models import Area
from epigrid.cases import curve, figures
from epigrid.cases.models import CaseFigures
from epigrid.core.api import api_user, field_errors, get_object_for_user

router = Router(tags=["figures"])
MAX_RANGE_DAYS = 92
DEFAULT_DAYS = 14


class AreaFiguresOut(Schema):
    area_id: int
    area_name: str
    figures: dict[str, int]


class DayFiguresOut(Schema):
    area_id: int
    area_name: str
    day: datetime.date
    figures: dict[str, int]
    change: dict[str, int]
    children: list[AreaFiguresOut]


class DayOut(Schema):
    day: datetime.date
    figures: dict[str, int]


class RangeOut(Schema):
    area_id: int
    area_name: str
    days: list[DayOut]


class RtOut(Schema):
    day: datetime.date
    mean: float
    lower: float
    upper: float
    cases: int


class CurveOut(Schema):
    area_id: int
    area_name: str
    days: list[datetime.date]
    by_onset: list[int]
    by_report: list[int]
    onset_unknown: int
    rt: list[RtOut]


def _day(raw: str | None, field: str) -> datetime.date:
    today = timezone.localdate()
    if raw is None:
        return today
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise field_errors({field: [_("Give the day as YYYY-MM-DD.")]}, "query") from None
    if day > today:
        raise field_errors({field: [_("The day cannot be in the future.")]}, "query")
    return day


def _area(request: HttpRequest, area_id: int) -> Area:
    area: Area = get_object_for_user(Area, api_user(request), area_id)
    return area


@router.get("/areas/{int:area_id}", response=DayFiguresOut,
            summary="An area's case figures for a day (today by default), with its children")
def area_day(request: HttpRequest, area_id: int, day: str | None = None) -> DayFiguresOut:
    area = _area(request, area_id)
    when = _day(day, "day")
    values, children = figures.figures_for(area, when)
    before = figures.area_figures(area, when - datetime.timedelta(days=1))
    names = dict(Area.objects.filter(parent=area).values_list("id", "name"))
    return DayFiguresOut(
        area_id=area.pk, area_name=area.name, day=when, figures=values,
        change=figures.change(values, before),
        children=[AreaFiguresOut(area_id=pk, area_name=names.get(pk, ""), figures=child)
                  for pk, child in sorted(children.items(), key=lambda kv: names.get(kv[0], ""))])


@router.get("/areas/{int:area_id}/days", response=RangeOut,
            summary="An area's case figures for each day of a range (at most 92 days; "
                    "the last 14 days by default)")
def area_days(request: HttpRequest, area_id: int, start: str | None = None,
              end: str | None = None) -> RangeOut:
    area = _area(request, area_id)
    last = _day(end, "end")
    first = _day(start, "start") if start else last - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise field_errors({"start": [_("The start must not come after the end.")]}, "query")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise field_errors({"start": [_("Ask for at most %(n)d days at a time.")
                                      % {"n": MAX_RANGE_DAYS}]}, "query")
    stored = {row.day: row.values for row in CaseFigures.objects.filter(
        area=area, day__gte=first, day__lte=last)}
    today = timezone.localdate()
    days = []
    for offset in range((last - first).days + 1):
        when = first + datetime.timedelta(days=offset)
        values = (figures.complete(stored[when]) if when in stored and when < today
                  else figures.area_figures(area, when))
        days.append(DayOut(day=when, figures=values))
    return RangeOut(area_id=area.pk, area_name=area.name, days=days)


@router.get("/areas/{int:area_id}/curve", response=CurveOut,
            summary="An area's epidemic curve by onset and report date, with Rt")
def area_curve(request: HttpRequest, area_id: int, days: int | None = None) -> CurveOut:
    area = _area(request, area_id)
    if days is not None and not 1 <= days <= curve.MAX_DAYS:
        raise field_errors({"days": [_("Ask for 1 to %(n)d days.") % {"n": curve.MAX_DAYS}]},
                           "query")
    found = curve.build(area.path, days=days)
    return CurveOut(area_id=area.pk, area_name=area.name, days=found.days,
                    by_onset=found.by_onset, by_report=found.by_report,
                    onset_unknown=found.onset_unknown,
                    rt=[RtOut(**estimate) for estimate in found.rt])
