"""API of households and persons (router mounted at /api/registry).

Rows come through `objects.restrict(user)`; lists page by key (core.api). Only masked ID numbers
and phones leave the server, except in the answer to a reveal POST (with a reason, audited).
Look-ups by ID number or phone are POSTs so the number never lands in an access log.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from epigrid.areas.api import visible_area
from epigrid.core.access import Capability, ScopedUser
from epigrid.core.api import (
    NumberedPage,
    NumberParams,
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
    numbered_page,
    require,
)
from epigrid.core.audit import record_opened
from epigrid.core.export_api import ExportRunOut
from epigrid.registry import exporters, services
from epigrid.registry.api_schemas import (
    DuplicateGroupOut,
    HouseholdFilters,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    LookupIn,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    ResolutionOut,
    ResolveIn,
    RevealIn,
    RevealOut,
    RosterExportIn,
)
from epigrid.registry.models import Household, Person, Residency
from epigrid.registry.people_forms import grid_by_code

router = Router(tags=["registry"])
# A person's fields a PATCH may set to null (empty); null on any other keeps its value.
NULLABLE = frozenset({"birth_date", "returned_on"})


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
    household_id = changes.pop("household_id", None)
    if household_id is not None:
        changes["household"] = household_for(user, household_id)
    code = changes.pop("grid_code", None)
    if code is not None:
        if person.household_id is not None or household_id is not None:
            raise field_errors({"grid_code": [_("A member lives in their household's grid; "
                                                "change the household's.")]})
        changes["grid"] = grid_for(user, code)
    if changes.get("residency") == Residency.RESIDENT and person.household_id is None \
            and household_id is None:
        raise field_errors({"residency": [_("A resident belongs to a household.")]})
    keeps_id = bool(person.id_number_hash) and changes.get("id_number") != ""
    if keeps_id or changes.get("id_number"):  # the ID number tells sex and birth date
        changes.pop("sex", None)
        changes.pop("birth_date", None)
    return changes


def household_for(user: ScopedUser, pk: int) -> Household:
    """A household of the user's area named in a body: a 422 on that field when it is not."""
    found = Household.objects.restrict(user).select_related("grid").filter(pk=pk).first()
    if found is None:
        raise field_errors({"household_id": [_("No such household in your area.")]})
    return found


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
    household = get_object_for_user(Household.objects.select_related("grid"), api_user(request),
                                    id)
    record_opened(household, household.area_path)
    return household


@router.post("/households/", response={201: HouseholdOut}, summary="Register a household")
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.CHANGE_REGISTRY)
    household = services.create_household(
        grid=grid_for(user, payload.grid_code), address=payload.address,
        head_name=payload.head_name, phone=payload.phone, number=payload.number,
        latitude=payload.latitude, longitude=payload.longitude)
    return Status(201, household)


@router.patch("/households/{int:id}", response=HouseholdOut, summary="Change a household")
def update_household(request: HttpRequest, id: int, payload: HouseholdPatch) -> Household:
    user = api_user(request)
    household = get_object_for_user(Household, user, id)
    require(user, Capability.CHANGE_REGISTRY)
    sent = payload.model_dump(exclude_unset=True)
    changes = {name: value for name, value in sent.items()
               if value is not None}  # null keeps the value, as leaving the field out does
    if all(name in sent and sent[name] is None for name in ("latitude", "longitude")):
        changes.update(latitude=None, longitude=None)  # but both null remove the location
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
    person = get_object_for_user(Person.objects.select_related("grid"), api_user(request), id)
    record_opened(person, person.area_path)
    return person


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
    household = changes.pop("household", None)
    if household is not None:
        person = services.move_person(person, household)
    if changes or household is None:  # a move alone is saved once
        services.update_person(person, **changes)
    return Person.objects.select_related("grid").get(pk=person.pk)


@router.post("/persons/{int:id}/reveal", response=RevealOut,
             summary="The full ID number or phone of a person (logged with the reason)")
def reveal_person(request: HttpRequest, id: int, payload: RevealIn) -> RevealOut:
    person = get_object_for_user(Person, api_user(request), id)
    return _reveal(request, person, payload)


@router.get("/duplicates/", response=NumberedPage[DuplicateGroupOut],
            summary="ID numbers registered in more than one household, not yet settled, a "
                    "page at a time (settling a group moves the later ones up)")
def list_duplicates(request: HttpRequest, page: Query[NumberParams]) -> dict[str, Any]:
    groups, next_page = numbered_page(services.duplicate_groups(
        api_user(request), page.limit + 1, page.offset), page)
    return {"items": [{"persons": group.persons} for group in groups], "next_page": next_page}


@router.post("/persons/{int:id}/resolve-duplicate", response={201: ResolutionOut},
             summary="Settle the duplicate this person's ID number is part of")
def resolve_duplicate(request: HttpRequest, id: int, payload: ResolveIn) -> Status:
    user = api_user(request)
    require(user, Capability.CHANGE_REGISTRY)
    person = get_object_for_user(Person, user, id)
    return Status(201, services.resolve_duplicate(person, user=user, note=payload.note))


@router.post("/roster-exports", response={201: ExportRunOut},
             summary="Export the roster 花名册 of an area, masked unless asked (written in the "
                     "background: follow it at GET /api/exports/{id})")
def export_roster(request: HttpRequest, payload: RosterExportIn) -> Status:
    user = api_user(request)
    require(user, Capability.EXPORT)
    if payload.unmasked:
        require(user, Capability.REVEAL_IDENTITY)
    area = None if payload.area is None else visible_area(user, payload.area, "area", "body")
    return Status(201, exporters.start_roster_export(
        user, area=area, fmt=payload.format, unmasked=payload.unmasked, reason=payload.reason))
