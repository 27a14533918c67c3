"""API of contact tracing (router mounted at /api/contacts): exposures, chains, clusters, and the
contacts still to act on.

Exposures are read through `restrict()` (the source's area); a case through the same 404 for
missing and forbidden. Writes need TRACE_CONTACTS and call cases.contacts, whose refusals answer
422 naming the field. A chain names only the persons of the caller's area; the others are
"outside your area" nodes without name, grid or case.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.cases import chain_queries, contacts
from epigrid.cases.access import view_cases_operation
from epigrid.cases.chains import DEFAULT_GENERATIONS, MAX_GENERATIONS
from epigrid.cases.models import Case, Exposure
from epigrid.core.access import Capability
from epigrid.core.api import (
    InSchema,
    NumberedPage,
    NumberParams,
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
    not_found,
    require,
)
from epigrid.core.paging import list_page
from epigrid.registry.models import Person

router = Router(tags=["contacts"])
# Every route names persons and their health: VIEW_CASES or 403 (cases.access).
router.add_decorator(view_cases_operation)


# --- schemas ---------------------------------------------------------------------------------

class ExposureOut(Schema):
    id: int
    source_id: int
    source_name: str
    contact_id: int | None
    contact_name: str = Field(description="The person's name once identified, else the name "
                                          "the tracer wrote down.")
    contact_hint: str
    identified: bool
    exposed_on: datetime.date
    setting: str
    note: str

    @staticmethod
    def resolve_source_name(obj: Exposure) -> str:
        return obj.source.name

    @staticmethod
    def resolve_contact_name(obj: Exposure) -> str:
        return obj.contact.name if obj.contact is not None else obj.contact_name

    @staticmethod
    def resolve_identified(obj: Exposure) -> bool:
        return obj.contact_id is not None


class ExposureFilters(InSchema):
    case: int | None = Field(None, description="Only the exposures given by this case's person.")
    unidentified: bool | None = Field(None, description="true: only contacts not identified.")


class ContactIn(InSchema):
    """Who the contact is: a person id of your area, an ID number (any area), or a name."""

    contact_person_id: int | None = None
    contact_id_number: str = Field("", max_length=32)
    contact_name: str = Field("", max_length=100)
    contact_hint: str = Field("", max_length=300)


class ExposureIn(ContactIn):
    case_id: int = Field(description="The source's case.")
    exposed_on: datetime.date
    setting: Exposure.Setting = Exposure.Setting.OTHER
    note: str = Field("", max_length=500)


class IdentifyIn(InSchema):
    person_id: int | None = Field(None, description="A person of your area.")
    id_number: str = Field("", max_length=32, description="Or the person's ID number.")


class RecordedOut(Schema):
    exposure: ExposureOut
    outcome: str = Field(description="opened, already_contact, in_quarantine, already_case or "
                                     "unidentified.")
    contact_case_id: int | None
    message: str


class NodeOut(Schema):
    id: str
    name: str
    state: str
    state_label: str
    generation: int
    outside: bool
    case_id: int | None
    grid: str
    start: bool


class EdgeOut(Schema):
    source: str
    target: str
    exposed_on: datetime.date
    setting: str
    setting_label: str


class ChainOut(Schema):
    case_id: int
    generations: int
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class ChainParams(InSchema):
    generations: int = Field(DEFAULT_GENERATIONS, ge=1, le=MAX_GENERATIONS,
                             description="How many generations each way.")


class AreaOut(Schema):
    id: int
    name: str
    level: int


class ClusterOut(Schema):
    key: int = Field(description="Its smallest person id: GET /clusters/{key} for its persons.")
    size: int
    confirmed: int
    first_on: datetime.date
    last_on: datetime.date
    span_days: int
    persons: list[int]
    areas: list[AreaOut]


class MemberOut(Schema):
    id: int
    name: str
    state: str | None
    case_id: int | None


class ClusterDetailOut(ClusterOut):
    members: list[MemberOut]


class CloseContactOut(Schema):
    case_id: int
    person_id: int
    person_name: str
    grid_name: str
    state_since: datetime.datetime
    last_exposed: datetime.date | None


# --- helpers ---------------------------------------------------------------------------------

def _person(request: HttpRequest, person_id: int | None, id_number: str,
            field: str) -> Person | None:
    if person_id is not None:
        found = Person.objects.restrict(api_user(request)).filter(pk=person_id).first()
        if found is None:
            raise field_errors({field: [_("No person %(id)s among the persons you may see.")
                                        % {"id": person_id}]})
        return found
    if not id_number.strip():
        return None
    try:
        found = contacts.person_with_id_number(id_number)
    except ValidationError as error:  # the ID parser's message, on the field sent
        raise field_errors({field: error.messages}) from None
    if found is None:
        raise field_errors({field: [_("No person is registered with this ID number.")]})
    return found


def _recorded(recorded: contacts.Recorded) -> dict[str, Any]:
    return {"exposure": recorded.exposure, "outcome": recorded.outcome,
            "contact_case_id": recorded.contact_case.pk if recorded.contact_case else None,
            "message": recorded.message}


def _cluster(view: chain_queries.ClusterView) -> dict[str, Any]:
    c = view.cluster
    return {"key": c.key, "size": c.size, "confirmed": c.confirmed, "first_on": c.first_on,
            "last_on": c.last_on, "span_days": c.span_days, "persons": c.persons,
            "areas": view.areas}


# --- routes ----------------------------------------------------------------------------------

@router.get("/exposures", response=Page[ExposureOut], summary="Exposures of your area")
def list_exposures(request: HttpRequest, filters: Query[ExposureFilters],
                   page: Query[PageParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = Exposure.objects.restrict(user).select_related("source", "contact")
    if filters.case is not None:
        case = get_object_for_user(Case, user, filters.case)
        rows = rows.filter(source=case.person_id)
    if filters.unidentified is not None:
        rows = rows.filter(contact__isnull=filters.unidentified)
    return keyset_page(rows, page)


@router.post("/exposures", response={201: RecordedOut}, summary="Record an exposure of a case")
def create_exposure(request: HttpRequest, payload: ExposureIn) -> Status[Any]:
    user = api_user(request)
    case = get_object_for_user(Case.objects.select_related("person"), user, payload.case_id)
    require(user, Capability.TRACE_CONTACTS)
    contact = _person(request, payload.contact_person_id, payload.contact_id_number,
                      "contact_person_id" if payload.contact_person_id is not None
                      else "contact_id_number")
    recorded = contacts.record_exposure(
        case.person, contact=contact, contact_name=payload.contact_name,
        contact_hint=payload.contact_hint, exposed_on=payload.exposed_on,
        setting=payload.setting, note=payload.note, by=user)
    return Status(201, _recorded(recorded))


@router.post("/exposures/{int:id}/identify", response=RecordedOut,
             summary="Link an unidentified contact to the person found")
def identify(request: HttpRequest, id: int, payload: IdentifyIn) -> dict[str, Any]:
    user = api_user(request)
    exposure = get_object_for_user(Exposure, user, id)
    require(user, Capability.TRACE_CONTACTS)
    field = "person_id" if payload.person_id is not None else "id_number"
    person = _person(request, payload.person_id, payload.id_number, field)
    if person is None:
        raise field_errors({"id_number": [_("Give the person's id or ID number.")]})
    return _recorded(contacts.identify_contact(exposure, person, by=user))


@router.get("/chain/{int:case_id}", response=ChainOut,
            summary="The transmission chain around a case, N generations each way")
def chain(request: HttpRequest, case_id: int, params: Query[ChainParams]) -> HttpResponse:
    user = api_user(request)
    case = get_object_for_user(Case, user, case_id)
    # Sent as built (plain JSON types, in ChainOut's shape, tested): ninja's per-field getter
    # would spend half a second re-reading a thousand-person chain.
    return JsonResponse(chain_queries.chain_graph(user, case, params.generations))


@router.get("/clusters", response=NumberedPage[ClusterOut],
            summary="Clusters seen from your area, largest first, by numbered page")
def clusters(request: HttpRequest, page: Query[NumberParams]) -> dict[str, Any]:
    items, next_page = list_page(chain_queries.clusters_for(api_user(request)), page.page,
                                 page.limit)
    return {"items": [_cluster(view) for view in items], "next_page": next_page}


@router.get("/clusters/{int:key}", response=ClusterDetailOut,
            summary="The cluster of a person, with its persons")
def cluster(request: HttpRequest, key: int) -> dict[str, Any]:
    view = chain_queries.cluster_of(api_user(request), key)
    if view is None:
        raise not_found()
    members = [{"id": p.pk, "name": p.name, "state": getattr(p, "case_state", None),
                "case_id": getattr(p, "case_pk", None)}
               for p in chain_queries.cluster_members(view)]
    return {**_cluster(view), "members": members}


@router.get("/to-act-on/identify", response=Page[ExposureOut],
            summary="Contacts of your area not identified yet")
def to_identify(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(chain_queries.to_identify(api_user(request)).select_related("contact"),
                       page)


@router.get("/to-act-on/quarantine", response=Page[CloseContactOut],
            summary="Close contacts of your area not in quarantine yet")
def to_quarantine(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    found = keyset_page(chain_queries.to_quarantine(api_user(request)), page)
    found["items"] = [{"case_id": c.pk, "person_id": c.person_id, "person_name": c.person.name,
                       "grid_name": c.grid.name, "state_since": c.state_since,
                       "last_exposed": c.last_exposed} for c in found["items"]]
    return found
