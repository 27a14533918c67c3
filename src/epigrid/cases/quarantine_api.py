"""API of quarantine and follow-ups (router mounted at /api/quarantine).

Reads come through `Quarantine.objects.restrict(user)` (404 alike for missing and forbidden);
writes call quarantine.py and followup.py, whose refusals answer 422 naming the field.
Starting, releasing and extending need CHANGE_CASES; recording a follow-up needs FOLLOW_UP.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.areas.api import visible_area
from epigrid.areas.models import Facility
from epigrid.cases import followup
from epigrid.cases import quarantine as q
from epigrid.cases.access import view_cases_operation
from epigrid.cases.models import Case, FollowUp, MissedFollowUp, Quarantine, QuarantineRoom
from epigrid.cases.quarantine_forms import DUE_SOON_DAYS
from epigrid.core.access import Capability
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

router = Router(tags=["quarantine"])
# Every route names persons and their health: VIEW_CASES or 403 (cases.access).
router.add_decorator(view_cases_operation)
RELATED = ("case__person", "case__grid", "site", "room")


# --- schemas -----------------------------------------------------------------------------------

class QuarantineOut(Schema):
    id: int
    case_id: int
    person_id: int
    person_name: str
    grid_name: str
    kind: str
    site_id: int | None
    site_name: str | None
    room_id: int | None
    room_number: str | None
    starts_on: datetime.date
    planned_end: datetime.date
    extensions: int
    ended_on: datetime.date | None
    outcome: str

    @staticmethod
    def resolve_person_id(obj: Quarantine) -> int:
        return obj.case.person_id

    @staticmethod
    def resolve_person_name(obj: Quarantine) -> str:
        return obj.case.person.name

    @staticmethod
    def resolve_grid_name(obj: Quarantine) -> str:
        return obj.case.grid.name

    @staticmethod
    def resolve_site_name(obj: Quarantine) -> str | None:
        return obj.site.name if obj.site else None

    @staticmethod
    def resolve_room_number(obj: Quarantine) -> str | None:
        return obj.room.number if obj.room else None


class FollowUpOut(Schema):
    id: int
    day: datetime.date
    slot: str
    temperature: Decimal
    symptoms: str
    recorded_at: datetime.datetime


class MissedOut(Schema):
    day: datetime.date
    slot: str
    flagged_at: datetime.datetime
    escalated_at: datetime.datetime | None
    caught_up_at: datetime.datetime | None


class QuarantineDetailOut(QuarantineOut):
    follow_ups: list[FollowUpOut] = Field(description="Newest first, at most 60.")
    missed: list[MissedOut]

    @staticmethod
    def resolve_follow_ups(obj: Quarantine) -> list[FollowUp]:
        return list(obj.follow_ups.order_by("-day", "-slot")[:60])

    @staticmethod
    def resolve_missed(obj: Quarantine) -> list[MissedFollowUp]:
        return list(MissedFollowUp.objects.filter(quarantine=obj).order_by("-day", "slot"))


class Filters(InSchema):
    kind: Quarantine.Kind | None = None
    site: int | None = Field(None, description="Only this quarantine site's.")
    status: str | None = Field(None, pattern="^(open|ended)$")
    due: bool = Field(False, description=f"Open ones ending within {DUE_SOON_DAYS} days.")
    area: int | None = Field(None, description="Only this area id's subtree.")


class StartIn(InSchema):
    case_id: int
    kind: Quarantine.Kind
    starts_on: datetime.date | None = Field(None, description="Defaults to today.")
    site_id: int | None = Field(None, description="Centralized: the quarantine site.")
    room_id: int | None = Field(None, description="Centralized: a room of the site.")


class ReleaseIn(InSchema):
    on: datetime.date | None = Field(None, description="Defaults to today.")


class ExtendIn(InSchema):
    exposure_date: datetime.date
    reason: str = Field(max_length=300)


class FollowUpIn(InSchema):
    day: datetime.date | None = Field(None, description="Defaults to today.")
    slot: FollowUp.Slot
    temperature: Decimal = Field(description="°C, 34.0 to 43.0.")
    symptoms: str = Field("", max_length=200)


class RecordedOut(Schema):
    follow_up: FollowUpOut
    abnormal: bool
    escalated: bool = Field(description="The case went to “fever” and the quarantine ended.")
    resent: bool = Field(description="The same reading was recorded before (a resend): "
                                     "nothing was done again; answered 200.")


class TodayOut(Schema):
    quarantine: QuarantineOut
    due: list[str]
    missed: list[str]
    records: dict[str, FollowUpOut | None]


class TodayFilters(InSchema):
    site: int | None = Field(None, description="A quarantine site's round instead of the "
                                               "home quarantines of your area.")


# --- helpers -----------------------------------------------------------------------------------

def _quarantine(request: HttpRequest, pk: int) -> Quarantine:
    return get_object_for_user(Quarantine.objects.select_related(*RELATED), api_user(request), pk)


def _site(request: HttpRequest, pk: int, param: str, where: str = "query") -> Facility:
    site = Facility.objects.restrict(api_user(request)).filter(
        pk=pk, kind=Facility.Kind.QUARANTINE_SITE).first()
    if site is None:
        raise field_errors({param: [_("No quarantine site %(id)s among the sites you may "
                                      "see.") % {"id": pk}]}, where=where)
    return site


# --- routes ------------------------------------------------------------------------------------

@router.get("", response=Page[QuarantineOut], summary="Quarantines of your area")
def list_quarantines(request: HttpRequest, filters: Query[Filters],
                     page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows: Any = Quarantine.objects.restrict(user).select_related(*RELATED)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.site is not None:
        rows = rows.filter(site=_site(request, filters.site, "site"))
    if filters.status == "open":
        rows = rows.filter(ended_on__isnull=True)
    elif filters.status == "ended":
        rows = rows.filter(ended_on__isnull=False)
    if filters.due:
        rows = rows.filter(ended_on__isnull=True, planned_end__lte=timezone.localdate()
                           + datetime.timedelta(days=DUE_SOON_DAYS))
    if filters.area is not None:
        rows = rows.within(visible_area(user, filters.area, "area").path)
    return keyset_page(rows, page)


@router.get("/today", response=Page[TodayOut], summary="Today's follow-up round")
def today(request: HttpRequest, filters: Query[TodayFilters],
          page: Query[PageParams]) -> dict[str, Any]:
    """The open quarantines of the round, a page at a time in id order, with today's records."""
    user, day = api_user(request), timezone.localdate()
    quarantines = (followup.site_quarantines(user, _site(request, filters.site, "site"))
                   if filters.site is not None else followup.home_quarantines(user))
    found = keyset_page(followup.open_on(quarantines, day), page)
    return {"items": [{"quarantine": row.quarantine, "due": row.due,
                       "missed": sorted(row.missed), "records": row.records}
                      for row in followup.rows_of(found["items"], day)],
            "next_after": found["next_after"]}


