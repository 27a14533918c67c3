"""The risk level API 风险等级 (mounted at /api/figures/risk): the proposals of the rules, their
confirmation or override by the command (Capability.CHANGE_RISK), running the rules now, and the
current levels of the towns and villages of an area.

Scoped like the pages: a proposal or an area outside the user's subtree answers 404; deciding
without CHANGE_RISK answers 403; the services' refusals 422 naming the field.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from epigrid.areas.models import Area, RiskLevel
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
from epigrid.reporting import risk_services
from epigrid.reporting.models import ProposalStatus, RiskProposal
from epigrid.reporting.risk_rules import RISK_AREA_LEVELS, explain

router = Router(tags=["risk levels"])


class ProposalOut(Schema):
    id: int
    area_id: int
    area_name: str
    day: datetime.date
    current_level: RiskLevel
    proposed_level: RiskLevel
    rule: str
    reason: str
    figures: dict[str, int]
    status: ProposalStatus
    decided_level: str
    decided_by: str | None
    decided_at: datetime.datetime | None
    note: str

    @staticmethod
    def resolve_area_name(obj: RiskProposal) -> str:
        return obj.area.name

    @staticmethod
    def resolve_reason(obj: RiskProposal) -> str:
        return explain(obj.rule, obj.figures, obj.day, obj.reason)

    @staticmethod
    def resolve_decided_by(obj: RiskProposal) -> str | None:
        return obj.decided_by.username if obj.decided_by else None


class ProposalFilters(InSchema):
    status: ProposalStatus | None = Field(None, description="Any status when not given.")
    area: int | None = Field(None, description="Only the proposals of this area's subtree.")


class ConfirmIn(InSchema):
    note: str = ""


class OverrideIn(InSchema):
    level: str
    note: str


class ProposeIn(InSchema):
    day: datetime.date | None = None


class LevelOut(Schema):
    id: int
    name: str
    code: str
    level: int
    parent_id: int | None
    risk_level: RiskLevel


def _decide_errors(error: ValidationError) -> NinjaValidationError:
    return field_errors(error.message_dict, "body")


def _proposal(request: HttpRequest, id: int) -> RiskProposal:
    found: RiskProposal = get_object_for_user(
        RiskProposal.objects.select_related("area", "decided_by"), api_user(request), id)
    return found


@router.get("/proposals", response=Page[ProposalOut],
            summary="The rules' proposals (all, or of one status), by id")
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters],
                   page: Query[PageParams]) -> dict[str, object]:
    rows = RiskProposal.objects.restrict(api_user(request)).select_related("area", "decided_by")
    if filters.area is not None:
        area: Area = get_object_for_user(Area, api_user(request), filters.area)
        rows = rows.within(area.path)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return keyset_page(rows, page)


@router.get("/proposals/{int:id}", response=ProposalOut, summary="One proposal")
def get_proposal(request: HttpRequest, id: int) -> RiskProposal:
    return _proposal(request, id)


@router.post("/proposals/{int:id}/confirm", response=ProposalOut,
             summary="Confirm a proposal: the area takes the proposed level (history kept)")
def confirm(request: HttpRequest, id: int, payload: ConfirmIn) -> RiskProposal:
    proposal = _proposal(request, id)
    require(api_user(request), Capability.CHANGE_RISK)
    try:
        return risk_services.confirm_proposal(proposal, by=api_user(request), note=payload.note)
    except ValidationError as error:
        raise _decide_errors(error) from None


@router.post("/proposals/{int:id}/override", response=ProposalOut,
             summary="Override a proposal with another level (or the current one) and a reason")
def override(request: HttpRequest, id: int, payload: OverrideIn) -> RiskProposal:
    proposal = _proposal(request, id)
    require(api_user(request), Capability.CHANGE_RISK)
    try:
        return risk_services.override_proposal(proposal, level=payload.level,
                                               by=api_user(request), note=payload.note)
    except ValidationError as error:
        raise _decide_errors(error) from None


@router.post("/propose", response=list[ProposalOut],
             summary="Run the rules now for a day (today by default): the day's pending "
                     "proposals")
def propose(request: HttpRequest, payload: ProposeIn) -> list[RiskProposal]:
    user = api_user(request)
    require(user, Capability.CHANGE_RISK)
    try:
        risk_services.propose_levels(payload.day or timezone.localdate())
    except ValidationError as error:
        raise _decide_errors(error) from None
    except PermissionDenied as error:  # pragma: no cover - the capability is checked above
        raise HttpError(403, str(error)) from None
    return list(RiskProposal.objects.restrict(user).select_related("area", "decided_by")
                .filter(day=payload.day or timezone.localdate(),
                        status=ProposalStatus.PENDING).order_by("area_path"))


@router.get("/levels", response=Page[LevelOut],
            summary="The current risk levels of the towns and villages of an area's subtree")
def levels(request: HttpRequest, area: int, page: Query[PageParams],
           risk_level: RiskLevel | None = None) -> dict[str, object]:
    found: Area = get_object_for_user(Area, api_user(request), area)
    rows = Area.objects.within(found.path).filter(level__in=RISK_AREA_LEVELS)
    if risk_level:
        rows = rows.filter(risk_level=risk_level)
    return keyset_page(rows, page)
