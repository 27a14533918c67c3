"""API of households and persons (router mounted at /api/registry).

Rows come through `objects.restrict(user)`; lists page by key (core.api). Only masked ID numbers
and phones leave the server, except in the answer to a reveal POST (with a reason, audited).
Look-ups by ID number or phone are POSTs so the number never lands in an access log.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.areas.api import visible_area
from epigrid.core.access import Capability, ScopedUser
from epigrid.core.api import (
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
    require,
)
from epigrid.registry import services
from epigrid.registry.models import Household, Person, Residency, Sex, Tag
from epigrid.registry.people_forms import grid_by_code

router = Router(tags=["registry"])
# A person's fields a PATCH may set to null (empty); null on any other keeps its value.
NULLABLE = frozenset({"birth_date", "returned_on"})


# --- schemas ---------------------------------------------------------------------------------

class HouseholdFilters(Schema):
    area: int | None = Field(None, description="Only households in this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="Address contains this.")
    head: str | None = Field(None, max_length=100, description="Head's name contains this.")


class PersonFilters(Schema):
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


class HouseholdIn(Schema):
    grid_code: str = Field(max_length=32)
    address: str = Field(min_length=1, max_length=300)
    head_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=30, description="Mainland mobile number; stored encrypted.")
    number: str = Field("", max_length=32)


class PersonIn(Schema):
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


class HouseholdPatch(Schema):
    """The fields to change; a field left out keeps its value."""

    grid_code: str | None = Field(None, max_length=32,
                                  description="Only while the household has no member.")
    address: str | None = Field(None, min_length=1, max_length=300)
    head_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30, description='"" removes the stored phone.')
    number: str | None = Field(None, max_length=32)


class PersonPatch(Schema):
    """The fields to change; a field left out keeps its value. A member stays in their household
    (and its grid); a person without one may change grid."""

    name: str | None = Field(None, min_length=1, max_length=100)
    grid_code: str | None = Field(None, max_length=32,
                                  description="Only for a person without a household.")
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


class LookupIn(Schema):
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)


class RevealIn(Schema):
    field: str = Field(description="`id_number` or `phone`.")
    reason: str = Field(max_length=500, description="Why the full value is needed; logged.")


class RevealOut(Schema):
    field: str
    value: str


# --- helpers ---------------------------------------------------------------------------------

def filter_households(user: ScopedUser, filters: HouseholdFilters) -> QuerySet[Household]:
    rows = Household.objects.restrict(user).select_related("grid")
    if filters.area is not None:
        rows = rows.within(visible_area(user, filters.area, "area").path)
    if filters.q:
        rows = rows.filter(address__icontains=filters.q)
    if filters.head:
        rows = rows.filter(head_name__icontains=filters.head)
    return rows


def filter_persons(user: ScopedUser, filters: PersonFilters) -> QuerySet[Person]:
    rows = Person.objects.restrict(user).select_related("grid")
    if filters.area is not None:
        rows = rows.within(visible_area(user, filters.area, "area").path)
    if filters.q and filters.q.strip():
        lookup = "name__icontains" if filters.match == "contains" else "name__startswith"
        rows = rows.filter(**{lookup: filters.q.strip()})
    if filters.address and filters.address.strip():
        rows = rows.filter(household__address__icontains=filters.address.strip())
    if filters.household is not None:
        rows = rows.filter(household_id=filters.household)
    if filters.tag:
        rows = rows.filter(tags__contains=f",{filters.tag},")
    if filters.residency:
        rows = rows.filter(residency=filters.residency)
    return rows


def grid_for(user: ScopedUser, code: str) -> Any:
    try:
        return grid_by_code(user, code)
    except ValidationError as error:
        raise field_errors({"grid_code": error.messages}) from None


def person_changes(user: ScopedUser, person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """A person's PATCH as update_person()'s arguments, or a 422 naming the field."""
    changes = {name: value for name, value in changes.items()
               if value is not None or name in NULLABLE}  # null keeps the others as they are
    code = changes.pop("grid_code", None)
    if code is not None:
        if person.household_id is not None:
            raise field_errors({"grid_code": [_("A member lives in their household's grid; "
                                                "change the household's.")]})
        changes["grid"] = grid_for(user, code)
    if changes.get("residency") == Residency.RESIDENT and person.household_id is None:
        raise field_errors({"residency": [_("A resident belongs to a household.")]})
    keeps_id = bool(person.id_number_hash) and changes.get("id_number") != ""
    if keeps_id or changes.get("id_number"):  # the ID number tells sex and birth date
        changes.pop("sex", None)
        changes.pop("birth_date", None)
    return changes


def _reveal(request: HttpRequest, record: Person | Household, payload: RevealIn) -> RevealOut:
    user = api_user(request)
    require(user, Capability.REVEAL_IDENTITY)
    if payload.field not in {services.ID_FIELD, services.PHONE_FIELD} or not hasattr(
            record, f"{payload.field}_enc"):
        raise field_errors({"field": [_("Only %(fields)s can be revealed here.") % {
            "fields": ", ".join(f for f in (services.ID_FIELD, services.PHONE_FIELD)
                                if hasattr(record, f"{f}_enc"))}]})
    value = services.reveal(record, payload.field, user=user, reason=payload.reason)
    return RevealOut(field=payload.field, value=value)


# --- households ------------------------------------------------------------------------------

@router.get("/households/", response=Page[HouseholdOut], summary="Households you may see")
def list_households(request: HttpRequest, filters: Query[HouseholdFilters],
                    page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(filter_households(api_user(request), filters), page, area_order=True)


@router.get("/households/{int:id}", response=HouseholdOut, summary="One household")
def get_household(request: HttpRequest, id: int) -> Household:
    return get_object_for_user(Household.objects.select_related("grid"), api_user(request), id)


@router.post("/households/", response={201: HouseholdOut}, summary="Register a household")
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.CHANGE_REGISTRY)
    household = services.create_household(
        grid=grid_for(user, payload.grid_code), address=payload.address,
        head_name=payload.head_name, phone=payload.phone, number=payload.number)
    return Status(201, household)


@router.patch("/households/{int:id}", response=HouseholdOut, summary="Change a household")
def update_household(request: HttpRequest, id: int, payload: HouseholdPatch) -> Household:
    user = api_user(request)
    household = get_object_for_user(Household, user, id)
    require(user, Capability.CHANGE_REGISTRY)
    changes = {name: value for name, value in payload.model_dump(exclude_unset=True).items()
               if value is not None}  # null keeps the value, as leaving the field out does
    if "grid_code" in changes:
        changes["grid"] = grid_for(user, changes.pop("grid_code"))
    services.update_household(household, **changes)
    return Household.objects.select_related("grid").get(pk=household.pk)


@router.post("/households/{int:id}/reveal", response=RevealOut,
             summary="The full phone of a household (logged with the reason)")
def reveal_household(request: HttpRequest, id: int, payload: RevealIn) -> RevealOut:
    household = get_object_for_user(Household, api_user(request), id)
    return _reveal(request, household, payload)


# --- persons ---------------------------------------------------------------------------------

@router.get("/persons/", response=Page[PersonOut], summary="Persons you may see")
def list_persons(request: HttpRequest, filters: Query[PersonFilters],
                 page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(filter_persons(api_user(request), filters), page, area_order=True)


@router.get("/persons/{int:id}", response=PersonOut, summary="One person")
def get_person(request: HttpRequest, id: int) -> Person:
    return get_object_for_user(Person.objects.select_related("grid"), api_user(request), id)


@router.post("/persons/search", response=list[PersonOut],
             summary="Persons with this exact ID number or phone (in the body, not the URL)")
def search_persons(request: HttpRequest, payload: LookupIn) -> Any:
    user = api_user(request)
    if not (payload.id_number.strip() or payload.phone.strip()):
        raise field_errors({"id_number": [_("Give an ID number or a phone.")]})
    rows = Person.objects.restrict(user)
    if payload.id_number.strip():
        rows = rows & services.persons_with_id_number(user, payload.id_number)
    if payload.phone.strip():
        rows = rows & services.persons_with_phone(user, payload.phone)
    return list(rows.select_related("grid").order_by("pk")[:100])


@router.post("/persons/", response={201: PersonOut}, summary="Register a person")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.CHANGE_REGISTRY)
    data = payload.model_dump()
    household = None
    if data.pop("household_id") is not None:
        household = get_object_for_user(Household.objects.select_related("grid"), user,
                                        payload.household_id or 0)
        grid = household.grid
    elif payload.residency == Residency.RESIDENT:
        raise field_errors({"household_id": [_("A resident belongs to a household.")]})
    else:
        grid = grid_for(user, payload.grid_code)
    data.pop("grid_code")
    person = services.create_person(grid=grid, household=household, **data)
    return Status(201, Person.objects.select_related("grid").get(pk=person.pk))


@router.patch("/persons/{int:id}", response=PersonOut, summary="Change a person")
def update_person(request: HttpRequest, id: int, payload: PersonPatch) -> Person:
    user = api_user(request)
    person = get_object_for_user(Person, user, id)
    require(user, Capability.CHANGE_REGISTRY)
    changes = person_changes(user, person, payload.model_dump(exclude_unset=True))
    services.update_person(person, **changes)
    return Person.objects.select_related("grid").get(pk=person.pk)


@router.post("/persons/{int:id}/reveal", response=RevealOut,
             summary="The full ID number or phone of a person (logged with the reason)")
def reveal_person(request: HttpRequest, id: int, payload: RevealIn) -> RevealOut:
    person = get_object_for_user(Person, api_user(request), id)
    return _reveal(request, person, payload)


class DuplicateGroupOut(Schema):
    """Persons sharing one ID number across households (shown masked, like every answer)."""

    persons: list[PersonOut]


class ResolveIn(Schema):
    note: str = Field(..., max_length=500)


class ResolutionOut(Schema):
    id: int
    note: str
    resolved_at: datetime.datetime


@router.get("/duplicates/", response=list[DuplicateGroupOut],
            summary="ID numbers registered in more than one household, not yet settled")
def list_duplicates(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"persons": group.persons}
            for group in services.duplicate_groups(api_user(request))]


@router.post("/persons/{int:id}/resolve-duplicate", response={201: ResolutionOut},
             summary="Settle the duplicate this person's ID number is part of")
def resolve_duplicate(request: HttpRequest, id: int, payload: ResolveIn) -> Status:
    user = api_user(request)
    require(user, Capability.CHANGE_REGISTRY)
    person = get_object_for_user(Person, user, id)
    return Status(201, services.resolve_duplicate(person, user=user, note=payload.note))
