"""The schemas of the registry API (registry.api): what its households and persons look like
going out (ID numbers and phones masked) and coming in, and its filters."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from epigrid.core.api import InSchema
from epigrid.registry.models import Household, Person, Residency, Sex, Tag


class HouseholdFilters(InSchema):
    area: int | None = Field(None, description="Only households in this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="Address contains this.")
    head: str | None = Field(None, max_length=100, description="Head's name contains this.")


class PersonFilters(InSchema):
    area: int | None = Field(None, description="Only persons in this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="Name starts with this.")
    match: Literal["prefix", "contains"] = Field(
        "prefix", description="`contains`: the name holds `q` anywhere (slower: no index).")
    address: str | None = Field(None, max_length=100,
                                description="Their household's address contains this.")
    household: int | None = Field(None, description="Only the members of this household id.")
    tag: Tag | None = Field(None, description="Only persons of this key group.")
    residency: Residency | None = None


class HouseholdOut(Schema):
    id: int
    number: str
    address: str
    head_name: str
    phone_masked: str
    grid_id: int
    grid_code: str
    grid_name: str
    latitude: Decimal | None = Field(None, description="Where the door is (with longitude).")
    longitude: Decimal | None = None

    @staticmethod
    def resolve_grid_code(obj: Household) -> str:
        return obj.grid.code

    @staticmethod
    def resolve_grid_name(obj: Household) -> str:
        return obj.grid.name


class PersonOut(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    sex: str
    birth_date: datetime.date | None
    occupation: str
    is_medical_staff: bool
    residency: str
    tags: list[str]
    returnee_origin: str
    returned_on: datetime.date | None
    household_id: int | None
    grid_id: int
    grid_code: str
    grid_name: str

    @staticmethod
    def resolve_tags(obj: Person) -> list[str]:
        return obj.tag_list

    @staticmethod
    def resolve_grid_code(obj: Person) -> str:
        return obj.grid.code

    @staticmethod
    def resolve_grid_name(obj: Person) -> str:
        return obj.grid.name


class HouseholdIn(InSchema):
    grid_code: str = Field(max_length=32)
    address: str = Field(min_length=1, max_length=300)
    head_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=30, description="Mainland mobile number; stored encrypted.")
    number: str = Field("", max_length=32)
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6,
                                     description="Where the door is, with longitude: both or "
                                                 "neither (the grid worker's round nearest "
                                                 "first).")
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)


class PersonIn(InSchema):
    name: str = Field(min_length=1, max_length=100)
    household_id: int | None = Field(None, description="A resident's household (sets the grid).")
    grid_code: str = Field("", max_length=32, description="The grid of a person without one.")
    id_number: str = Field("", max_length=40, description="18 or 15 digits; stored encrypted.")
    phone: str = Field("", max_length=30)
    residency: Residency = Residency.RESIDENT
    sex: Sex = Field(Sex.UNKNOWN, description="Ignored when the ID number gives it.")
    birth_date: datetime.date | None = Field(None, description="Ignored when the ID gives it.")
    occupation: str = Field("", max_length=100)
    is_medical_staff: bool = False
    tags: list[Tag] = []
    returnee_origin: str = Field("", max_length=100)
    returned_on: datetime.date | None = None


class HouseholdPatch(InSchema):
    """The fields to change; a field left out keeps its value."""

    grid_code: str | None = Field(None, max_length=32,
                                  description="Only while the household has no member.")
    address: str | None = Field(None, min_length=1, max_length=300)
    head_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30, description='"" removes the stored phone.')
    number: str | None = Field(None, max_length=32)
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6,
                                     description="Where the door is, with longitude: both or "
                                                 "neither (the grid worker's round nearest "
                                                 "first); both null remove it.")
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)


class PersonPatch(InSchema):
    """The fields to change; a field left out keeps its value. A member stays in their household
    (and its grid); a person without one may change grid."""

    name: str | None = Field(None, min_length=1, max_length=100)
    grid_code: str | None = Field(None, max_length=32,
                                  description="Only for a person without a household.")
    household_id: int | None = Field(None, description="Move the person into this household "
                                                       "(and its grid).")
    id_number: str | None = Field(None, max_length=40,
                                  description='"" removes the stored ID number.')
    phone: str | None = Field(None, max_length=30, description='"" removes the stored phone.')
    residency: Residency | None = None
    sex: Sex | None = Field(None, description="Ignored while the person has an ID number.")
    birth_date: datetime.date | None = Field(
        None, description="Ignored while the person has an ID number.")
    occupation: str | None = Field(None, max_length=100)
    is_medical_staff: bool | None = None
    tags: list[Tag] | None = None
    returnee_origin: str | None = Field(None, max_length=100)
    returned_on: datetime.date | None = None


class LookupIn(InSchema):
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)


class RevealIn(InSchema):
    field: str = Field(description="`id_number` or `phone`.")
    reason: str = Field(max_length=500, description="Why the full value is needed; logged.")


class RevealOut(Schema):
    field: str
    value: str


class DuplicateGroupOut(Schema):
    """Persons sharing one ID number across households (shown masked, like every answer)."""

    persons: list[PersonOut]


class ResolveIn(InSchema):
    note: str = Field(..., max_length=500)


class ResolutionOut(Schema):
    id: int
    note: str
    resolved_at: datetime.datetime


class RosterExportIn(InSchema):
    format: Literal["csv", "xlsx"] = "xlsx"
    area: int | None = Field(None, description="The id of an area you see: its persons alone; "
                                               "null for all of your area's")
    unmasked: bool = Field(False, description="Full ID numbers and phones (your role must "
                                              "reveal identities, and say why)")
    reason: str = Field("", max_length=300, description="Why full values: logged with them")
