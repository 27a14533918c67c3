"""API of duty shifts 值守排班 (router mounted at /api/duty): shifts and assignments of a
checkpoint, who is on duty now, the gaps of the coming week and hours per person. A person's
phone is answered masked (`phone_masked`), as on the pages.

Reads are scoped like the pages (missing and forbidden are one 404); writes need MANAGE_SHIFTS
(403) and go through checkpoints.duty, whose refusals answer 422 naming the field.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints import duty, duty_handover, duty_queries
from epigrid.checkpoints.figure_api import period_or_422
from epigrid.checkpoints.models import Assignment, DutyShift
from epigrid.core.access import Capability
from epigrid.core.api import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InSchema,
    NumberedPage,
    NumberParams,
    api_user,
    field_errors,
    get_object_for_user,
    numbered_page,
    require,
)
from epigrid.core.paging import split_page

router = Router(tags=["duty shifts"])


class PersonOut(Schema):
    id: int
    name: str
    phone_masked: str = Field(description="Masked like 138****5678 (empty when none): the "
                                          "duty routes never answer a full staff phone.")


class ShiftOut(Schema):
    id: int
    checkpoint_id: int
    person: PersonOut | None
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    note: str
    signed_off_at: datetime.datetime | None = Field(
        None, description="When its person signed it off (交班); null until then.")
    handover_note: str = ""


class SignOffIn(InSchema):
    handover_note: str = Field("", description="What the next shift must know (300 "
                                               "characters at most).")


class ShiftIn(InSchema):
    user_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    note: str = ""


class ShiftPatch(InSchema):
    user_id: int | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    note: str | None = None


class WindowOut(Schema):
    start: datetime.datetime
    end: datetime.datetime
    hours: float


class CheckpointNowOut(Schema):
    checkpoint_id: int
    checkpoint_name: str
    on_duty: list[ShiftOut]


class AreaNowOut(Schema):
    at: datetime.datetime
    unstaffed: int
    items: list[CheckpointNowOut]
    next_after: str | None


class CheckpointGapsOut(Schema):
    checkpoint_id: int
    checkpoint_name: str
    gaps: list[WindowOut]


class GapsPage(Schema):
    items: list[CheckpointGapsOut]
    next_after: str | None = Field(description="Pass as `after` for the next page; null on "
                                               "the last.")


class GapsParams(InSchema):
    """A page of checkpoints by code: those after the code `after`."""

    after: str = Field("", description="The `next_after` of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                       description=f"Checkpoints per page, at most {MAX_LIMIT}.")


class HoursOut(Schema):
    person: PersonOut
    shifts: int
    hours: float


class AssignmentOut(Schema):
    id: int
    checkpoint_id: int
    person: PersonOut


class AssignmentIn(InSchema):
    user_id: int


def person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name,
            "phone_masked": duty.masked_phone(user)}


def shift_out(shift: DutyShift) -> dict[str, Any]:
    return {"id": shift.pk, "checkpoint_id": shift.checkpoint_id, "person": person(shift.user),
            "starts_at": shift.starts_at, "ends_at": shift.ends_at, "note": shift.note,
            "signed_off_at": shift.signed_off_at, "handover_note": shift.handover_note}


def window_out(window: duty_queries.Window) -> dict[str, Any]:
    return {"start": window.start, "end": window.end, "hours": window.hours}


def aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """Times without an offset are read in the deployment's time zone."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def staff_member(user_id: int) -> User:
    """The person named in a body (who they are is checked by the service's rules)."""
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise field_errors({"user_id": [_("No such person.")]})
    return found


def get_checkpoint(request: HttpRequest, checkpoint_id: int) -> Checkpoint:
    return get_object_for_user(Checkpoint.objects.select_related("area"), api_user(request),
                               checkpoint_id)


def get_shift(request: HttpRequest, shift_id: int) -> DutyShift:
    return get_object_for_user(DutyShift.objects.select_related(
        "checkpoint", "checkpoint__area", "user"), api_user(request), shift_id)


