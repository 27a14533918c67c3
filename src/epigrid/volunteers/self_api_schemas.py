"""The schemas of volunteer self-service 我的志愿服务 in the API (volunteers.self_api): the
caller's own volunteer record, the projects open to them, sign-ups 报名 and claims of hours
时长申报 going out, and what comes in (on InSchema).

A volunteer's phone is a contact: masked on every sign-up and claim (the lists of a project's
keepers and readers), whole on the caller's own record only, where it is theirs. Hours go out as
text with one decimal ("3.5"), as in the rest of the volunteers API.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Sum
from ninja import Field, Schema

from epigrid.core.api import InSchema, person
from epigrid.core.identity import mask_phone
from epigrid.volunteers.api_schemas import Hours, ProjectHoursOut, summed_hours
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Signup,
    Volunteer,
)

NOTE_MAX = 200  # the note of a claim and the reason of a refusal, as their columns hold


# --- the caller's record -----------------------------------------------------------------------

class MeOut(Schema):
    """The caller's own serving volunteer record, every hour of theirs counted."""

    id: int
    area_id: int
    area_name: str = Field(description="The area they are registered in.")
    name: str
    phone: str = Field(description="Their own, in full.")
    skills: str
    party_member: bool
    registered_on: datetime.date
    hours: Hours = Field(description="Every hour recorded for them, summed (claims count "
                                     "once confirmed).")
    by_project: list[ProjectHoursOut] = Field(
        description="Their hours on each project, the most first.")

    @staticmethod
    def resolve_area_name(obj: Volunteer) -> str:
        return obj.area.name

    @staticmethod
    def resolve_hours(obj: Volunteer) -> Decimal:
        total: Decimal = obj.records.aggregate(total=summed_hours("hours"))["total"]
        return total

    @staticmethod
    def resolve_by_project(obj: Volunteer) -> list[dict[str, Any]]:
        # Their own hours, of every project (a district's among them): nobody else's record.
        rows = (ServiceRecord.objects.filter(volunteer=obj)
                .values("project_id", "project__name")
                .annotate(hours=Sum("hours"), days=Count("served_on", distinct=True))
                .order_by("-hours", "project__name"))
        return [{"project_id": row["project_id"], "project_name": row["project__name"],
                 "hours": row["hours"], "days": row["days"]} for row in rows]


class EnrolIn(InSchema):
    skills: str = Field("", max_length=200, description="特长: driving, a dialect...")
    party_member: bool = False


# --- projects open to the caller ---------------------------------------------------------------

class OpenProjectOut(Schema):
    id: int
    area_id: int
    area_name: str = Field(description="The area that organises it: the caller's or one "
                                       "above it.")
    kind: ProjectKind
    name: str
    description: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    volunteers_needed: int = Field(description="0: as many as come.")
    volunteers_signed_up: int = Field(description="The sign-ups not withdrawn.")
    signed_up: bool = Field(description="The caller is signed up to it.")
    signup_id: int | None = Field(description="The caller's sign-up, to withdraw it.")

    @staticmethod
    def resolve_area_name(obj: Project) -> str:
        return obj.area.name

    @staticmethod
    def resolve_volunteers_signed_up(obj: Project) -> int:
        return int(getattr(obj, "signed", 0))  # self_service.open_with_places counts them

    @staticmethod
    def resolve_signed_up(obj: Project) -> bool:
        return getattr(obj, "signup_id", None) is not None  # the list's query finds it


# --- sign-ups ----------------------------------------------------------------------------------

