"""API of the transfer plan 转运收治 (router mounted at /api/transfers): compute an area's plan,
read the current one, its transfers and unplaced patients, move a transfer on, override one,
and the progress snapshots.

Reading a plan's counts and the snapshots needs only the area in scope; the transfers and the
unplaced are rows of patients (masked names, case ids), so they and the routes answering a
transfer need VIEW_CASES (403 otherwise, whatever the id), as the cases app's routes.
Computing, moving and overriding need PLAN_TRANSFERS. Refusals of the services answer 422 with
the field named.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from epigrid.areas.models import Area, Facility
from epigrid.care import plans
from epigrid.care.models import (
    BedType,
    ProgressSnapshot,
    Transfer,
    TransferPlan,
    Unplaced,
)
from epigrid.care.plan_documents import masked
from epigrid.cases.access import view_cases_operation
from epigrid.core.access import Capability
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    get_object_for_user,
    keyset_page,
    not_found,
    require,
)

router = Router(tags=["care plans"])
# The routes naming patients (same prefix, mounted on `router` below): VIEW_CASES or 403.
patients = Router()
patients.add_decorator(view_cases_operation)


class PlanOut(Schema):
    id: int
    area_id: int
    day: datetime.date
    status: str
    created_at: datetime.datetime
    patients: int
    placed: int
    unplaced: int
    cost_km: float = Field(description="The objective, in km (see docs/care.md).")
    solve_seconds: float


class TransferOut(Schema):
    id: int
    plan_id: int
    request_id: int
    case_id: int
    patient: str = Field(description="The patient's name, masked.")
    pickup_area_id: int
    facility_id: int
    facility_name: str
    bed_type: str
    distance_km: float
    batch: int
    status: str
    status_at: datetime.datetime
    override_reason: str


class UnplacedOut(Schema):
    id: int
    request_id: int
    case_id: int
    patient: str
    reason: str


class SnapshotOut(Schema):
    area_id: int
    at: datetime.datetime
    awaiting: int
    dispatched: int
    admitted: int
    waiting_over_24h: int


class ComputeIn(InSchema):
    day: datetime.date | None = Field(None, description="The plan's day; today by default.")


class StatusIn(InSchema):
    status: Transfer.Status
    at: datetime.datetime | None = Field(None, description="When; now by default.")


class OverrideIn(InSchema):
    facility_id: int
    bed_type: BedType
    reason: str = Field(min_length=1, max_length=300)


def plan_out(plan: TransferPlan) -> PlanOut:
    return PlanOut(id=plan.pk, area_id=plan.area_id, day=plan.day, status=plan.status,
                   created_at=plan.created_at, patients=plan.patients, placed=plan.placed,
                   unplaced=plan.patients - plan.placed, cost_km=plan.cost,
                   solve_seconds=plan.solve_seconds)


def transfer_out(t: Transfer) -> TransferOut:
    return TransferOut(id=t.pk, plan_id=t.plan_id, request_id=t.request_id,
                       case_id=t.request.case_id, patient=masked(t.request.case.person.name),
                       pickup_area_id=t.request.pickup_area_id, facility_id=t.facility_id,
                       facility_name=t.facility.name, bed_type=t.bed_type,
                       distance_km=t.distance_km, batch=t.batch, status=t.status,
                       status_at=t.status_at, override_reason=t.override_reason)


def _transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    user = api_user(request)
    require(user, Capability.PLAN_TRANSFERS)
    return get_object_for_user(Transfer, user, transfer_id)


@router.post("/areas/{int:area_id}/plan", response={201: PlanOut},
             summary="Compute the day's plan of an area (supersedes the current one)")
def compute(request: HttpRequest, area_id: int, data: ComputeIn) -> Status:
    user = api_user(request)
    area = get_object_for_user(Area, user, area_id)
    require(user, Capability.PLAN_TRANSFERS)
    plan = plans.compute_plan(area, user, data.day or timezone.localdate())
    return Status(201, plan_out(plan))


@router.get("/areas/{int:area_id}/plan", response=PlanOut,
            summary="The current plan of an area")
def current(request: HttpRequest, area_id: int) -> PlanOut:
    area = get_object_for_user(Area, api_user(request), area_id)
    plan = plans.current_plan(area)
    if plan is None:
        raise not_found()
    return plan_out(plan)


@patients.get("/plans/{int:plan_id}/transfers", response=Page[TransferOut],
              summary="A plan's transfers (those of the patients you may see), by id")
def transfers(request: HttpRequest, plan_id: int,
              params: Query[PageParams]) -> dict[str, object]:
    user = api_user(request)
    plan = get_object_for_user(TransferPlan, user, plan_id)
    rows = Transfer.objects.restrict(user).filter(plan=plan).select_related(
        "request__case__person", "facility")
    page = keyset_page(rows, params)
    page["items"] = [transfer_out(t) for t in page["items"]]
    return page


@patients.get("/plans/{int:plan_id}/unplaced", response=list[UnplacedOut],
              summary="The patients a plan could not place, and why")
def unplaced(request: HttpRequest, plan_id: int) -> list[UnplacedOut]:
    user = api_user(request)
    plan = get_object_for_user(TransferPlan, user, plan_id)
    rows = Unplaced.objects.restrict(user).filter(plan=plan).select_related(
        "request__case__person").order_by("pk")
    return [UnplacedOut(id=u.pk, request_id=u.request_id, case_id=u.request.case_id,
                        patient=masked(u.request.case.person.name), reason=u.reason)
            for u in rows]


@patients.post("/{int:transfer_id}/status", response=TransferOut,
               summary="Move a transfer on (dispatched, arrived, admitted or failed)")
def set_status(request: HttpRequest, transfer_id: int, data: StatusIn) -> TransferOut:
    transfer = _transfer(request, transfer_id)
    plans.set_transfer_status(transfer, data.status, api_user(request), data.at)
    return transfer_out(Transfer.objects.select_related(
        "request__case__person", "facility").get(pk=transfer.pk))


@patients.post("/{int:transfer_id}/override", response=TransferOut,
               summary="Send a planned patient to another facility and bed type, with a reason")
def override(request: HttpRequest, transfer_id: int, data: OverrideIn) -> TransferOut:
    transfer = _transfer(request, transfer_id)
    user = api_user(request)
    facility = get_object_for_user(Facility, user, data.facility_id)
    plans.override_transfer(transfer, facility, data.bed_type, data.reason, user)
    return transfer_out(Transfer.objects.select_related(
        "request__case__person", "facility").get(pk=transfer.pk))


@router.get("/areas/{int:area_id}/snapshots", response=list[SnapshotOut],
            summary="The progress snapshots of an area, latest first (at most 100)")
def snapshots(request: HttpRequest, area_id: int) -> list[SnapshotOut]:
    area = get_object_for_user(Area, api_user(request), area_id)
    return [SnapshotOut(area_id=s.area_id, at=s.at, awaiting=s.awaiting,
                        dispatched=s.dispatched, admitted=s.admitted,
                        waiting_over_24h=s.waiting_over_24h)
            for s in ProgressSnapshot.objects.filter(area=area).order_by("-at")[:100]]


router.add_router("", patients)
