"""Writes of the transfer plan 转运收治: computing the day's plan, overriding an assignment,
following each transfer to admission, and the progress snapshots.

The planner runs before anything is written; the plan, its transfers and its unplaced patients
are then written in one transaction, so a plan that fails leaves the previous one in place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from epigrid.areas.models import Area, Facility
from epigrid.care import plan_inputs, planner
from epigrid.care import rules as placement
from epigrid.care.models import (
    AdmissionRequest,
    BedStock,
    BedType,
    Transfer,
    TransferPlan,
    Unplaced,
)
from epigrid.cases import services as case_services
from epigrid.cases.states import State

# Stored in English and translated where shown (Unplaced.reason).
REASONS = {
    planner.NO_RULE: gettext_noop("no placement rule for this patient's category"),
    planner.NO_BED_AT_ALL: gettext_noop("no capable bed at all"),
    planner.NOT_IN_REACH: gettext_noop("no capable bed within reach"),
    planner.EXHAUSTED: gettext_noop("capacity exhausted: every capable bed within reach is "
                                    "taken"),
    planner.NO_PLACE: gettext_noop("the pick-up place is not on the map"),
}
S = Transfer.Status
# Where a transfer may go from each status; a failed or admitted transfer is done.
NEXT: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.DISPATCHED, S.ARRIVED, S.ADMITTED, S.FAILED}),
    S.DISPATCHED: frozenset({S.ARRIVED, S.ADMITTED, S.FAILED}),
    S.ARRIVED: frozenset({S.ADMITTED, S.FAILED}),
    S.ADMITTED: frozenset(),
    S.FAILED: frozenset(),
}
WRITE_BATCH = 5000
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def compute_plan(area: Area, user: Any, day: datetime.date, *,
                 rules: planner.Rules | None = None,
                 now: datetime.datetime | None = None) -> TransferPlan:
    """The plan of `day` for every patient waiting in `area`, superseding the current one."""
    rules = rules or placement.load()
    now = now or timezone.now()
    stocks, figures = plan_inputs.stocks(area.path)
    if not figures:
        raise ValidationError(_("There are no bed figures for %(area)s yet: the facilities must "
                                "enter their beds before a plan can be computed.")
                              % {"area": area.name})
    patients, paths = plan_inputs.patients(area.path, rules, now)
    result = planner.solve(patients, stocks, rules)
    return _write(area, user, day, len(patients), paths, result)


@transaction.atomic
def _write(area: Area, user: Any, day: datetime.date, patients: int, paths: dict[int, str],
           result: planner.Result) -> TransferPlan:
    # One plan of an area at a time: a second computation waits for the first to commit.
    Area.objects.select_for_update().filter(pk=area.pk).first()
    TransferPlan.objects.filter(area=area, status=TransferPlan.Status.CURRENT).update(
        status=TransferPlan.Status.SUPERSEDED)
    plan = TransferPlan.objects.create(
        area=area, area_path=area.path, day=day, created_by=user, patients=patients,
        placed=len(result.placements), cost=round(result.objective * planner.UNIT_M / 1000, 2),
        solve_seconds=round(result.solve_s, 3))
    now = timezone.now()
    insert_rows(Transfer, ("plan_id", "request_id", "area_path", "facility_id", "bed_type",
                           "distance_km", "batch", "status", "status_at", "override_reason"),
                ((plan.pk, p.patient, paths[p.patient], p.facility, p.bed_type, p.distance_km,
                  min(p.batch, 32767), S.PLANNED, now, "") for p in result.placements))
    insert_rows(Unplaced, ("plan_id", "request_id", "area_path", "reason"),
                ((plan.pk, pk, paths[pk], REASONS[code]) for pk, code in result.unplaced.items()))
    AdmissionRequest.objects.filter(
        pk__in=Transfer.objects.filter(plan=plan).values("request_id")).exclude(
        status=AdmissionRequest.Status.PLANNED).update(status=AdmissionRequest.Status.PLANNED)
    AdmissionRequest.objects.filter(
        pk__in=Unplaced.objects.filter(plan=plan).values("request_id"),
        status=AdmissionRequest.Status.PLANNED).update(status=AdmissionRequest.Status.WAITING)
    return plan


def insert_rows(model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
                ) -> None:
    """Write plain rows fast: COPY on PostgreSQL, one prepared INSERT for many rows elsewhere.

    A plan writes a row per patient (50,000 in a city); building model instances for them costs
    more than the solve itself."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One block of COPY text, written at once: far faster than row by row.
            text = "".join("\t".join("\\N" if v is None else str(v).translate(COPY_ESCAPES)
                                     for v in row) + "\n" for row in rows)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                copy.write(text)
            return
        marks = ", ".join(["%s"] * len(columns))
        # Table and column names come from the model, every value is bound.
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == WRITE_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def current_plan(area: Area) -> TransferPlan | None:
    return TransferPlan.objects.filter(area=area, status=TransferPlan.Status.CURRENT).first()


def _need(request: AdmissionRequest, rules: planner.Rules) -> str:
    return placement.need_of(request.case.state, request.severity or request.case.severity,
                             rules)


