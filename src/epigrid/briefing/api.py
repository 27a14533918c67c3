"""The briefing API (router mounted at /api/briefing): the dispatch meeting 调度会 as data, and
the briefing 简报 as a file.

Scoped like the pages: an area outside the user's subtree answers 404, like a missing one; a
bad or future day answers 422 naming `day`, an unknown format 422 naming `format`; the file
takes Capability.EXPORT (403).
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from epigrid.areas.models import Area
from epigrid.briefing import content, documents, meeting, views
from epigrid.core.access import Capability
from epigrid.core.api import api_user, field_errors, get_object_for_user, require
from epigrid.reporting import reading

router = Router(tags=["briefing"])


class FigureOut(Schema):
    code: str
    name: str
    value: int
    change: int | None
    children: list[int]


class AreaRef(Schema):
    id: int
    code: str
    name: str


class AgeOut(Schema):
    label: str
    count: int


class ProblemOut(Schema):
    id: int
    title: str
    area: str
    handled_at: str
    status: str
    urgency: str
    due_on: datetime.date
    days_open: int
    overdue: bool


class ClosureOut(Schema):
    open_at_start: int
    raised: int
    closed: int
    rate: float | None


class MeetingOut(Schema):
    area: AreaRef
    day: datetime.date
    stored: bool
    frozen: bool
    children: list[AreaRef]
    figures: list[FigureOut]
    unreported: list[AreaRef] | None
    problem_ages: list[AgeOut]
    problems_open: int
    problems_overdue: int
    problems_escalated: int = Field(description="Open problems that rose to the area itself "
                                    "from below.")
    oldest_problems: list[ProblemOut]
    closure: ClosureOut
    pending_risk_proposals: int | None
    talking_points: list[str]


def _ref(area: Area) -> AreaRef:
    return AreaRef(id=area.pk, code=area.code, name=area.name)


def _area_day(request: HttpRequest, area: int, day: str | None) -> tuple[Area, datetime.date]:
    found: Area = get_object_for_user(Area, api_user(request), area)
    try:
        return found, reading.parse_day(day)
    except reading.BadQueryError as error:
        raise field_errors({error.field: [str(error)]}, "query") from None


@router.get("/meeting", response=MeetingOut,
            summary="The dispatch meeting of an area and day (today by default): figures with "
                    "the change since yesterday, areas without a daily report, open problems by "
                    "age, the closure rate, talking points")
def meeting_data(request: HttpRequest, area: int, day: str | None = None) -> MeetingOut:
    found_area, found_day = _area_day(request, area, day)
    found = meeting.build(found_area, found_day, api_user(request))
    problems = found.problems
    return MeetingOut(
        area=_ref(found_area), day=found_day, stored=found.figures.stored,
        frozen=found.figures.frozen is not None,
        children=[_ref(child) for child in found.figures.children],
        figures=[FigureOut(code=row.metric.code, name=str(row.metric.name), value=row.value,
                           change=row.change, children=row.children) for row in found.rows],
        unreported=None if found.unreported is None else [_ref(a) for a in found.unreported],
        problem_ages=[AgeOut(label=group.label, count=group.count) for group in problems.ages],
        problems_open=problems.total, problems_overdue=problems.overdue,
        problems_escalated=problems.escalated,
        oldest_problems=[ProblemOut(
            id=p.pk, title=p.title, area=p.area.name, handled_at=p.level_area.name,
            status=p.status, urgency=p.urgency, due_on=p.due_on,
            days_open=meeting.age_of(p, found_day), overdue=p.due_on < found_day)
            for p in problems.oldest],
        closure=ClosureOut(open_at_start=found.closure.open_at_start,
                           raised=found.closure.raised, closed=found.closure.closed,
                           rate=found.closure.rate),
        pending_risk_proposals=found.pending_risk, talking_points=found.points)


@router.get("/document", response={200: None},
            summary="The briefing of an area and day as a file: format docx, pdf or xlsx "
                    "(Capability.EXPORT)")
def document(request: HttpRequest, area: int, format: str = "pdf",  # noqa: A002
             day: str | None = None) -> HttpResponse:
    found_area, found_day = _area_day(request, area, day)
    if format not in documents.FORMATS:
        raise field_errors({"format": [_("Choose one of %(formats)s.")
                                       % {"formats": ", ".join(documents.FORMATS)}]}, "query")
    require(api_user(request), Capability.EXPORT)
    return views.attachment(content.build(found_area, found_day), format)
