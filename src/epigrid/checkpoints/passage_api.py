"""API of checkpoint passages 卡口通行记录 (router mounted at /api/passages).

Devices (with `Authorization: Bearer <token>`) and the offline logging page send passages in
batches of up to 1,000 to POST /batch; each item carries the device's own `client_id` (a UUID),
so a batch sent twice is stored once: the answer says per item `stored`, `duplicate` (stored
already, not an error) or `error` with messages by field. Lists are scoped and page by key.
The fever referrals the passages made are under /referrals (referral_api.py).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.schema import DjangoGetter
from pydantic import ValidationInfo, model_validator
from pydantic.functional_validators import ModelWrapValidatorHandler

from epigrid.checkpoints import passages
from epigrid.checkpoints.models import Decision, Direction, Passage
from epigrid.checkpoints.referral_api import router as referral_router
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
from epigrid.core.days import day_bounds

router = Router(tags=["checkpoint passages"])
# The referrals follow their passages: /api/passages/referrals (referral_api.py).
router.add_router("/referrals", referral_router)


# --- schemas ---------------------------------------------------------------------------------

class PassageIn(InSchema):
    """One passage. Only `client_id`, `at` and `direction` are required."""

    client_id: uuid.UUID = Field(description="Made by the device when the passage is logged; "
                                             "send the same one with every resend.")
    checkpoint_id: int | None = Field(None, description="Where it was logged (in a batch: "
                                                        "defaults to the batch's).")
    at: datetime.datetime = Field(description="When; not in the future, at most 7 days ago.")
    kind: Passage.Kind = Passage.Kind.PERSON
    plate: str = Field("", max_length=16, description="A vehicle's plate, like 鄂A12345 or "
                                                      "鄂AD12345 (new energy).")
    passengers: int = Field(1, description="Persons in the vehicle, driver included.")
    direction: Direction
    temperature: Decimal | None = Field(None, description="°C, 34.0 to 43.0; a fever (at or "
                                                          "over the threshold) is referred.")
    origin: str = Field("", max_length=100)
    destination: str = Field("", max_length=100)
    destination_area_id: int | None = Field(None, description="The village or grid going to.")
    decision: Decision = Decision.PASS
    name: str = Field("", max_length=100)
    id_number: str = Field("", max_length=32, description="Optional; matched to the registry "
                                                          "by its keyed hash, stored masked.")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[PassageIn],
                            info: ValidationInfo) -> Any:
        """A JSON object is validated as it is. Ninja's Schema wraps every input in its
        DjangoGetter, which reads a model instance's attributes (managers as lists, files as
        URLs) and changes nothing of a JSON object: at a passage a second from every device,
        the wrapper cost ten times the validation itself. Anything else is wrapped as before."""
        if type(values) is dict:
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class BatchIn(InSchema):
    checkpoint_id: int | None = Field(None, description="Where the items were logged, unless "
                                                        "an item names its own.")
    passages: list[dict[str, Any]] = Field(
        description=f"At most {passages.MAX_BATCH} items shaped like PassageIn; each is judged "
                    "on its own.")


class ItemResultOut(Schema):
    index: int
    client_id: str
    result: str = Field(description="stored, duplicate (stored before: not stored again) or "
                                    "error.")
    id: int | None = None
    errors: dict[str, list[str]] = Field(default_factory=dict)


class BatchOut(Schema):
    stored: int
    duplicates: int
    errors: int
    results: list[ItemResultOut]


class PassageOut(Schema):
    id: int
    client_id: uuid.UUID
    checkpoint_id: int
    checkpoint_name: str
    at: datetime.datetime
    kind: str
    plate: str
    passengers: int
    direction: str
    temperature: Decimal | None
    origin: str
    destination: str
    destination_area_id: int | None
    decision: str
    name: str
    person_id: int | None
    id_number_masked: str
    received_at: datetime.datetime

    @staticmethod
    def resolve_checkpoint_name(obj: Passage) -> str:
        return obj.checkpoint.name


class PassageFilters(InSchema):
    checkpoint: int | None = Field(None, description="Only this checkpoint id.")
    day: datetime.date | None = Field(None, description="Only this (local) day.")
    decision: Decision | None = None
    direction: Direction | None = None


# --- helpers ---------------------------------------------------------------------------------

def _result(result: passages.ItemResult) -> dict[str, Any]:
    return {"index": result.index, "client_id": result.client_id, "result": result.result,
            "id": result.id, "errors": result.errors}


def _answer(results: list[passages.ItemResult]) -> JsonResponse:
    """BatchOut, serialized directly: validating 1,000 results against the schema would cost
    more than storing them."""
    tally = {passages.STORED: 0, passages.DUPLICATE: 0, passages.ERROR: 0}
    for result in results:
        tally[result.result] += 1
    return JsonResponse({
        "stored": tally[passages.STORED], "duplicates": tally[passages.DUPLICATE],
        "errors": tally[passages.ERROR], "results": [_result(r) for r in results]})



def filtered(rows: QuerySet[Passage], filters: PassageFilters) -> QuerySet[Passage]:
    if filters.checkpoint is not None:
        rows = rows.filter(checkpoint_id=filters.checkpoint)
    if filters.day is not None:
        start, end = day_bounds(filters.day)
        rows = rows.filter(at__gte=start, at__lt=end)
    if filters.decision is not None:
        rows = rows.filter(decision=filters.decision)
    if filters.direction is not None:
        rows = rows.filter(direction=filters.direction)
    return rows


# --- routes ----------------------------------------------------------------------------------

@router.post("/batch", response=BatchOut, url_name="passages_batch",
             summary="Record up to 1,000 passages (idempotent)")
def record_batch(request: HttpRequest, payload: BatchIn) -> JsonResponse:
    user = api_user(request)
    require(user, Capability.LOG_PASSAGES)
    if len(payload.passages) > passages.MAX_BATCH:
        raise HttpError(413, str(passages.BatchTooLargeError(len(payload.passages)).message))
    # The batch's checkpoint is checked with the items' own (one look-up): one the user may not
    # log at refuses every item that names no checkpoint of its own, with the checkpoint's words.
    return _answer(passages.record_passages(user, payload.checkpoint_id, payload.passages))


@router.post("", response={200: ItemResultOut, 201: ItemResultOut},
             summary="Record one passage (idempotent)")
def record_one(request: HttpRequest, payload: PassageIn) -> JsonResponse:
    user = api_user(request)
    require(user, Capability.LOG_PASSAGES)
    result = passages.record_passage(user, None, payload.model_dump())
    if result.result == passages.ERROR:
        raise field_errors(result.errors)
    # ItemResultOut, serialized directly like the batch's answer: a device sends one a second.
    return JsonResponse(_result(result), status=201 if result.result == passages.STORED else 200)


@router.get("", response=Page[PassageOut], summary="Passages of your area")
def list_passages(request: HttpRequest, filters: Query[PassageFilters],
                  page: Query[PageParams]) -> dict[str, Any]:
    rows = filtered(Passage.objects.restrict(api_user(request)), filters)
    return keyset_page(rows.select_related("checkpoint"), page)


@router.get("/{int:id}", response=PassageOut, summary="One passage")
def get_passage(request: HttpRequest, id: int) -> Passage:
    return get_object_for_user(Passage.objects.select_related("checkpoint"), api_user(request),
                               id)

