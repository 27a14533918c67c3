"""The daily report API 日报 (mounted at /api/figures/reports): list the reports of an area's
subtree over a range of days, read one, submit (or save a draft), the completeness of a day.

Scoped like the pages: an area or a report outside the user's subtree answers 404 like a missing
one; writing a report the user may not write answers 403; bad input 422 naming the field.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from epigrid.areas.models import Area
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
)
from epigrid.reporting import reading, report_reading
from epigrid.reporting.models import DailyReport, ReportStatus
from epigrid.reporting.report_services import save_report

router = Router(tags=["daily reports"])
API_NAMES = {"area": "area_id"}  # the service names the model's field, the API the id


class ReportOut(Schema):
    id: int
    area_id: int
    area_name: str
    day: datetime.date
    situation: str
    remarks: str
    status: ReportStatus
    late: bool
    submitted_by: str | None
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_area_name(obj: DailyReport) -> str:
        return obj.area.name

    @staticmethod
    def resolve_submitted_by(obj: DailyReport) -> str | None:
        return obj.submitted_by.username if obj.submitted_by else None


class ReportIn(InSchema):
    area_id: int
    day: datetime.date
    situation: str = ""
    remarks: str = ""
    submit: bool = Field(True, description="Submit the report (false: save a draft).")


class ReportFilters(InSchema):
    area: int = Field(description="The area whose subtree's reports are listed.")
    start: str | None = Field(None, description="First day, YYYY-MM-DD (default: the end).")
    end: str | None = Field(None, description="Last day, YYYY-MM-DD (default: today).")
    status: ReportStatus | None = None


class StateOut(Schema):
    area_id: int
    name: str
    level: int
    state: str = Field(description="on_time, late or missing (a draft is missing)")
    draft: bool
    submitted_at: datetime.datetime | None
    missing_below: int


class LevelOut(Schema):
    level: int
    expected: int
    on_time: int
    late: int
    missing: int
    completeness: int = Field(description="Submitted, % of expected (rounded down)")
    timeliness: int = Field(description="Submitted by the cutoff, % of expected")


class CompletenessOut(Schema):
    area_id: int
    day: datetime.date
    cutoff: datetime.datetime
    past_cutoff: bool
    own: StateOut | None
    levels: list[LevelOut]
    children: list[StateOut]
    missing: list[StateOut]


def _area(request: HttpRequest, area_id: int) -> Area:
    found: Area = get_object_for_user(Area, api_user(request), area_id)
    return found


def _day(raw: str | None, field: str) -> datetime.date:
    try:
        return reading.parse_day(raw, field)
    except reading.BadQueryError as error:
        raise field_errors({error.field: [str(error)]}, "query") from None


@router.get("", response=Page[ReportOut],
            summary="The reports of an area's subtree from start to end (at most 92 days), by id")
def list_reports(request: HttpRequest, filters: Query[ReportFilters],
                 page: Query[PageParams]) -> dict[str, object]:
    area = _area(request, filters.area)
    try:
        first, last = reading.parse_range(filters.start, filters.end)
    except reading.BadQueryError as error:
        raise field_errors({error.field: [str(error)]}, "query") from None
    rows = (DailyReport.objects.restrict(api_user(request)).within(area.path)
            .filter(day__gte=first, day__lte=last).select_related("area", "submitted_by"))
    if filters.status:
        rows = rows.filter(status=filters.status)
    return keyset_page(rows, page)


@router.get("/completeness", response=CompletenessOut,
            summary="Who of an area's subtree has reported for a day: per level, per child, the "
                    "missing towns and villages")
def completeness(request: HttpRequest, area: int, day: str | None = None) -> CompletenessOut:
    found = report_reading.completeness(_area(request, area), _day(day, "day"))
    return CompletenessOut(
        area_id=found.area.pk, day=found.day, cutoff=found.cutoff, past_cutoff=found.past_cutoff,
        own=StateOut(**found.own.__dict__) if found.own else None,
        levels=[LevelOut(level=c.level, expected=c.expected, on_time=c.on_time, late=c.late,
                         missing=c.missing, completeness=c.completeness,
                         timeliness=c.timeliness) for c in found.levels],
        children=[StateOut(**s.__dict__) for s in found.children],
        missing=[StateOut(**s.__dict__) for s in found.missing])


@router.get("/{int:id}", response=ReportOut, summary="One report")
def get_report(request: HttpRequest, id: int) -> DailyReport:
    found: DailyReport = get_object_for_user(
        DailyReport.objects.select_related("area", "submitted_by"), api_user(request), id)
    return found


@router.post("", response={200: ReportOut},
             summary="Write an area's report of a day: submit it (late after the cutoff) or save "
                     "a draft; a submitted report is corrected in place")
def submit_report(request: HttpRequest, payload: ReportIn) -> DailyReport:
    area = _area(request, payload.area_id)
    try:
        report = save_report(area, payload.day, by=api_user(request),
                             situation=payload.situation, remarks=payload.remarks,
                             submit=payload.submit)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    except ValidationError as error:
        errors = {API_NAMES.get(name, name): messages
                  for name, messages in error.message_dict.items()}
        raise field_errors(errors, "body") from None
    report.area = area
    return report
