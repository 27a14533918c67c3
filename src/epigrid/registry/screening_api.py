"""API of screening campaigns and visits (router mounted at /api/screening).

A visit is posted with the idempotency key the client made when the form was filled: the first
post answers 201, a resend of the same key answers 200 with the same visit id and writes nothing.
Campaigns are those of the caller's subtree and those covering their area (a town's campaign for
its grid workers); households come through `restrict()`.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from epigrid.areas.api import visible_area
from epigrid.core.access import Capability
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    keyset_page,
    not_found,
    require,
)
from epigrid.core.paging import page_after
from epigrid.registry import campaigns, screening
from epigrid.registry.api_schemas import HouseholdOut
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    Outcome,
    PersonScreening,
    ScreeningCampaign,
)

router = Router(tags=["screening"])


# --- schemas ---------------------------------------------------------------------------------

class CampaignOut(Schema):
    id: int
    name: str
    area_id: int
    area_name: str
    starts_on: datetime.date
    ends_on: datetime.date

    @staticmethod
    def resolve_area_name(obj: ScreeningCampaign) -> str:
        return obj.area.name


class CampaignIn(InSchema):
    area_id: int
    name: str = Field(max_length=200)
    starts_on: datetime.date
    ends_on: datetime.date


class CampaignPatch(InSchema):
    """What to change; a field left out (or null) keeps its value. The area stays."""

    name: str | None = Field(None, max_length=200)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = Field(
        None, description="Not before a visit already recorded (nor starts_on after one).")


class FindingsIn(InSchema):
    present: bool = True
    temperature: Decimal | None = Field(None, description="°C, 35.0 to 42.0.")
    symptoms: list[str] = Field(default_factory=list, description=", ".join(
        screening.SYMPTOM_CODES))
    travel_history: str = Field("", max_length=300)
    contact_with_case: bool = False
    returnee_origin: str = Field("", max_length=100,
                                 description="Given: the person is tagged a returnee.")
    returned_on: datetime.date | None = None
    outcome: Outcome = Outcome.NORMAL


class MemberIn(FindingsIn):
    person_id: int


class NewMemberIn(FindingsIn):
    name: str = Field(max_length=100)
    id_number: str = Field("", max_length=32)
    phone: str = Field("", max_length=32)
    relation: str = Field("", max_length=50)


class VisitIn(InSchema):
    idempotency_key: uuid.UUID = Field(description="Made by the client when the form is filled; "
                                                   "send it again with every resend.")
    visited_at: datetime.datetime | None = Field(
        None, description="When the form was filled; defaults to now. A form filled before the "
                          "household's stored visit is stale and changes nothing.")
    note: str = Field("", max_length=300)
    members: list[MemberIn] = Field(default_factory=list)
    new_members: list[NewMemberIn] = Field(default_factory=list)
    latitude: float | None = Field(None, description="Where the phone stood at the door "
                                   "(with longitude): kept as the household's location if it "
                                   "has none, for the next round's nearest first.")
    longitude: float | None = None

    def position(self) -> tuple[float, float] | None:
        """Both or neither: one alone is refused by the field that is missing."""
        if self.latitude is None and self.longitude is None:
            return None
        if self.latitude is None or self.longitude is None:
            missing = "latitude" if self.latitude is None else "longitude"
            raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})
        return self.latitude, self.longitude


class ScreeningOut(Schema):
    person_id: int
    present: bool
    temperature: Decimal | None
    symptoms: list[str]
    outcome: str
    abnormal: bool

    @staticmethod
    def resolve_symptoms(obj: Any) -> list[str]:
        return [code for code in obj.symptoms.split(",") if code]


class VisitOut(Schema):
    id: int
    campaign_id: int
    household_id: int
    visited_on: datetime.date
    visited_at: datetime.datetime
    result: str = Field(description="created, updated (re-screened), resent or stale.")
    persons: list[ScreeningOut]


class VisitListOut(Schema):
    """A recorded visit, as the campaign's page lists it, with its screenings."""

    id: int
    household_id: int
    household_address: str
    visited_on: datetime.date
    visited_at: datetime.datetime
    worker: str
    note: str
    persons_screened: int
    persons_abnormal: int
    persons: list[ScreeningOut]

    @staticmethod
    def resolve_household_address(obj: Any) -> str:
        return str(obj.household.address)

    @staticmethod
    def resolve_worker(obj: Any) -> str:
        return str(obj.worker.display_name) if obj.worker is not None else ""

    @staticmethod
    def resolve_persons(obj: Any) -> list[Any]:
        return list(obj.persons.all())


class VisitFilters(InSchema):
    grid: int | None = Field(None, description="Only this area id's subtree (a grid, a village).")
    household: int | None = Field(None, description="Only this household's visit.")