@router.get("/checkpoints/{int:checkpoint_id}/shifts", response=list[ShiftOut],
            summary="A checkpoint's shifts over a period (`day`, `days`)")
def list_shifts(request: HttpRequest, checkpoint_id: int, day: str | None = None,
                days: str | None = None) -> list[dict[str, Any]]:
    checkpoint = get_checkpoint(request, checkpoint_id)
    period = period_or_422(day, days)
    shifts = (DutyShift.objects.restrict(api_user(request)).filter(
        checkpoint=checkpoint, starts_at__lt=period.end, ends_at__gt=period.start)
        .select_related("user").order_by("starts_at", "pk"))
    return [shift_out(shift) for shift in shifts]


@router.post("/checkpoints/{int:checkpoint_id}/shifts", response={201: ShiftOut},
             summary="Plan a shift")
def create_shift(request: HttpRequest, checkpoint_id: int,
                 payload: ShiftIn) -> Status:
    user = api_user(request)
    checkpoint = get_checkpoint(request, checkpoint_id)
    require(user, Capability.MANAGE_SHIFTS)
    shift = duty.create_shift(user, checkpoint, staff_member(payload.user_id),
                              aware(payload.starts_at), aware(payload.ends_at),  # type: ignore[arg-type]
                              payload.note)
    return Status(201, shift_out(shift))


@router.patch("/shifts/{int:shift_id}", response=ShiftOut, summary="Change a shift")
def update_shift(request: HttpRequest, shift_id: int, payload: ShiftPatch) -> dict[str, Any]:
    user = api_user(request)
    shift = get_shift(request, shift_id)
    require(user, Capability.MANAGE_SHIFTS)
    changes: dict[str, Any] = {name: aware(value) if isinstance(value, datetime.datetime)
                               else value
                               for name, value in payload.dict(exclude_unset=True).items()
                               if value is not None and name != "user_id"}
    if payload.user_id is not None:
        changes["user"] = staff_member(payload.user_id)
    return shift_out(duty.update_shift(user, shift, **changes))


@router.post("/shifts/{int:shift_id}/sign-off", response=ShiftOut,
             summary="Sign off one's own shift (交班), with a note for the next shift")
def sign_off_shift(request: HttpRequest, shift_id: int, payload: SignOffIn) -> dict[str, Any]:
    return shift_out(duty_handover.sign_off(api_user(request), get_shift(request, shift_id),
                                            payload.handover_note))


@router.delete("/shifts/{int:shift_id}", response={204: None}, summary="Delete a shift")
def delete_shift(request: HttpRequest, shift_id: int) -> Status:
    user = api_user(request)
    shift = get_shift(request, shift_id)
    require(user, Capability.MANAGE_SHIFTS)
    duty.delete_shift(user, shift)
    return Status(204, None)


@router.get("/checkpoints/{int:checkpoint_id}/now", response=CheckpointNowOut,
            summary="Who is on duty at a checkpoint now")
def checkpoint_now(request: HttpRequest, checkpoint_id: int) -> dict[str, Any]:
    checkpoint = get_checkpoint(request, checkpoint_id)
    shifts = duty_queries.on_duty(api_user(request), checkpoint)
    return {"checkpoint_id": checkpoint.pk, "checkpoint_name": checkpoint.name,
            "on_duty": [shift_out(shift) for shift in shifts]}


@router.get("/checkpoints/{int:checkpoint_id}/gaps", response=list[WindowOut],
            summary="Times in the coming 7 days with nobody on duty at a checkpoint")
def checkpoint_gaps(request: HttpRequest, checkpoint_id: int) -> list[dict[str, Any]]:
    checkpoint = get_checkpoint(request, checkpoint_id)
    return [window_out(w) for w in duty_queries.checkpoint_gaps(api_user(request), checkpoint)]