@router.get("/{int:id}", response=QuarantineDetailOut, summary="One quarantine")
def get_quarantine(request: HttpRequest, id: int) -> Quarantine:
    return _quarantine(request, id)


@router.post("", response={201: QuarantineOut}, summary="Start a quarantine of a case")
def start(request: HttpRequest, payload: StartIn) -> Status[Any]:
    user = api_user(request)
    case = get_object_for_user(Case, user, payload.case_id)
    require(user, Capability.CHANGE_CASES)
    site = (_site(request, payload.site_id, "site_id", "body") if payload.site_id is not None
            else None)
    room = None
    if payload.room_id is not None:
        room = QuarantineRoom.objects.restrict(user).filter(pk=payload.room_id).first()
        if room is None:
            raise field_errors({"room_id": [_("No room %(id)s among the rooms you may see.")
                                            % {"id": payload.room_id}]})
    quarantine = q.start_quarantine(case, payload.kind, starts_on=payload.starts_on
                                    or timezone.localdate(), site=site, room=room, by=user)
    return Status(201, _quarantine(request, quarantine.pk))


@router.post("/{int:id}/release", response=QuarantineOut, summary="Release from quarantine")
def release(request: HttpRequest, id: int, payload: ReleaseIn) -> Quarantine:
    user = api_user(request)
    quarantine = _quarantine(request, id)
    require(user, Capability.CHANGE_CASES)
    q.release(quarantine, by=user, on=payload.on or timezone.localdate())
    return _quarantine(request, id)


@router.post("/{int:id}/extend", response=QuarantineOut, summary="Extend after a new exposure")
def extend(request: HttpRequest, id: int, payload: ExtendIn) -> Quarantine:
    user = api_user(request)
    quarantine = _quarantine(request, id)
    require(user, Capability.CHANGE_CASES)
    q.extend(quarantine, payload.exposure_date, payload.reason, by=user)
    return _quarantine(request, id)


@router.post("/{int:id}/follow-ups", response={200: RecordedOut, 201: RecordedOut},
             summary="Record a morning or evening follow-up (the same reading again: 200)")
def record_follow_up(request: HttpRequest, id: int, payload: FollowUpIn) -> Status[Any]:
    user = api_user(request)
    quarantine = _quarantine(request, id)
    require(user, Capability.FOLLOW_UP)
    recorded = followup.record_follow_up(
        quarantine, day=payload.day or timezone.localdate(), slot=payload.slot,
        temperature=payload.temperature, symptoms=payload.symptoms, by=user)
    return Status(200 if recorded.resent else 201, {
        "follow_up": recorded.follow_up, "abnormal": recorded.abnormal,
        "escalated": recorded.escalated, "resent": recorded.resent})
