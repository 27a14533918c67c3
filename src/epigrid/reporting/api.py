"""The daily figures API (router mounted at /api/figures): the metrics, an area's stored figures
over a range of days, a recount, and the same figures as a DHIS2 dataValueSets document.

Scoped like the pages: an area outside the user's subtree answers 404, like a missing one. Bad
input answers 422 naming the field (`metric`, `start`, `end`, `day`).
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from epigrid.areas.models import Area
from epigrid.core.access import Capability
from epigrid.core.api import InSchema, api_user, field_errors, get_object_for_user, require
from epigrid.reporting import reading, services
from epigrid.reporting.metrics import all_metrics
from epigrid.reporting.report_api import router as reports_router
from epigrid.reporting.risk_api import router as risk_router

router = Router(tags=["figures"])
# The daily reports and the risk levels ride under this router (config/api.py mounts one router
# per app): /api/figures/reports and /api/figures/risk.
router.add_router("/reports", reports_router)
router.add_router("/risk", risk_router)


class MetricOut(Schema):
    code: str
    name: str
    unit: str
    family: str
    rollup: str
    computed: str
    snapshot: bool
    rise: Literal["worse", "better", "neutral"] = Field(
        description="What a rise of the figure means: worse news, better news, or neither.")


class DayOut(Schema):
    day: datetime.date
    frozen: bool
    computed_at: datetime.datetime
    values: dict[str, int]
    now: dict[str, int]


class FiguresOut(Schema):
    area_id: int
    area_code: str
    area_name: str
    start: datetime.date
    end: datetime.date
    days: list[DayOut]
    totals: dict[str, int]


class RecomputeIn(InSchema):
    day: datetime.date | None = None


class RecomputeOut(Schema):
    day: datetime.date
    rows: int
    frozen: bool
    computed_at: datetime.datetime


class DataValueOut(Schema):
    dataElement: str  # noqa: N815 - DHIS2's own names
    period: str
    orgUnit: str  # noqa: N815
    value: str


class DataValueSetOut(Schema):
    dataValues: list[DataValueOut]  # noqa: N815


def _area(request: HttpRequest, area_id: int) -> Area:
    found: Area = get_object_for_user(Area, api_user(request), area_id)
    return found


def _range(start: str | None, end: str | None) -> tuple[datetime.date, datetime.date]:
    try:
        return reading.parse_range(start, end)
    except reading.BadQueryError as error:
        raise field_errors({error.field: [str(error)]}, "query") from None


@router.get("/metrics", response=list[MetricOut],
            summary="The registry of metrics: code, name, unit, family, roll-up")
def metrics(request: HttpRequest) -> list[MetricOut]:
    return [MetricOut(**metric.as_dict()) for metric in all_metrics()]


@router.get("", response=FiguresOut,
            summary="An area's stored daily figures from start to end (today by default; at "
                    "most 92 days), optionally only some metrics (comma-separated codes)")
def figures(request: HttpRequest, area: int, start: str | None = None, end: str | None = None,
            metric: str | None = None) -> FiguresOut:
    found = _area(request, area)
    first, last = _range(start, end)
    try:
        chosen = reading.parse_metrics(metric)
    except reading.BadQueryError as error:
        raise field_errors({error.field: [str(error)]}, "query") from None
    days = reading.stored_days(found, first, last, chosen)
    return FiguresOut(area_id=found.pk, area_code=found.code, area_name=found.name, start=first,
                      end=last, days=[DayOut(**day.__dict__) for day in days],
                      totals=reading.period_totals(days, chosen))


@router.post("/recompute", response=RecomputeOut,
             summary="Recount a day's figures of every area now (today by default); a frozen "
                     "day keeps its report figures and recounts `now`")
def recompute(request: HttpRequest, payload: RecomputeIn) -> RecomputeOut:
    require(api_user(request), Capability.REFRESH_FIGURES)
    try:
        recount = services.recompute_day(payload.day or timezone.localdate())
    except ValidationError as error:
        raise field_errors(error.message_dict, "body") from None
    return RecomputeOut(**recount.__dict__)


@router.get("/data-value-sets", response=DataValueSetOut,
            summary="An area's stored daily figures as a DHIS2 dataValueSets document (every "
                    "metric a data element, the area's code the org unit, periods YYYYMMDD)")
def data_value_sets(request: HttpRequest, area: int, start: str | None = None,
                    end: str | None = None) -> DataValueSetOut:
    found = _area(request, area)
    first, last = _range(start, end)
    chosen = all_metrics()
    values = [DataValueOut(dataElement=m.code, period=day.day.strftime("%Y%m%d"),
                           orgUnit=found.code, value=str(day.values[m.code]))
              for day in reading.stored_days(found, first, last, chosen) for m in chosen]
    return DataValueSetOut(dataValues=values)
