"""The schemas of the mobilization API (mobilization.api): teams, people sent down 下沉 and
commendations 表彰 going out, what comes in (on InSchema), and what its routers share (a
service's refusals as 422, a person named, money as text), with what comes in for funds and
payments; what goes out for them is in api_funds.py.

A user appears by their display name only. A person sent down's phone is a work contact: masked
in every list (a team's members too); in full on their own record only to who may mobilize
their area (`access.may_mobilize`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import PlainSerializer

from epigrid.core.api import InSchema, api_user, person
from epigrid.core.days import local_day
from epigrid.core.identity import mask_phone
from epigrid.mobilization import access
from epigrid.mobilization.models import (
    Commendation,
    Deployment,
    DeploymentStatus,
    PaymentKind,
    PaymentStatus,
    Team,
    TeamKind,
    TeamStatus,
    on_duty_q,
)

TEXT_MAX = 10000
NOTE_MAX = 2000
CENT = Decimal("0.01")


def money_text(value: Decimal) -> str:
    """Yuan with two decimals, as text: a float would round a ledger's sums."""
    return str(value.quantize(CENT))


# Money goes out as "2000.00" (a string in JSON and in the schema).
Money = Annotated[Decimal, PlainSerializer(money_text, return_type=str)]


# --- people sent down --------------------------------------------------------------------------

class DeploymentOut(Schema):
    id: int
    area_id: int
    area_name: str = Field(description="The area they were sent to.")
    team_id: int | None
    team_name: str | None
    name: str
    unit: str = Field(description="The unit that sent them 派出单位.")
    post: str
    phone: str = Field(description="Masked (138****5678) in lists.")
    party_member: bool
    leader: bool
    duties: str
    arrived_on: datetime.date
    left_on: datetime.date | None
    on_duty: bool = Field(description="Arrived and not left, today.")

    @staticmethod
    def resolve_area_name(obj: Deployment) -> str:
        return obj.area.name

    @staticmethod
    def resolve_team_name(obj: Deployment) -> str | None:
        return obj.team.name if obj.team is not None else None

    @staticmethod
    def resolve_phone(obj: Deployment, context: dict[str, Any]) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_on_duty(obj: Deployment) -> bool:
        return obj.is_active(local_day())


class DeploymentDetailOut(DeploymentOut):
    phone: str = Field(description="In full to who may mobilize their area, else masked.")
    recorded_by: str | None

    @staticmethod
    def resolve_phone(obj: Deployment, context: dict[str, Any]) -> str:
        if access.may_mobilize(api_user(context["request"]), obj.area.path):
            return obj.phone
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_recorded_by(obj: Deployment) -> str | None:
        return person(obj.created_by)


class DeploymentFilters(InSchema):
    area: int | None = Field(None, description="Only people sent to this area id's subtree.")
    team: int | None = Field(None, description="Only the members of this team id.")
    status: DeploymentStatus = Field(
        DeploymentStatus.ON_DUTY, description="on_duty: arrived and not left before today; "
        "left: left before today; any: everyone, those yet to arrive too (the words of the "
        "people page's filter).")
    on_duty: bool | None = Field(
        None, json_schema_extra={"deprecated": True}, description="Deprecated, to go in the "
        "next release: use `status` (true is status=on_duty, false is status=any). Read only "
        "when `status` is not given.")
    q: str | None = Field(None, max_length=100, description="The name or the work unit "
                                                            "contains this.")

    def chosen_status(self) -> DeploymentStatus:
        """`status` as asked; else the deprecated `on_duty` read as its word; else on duty."""
        if "status" in self.model_fields_set or self.on_duty is None:
            return self.status
        return DeploymentStatus.ON_DUTY if self.on_duty else DeploymentStatus.ANY


class DeploymentIn(InSchema):
    area: int = Field(description="The area they were sent to (one of your subtree).")
    team: int | None = Field(None, description="A team id of the area's subtree or above it, "
                                               "not stood down.")
    name: str = Field(max_length=60)
    unit: str = Field(max_length=200)
    post: str = Field("", max_length=100)
    phone: str = Field(max_length=20, description="A mainland mobile number, on duty in one "
                                                  "place at a time.")
    party_member: bool = False
    leader: bool = Field(False, description="Leads their team (needs a team).")
    duties: str = Field("", max_length=TEXT_MAX)
    arrived_on: datetime.date | None = Field(None, description="Default: today; at most 30 "
                                                               "days ahead.")


class DeploymentChangeIn(InSchema):
    """The fields to correct; those left out (or null) stay (the area and team stay)."""

    name: str | None = Field(None, max_length=60)
    unit: str | None = Field(None, max_length=200)
    post: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=20)
    party_member: bool | None = None
    duties: str | None = Field(None, max_length=TEXT_MAX)
    arrived_on: datetime.date | None = Field(None, description="Not after they left.")


class DayIn(InSchema):
    on: datetime.date | None = Field(None, description="Default: today; not in the future.")


# --- teams -------------------------------------------------------------------------------------

class TeamOut(Schema):
    id: int
    area_id: int
    area_name: str
    kind: TeamKind
    name: str
    batch: int | None = Field(description="A medical team's batch 批次.")
    sent_by: str
    duties: str
    formed_on: datetime.date
    stood_down_on: datetime.date | None
    active: bool = Field(description="Formed on or before today and not stood down before "
                                     "today: what status=active lists.")
    members_on_duty: int
    created_by: str | None

    @staticmethod
    def resolve_area_name(obj: Team) -> str:
        return obj.area.name

    @staticmethod
    def resolve_active(obj: Team) -> bool:
        return obj.is_active(local_day())

    @staticmethod
    def resolve_members_on_duty(obj: Team) -> int:
        counted: int | None = getattr(obj, "members_on_duty", None)  # the list counts them
        if counted is not None:
            return counted
        return obj.members.filter(on_duty_q(local_day())).count()

    @staticmethod
    def resolve_created_by(obj: Team) -> str | None:
        return person(obj.created_by)