class UnvisitedFilters(InSchema):
    grid: int | None = Field(None, description="Only this area id's subtree (a grid, a village).")


# --- helpers ---------------------------------------------------------------------------------

def _campaign(request: HttpRequest, pk: int) -> ScreeningCampaign:
    found = screening.campaigns_for(api_user(request)).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def _findings(item: FindingsIn) -> dict[str, Any]:
    return {"present": item.present, "temperature": item.temperature,
            "symptoms": item.symptoms, "travel_history": item.travel_history,
            "contact_with_case": item.contact_with_case,
            "returnee_origin": item.returnee_origin, "returned_on": item.returned_on,
            "outcome": Outcome(item.outcome).value}


# --- routes ----------------------------------------------------------------------------------

@router.get("/campaigns", response=Page[CampaignOut], summary="Campaigns covering your area")
def list_campaigns(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(screening.campaigns_for(api_user(request)), page)


@router.get("/campaigns/{int:id}", response=CampaignOut, summary="One campaign")
def get_campaign(request: HttpRequest, id: int) -> ScreeningCampaign:
    return _campaign(request, id)


@router.post("/campaigns", response={201: CampaignOut}, summary="Start a campaign")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.MANAGE_CAMPAIGNS)
    area = visible_area(user, payload.area_id, "area_id")
    campaign = screening.start_campaign(area, payload.name, payload.starts_on, payload.ends_on,
                                        user)
    return Status(201, campaign)


@router.patch("/campaigns/{int:id}", response=CampaignOut,
              summary="Rename a campaign or move its dates")
def change_campaign(request: HttpRequest, id: int, payload: CampaignPatch) -> ScreeningCampaign:
    user = api_user(request)
    campaign = _campaign(request, id)
    require(user, Capability.MANAGE_CAMPAIGNS)
    if not campaigns.may_change(user, campaign):
        raise HttpError(403, _("This campaign is run above your area; it is changed there."))
    return campaigns.change_campaign(campaign, user, **payload.model_dump(exclude_unset=True))


@router.post("/campaigns/{int:campaign_id}/households/{int:household_id}/visits",
             response={200: VisitOut, 201: VisitOut},
             summary="Record a household's visit (idempotent by key)")
def record_visit(request: HttpRequest, campaign_id: int, household_id: int,
                 payload: VisitIn) -> Status[Any]:
    user = api_user(request)
    campaign = _campaign(request, campaign_id)
    household = Household.objects.restrict(user).within(campaign.area_path).filter(
        pk=household_id).first()
    if household is None:
        raise not_found()
    require(user, Capability.SCREEN)
    recorded = screening.record_visit(
        campaign, household, user, payload.idempotency_key, visited_at=payload.visited_at,
        members=[screening.MemberScreening(person_id=m.person_id, **_findings(m))
                 for m in payload.members],
        new_members=[screening.NewMember(name=n.name, id_number=n.id_number, phone=n.phone,
                                         relation=n.relation, **_findings(n))
                     for n in payload.new_members],
        note=payload.note, position=payload.position())
    visit = recorded.visit
    body = {"id": visit.pk, "campaign_id": visit.campaign_id,
            "household_id": visit.household_id, "visited_on": visit.visited_on,
            "visited_at": visit.visited_at, "result": recorded.result,
            "persons": list(visit.persons.order_by("id"))}
    return Status(201 if recorded.created else 200, body)


@router.get("/campaigns/{int:id}/visits", response=Page[VisitListOut],
            summary="Visits recorded in the campaign in your area, newest first")
def visits(request: HttpRequest, id: int, filters: Query[VisitFilters],
           page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows: Any = HouseholdVisit.objects.restrict(user).filter(campaign=_campaign(request, id))
    if filters.grid is not None:
        rows = rows.within(visible_area(user, filters.grid, "grid").path)
    if filters.household is not None:
        rows = rows.filter(household_id=filters.household)
    items, next_after = page_after(
        rows.select_related("household", "worker").prefetch_related(
            Prefetch("persons", PersonScreening.objects.order_by("id"))),
        page.after, page.limit, newest_first=True)
    return {"items": items, "next_after": next_after}


@router.get("/campaigns/{int:id}/unvisited", response=Page[HouseholdOut],
            summary="Households of your area not yet visited in the campaign")
def unvisited(request: HttpRequest, id: int, filters: Query[UnvisitedFilters],
              page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    households: Any = screening.unvisited_households(_campaign(request, id), user)
    if filters.grid is not None:
        households = households.within(visible_area(user, filters.grid, "grid").path)
    return keyset_page(households.select_related("grid"), page)
