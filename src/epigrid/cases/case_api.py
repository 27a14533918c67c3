"""API of cases 病例·四类人员 (router mounted at /api/cases).

Rows come through `Case.objects.restrict(user)`; lists page by key (core.api). Opening a case,
every change of state and of its origin of infection call cases.services, whose refusals answer
422 with the field named (core.api.django_validation_error). Only masked ID numbers and phones
leave the server; the look-up by ID number or phone is a POST, so the number never lands in an
access log.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.areas.api import visible_area
from epigrid.cases import services, states
from epigrid.cases.access import view_cases_operation
from epigrid.cases.models import Case, Evidence, Origin, Severity, Source, Transition
from epigrid.cases.states import Category, State
from epigrid.core.access import Capability, ScopedUser
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
from epigrid.core.audit import record_opened
from epigrid.registry import services as registry
from epigrid.registry.models import Person

router = Router(tags=["cases"])
# Every route names persons and their health: VIEW_CASES or 403 (cases.access).
router.add_decorator(view_cases_operation)


# --- schemas ---------------------------------------------------------------------------------

class CaseFilters(InSchema):
    area: int | None = Field(None, description="Only cases in this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="The person's name starts with this.")
    state: State | None = None
    category: Category | None = Field(None, description="Every state counted in a category.")
    open: bool | None = Field(None, description="Only open (true) or closed (false) cases.")
    source: Source | None = None
    origin: Origin | None = Field(None, description="Only local or only imported cases.")
    person: int | None = Field(None, description="Only the cases of this person id.")
    reported_from: datetime.date | None = None
    reported_to: datetime.date | None = None


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str
    id_number_masked: str
    phone_masked: str
    state: str
    state_label: str
    category: str | None = Field(description="The category the state counts in; null when closed.")
    is_open: bool
    state_since: datetime.datetime
    severity: str
    source: str
    origin: str = Field(description="Where the infection was acquired: local or imported.")
    imported_from: str = Field(description="For an imported case, where from; may be empty.")
    onset_date: datetime.date | None
    reported_on: datetime.date
    grid_id: int
    grid_code: str
    grid_name: str

    @staticmethod
    def resolve_person_name(obj: Case) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number_masked(obj: Case) -> str:
        return obj.person.id_number_masked

    @staticmethod
    def resolve_phone_masked(obj: Case) -> str:
        return obj.person.phone_masked

    @staticmethod
    def resolve_state_label(obj: Case) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_category(obj: Case) -> str | None:
        return states.CATEGORY_OF.get(obj.state)

    @staticmethod
    def resolve_grid_code(obj: Case) -> str:
        return obj.grid.code

    @staticmethod
    def resolve_grid_name(obj: Case) -> str:
        return obj.grid.name


class TransitionOut(Schema):
    id: int
    from_state: str = Field(description="Empty on the step that opened the case.")
    to_state: str
    at: datetime.datetime
    by: str = Field(description="The username of who recorded it; empty for the system.")
    reason: str
    evidence: str
    evidence_note: str
    lab_test_id: int | None

    @staticmethod
    def resolve_by(obj: Transition) -> str:
        return obj.by.username if obj.by else ""


class CaseDetailOut(CaseOut):
    allowed_next: list[str] = Field(description="The states this case may move to now.")
    history: list[TransitionOut]

    @staticmethod
    def resolve_allowed_next(obj: Case) -> list[str]:
        nexts = states.TRANSITIONS.get(obj.state, frozenset())
        return [state for state in State.values if state in nexts]

    @staticmethod
    def resolve_history(obj: Case) -> list[Transition]:
        return list(obj.transitions.select_related("by").order_by("at", "id"))


class LookupIn(InSchema):
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)


class OpenIn(InSchema):
    person_id: int
    state: State = Field(description="One of the initial states: fever, suspected, confirmed, "
                                     "asymptomatic, close_contact.")
    reason: str = Field(max_length=500)
    source: Source = Source.OTHER
    origin: Origin = Field(Origin.LOCAL, description="local, or imported (infected outside "
                                                     "the district, e.g. a returnee).")
    imported_from: str = Field("", max_length=100, description="For an imported case: where "
                                                               "the infection was acquired.")
    onset_date: datetime.date | None = None
    severity: Severity | None = None
    evidence: Evidence | None = Field(None, description="Needed to open as confirmed or "
                                                        "asymptomatic: test or diagnosis.")
    evidence_note: str = Field("", max_length=500)
    at: datetime.datetime | None = Field(None, description="When; now if left out. A time "
                                                           "without an offset is local time.")


class TransitionIn(InSchema):
    state: State = Field(description="The state to move to (see `allowed_next`).")
    reason: str = Field(max_length=500)
    evidence: Evidence | None = None
    evidence_note: str = Field("", max_length=500)
    at: datetime.datetime | None = Field(None, description="When; now if left out. A time "
                                                           "without an offset is local time.")


class OriginIn(InSchema):
    origin: Origin
    imported_from: str = Field("", max_length=100, description="Only for an imported case.")
    reason: str = Field(max_length=500)


# --- helpers ---------------------------------------------------------------------------------

def _cases(user: ScopedUser) -> QuerySet[Case]:
    return Case.objects.restrict(user).select_related("person", "grid")


def filter_cases(user: ScopedUser, filters: CaseFilters) -> QuerySet[Case]:
    rows = _cases(user)
    if filters.area is not None:
        rows = rows.within(visible_area(user, filters.area, "area").path)  # type: ignore[attr-defined]
    if filters.q:
        rows = rows.filter(person__name__startswith=filters.q.strip())
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.category:
        rows = rows.filter(state__in=[s for s, c in states.CATEGORY_OF.items()
                                      if c == filters.category])
    if filters.open is not None:
        rows = rows.filter(is_open=filters.open)
    if filters.source:
        rows = rows.filter(source=filters.source)
    if filters.origin:
        rows = rows.filter(origin=filters.origin)
    if filters.person is not None:
        rows = rows.filter(person_id=filters.person)
    if filters.reported_from and filters.reported_to and \
            filters.reported_from > filters.reported_to:
        raise field_errors({"reported_to": [_("The end of the range is before its start.")]},
                           where="query")
    if filters.reported_from:
        rows = rows.filter(reported_on__gte=filters.reported_from)
    if filters.reported_to:
        rows = rows.filter(reported_on__lte=filters.reported_to)
    return rows


def _aware(at: datetime.datetime | None) -> datetime.datetime:
    """A time as sent, or now; one without an offset is taken as local time."""
    if at is None:
        return timezone.now()
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def _detail(user: ScopedUser, pk: int) -> Case:
    return get_object_for_user(_cases(user), user, pk)


# --- routes ----------------------------------------------------------------------------------

@router.get("/", response=Page[CaseOut], summary="Cases you may see")
def list_cases(request: HttpRequest, filters: Query[CaseFilters],
               page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(filter_cases(api_user(request), filters), page)


@router.post("/search", response=list[CaseOut],
             summary="Cases of the person with this exact ID number or phone (in the body)")
def search_cases(request: HttpRequest, payload: LookupIn) -> Any:
    user = api_user(request)
    if not (payload.id_number.strip() or payload.phone.strip()):
        raise field_errors({"id_number": [_("Give an ID number or a phone.")]})
    rows = _cases(user)
    if payload.id_number.strip():
        rows = rows.filter(person__in=registry.persons_with_id_number(
            user, payload.id_number).values("pk"))
    if payload.phone.strip():
        rows = rows.filter(person__in=registry.persons_with_phone(
            user, payload.phone).values("pk"))
    return list(rows.order_by("pk")[:100])


@router.get("/{int:id}", response=CaseDetailOut, summary="One case with its full history")
def get_case(request: HttpRequest, id: int) -> Case:
    case = _detail(api_user(request), id)
    record_opened(case, case.area_path)
    return case


@router.post("/", response={201: CaseDetailOut}, summary="Open a case for a person")
def open_case(request: HttpRequest, payload: OpenIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.CHANGE_CASES)
    person = get_object_for_user(Person, user, payload.person_id)
    case = services.open_case(
        person, payload.state, by=user, reason=payload.reason, at=_aware(payload.at),
        source=payload.source, onset_date=payload.onset_date,
        severity=payload.severity or "", evidence=payload.evidence or "",
        evidence_note=payload.evidence_note, origin=payload.origin,
        imported_from=payload.imported_from)
    return Status(201, _detail(user, case.pk))


@router.post("/{int:id}/transitions", response={201: CaseDetailOut},
             summary="Move a case to another state (the state machine decides if it may)")
def transition_case(request: HttpRequest, id: int, payload: TransitionIn) -> Status[Any]:
    user = api_user(request)
    case = _detail(user, id)
    require(user, Capability.CHANGE_CASES)
    services.transition(case, payload.state, by=user, reason=payload.reason,
                        at=_aware(payload.at), evidence=payload.evidence or "",
                        evidence_note=payload.evidence_note)
    return Status(201, _detail(user, case.pk))


@router.post("/{int:id}/origin", response=CaseDetailOut,
             summary="Say where a case's infection came from: local or imported")
def set_case_origin(request: HttpRequest, id: int, payload: OriginIn) -> Case:
    user = api_user(request)
    case = _detail(user, id)
    require(user, Capability.CHANGE_CASES)
    services.set_origin(case, payload.origin, imported_from=payload.imported_from, by=user,
                        reason=payload.reason)
    return _detail(user, case.pk)
