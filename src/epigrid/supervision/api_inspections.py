"""The supervision API's inspections 督导检查 and findings 整改 (mounted by supervision.api under
/api/supervision): their schemas and routes.

An inspection and its findings are read through the inspected area's subtree (404 alike for
missing and forbidden). Recording an inspection, adding a finding and verifying one 销号 need
SUPERVISE (`access.may_verify`), rectifying one HANDLE_TASKS (`access.may_rectify`): 403.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from epigrid.areas.api import visible_area
from epigrid.areas.models import Facility
from epigrid.core.access import Capability, subtree_q
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    call_service,
    field_errors,
    get_object_for_user,
    keyset_page,
    person,
    require,
)
from epigrid.core.days import local_day
from epigrid.supervision import access, inspections
from epigrid.supervision.api_schemas import NOTE_MAX, TEXT_MAX
from epigrid.supervision.models import (
    Finding,
    FindingStatus,
    Inspection,
    Severity,
    overdue_findings_q,
)

router = Router()
WAITING = (FindingStatus.OPEN, FindingStatus.RECTIFIED)


# --- schemas -----------------------------------------------------------------------------------

class FindingOut(Schema):
    id: int
    inspection_id: int
    subject: str = Field(description="What the inspection was of.")
    area_id: int
    area_name: str
    description: str
    severity: Severity
    rectify_by: datetime.date
    status: FindingStatus
    overdue: bool = Field(description="Still to be rectified past its day.")
    rectification: str = Field(description="How the area put it right.")
    rectified_at: datetime.datetime | None
    rectified_by: str | None
    verified_at: datetime.datetime | None
    verified_by: str | None = Field(description="Who verified it, or last reopened it.")
    verify_note: str
    reopened_at: datetime.datetime | None = Field(description="When the inspectors last "
                                                              "reopened it.")
    reopens: int = Field(description="How many times the inspectors reopened it.")

    @staticmethod
    def resolve_subject(obj: Finding) -> str:
        return obj.inspection.subject

    @staticmethod
    def resolve_area_id(obj: Finding) -> int:
        return obj.inspection.area_id

    @staticmethod
    def resolve_area_name(obj: Finding) -> str:
        return obj.inspection.area.name

    @staticmethod
    def resolve_overdue(obj: Finding) -> bool:
        return obj.status == FindingStatus.OPEN and obj.rectify_by < local_day()

    @staticmethod
    def resolve_rectified_by(obj: Finding) -> str | None:
        return person(obj.rectified_by)

    @staticmethod
    def resolve_verified_by(obj: Finding) -> str | None:
        return person(obj.verified_by)


class InspectionOut(Schema):
    id: int
    area_id: int
    area_name: str
    facility_id: int | None
    facility_name: str | None
    subject: str
    inspected_on: datetime.date
    inspectors: str
    summary: str
    recorded_by: str | None
    recorded_at: datetime.datetime
    findings_open: int = Field(description="Findings not yet verified (to rectify, or "
                                           "rectified and to verify).")
    findings_total: int

    @staticmethod
    def resolve_area_name(obj: Inspection) -> str:
        return obj.area.name

    @staticmethod
    def resolve_facility_name(obj: Inspection) -> str | None:
        return obj.facility.name if obj.facility is not None else None

    @staticmethod
    def resolve_recorded_by(obj: Inspection) -> str | None:
        return person(obj.recorded_by)

    @staticmethod
    def resolve_recorded_at(obj: Inspection) -> datetime.datetime:
        at: datetime.datetime = obj.created_at
        return at


class InspectionDetailOut(InspectionOut):
    findings: list[FindingOut] = Field(description="In the order found.")

    @staticmethod
    def resolve_findings(obj: Inspection) -> list[Finding]:
        return list(_findings(obj.findings.all()).order_by("pk"))


class InspectionFilters(InSchema):
    area: int | None = Field(None, description="Only inspections in this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="What was inspected or who "
                                                            "inspected contains this.")


class FindingIn(InSchema):
    description: str = Field(max_length=TEXT_MAX)
    severity: Severity = Severity.MINOR
    rectify_by: datetime.date = Field(description="Not before the inspection.")


class InspectionIn(InSchema):
    area: int = Field(description="The area inspected (one of your subtree).")
    facility: int | None = Field(None, description="The site inspected, of the area's subtree; "
                                                   "left out, the area itself.")
    subject: str = Field("", max_length=200, description="What was inspected (default: the "
                                                         "site's name).")
    inspected_on: datetime.date = Field(description="Not in the future.")
    inspectors: str = Field(max_length=200)
    summary: str = Field("", max_length=TEXT_MAX)
    findings: list[FindingIn] = Field([], max_length=100, description="A refused one is named "
                                                                      "`findings.<index>."
                                                                      "<field>`.")


FindingState = Literal["open", "overdue", "rectified", "verified", "any"]


class FindingFilters(InSchema):
    status: FindingState = Field("open", description="open: to rectify or to verify; overdue: "
                                                     "to rectify past its day; any: all.")
    area: int | None = Field(None, description="Only findings in this area id's subtree.")


class RectifyIn(InSchema):
    rectification: str = Field("", max_length=TEXT_MAX, description="How it was put right "
                                                                     "(required).")


class VerifyIn(InSchema):
    accepted: bool = Field(description="true: verified 销号; false: reopened (say why).")
    note: str = Field("", max_length=NOTE_MAX)
    rectify_by: datetime.date | None = Field(None, description="Reopened: a new day, today or "
                                                               "later.")


# --- helpers -----------------------------------------------------------------------------------

def _inspections(rows: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """With their findings counted in the same query."""
    return rows.select_related("area", "facility", "recorded_by").annotate(
        findings_total=Count("findings"),
        findings_open=Count("findings", filter=Q(findings__status__in=WAITING)))


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    found: Inspection = get_object_for_user(_inspections(Inspection.objects.all()),
                                            api_user(request), pk)
    return found


def _findings(rows: QuerySet[Finding]) -> QuerySet[Finding]:
    return rows.select_related("inspection__area", "rectified_by", "verified_by")


def _finding(request: HttpRequest, pk: int) -> Finding:
    found: Finding = get_object_for_user(_findings(Finding.objects.all()), api_user(request), pk)
    return found


def _refused(capability: Capability) -> HttpError:
    return HttpError(403, _("Your role may not do this: %(what)s.") % {
        "what": capability.label})


# --- inspections -------------------------------------------------------------------------------

@router.get("/inspections", response=Page[InspectionOut],
            summary="Inspections of your area's sites, the latest recorded first")
def list_inspections(request: HttpRequest, filters: Query[InspectionFilters],
                     page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _inspections(Inspection.objects.restrict(user))
    if filters.area is not None:
        rows = rows.filter(subtree_q("area__path", visible_area(user, filters.area, "area").path))
    if filters.q:
        rows = rows.filter(Q(subject__icontains=filters.q) | Q(inspectors__icontains=filters.q))
    return keyset_page(rows, page, newest_first=True)


@router.post("/inspections", response={201: InspectionDetailOut},
             summary="Record an inspection (督导检查) with what it found; the area is told")
def record_inspection(request: HttpRequest, payload: InspectionIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.SUPERVISE)
    area = visible_area(user, payload.area, "area", where="body")
    facility = None
    if payload.facility is not None:
        facility = (Facility.objects.restrict(user).select_related("area")
                    .filter(pk=payload.facility).first())
        if facility is None:
            raise field_errors({"facility": [_("No site %(id)s among those you may see.")
                                             % {"id": payload.facility}]})
    made = call_service(lambda: inspections.record_inspection(
        area, by=user, inspected_on=payload.inspected_on, inspectors=payload.inspectors,
        facility=facility, subject=payload.subject, summary=payload.summary,
        findings=[inspections.FindingInput(finding.description, finding.rectify_by,
                                           finding.severity) for finding in payload.findings]))
    return Status(201, _inspection(request, made.pk))


@router.get("/inspections/{int:inspection_id}", response=InspectionDetailOut,
            summary="One inspection with its findings")
def get_inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    return _inspection(request, inspection_id)


@router.post("/inspections/{int:inspection_id}/findings", response={201: FindingOut},
             summary="Add a finding to an inspection (written up after the visit)")
def add_finding(request: HttpRequest, inspection_id: int, payload: FindingIn) -> Status[Any]:
    user = api_user(request)
    inspection = _inspection(request, inspection_id)
    require(user, Capability.SUPERVISE)
    made = call_service(lambda: inspections.add_finding(inspection, inspections.FindingInput(
        payload.description, payload.rectify_by, payload.severity), by=user))
    return Status(201, _finding(request, made.pk))


# --- findings ----------------------------------------------------------------------------------

@router.get("/findings", response=Page[FindingOut],
            summary="Findings of your area's inspections (default: those not yet verified)")
def list_findings(request: HttpRequest, filters: Query[FindingFilters],
                  page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _findings(Finding.objects.restrict(user))
    if filters.status == "open":
        rows = rows.filter(status__in=WAITING)
    elif filters.status == "overdue":
        rows = rows.filter(overdue_findings_q(local_day()))
    elif filters.status != "any":
        rows = rows.filter(status=filters.status)
    if filters.area is not None:
        path = visible_area(user, filters.area, "area").path
        rows = rows.filter(subtree_q("inspection__area__path", path))
    return keyset_page(rows, page)


@router.post("/findings/{int:finding_id}/rectify", response=FindingOut,
             summary="Say how a finding was put right (整改); the inspectors then verify it")
def rectify_finding(request: HttpRequest, finding_id: int, payload: RectifyIn) -> Finding:
    user = api_user(request)
    finding = _finding(request, finding_id)
    if not access.may_rectify(user, finding):
        raise _refused(Capability.HANDLE_TASKS)
    call_service(lambda: inspections.rectify(finding, by=user,
                                             rectification=payload.rectification))
    return _finding(request, finding_id)


@router.post("/findings/{int:finding_id}/verify", response=FindingOut,
             summary="Verify a rectified finding (销号), or reopen it saying why")
def verify_finding(request: HttpRequest, finding_id: int, payload: VerifyIn) -> Finding:
    user = api_user(request)
    finding = _finding(request, finding_id)
    if not access.may_verify(user, finding):
        raise _refused(Capability.SUPERVISE)
    call_service(lambda: inspections.verify(finding, by=user, accepted=payload.accepted,
                                            note=payload.note, rectify_by=payload.rectify_by))
    return _finding(request, finding_id)