@router.get("/areas/{int:area_id}/now", response=AreaNowOut,
            summary="An area's checkpoints with who is on duty now, a page at a time by code")
def area_now(request: HttpRequest, area_id: int, after: str = "",
             unstaffed: bool = False) -> dict[str, Any]:
    user = api_user(request)
    area: Area = get_object_for_user(Area, user, area_id)
    at = timezone.now()
    rows, next_after = duty_queries.area_on_duty(user, area, at, after, unstaffed)
    return {"at": at, "unstaffed": duty_queries.unstaffed_count(user, area, at),
            "next_after": next_after or None,
            "items": [{"checkpoint_id": row.checkpoint.pk, "checkpoint_name": row.checkpoint.name,
                       "on_duty": [shift_out(s) for s in row.shifts]} for row in rows]}


@router.get("/areas/{int:area_id}/gaps", response=GapsPage,
            summary="An area's checkpoints with times in the coming 7 days nobody is on duty, "
                    "a page at a time by code")
def area_gaps(request: HttpRequest, area_id: int, params: Query[GapsParams]) -> dict[str, Any]:
    user = api_user(request)
    area: Area = get_object_for_user(Area, user, area_id)
    page, more = split_page(duty_queries.area_gaps(user, area, after=params.after,
                                                   limit=params.limit + 1), params.limit)
    return {"items": [{"checkpoint_id": cp.pk, "checkpoint_name": cp.name,
                       "gaps": [window_out(w) for w in gaps]} for cp, gaps in page],
            "next_after": page[-1][0].code if more else None}


@router.get("/areas/{int:area_id}/hours", response=NumberedPage[HoursOut],
            summary="Hours on duty per person at an area's checkpoints over a period, most "
                    "first, a page at a time")
def area_hours(request: HttpRequest, area_id: int, page: Query[NumberParams],
               day: str | None = None, days: str | None = None) -> dict[str, Any]:
    user = api_user(request)
    area: Area = get_object_for_user(Area, user, area_id)
    period = period_or_422(day, days)
    rows, next_page = numbered_page(list(
        duty_queries.hours_rows(user, area, period)[page.offset:page.offset + page.limit + 1]),
        page)
    return {"items": [{"person": person(row.user), "shifts": row.shifts, "hours": row.hours}
                      for row in duty_queries.people_of(rows)], "next_page": next_page}


@router.get("/checkpoints/{int:checkpoint_id}/assignments", response=list[AssignmentOut],
            summary="Who is assigned to a checkpoint")
def list_assignments(request: HttpRequest, checkpoint_id: int) -> list[dict[str, Any]]:
    checkpoint = get_checkpoint(request, checkpoint_id)
    found = (Assignment.objects.restrict(api_user(request)).filter(checkpoint=checkpoint)
             .select_related("user").order_by("user__username"))
    return [{"id": a.pk, "checkpoint_id": a.checkpoint_id, "person": person(a.user)}
            for a in found]


@router.post("/checkpoints/{int:checkpoint_id}/assignments", response={201: AssignmentOut},
             summary="Assign a person to a checkpoint")
def create_assignment(request: HttpRequest, checkpoint_id: int,
                      payload: AssignmentIn) -> Status:
    user = api_user(request)
    checkpoint = get_checkpoint(request, checkpoint_id)
    require(user, Capability.MANAGE_SHIFTS)
    made = duty.assign(user, checkpoint, staff_member(payload.user_id))
    return Status(201, {"id": made.pk, "checkpoint_id": checkpoint.pk,
                        "person": person(made.user)})


@router.delete("/assignments/{int:assignment_id}", response={204: None},
               summary="End an assignment")
def delete_assignment(request: HttpRequest, assignment_id: int) -> Status:
    user = api_user(request)
    assignment = get_object_for_user(Assignment.objects.select_related(
        "checkpoint", "checkpoint__area"), user, assignment_id)
    require(user, Capability.MANAGE_SHIFTS)
    duty.unassign(user, assignment)
    return Status(204, None)