class SignupOut(Schema):
    id: int
    project_id: int
    project_name: str
    project_kind: ProjectKind
    project_area_name: str = Field(description="The area that organises the project.")
    volunteer_id: int
    volunteer_name: str
    volunteer_area_name: str = Field(description="The area the volunteer registered in.")
    volunteer_phone: str = Field(description="Masked (137****0001).")
    signed_up_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    active: bool = Field(description="Not withdrawn.")

    @staticmethod
    def resolve_project_name(obj: Signup) -> str:
        return obj.project.name

    @staticmethod
    def resolve_project_kind(obj: Signup) -> str:
        return obj.project.kind

    @staticmethod
    def resolve_project_area_name(obj: Signup) -> str:
        return obj.project.area.name

    @staticmethod
    def resolve_volunteer_name(obj: Signup) -> str:
        return obj.volunteer.name

    @staticmethod
    def resolve_volunteer_area_name(obj: Signup) -> str:
        return obj.volunteer.area.name

    @staticmethod
    def resolve_volunteer_phone(obj: Signup) -> str:
        return mask_phone(obj.volunteer.phone)

    @staticmethod
    def resolve_signed_up_at(obj: Signup) -> datetime.datetime:
        return obj.created_at

    @staticmethod
    def resolve_active(obj: Signup) -> bool:
        return obj.withdrawn_at is None


SignupStatus = Literal["active", "withdrawn", "any"]


class SignupFilters(InSchema):
    status: SignupStatus = Field("active", description="active: not withdrawn; withdrawn; "
                                                       "any: both.")


class SignupIn(InSchema):
    project: int = Field(description="A project open to you (GET /me/projects).")


# --- claims of hours ---------------------------------------------------------------------------

class ClaimOut(Schema):
    id: int
    project_id: int
    project_name: str
    project_area_name: str = Field(description="The area that organises the project.")
    volunteer_id: int
    volunteer_name: str
    volunteer_area_name: str = Field(description="The area the volunteer registered in.")
    volunteer_phone: str = Field(description="Masked (137****0001).")
    served_on: datetime.date
    hours: Hours
    note: str
    state: ClaimState = Field(description="pending: waiting for the project's officers; "
                                          "confirmed: recorded as hours served; declined.")
    reason: str = Field(description="Why it was declined.")
    decided_by: str | None
    decided_at: datetime.datetime | None
    record_id: int | None = Field(description="The hours recorded on its confirmation.")
    claimed_at: datetime.datetime

    @staticmethod
    def resolve_project_name(obj: HoursClaim) -> str:
        return obj.project.name

    @staticmethod
    def resolve_project_area_name(obj: HoursClaim) -> str:
        return obj.project.area.name

    @staticmethod
    def resolve_volunteer_name(obj: HoursClaim) -> str:
        return obj.volunteer.name

    @staticmethod
    def resolve_volunteer_area_name(obj: HoursClaim) -> str:
        return obj.volunteer.area.name

    @staticmethod
    def resolve_volunteer_phone(obj: HoursClaim) -> str:
        return mask_phone(obj.volunteer.phone)

    @staticmethod
    def resolve_decided_by(obj: HoursClaim) -> str | None:
        return person(obj.decided_by)

    @staticmethod
    def resolve_claimed_at(obj: HoursClaim) -> datetime.datetime:
        return obj.created_at


ClaimStateFilter = Literal["pending", "confirmed", "declined", "any"]


class ClaimFilters(InSchema):
    project: int | None = Field(None, description="Only the claims of this project id.")
    state: ClaimStateFilter = Field("pending", description="pending (waiting for an answer), "
                                                           "confirmed, declined, or any.")


class MyClaimFilters(InSchema):
    state: ClaimStateFilter = Field("any", description="pending, confirmed, declined, or any "
                                                       "(the default).")


class ClaimIn(InSchema):
    project: int = Field(description="A project you are signed up to.")
    served_on: datetime.date = Field(description="A day the project was open, not in the "
                                                 "future, not recorded or claimed already.")
    hours: Decimal = Field(description="More than 0 and at most 24, in half hours (\"3.5\" or "
                                       "3.5).")
    note: str = Field("", max_length=NOTE_MAX)


class DeclineIn(InSchema):
    reason: str = Field(max_length=NOTE_MAX, description="Why: the volunteer reads it.")
