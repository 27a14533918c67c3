"""API of fever referrals 发热转诊 (under /api/passages/referrals): the referrals of your area, and
the moves that follow one — arrived at the fever clinic, closed with an outcome note.

Reads are scoped like the referral page (the checkpoint's area; missing and forbidden are one
404); the moves need CHANGE_CASES (403) and go through passage_fever, whose refusals (a move the
referral has passed, no outcome) answer 422 naming the field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from epigrid.checkpoints import passage_fever
from epigrid.checkpoints.models import FeverReferral
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    get_object_for_user,
    keyset_page,
    require,
)

router = Router(tags=["fever referrals"])
RELATED = ("passage", "passage__checkpoint", "arrived_by", "closed_by")


class ReferralOut(Schema):
    id: int
    passage_id: int
    checkpoint_id: int
    checkpoint_name: str
    at: datetime.datetime = Field(description="When the fever was taken at the checkpoint.")
    temperature: Decimal
    name: str
    id_number_masked: str
    destination: str
    destination_area_id: int | None
    case_id: int | None = Field(description="The person's case; null for an unidentified "
                                             "person.")
    status: FeverReferral.Status
    created_at: datetime.datetime
    arrived_at: datetime.datetime | None
    arrived_by: str | None
    closed_at: datetime.datetime | None
    closed_by: str | None
    outcome: str

    @staticmethod
    def resolve_checkpoint_id(obj: FeverReferral) -> int:
        return obj.passage.checkpoint_id

    @staticmethod
    def resolve_checkpoint_name(obj: FeverReferral) -> str:
        return obj.passage.checkpoint.name

    @staticmethod
    def resolve_at(obj: FeverReferral) -> datetime.datetime:
        return obj.passage.at

    @staticmethod
    def resolve_name(obj: FeverReferral) -> str:
        return obj.passage.name

    @staticmethod
    def resolve_id_number_masked(obj: FeverReferral) -> str:
        return obj.passage.id_number_masked

    @staticmethod
    def resolve_destination(obj: FeverReferral) -> str:
        return obj.passage.destination

    @staticmethod
    def resolve_destination_area_id(obj: FeverReferral) -> int | None:
        return obj.passage.destination_area_id

    @staticmethod
    def resolve_arrived_by(obj: FeverReferral) -> str | None:
        return obj.arrived_by.get_username() if obj.arrived_by else None

    @staticmethod
    def resolve_closed_by(obj: FeverReferral) -> str | None:
        return obj.closed_by.get_username() if obj.closed_by else None


class ReferralFilters(InSchema):
    status: FeverReferral.Status | None = None


class CloseIn(InSchema):
    outcome: str = Field("", max_length=passage_fever.OUTCOME_MAX,
                         description="How it ended: admitted, sent home, went elsewhere… "
                                     "(required).")


def _referral(request: HttpRequest, pk: int) -> FeverReferral:
    return get_object_for_user(FeverReferral.objects.select_related(*RELATED),
                               api_user(request), pk)


@router.get("", response=Page[ReferralOut], summary="Fever referrals of your area")
def list_referrals(request: HttpRequest, filters: Query[ReferralFilters],
                   page: Query[PageParams]) -> dict[str, Any]:
    rows = FeverReferral.objects.restrict(api_user(request)).select_related(*RELATED)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return keyset_page(rows, page)


@router.get("/{int:id}", response=ReferralOut, summary="One fever referral")
def get_referral(request: HttpRequest, id: int) -> FeverReferral:
    return _referral(request, id)


@router.post("/{int:id}/arrive", response=ReferralOut,
             summary="Mark a referral arrived at the fever clinic")
def arrive(request: HttpRequest, id: int) -> FeverReferral:
    user = api_user(request)
    referral = _referral(request, id)
    require(user, passage_fever.FOLLOW_REFERRALS)
    passage_fever.mark_arrived(referral, by=user)
    return _referral(request, id)


@router.post("/{int:id}/close", response=ReferralOut,
             summary="Close a referral with an outcome note")
def close(request: HttpRequest, id: int, payload: CloseIn) -> FeverReferral:
    user = api_user(request)
    referral = _referral(request, id)
    require(user, passage_fever.FOLLOW_REFERRALS)
    passage_fever.close_referral(referral, by=user, outcome=payload.outcome)
    return _referral(request, id)
