"""The dashboard API (router mounted at /api/dashboards): an area's dashboard data 看板数据 — key
figures with yesterday's, the trend, the map of its children — from the stored figures.

The same JSON the dashboard page draws from and the wall screen 大屏 refetches. Scoped like the
pages: an area outside the user's subtree answers 404, like a missing one. A bad choice answers
422 naming the parameter (`metric`, `trend`, `days`, `map`, `day`).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from epigrid.areas.models import Area
from epigrid.core.api import api_user, field_errors, get_object_for_user
from epigrid.dashboards import board, choices
from epigrid.reporting.reading import BadQueryError

router = Router(tags=["dashboards"])


class FigureOut(Schema):
    code: str
    name: str
    unit: str
    value: int
    yesterday: int | None
    change: int | None
    trend: Literal["worse", "better", ""] = Field(
        description="How the change reads: worse news, better news, or neither (or none).")
    url: str | None


class SeriesOut(Schema):
    code: str
    name: str
    values: list[int | None]
    urls: list[str | None]


class TrendOut(Schema):
    days: list[str]
    series: list[SeriesOut]


class ChildOut(Schema):
    id: int
    name: str
    code: str
    value: int
    risk: str
    risk_label: str
    colour: str | None
    latitude: float | None
    longitude: float | None
    has_boundary: bool
    url: str | None
    dashboard_url: str


class MapOut(Schema):
    by: str
    name: str | None
    mode: str
    areas: list[ChildOut]
    unplaced: list[str]
    geojson: dict[str, Any] | None


class AreaOut(Schema):
    id: int
    name: str
    code: str


class DashboardOut(Schema):
    area: AreaOut
    day: str
    stored: bool
    computed_at: str | None
    figures: list[FigureOut]
    trend: TrendOut
    map: MapOut


@router.get("/{int:area_id}", response=DashboardOut, url_name="dashboard",
            summary="An area's dashboard from the stored figures: key figures (`metric`, with "
                    "yesterday's), the trend of `trend` over `days` (14 or 30), the children "
                    "coloured by `map` (`risk` or a metric code; a past `day`'s risk levels as "
                    "they stood that day); `geo=false` leaves out the boundaries")
def dashboard(request: HttpRequest, area_id: int, metric: str | None = None,
              trend: str | None = None, days: str | None = None, map: str | None = None,  # noqa: A002
              day: str | None = None, geo: bool = True) -> dict[str, Any]:
    user = api_user(request)
    found: Area = get_object_for_user(Area, user, area_id)
    query = {name: [value] for name, value in (("metric", metric), ("trend", trend),
                                               ("days", days), ("map", map), ("day", day))
             if value is not None}
    try:
        choice = choices.parse_choice(query)
    except BadQueryError as error:
        raise field_errors({error.field: [str(error)]}, "query") from None
    return board.read_board(found, choice, user, geo=geo).as_json(geo=geo)