class TeamDetailOut(TeamOut):
    """Its members are read through the team (`access.members_of_team`): one posted above the
    team's area is listed too."""

    members: list[DeploymentOut] = Field(description="Everyone who joined it, by name; phones "
                                                     "masked.")

    @staticmethod
    def resolve_members(obj: Team) -> list[Deployment]:
        return list(access.members_of_team(obj))


class TeamFilters(InSchema):
    area: int | None = Field(None, description="Only teams in this area id's subtree.")
    kind: TeamKind | None = None
    status: TeamStatus = Field(
        TeamStatus.ACTIVE, description="active: formed on or before today and not stood down "
        "before today (one standing down today still works it); stood_down: stood down before "
        "today; any: every team, those formed after today too (the words of the teams page's "
        "filter).")
    active: bool | None = Field(
        None, json_schema_extra={"deprecated": True}, description="Deprecated, to go in the "
        "next release: use `status` (true is status=active, false is status=any). Read only "
        "when `status` is not given.")

    def chosen_status(self) -> TeamStatus:
        """`status` as asked; else the deprecated `active` read as its word; else active."""
        if "status" in self.model_fields_set or self.active is None:
            return self.status
        return TeamStatus.ACTIVE if self.active else TeamStatus.ANY


class TeamIn(InSchema):
    area: int = Field(description="The area it works in (one of your subtree).")
    kind: TeamKind
    name: str = Field(max_length=120, description="Unique in its area.")
    batch: int | None = Field(None, ge=1, le=32767, description="A medical team's batch only.")
    sent_by: str = Field("", max_length=200)
    duties: str = Field("", max_length=TEXT_MAX)
    formed_on: datetime.date | None = Field(None, description="Default: today; not in the "
                                                              "future.")


class TeamChangeIn(InSchema):
    """The fields to correct; those left out (or null) stay (the area stays). A kind other than
    medical given without a batch clears the batch."""

    kind: TeamKind | None = None
    name: str | None = Field(None, max_length=120)
    batch: int | None = Field(None, ge=1, le=32767)
    sent_by: str | None = Field(None, max_length=200)
    duties: str | None = Field(None, max_length=TEXT_MAX)
    formed_on: datetime.date | None = Field(None, description="Not in the future, not after it "
                                                              "stood down.")


# --- commendations -----------------------------------------------------------------------------

class CommendationOut(Schema):
    id: int
    area_id: int
    area_name: str
    deployment_id: int | None
    team_id: int | None
    recipient: str = Field(description="The person's or the team's name, or the one named.")
    honour: str
    citation: str
    awarded_on: datetime.date
    awarded_by: str
    recorded_by: str | None

    @staticmethod
    def resolve_area_name(obj: Commendation) -> str:
        return obj.area.name

    @staticmethod
    def resolve_recorded_by(obj: Commendation) -> str | None:
        return person(obj.recorded_by)


class CommendationFilters(InSchema):
    area: int | None = Field(None, description="Only commendations in this area id's subtree.")


class CommendationIn(InSchema):
    area: int = Field(description="The area (one of your subtree).")
    deployment: int | None = Field(None, description="A person sent down of the area's subtree")
    team: int | None = Field(None, description="or a team of the area's subtree")
    recipient: str = Field("", max_length=200, description="or someone named: one of three.")
    honour: str = Field(max_length=200)
    citation: str = Field("", max_length=TEXT_MAX)
    awarded_on: datetime.date | None = Field(None, description="Default: today; not in the "
                                                               "future.")
    awarded_by: str = Field(max_length=200)


# --- funds and payments (api_funds.py) --------------------------------------------------------

AMOUNT = "Yuan, more than 0, two decimals at most (\"2000.00\" or 2000)."


class FundIn(InSchema):
    area: int | None = Field(None, description="The desk's area that keeps it (one of your "
                                               "subtree; default: your home area).")
    name: str = Field(max_length=200, description="Unique at the desk.")
    second_approval_over: Decimal | None = Field(None, max_digits=12, description="Above "
                                                 "this, a payment needs two approvers.")


class ReceiptIn(InSchema):
    amount: Decimal = Field(max_digits=12, description=AMOUNT)
    counterpart: str = Field("", max_length=200, description="Where it came from (required).")
    voucher: str = Field("", max_length=60)
    note: str = Field("", max_length=NOTE_MAX)


class PaymentFilters(InSchema):
    status: PaymentStatus | None = None
    fund: int | None = Field(None, description="Only payments from this fund id.")
    area: int | None = Field(None, description="Only payments applied for by this area id's "
                                               "subtree.")


class PaymentIn(InSchema):
    fund: int = Field(description="A fund you see: your desk's, or one above your area.")
    area: int | None = Field(None, description="The area applying, of the fund's subtree "
                                               "(default: your home area).")
    kind: PaymentKind
    beneficiary: str = Field("", max_length=200, description="Default: the person sent down.")
    deployment: int | None = Field(None, description="The person sent down it is for.")
    amount: Decimal = Field(max_digits=12, description=AMOUNT)
    reason: str = Field("", max_length=TEXT_MAX, description="Required.")


class DecisionIn(InSchema):
    note: str = Field("", max_length=NOTE_MAX, description="Required to reject.")


class PayIn(InSchema):
    voucher: str = Field("", max_length=60, description="The voucher number 凭证号 (required).")
    note: str = Field("", max_length=NOTE_MAX)
