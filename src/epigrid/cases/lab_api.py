"""API of labs and their results (router mounted at /api/labs).

Every route needs the LAB_RESULTS capability. Labs come through `restrict()` by their area and
results by theirs (the person's grid, or the lab's area while unmatched); others answer 404.
A result is posted once per sample: the first post answers 201, a resend 200 with `outcome`
"unchanged" (or "updated" when a pending result became final). A batch of up to 1,000 results
is checked row by row like an imported sheet: the valid ones are stored, the others come back
with their index, field and why.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.cases import lab_figures, labs
from epigrid.cases.access import view_cases_operation
from epigrid.cases.importers import LabResultImporter
from epigrid.cases.lab_parsing import parse_result
from epigrid.cases.models import Lab, LabTest
from epigrid.core import audit
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
from epigrid.core.constraints import checked_at_once
from epigrid.core.imports.base import CleanRow, WriteResult
from epigrid.core.imports.behind import settled
from epigrid.core.imports.errors import CellError, RowError
from epigrid.core.imports.readers import RawRow
from epigrid.registry import services as registry
from epigrid.registry.models import Person

router = Router(tags=["labs"])
# Results name persons and their health: the whole router needs VIEW_CASES (cases.access),
# each route LAB_RESULTS too (`_user`).
router.add_decorator(view_cases_operation)
MAX_BATCH = 1000


# --- schemas ---------------------------------------------------------------------------------

class LabOut(Schema):
    id: int
    code: str
    name: str
    area_id: int
    daily_capacity: int
    results_per_day: float = Field(description="Final results a day, mean of the last 7 days.")
    use_percent: int | None = Field(description="results_per_day as a share of the capacity.")
    median_hours: float | None = Field(description="Median hours from sample to result, "
                                                   "last 7 days.")
    waiting: int = Field(description="Results of the lab waiting for a person.")


class DayOut(Schema):
    day: datetime.date
    results: int


class LabDetailOut(LabOut):
    days: list[DayOut]


class LabTestOut(Schema):
    id: int
    lab_id: int
    sample_id: str
    person_id: int | None
    name: str
    id_number_masked: str
    sampled_at: datetime.datetime
    resulted_at: datetime.datetime | None
    result: str
    match: str
    received_at: datetime.datetime


class RecordedOut(LabTestOut):
    outcome: str = Field(description="created, updated or unchanged.")
    case_id: int | None = Field(None, description="The case a positive result moved or opened.")
    case_state: str | None = None


class ResultIn(InSchema):
    sample_id: str = Field(max_length=64)
    id_number: str = Field("", max_length=32)
    name: str = Field("", max_length=100)
    sampled_at: datetime.datetime = Field(description="Without a zone: the server's local time.")
    resulted_at: datetime.datetime | None = Field(None, description="Empty while pending.")
    result: str = Field(description="positive, negative, pending, inconclusive (or 阳性, 阴性, "
                                    "待定).")


class BatchIn(InSchema):
    results: list[ResultIn] = Field(max_length=MAX_BATCH)


class ItemError(Schema):
    index: int
    field: str
    message: str


class BatchOut(Schema):
    created: int
    updated: int
    unchanged: int
    refused: int
    errors: list[ItemError]


class ResultFilters(InSchema):
    result: LabTest.Result | None = None
    match: LabTest.Match | None = None
    sampled_on: datetime.date | None = None
    sample_id: str | None = Field(None, max_length=64)


class ResolveIn(InSchema):
    person_id: int | None = None
    id_number: str = Field("", max_length=32)
    note: str = Field("", max_length=300)


class DiscardIn(InSchema):
    note: str = Field(max_length=300)


# --- helpers ---------------------------------------------------------------------------------

def _user(request: HttpRequest) -> Any:
    user = api_user(request)
    require(user, Capability.LAB_RESULTS)
    return user


def _lab_out(lab: Lab, load: lab_figures.LabLoad, waiting: int) -> dict[str, Any]:
    return {"id": lab.pk, "code": lab.code, "name": lab.name, "area_id": lab.area_id,
            "daily_capacity": lab.daily_capacity, "results_per_day": load.per_day,
            "use_percent": load.use_percent, "median_hours": load.median_hours,
            "waiting": waiting}


def _local(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.make_aware(value) if value and timezone.is_naive(value) else value


def _write(importer: LabResultImporter, rows: list[CleanRow], errors: list[RowError]
           ) -> WriteResult:
    """All rows in one savepoint; if the database refuses it, one by one to name the rows."""
    try:
        with transaction.atomic():
            return settled(importer.write_batch(rows))
    except (IntegrityError, DataError):
        pass
    result = WriteResult()
    for row in rows:
        try:
            with transaction.atomic():
                result += settled(importer.write_batch([row]))
        except (IntegrityError, DataError):
            errors.append(RowError(row.number, "sample_id", "", _(
                "This result could not be saved; send it again.")))
    return result


# --- routes ----------------------------------------------------------------------------------

@router.get("/", response=Page[LabOut], summary="Labs of your area, with their load")
def list_labs(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    found = keyset_page(Lab.objects.restrict(_user(request)), page)
    loads = lab_figures.lab_loads(found["items"])
    waiting = lab_figures.unmatched_counts(found["items"])
    found["items"] = [_lab_out(lab, loads[lab.pk], waiting.get(lab.pk, 0))
                      for lab in found["items"]]
    return found


@router.get("/unmatched", response=Page[LabTestOut],
            summary="Results of your area waiting for a person")
def unmatched(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return keyset_page(LabTest.objects.restrict(_user(request)).filter(
        match=LabTest.Match.UNMATCHED), page)


@router.get("/{int:id}", response=LabDetailOut, summary="One lab, with its week of results")
def get_lab(request: HttpRequest, id: int) -> dict[str, Any]:
    lab = get_object_for_user(Lab, _user(request), id)
    body = _lab_out(lab, lab_figures.lab_loads([lab])[lab.pk],
                    lab_figures.unmatched_counts([lab]).get(lab.pk, 0))
    body["days"] = [{"day": day, "results": n} for day, n in lab_figures.daily_counts(lab)]
    return body


@router.get("/{int:id}/results", response=Page[LabTestOut], summary="A lab's results")
def list_results(request: HttpRequest, id: int, filters: Query[ResultFilters],
                 page: Query[PageParams]) -> dict[str, Any]:
    user = _user(request)
    lab = get_object_for_user(Lab, user, id)
    tests = LabTest.objects.restrict(user).filter(lab=lab)
    if filters.result:
        tests = tests.filter(result=filters.result)
    if filters.match:
        tests = tests.filter(match=filters.match)
    if filters.sampled_on:
        tests = tests.filter(sampled_at__date=filters.sampled_on)
    if filters.sample_id:
        tests = tests.filter(sample_id=filters.sample_id.strip())
    return keyset_page(tests, page)


def _recorded(recorded: labs.Recorded) -> dict[str, Any]:
    test = recorded.test
    body = {field: getattr(test, field) for field in LabTestOut.model_fields
            if field not in {"lab_id", "person_id"}}
    body.update(lab_id=test.lab_id, person_id=test.person_id, outcome=recorded.outcome,
                case_id=recorded.case.pk if recorded.case else None,
                case_state=recorded.case.state if recorded.case else None)
    return body


@router.post("/{int:id}/results", response={200: RecordedOut, 201: RecordedOut},
             summary="Record one result (idempotent by sample id)")
def post_result(request: HttpRequest, id: int, payload: ResultIn) -> Status[Any]:
    user = _user(request)
    lab = get_object_for_user(Lab, user, id)
    try:
        result = parse_result(payload.result)
    except CellError as error:
        raise field_errors({"result": [error.message]}) from None
    recorded = labs.record_result(
        lab, sample_id=payload.sample_id, id_number=payload.id_number, name=payload.name,
        sampled_at=_aware(payload.sampled_at) or timezone.now(),
        resulted_at=_aware(payload.resulted_at), result=result, by=user)
    return Status(201 if recorded.outcome == "created" else 200, _recorded(recorded))


@router.post("/{int:id}/results/batch", response=BatchOut,
             summary=f"Record up to {MAX_BATCH} results; the valid ones are kept")
def post_batch(request: HttpRequest, id: int, payload: BatchIn) -> dict[str, Any]:
    user = _user(request)
    lab = get_object_for_user(Lab, user, id)
    importer = LabResultImporter(user)
    rows = [RawRow(index, {"sample_id": item.sample_id, "id_number": item.id_number,
                           "name": item.name, "sampled_at": _local(item.sampled_at),
                           "resulted_at": _local(item.resulted_at), "result": item.result,
                           "lab_code": lab.code})
            for index, item in enumerate(payload.results)]
    errors: list[RowError] = []
    # Keys checked as each write ends, as in an import: a result refused by them is named.
    with transaction.atomic(), checked_at_once():
        importer.prepare(rows)
        accepted = []
        for row in rows:
            cleaned = importer.clean_row(row)
            if isinstance(cleaned, CleanRow):
                accepted.append(cleaned)
            else:
                errors.extend(cleaned)
        result = _write(importer, accepted, errors) if accepted else WriteResult()
        audit.record("create", model=LabTest._meta.label, object_repr=f"batch of {lab.code}",
                     changes={"created": result.created, "updated": result.updated,
                              "unchanged": result.unchanged, "refused": len(
                                  {error.row for error in errors})},
                     area_path=lab.area.path)
    return {"created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "refused": len({error.row for error in errors}),
            "errors": [{"index": error.row, "field": error.column, "message": error.message}
                       for error in errors]}


def _queued(request: HttpRequest, id: int) -> tuple[Any, LabTest]:
    user = _user(request)
    return user, get_object_for_user(LabTest, user, id)


@router.post("/results/{int:id}/resolve", response=RecordedOut,
             summary="Give an unmatched result its person")
def resolve(request: HttpRequest, id: int, payload: ResolveIn) -> dict[str, Any]:
    user, test = _queued(request, id)
    if payload.person_id is not None:
        persons = Person.objects.restrict(user).filter(pk=payload.person_id)
    else:
        persons = registry.persons_with_id_number(user, payload.id_number)
    found = list(persons[:2])
    if len(found) != 1:
        raise field_errors({"person_id" if payload.person_id else "id_number": [
            _("No single person of your area has this number.")]})
    return _recorded(labs.assign_person(test, found[0], by=user, note=payload.note))


@router.post("/results/{int:id}/discard", response=LabTestOut,
             summary="Discard an unmatched result, saying why")
def discard(request: HttpRequest, id: int, payload: DiscardIn) -> LabTest:
    user, test = _queued(request, id)
    return labs.discard(test, by=user, note=payload.note)
