"""The schemas of the volunteers API (volunteers.api): volunteers 志愿者, projects 志愿服务项目
and hours served 服务时长 going out, what comes in (on InSchema), and what the routes share (a
record fetched or named by id).

A user appears by their display name only. A volunteer's phone is a contact: masked in every
list; in full on their own record only to who may keep their area (`access.may_manage`).
Hours go out as text with one decimal ("3.5"): sums of half hours, never rounded by a float.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from ninja import Field, Schema
from pydantic import PlainSerializer

from epigrid.core.api import InSchema, api_user, person
from epigrid.core.days import local_day
from epigrid.core.identity import mask_phone
from epigrid.volunteers import access
from epigrid.volunteers.models import ClaimState, Project, ProjectKind, ServiceRecord, Volunteer

TEXT_MAX = 10000
TENTH = Decimal("0.1")


def hours_text(value: Decimal) -> str:
    """Hours with one decimal, as text: "3.5"."""
    return str(value.quantize(TENTH))


# Hours go out as "3.5" (a string in JSON and in the schema).
Hours = Annotated[Decimal, PlainSerializer(hours_text, return_type=str)]


def summed_hours(path: str) -> Coalesce:
    """The hours of the records at `path` summed, 0 when there are none."""
    return Coalesce(Sum(path), Value(Decimal(0)), output_field=DecimalField())


# --- shared by the routes ----------------------------------------------------------------------

class DayIn(InSchema):
    on: datetime.date | None = Field(None, description="Default: today; not in the future.")


# --- volunteers --------------------------------------------------------------------------------

class VolunteerOut(Schema):
    id: int
    area_id: int
    area_name: str = Field(description="The area they registered in.")
    name: str
    phone: str = Field(description="Masked (137****0001) in lists.")
    skills: str = Field(description="特长: driving, a dialect...")
    party_member: bool
    registered_on: datetime.date
    left_on: datetime.date | None = Field(description="The day they left 退出, if they did.")
    serving: bool = Field(description="Registered and not left, today.")
    hours: Hours = Field(description="Every hour they served, summed.")

    @staticmethod
    def resolve_area_name(obj: Volunteer) -> str:
        return obj.area.name

    @staticmethod
    def resolve_phone(obj: Volunteer, context: dict[str, Any]) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_serving(obj: Volunteer) -> bool:
        return obj.is_active(local_day())

    @staticmethod
    def resolve_hours(obj: Volunteer) -> Decimal:
        summed: Decimal | None = getattr(obj, "hours", None)  # the list sums them at once
        if summed is not None:
            return summed
        total: Decimal = obj.records.aggregate(total=summed_hours("hours"))["total"]
        return total


class ProjectHoursOut(Schema):
    project_id: int
    project_name: str
    hours: Hours
    days: int = Field(description="The days they served it.")


class VolunteerDetailOut(VolunteerOut):
    phone: str = Field(description="In full to who may keep their area, else masked.")
    recorded_by: str | None
    by_project: list[ProjectHoursOut] = Field(
        description="Their hours on each project you see, the most first (a project of an "
                    "area above yours is left out; `hours` counts it).")

    @staticmethod
    def resolve_phone(obj: Volunteer, context: dict[str, Any]) -> str:
        if access.may_manage(api_user(context["request"]), obj.area.path):
            return obj.phone
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_recorded_by(obj: Volunteer) -> str | None:
        return person(obj.created_by)

    @staticmethod
    def resolve_by_project(obj: Volunteer, context: dict[str, Any]) -> list[dict[str, Any]]:
        seen = Project.objects.restrict(api_user(context["request"])).values("pk")
        rows = (ServiceRecord.objects.filter(volunteer=obj, project__in=seen)
                .values("project_id", "project__name")
                .annotate(hours=Sum("hours"), days=Count("served_on", distinct=True))
                .order_by("-hours", "project__name"))
        return [{"project_id": row["project_id"], "project_name": row["project__name"],
                 "hours": row["hours"], "days": row["days"]} for row in rows]


VolunteerStatus = Literal["serving", "left", "any"]


class VolunteerFilters(InSchema):
    area: int | None = Field(None, description="Only volunteers of this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="The name contains this.")
    skills: str | None = Field(None, max_length=100, description="Their skills contain this.")
    status: VolunteerStatus = Field("serving", description="serving: registered and not left "
                                                           "today; left: left before today; "
                                                           "any: both.")


class VolunteerIn(InSchema):
    area: int = Field(description="The area they register in (one of your subtree).")
    name: str = Field(max_length=60)
    phone: str = Field(max_length=20, description="A mainland mobile number, registered once "
                                                  "among those who have not left.")
    skills: str = Field("", max_length=200)
    party_member: bool = False
    registered_on: datetime.date | None = Field(None, description="Default: today; not in the "
                                                                  "future.")


class VolunteerChangeIn(InSchema):
    """The fields to correct; those left out (or null) stay as they are (the area stays: one
    who moves leaves and registers again)."""

    name: str | None = Field(None, max_length=60)
    phone: str | None = Field(None, max_length=20)
    skills: str | None = Field(None, max_length=200)
    party_member: bool | None = None
    registered_on: datetime.date | None = Field(None, description="Not in the future, not "
                                                                  "after their first hours.")


# --- projects ----------------------------------------------------------------------------------

class ProjectOut(Schema):
    id: int
    area_id: int
    area_name: str = Field(description="The area that organises it.")
    kind: ProjectKind
    name: str
    description: str
    volunteers_needed: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    closed_on: datetime.date | None
    open: bool = Field(description="Started, neither ended nor closed before today: hours "
                                   "of today may be recorded.")
    hours: Hours = Field(description="Every hour served on it, summed.")
    volunteers: int = Field(description="The volunteers who served it, each counted once.")
    signed_up: int = Field(description="Its standing sign-ups (报名).")
    claims_waiting: int = Field(description="Claims of hours (时长申报) waiting for its keepers.")
    created_by: str | None

    @staticmethod
    def resolve_area_name(obj: Project) -> str:
        return obj.area.name

    @staticmethod
    def resolve_open(obj: Project) -> bool:
        return obj.is_open(local_day())

    @staticmethod
    def resolve_hours(obj: Project) -> Decimal:
        summed: Decimal | None = getattr(obj, "hours", None)  # the list sums them at once
        if summed is not None:
            return summed
        total: Decimal = obj.records.aggregate(total=summed_hours("hours"))["total"]
        return total

    @staticmethod
    def resolve_volunteers(obj: Project) -> int:
        counted: int | None = getattr(obj, "served", None)  # the list counts them
        if counted is not None:
            return counted
        return obj.records.values("volunteer_id").distinct().count()

    @staticmethod
    def resolve_signed_up(obj: Project) -> int:
        counted: int | None = getattr(obj, "signed_up", None)
        if counted is not None:
            return counted
        return obj.signups.filter(withdrawn_at__isnull=True).count()

    @staticmethod
    def resolve_claims_waiting(obj: Project) -> int:
        counted: int | None = getattr(obj, "waiting", None)
        if counted is not None:
            return counted
        return obj.claims.filter(state=ClaimState.PENDING).count()

    @staticmethod
    def resolve_created_by(obj: Project) -> str | None:
        return person(obj.created_by)


ProjectStatus = Literal["open", "closed", "any"]


class ProjectFilters(InSchema):
    area: int | None = Field(None, description="Only projects of this area id's subtree.")
    kind: ProjectKind | None = None
    status: ProjectStatus = Field("open", description="open: started, neither ended nor "
                                                      "closed before today; closed: closed or "
                                                      "ended before today; any: these and "
                                                      "those yet to start.")
    claims: Literal["waiting"] | None = Field(None, description="waiting: only the projects "
                                                              "with claims of hours waiting "
                                                              "for their keepers.")


class ProjectIn(InSchema):
    area: int = Field(description="The area that organises it (one of your subtree).")
    kind: ProjectKind
    name: str = Field(max_length=120, description="Unique in its area.")
    description: str = Field("", max_length=TEXT_MAX)
    volunteers_needed: int = Field(0, ge=0, le=32767)
    starts_on: datetime.date | None = Field(None, description="Default: today; at most 30 days "
                                                              "ahead.")
    ends_on: datetime.date | None = Field(None, description="Blank: open-ended.")


class ProjectChangeIn(InSchema):
    """The fields to correct; those left out (or null) stay as they are (the area stays)."""

    kind: ProjectKind | None = None
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=TEXT_MAX)
    volunteers_needed: int | None = Field(None, ge=0, le=32767)
    starts_on: datetime.date | None = Field(None, description="Not after its first hours.")
    ends_on: datetime.date | None = Field(None, description="Not before its last hours.")
    open_ended: bool = Field(False, description="true: the project no longer says when it "
                                                "ends (ends_on cleared).")


# --- hours served ------------------------------------------------------------------------------

class RecordOut(Schema):
    id: int
    project_id: int
    volunteer_id: int
    volunteer_name: str
    volunteer_area_name: str = Field(description="The area the volunteer registered in.")
    served_on: datetime.date
    hours: Hours
    note: str
    recorded_by: str | None
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_volunteer_name(obj: ServiceRecord) -> str:
        return obj.volunteer.name

    @staticmethod
    def resolve_volunteer_area_name(obj: ServiceRecord) -> str:
        return obj.volunteer.area.name

    @staticmethod
    def resolve_recorded_by(obj: ServiceRecord) -> str | None:
        return person(obj.recorded_by)

    @staticmethod
    def resolve_recorded_at(obj: ServiceRecord) -> datetime.datetime:
        return obj.created_at


class HoursIn(InSchema):
    volunteer: int = Field(description="A volunteer id of your subtree.")
    served_on: datetime.date = Field(description="A day the project was open and the "
                                                 "volunteer registered, not in the future.")
    hours: Decimal = Field(description="More than 0 and at most 24, in half hours (\"3.5\" or "
                                       "3.5); at most 24 a day across projects.")
    note: str = Field("", max_length=200)