def _distance(request: AdmissionRequest, facility: Facility) -> float:
    point = plan_inputs.area_points({request.pickup_area_id}).get(request.pickup_area_id)
    if point is None or facility.latitude is None or facility.longitude is None:
        return 0.0
    return planner.distance_km(point, (float(facility.latitude), float(facility.longitude)))


@transaction.atomic
def override_transfer(transfer: Transfer, facility: Facility, bed_type: str, reason: str,
                      user: Any, *, rules: planner.Rules | None = None) -> Transfer:
    """Send a planned patient elsewhere, for a reason, if that bed may take them and is free."""
    rules = rules or placement.load()
    transfer = Transfer.objects.select_for_update().select_related(
        "plan", "request__case").get(pk=transfer.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is changed.")})
    if transfer.status != S.PLANNED or transfer.plan.status != TransferPlan.Status.CURRENT:
        raise ValidationError(_("Only a planned transfer of the current plan can be changed."))
    if bed_type not in BedType.values:
        raise ValidationError({"bed_type": _("Choose a bed type.")})
    if not (facility.active and facility.area.path.startswith(transfer.plan.area_path)):
        raise ValidationError({"facility": _("%(facility)s is not an active facility of the "
                                             "plan's area.") % {"facility": facility}})
    need = _need(transfer.request, rules)
    if not placement.may_take(need, facility.kind, bed_type, rules):
        raise ValidationError({"bed_type": _(
            "A %(kind)s's %(bed)s may not take this patient (by the placement rules).") % {
            "kind": facility.get_kind_display(), "bed": BedType(bed_type).label}})
    stock = BedStock.objects.select_for_update().filter(facility=facility,
                                                        bed_type=bed_type).first()
    if stock is None:
        raise ValidationError({"bed_type": _("%(facility)s has given no figures for this bed "
                                             "type.") % {"facility": facility}})
    counted = plan_inputs.in_flight(facility.area.path).get((facility.pk, bed_type), 0)
    counted += plan_inputs.planned_in(transfer.plan_id).get((facility.pk, bed_type), 0)
    if stock.available - counted < 1:
        raise ValidationError({"facility": _("%(facility)s has no free bed of this type left.")
                               % {"facility": facility}})
    last = Transfer.objects.filter(plan_id=transfer.plan_id).aggregate(b=Max("batch"))["b"]
    transfer.facility = facility
    transfer.bed_type = bed_type
    transfer.distance_km = _distance(transfer.request, facility)
    transfer.batch = min((last or 0) + 1, 32767)  # a vehicle of its own
    transfer.override_reason = reason.strip()
    transfer.overridden_by = user
    transfer.status_at = timezone.now()
    transfer.save(update_fields=["facility", "bed_type", "distance_km", "batch",
                                 "override_reason", "overridden_by", "status_at"])
    return transfer


@transaction.atomic
def set_transfer_status(transfer: Transfer, status: str, user: Any,
                        at: datetime.datetime | None = None) -> Transfer:
    """Move a transfer on; admission takes a bed and admits the patient (a confirmed case
    becomes "admitted"); a failed transfer puts the patient back in the queue."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("transfer times must be aware")
    transfer = Transfer.objects.select_for_update().select_related(
        "plan", "request__case", "facility").get(pk=transfer.pk)
    if status not in NEXT.get(transfer.status, frozenset()):
        raise ValidationError({"status": _("A transfer cannot go from “%(current)s” to "
                                           "“%(target)s”.") % {
            "current": S(transfer.status).label,
            "target": S(status).label if status in S.values else status}})
    if transfer.status == S.PLANNED and transfer.plan.status != TransferPlan.Status.CURRENT:
        raise ValidationError(_("This plan has been superseded; follow the current plan."))
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("A transfer's status cannot be dated in the future.")})
    if at < transfer.status_at:
        raise ValidationError({"at": _("The change cannot be dated before the transfer's last "
                                       "one.")})
    request = transfer.request
    if status == S.ADMITTED:
        _admit(transfer, user, at)
    elif status == S.FAILED and request.status == AdmissionRequest.Status.PLANNED:
        request.status = AdmissionRequest.Status.WAITING
        request.save(update_fields=["status"])
    transfer.status = status
    transfer.status_at = at
    transfer.save(update_fields=["status", "status_at"])
    return transfer


def _admit(transfer: Transfer, user: Any, at: datetime.datetime) -> None:
    stock = BedStock.objects.select_for_update().filter(
        facility_id=transfer.facility_id, bed_type=transfer.bed_type).first()
    if stock is None or stock.available < 1:
        raise ValidationError({"status": _("%(facility)s has no free %(bed)s bed: update its "
                                           "figures first.") % {
            "facility": transfer.facility, "bed": BedType(transfer.bed_type).label}})
    stock.occupied += 1
    stock.updated_by = user
    stock.save(update_fields=["occupied", "updated_by"])
    request = transfer.request
    request.status = AdmissionRequest.Status.ADMITTED
    request.save(update_fields=["status"])
    if request.case.state == State.CONFIRMED:
        case_services.transition(request.case, State.ADMITTED, by=user, at=at,
                                 reason=_("Admitted to %(facility)s") % {
                                     "facility": transfer.facility})
