"""API of the bed part 床位 (router mounted at /api/beds): facilities' beds by type, their update,
area totals, the EDXL-HAVE 2.0 and JSON exports, and the patients awaiting a bed.

Rows come through `restrict(user)`; lists page by key (core.api). Updates and requests call
care.beds, whose refusals answer 422 with the field named (a count above the total names
`occupied` or `reserved`). The beds and the waiting figures are counts, open to everyone in the
area; the routes of the waiting list name patients and their cases, so they need VIEW_CASES
(403 otherwise, whatever the id), as the cases app's routes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.areas.api import visible_area
from epigrid.areas.models import Area, Facility
from epigrid.care import beds, have
from epigrid.care.models import AdmissionRequest, BedStock, BedType
from epigrid.cases.access import view_cases_operation
from epigrid.cases.models import Case, Severity
from epigrid.cases.states import Category
from epigrid.core import audit
from epigrid.core.access import Capability, ScopedUser
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
    require,
)

router = Router(tags=["care beds"])
# The waiting list's routes (same prefix, mounted on `router` below): VIEW_CASES or 403.
patients = Router()
patients.add_decorator(view_cases_operation)


# --- schemas ---------------------------------------------------------------------------------

class StockOut(Schema):
    id: int
    facility_id: int
    facility_code: str
    facility_name: str
    facility_kind: str
    area_id: int
    bed_type: str
    total: int
    occupied: int
    reserved: int
    available: int
    updated_at: datetime.datetime
    stale: bool = Field(description=(
        "Not updated for over BEDS_STALE_HOURS (4 h by default), or, with BEDS_UPDATE_TIMES set, "
        "not for the last set update time (from an hour before it)."))

    @staticmethod
    def resolve_facility_code(obj: BedStock) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_facility_name(obj: BedStock) -> str:
        return obj.facility.name

    @staticmethod
    def resolve_facility_kind(obj: BedStock) -> str:
        return obj.facility.kind

    @staticmethod
    def resolve_area_id(obj: BedStock) -> int:
        return obj.facility.area_id

    @staticmethod
    def resolve_stale(obj: BedStock) -> bool:
        return beds.is_stale(obj)


class StockFilters(InSchema):
    area: int | None = Field(None, description="Only facilities in this area id's subtree.")
    facility: int | None = None
    bed_type: BedType | None = None
    stale: bool | None = Field(None, description="Only stale (true) or fresh (false) figures.")


class CountsIn(InSchema):
    total: int = Field(description="Beds of this type, in use or not.")
    occupied: int = 0
    reserved: int = Field(0, description="Held for patients on their way or expected.")


class TypedCountsIn(CountsIn):
    bed_type: BedType


class FacilityBedsIn(InSchema):
    beds: list[TypedCountsIn] = Field(description="Each bed type to set; others are kept.")


class TotalsOut(Schema):
    bed_type: str
    label: str
    facilities: int
    total: int
    occupied: int
    reserved: int
    available: int
    stale: int


class RequestOut(Schema):
    id: int
    case_id: int
    person_name: str
    case_state: str
    pickup_area_id: int
    pickup_area_name: str
    severity: str
    waiting_since: datetime.datetime
    hours_waiting: float
    status: str
    note: str

    @staticmethod
    def resolve_person_name(obj: AdmissionRequest) -> str:
        return obj.case.person.name

    @staticmethod
    def resolve_case_state(obj: AdmissionRequest) -> str:
        return obj.case.state

    @staticmethod
    def resolve_pickup_area_name(obj: AdmissionRequest) -> str:
        return obj.pickup_area.name

    @staticmethod
    def resolve_severity(obj: AdmissionRequest) -> str:
        return obj.severity or obj.case.severity

    @staticmethod
    def resolve_hours_waiting(obj: AdmissionRequest) -> float:
        return round(beds.waited_hours(obj), 1)


class RequestFilters(InSchema):
    area: int | None = None
    severity: Severity | None = None
    category: Category | None = None
    over_24h: bool = Field(False, description="Only patients waiting over 24 hours (应收尽收).")


class RequestIn(InSchema):
    case_id: int
    pickup_area_id: int | None = Field(None, description="Where to collect the patient; the "
                                                         "case's grid if left out.")
    severity: Severity | None = None
    waiting_since: datetime.datetime | None = Field(None, description="Now if left out.")
    note: str = Field("", max_length=300)


class AwaitingOut(Schema):
    awaiting: int
    over_24h: int = Field(description="Waiting over 24 hours: the admit-all 应收尽收 figure.")


# --- helpers ---------------------------------------------------------------------------------

def _stocks(user: ScopedUser) -> QuerySet[BedStock]:
    return BedStock.objects.restrict(user).select_related("facility")


def _area(user: ScopedUser, area_id: int | None) -> Area:
    if area_id is not None:
        return visible_area(user, area_id, "area")
    home = Area.objects.restrict(user).order_by("path").first()
    if home is None:
        raise field_errors({"area": [_("You have no area.")]}, where="query")
    return home


def _aware(at: datetime.datetime | None) -> datetime.datetime | None:
    if at is None:
        return None
    return timezone.make_aware(at) if timezone.is_naive(at) else at


# --- beds ------------------------------------------------------------------------------------

@router.get("/stocks", response=Page[StockOut], summary="Bed figures by facility and type")
def list_stocks(request: HttpRequest, filters: Query[StockFilters],
                page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _stocks(user)
    if filters.area is not None:
        rows = rows.within(visible_area(user, filters.area, "area").path)  # type: ignore[attr-defined]
    if filters.facility is not None:
        rows = rows.filter(facility_id=filters.facility)
    if filters.bed_type:
        rows = rows.filter(bed_type=filters.bed_type)
    if filters.stale is True:
        rows = rows.filter(updated_at__lt=beds.stale_before())
    elif filters.stale is False:
        rows = rows.filter(updated_at__gte=beds.stale_before())
    return keyset_page(rows, page)


@router.get("/stocks/{id}", response=StockOut, summary="One facility's figures of one bed type")
def get_stock(request: HttpRequest, id: int) -> BedStock:
    return get_object_for_user(_stocks(api_user(request)), api_user(request), id)


@router.put("/facilities/{facility_id}/{bed_type}", response=StockOut,
            summary="Set a facility's figures of one bed type")
def put_stock(request: HttpRequest, facility_id: int, bed_type: BedType,
              payload: CountsIn) -> BedStock:
    user = api_user(request)
    facility = get_object_for_user(Facility, user, facility_id)
    require(user, Capability.UPDATE_BEDS)
    stock = beds.update_beds(facility, bed_type, payload.total, payload.occupied,
                             payload.reserved, user)
    return _stocks(user).get(pk=stock.pk)


@router.post("/facilities/{facility_id}", response=list[StockOut],
             summary="Set several bed types of a facility at once (all or none)")
def post_facility_beds(request: HttpRequest, facility_id: int,
                       payload: FacilityBedsIn) -> list[BedStock]:
    user = api_user(request)
    facility = get_object_for_user(Facility, user, facility_id)
    require(user, Capability.UPDATE_BEDS)
    figures = {row.bed_type.value: (row.total, row.occupied, row.reserved)
               for row in payload.beds}
    saved = beds.update_facility_beds(facility, figures, user)
    return list(_stocks(user).filter(pk__in=[s.pk for s in saved]).order_by("bed_type"))


@router.get("/totals", response=list[TotalsOut], summary="An area's beds summed by type")
def totals(request: HttpRequest, area: int | None = None) -> list[beds.Totals]:
    user = api_user(request)
    return beds.area_totals(BedStock.objects.restrict(user).within(_area(user, area).path))


def _export(request: HttpRequest, area_id: int | None, fmt: str) -> dict[str, Any]:
    user = api_user(request)
    require(user, Capability.EXPORT)
    area = _area(user, area_id)
    data = have.figures(beds.stocks_within(user, area).order_by("facility_id", "bed_type"))
    audit.record("export", model=BedStock._meta.label, object_repr=f"beds {area.code}.{fmt}",
                 area_path=area.path, changes={"format": fmt,
                                               "facilities": len(data["facilities"])})
    return data


@router.get("/have.xml", summary="The beds as OASIS EDXL-HAVE 2.0 XML",
            openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}})
def have_xml(request: HttpRequest, area: int | None = None) -> HttpResponse:
    return HttpResponse(have.as_xml(_export(request, area, "xml")),
                        content_type="application/xml")


@router.get("/have.json", summary="The same figures as JSON")
def have_json(request: HttpRequest, area: int | None = None) -> dict[str, Any]:
    return have.as_json(_export(request, area, "json"))


# --- patients awaiting a bed -----------------------------------------------------------------

def _requests(user: ScopedUser) -> QuerySet[AdmissionRequest]:
    return AdmissionRequest.objects.restrict(user).select_related("case", "case__person",
                                                                  "pickup_area")


@patients.get("/requests", response=Page[RequestOut],
              summary="Patients awaiting a bed (pending requests), by id")
def list_requests(request: HttpRequest, filters: Query[RequestFilters],
                  page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    area = visible_area(user, filters.area, "area") if filters.area is not None else None
    rows = beds.awaiting(user, beds.AwaitingFilters(
        area=area, severity=filters.severity or "", category=filters.category or "",
        over_24h=filters.over_24h))
    return keyset_page(rows, page)


@router.get("/requests/figures", response=AwaitingOut,
            summary="How many wait, and how many over 24 h")
def request_figures(request: HttpRequest, area: int | None = None) -> dict[str, int]:
    user = api_user(request)
    found = visible_area(user, area, "area") if area is not None else None
    return beds.awaiting_figures(user, found)


@patients.get("/requests/{id}", response=RequestOut, summary="One admission request")
def get_request(request: HttpRequest, id: int) -> AdmissionRequest:
    user = api_user(request)
    return get_object_for_user(_requests(user), user, id)


@patients.post("/requests", response={201: RequestOut}, summary="Put a case on the waiting list")
def create_request(request: HttpRequest, payload: RequestIn) -> Status[AdmissionRequest]:
    user = api_user(request)
    case = get_object_for_user(Case.objects.select_related("grid"), user, payload.case_id)
    if not beds.may_request(user):
        require(user, Capability.PLAN_TRANSFERS)
    pickup = None
    if payload.pickup_area_id is not None:
        pickup = Area.objects.filter(pk=payload.pickup_area_id).first()
        if pickup is None:
            raise field_errors({"pickup_area_id": [_("No such area.")]})
    made = beds.request_admission(case, pickup, payload.severity or "", user, payload.note,
                                  waiting_since=_aware(payload.waiting_since))
    return Status(201, _requests(user).get(pk=made.pk))


@patients.post("/requests/{id}/cancel", response=RequestOut, summary="Cancel a waiting request")
def cancel(request: HttpRequest, id: int) -> AdmissionRequest:
    user = api_user(request)
    found = get_object_for_user(_requests(user), user, id)
    if not beds.may_request(user):
        require(user, Capability.PLAN_TRANSFERS)
    beds.cancel_request(found, user)
    return _requests(user).get(pk=found.pk)


# `router`'s own routes come first in the URLs: /requests/figures is not read as an id.
router.add_router("", patients)
