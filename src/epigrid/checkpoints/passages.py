"""Recording passages 卡口登记: the one write path of the page, the single API and the batch API.

`record_passages(user, checkpoint, items)` checks every item on its own (a bad one never costs
the good ones), answers a resent item (same client id) "duplicate" without storing it again,
inserts the rest in bulk, adds them to the hourly figures (`PassageHour`) in the same
transaction, and refers fevers (passage_fever.py). Figures are added to, never recounted.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.checkpoints import passage_fever, passage_rows
from epigrid.checkpoints.models import (
    Assignment,
    Decision,
    Direction,
    Passage,
    PassageHour,
)
from epigrid.checkpoints.passage_items import Batch, Errors, Item, as_int, clean_item
from epigrid.checkpoints.passage_items import parse_client_id as parse_client_id
from epigrid.checkpoints.passage_rows import Row
from epigrid.core.access import Capability, Role, can
from epigrid.core.identity import mask_id_number
from epigrid.registry.fields import Sealer
from epigrid.registry.models import Person

MAX_BATCH = 1000
STORED = "stored"
DUPLICATE = "duplicate"
ERROR = "error"
# PassageHour's counters, in the order count_into_hours keeps them.
COUNTERS = ("passages_in", "passages_out", "vehicles", "persons", "turned_back", "referred",
            "fevers")
UPSERT_ROWS = 500


class PassageLike(Protocol):
    """What the hourly figures read of a passage: a Passage, or a row about to be stored."""

    @property
    def checkpoint_id(self) -> int: ...
    @property
    def area_path(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def passengers(self) -> int: ...
    @property
    def direction(self) -> str: ...
    @property
    def decision(self) -> str: ...


@dataclass
class ItemResult:
    index: int
    client_id: str
    result: str
    id: int | None = None
    errors: Errors = field(default_factory=dict)


class BatchTooLargeError(ValidationError):
    def __init__(self, size: int) -> None:
        super().__init__(_("A batch holds at most %(max)s passages; this one has %(n)s. Send "
                           "it in smaller batches.") % {"max": MAX_BATCH, "n": size},
                         code="batch_too_large")


# --- who may log where -----------------------------------------------------------------------

def may_log_passages(user: Any) -> bool:
    return can(user, Capability.LOG_PASSAGES)


def checkpoints_for_logging(user: Any) -> Any:
    """The checkpoints `user` may log at: checkpoint staff their assigned ones, others their
    area's (all for an administrator)."""
    if not may_log_passages(user):
        return Checkpoint.objects.none()
    if user.role == Role.CHECKPOINT_STAFF and not user.is_superuser:
        return Checkpoint.objects.filter(pk__in=Assignment.objects.filter(user=user).values(
            "checkpoint_id"))
    return Checkpoint.objects.restrict(user)


def is_fever(passage: PassageLike) -> bool:
    """A fever referral 发热转诊; clean_item makes every temperature at or over
    settings.FEVER_THRESHOLD one, so figures count decisions alone."""
    return passage.decision == Decision.FEVER


# --- the hourly figures ----------------------------------------------------------------------

def hour_of(at: datetime.datetime) -> datetime.datetime:
    return at.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def count_into_hours(passages: Iterable[PassageLike]) -> int:
    """Add passages to their checkpoint's hourly figures (one upsert per 500 hours); answers
    how many hour rows were touched. "persons" counts people: 1 on foot, a vehicle's passengers.
    """
    counts: dict[tuple[int, datetime.datetime], list[Any]] = {}
    for passage in passages:
        key = (passage.checkpoint_id, hour_of(passage.at))
        row = counts.get(key)
        if row is None:
            row = counts[key] = [passage.area_path, 0, 0, 0, 0, 0, 0, 0]
        row[1 if passage.direction == Direction.IN else 2] += 1
        row[3] += passage.kind == Passage.Kind.VEHICLE
        row[4] += passage.passengers
        row[5] += passage.decision == Decision.TURNED_BACK
        row[6] += passage.decision == Decision.QUARANTINE
        row[7] += is_fever(passage)
    keys = sorted(counts)  # one lock order for every writer: concurrent batches never deadlock
    for start in range(0, len(keys), UPSERT_ROWS):
        _upsert_hours([(key, counts[key]) for key in keys[start:start + UPSERT_ROWS]])
    return len(keys)


def _upsert_hours(rows: list[tuple[tuple[int, datetime.datetime], list[Any]]]) -> None:
    table = connection.ops.quote_name(PassageHour._meta.db_table)
    quoted = [connection.ops.quote_name(name) for name in COUNTERS]
    columns = ", ".join(["checkpoint_id", "area_path", "hour", *quoted])
    one = "(" + ", ".join(["%s"] * (3 + len(COUNTERS))) + ")"
    adds = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in quoted)
    values = ", ".join([one] * len(rows))
    # Only our own quoted names are formatted in; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT (checkpoint_id, hour) " \
          f"DO UPDATE SET {adds}"  # noqa: S608
    params: list[Any] = []
    for (checkpoint_id, hour), (area_path, *numbers) in rows:
        params += [checkpoint_id, area_path, connection.ops.adapt_datetimefield_value(hour),
                   *numbers]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- recording -------------------------------------------------------------------------------

def _batch(user: Any, checkpoint: Checkpoint | None, items: Sequence[Mapping[str, Any]]) -> Batch:
    """Look up, once, the checkpoints and destination areas the items name."""
    checkpoint_ids = {as_int(item.get("checkpoint_id")) for item in items} - {None}
    if checkpoint is not None:
        checkpoint_ids.add(checkpoint.pk)
    destination_ids = {as_int(item.get("destination_area_id")) for item in items} - {None}
    allowed = checkpoints_for_logging(user).filter(pk__in=checkpoint_ids).select_related("area")
    destinations = Area.objects.filter(pk__in=destination_ids,
                                       level__in=(Level.VILLAGE, Level.GRID))
    return Batch(now=timezone.now(), checkpoints={cp.pk: cp for cp in allowed},
                 fever_threshold=Decimal(settings.FEVER_THRESHOLD),
                 destinations={area.pk: area for area in destinations} if destination_ids
                 else {}, default_checkpoint=checkpoint.pk if checkpoint else None)


def _rows(items: list[Item]) -> list[Row]:
    """Rows with their ID numbers sealed and matched to persons through the keyed hash."""
    rows = [Row(item) for item in items]
    with_id = [row for row in rows if row.item.id_number]
    if not with_id:
        return rows
    sealer = Sealer("id_number", mask_id_number)
    for row in with_id:
        row.id_number_enc, row.id_number_hash, row.id_number_masked = sealer.seal(
            row.item.id_number)
    persons = dict(Person.objects.filter(id_number_hash__in={
        row.id_number_hash for row in with_id}).values_list("id_number_hash", "pk"))
    for row in with_id:
        row.person_id = persons.get(row.id_number_hash)
    return rows


def record_passages(user: User | Any, checkpoint: Checkpoint | None,
                    items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
    """Store the valid items of a batch; one result per item, in the items' order.

    `checkpoint` is where items without their own `checkpoint_id` were logged. A batch over
    MAX_BATCH items is refused whole (BatchTooLargeError); the rest is judged item by item.
    """
    if len(items) > MAX_BATCH:
        raise BatchTooLargeError(len(items))
    for attempt in range(3):
        try:
            return _record(user, checkpoint, items)
        except IntegrityError:
            # Another request stored one of these client ids between our look-up and our
            # insert (a device resending while the first send is still running): judge again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _record(user: Any, checkpoint: Checkpoint | None,
            items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
    results: list[ItemResult] = []
    ids: dict[int, uuid.UUID] = {}
    for index, raw in enumerate(items):
        try:
            ids[index] = parse_client_id(raw.get("client_id"))
        except ValidationError as error:
            results.append(ItemResult(index, str(raw.get("client_id") or ""), ERROR,
                                      errors={"client_id": error.messages}))
    existing = passage_rows.existing(list(ids.values()))
    batch = _batch(user, checkpoint, items)
    fresh: list[tuple[int, Item]] = []
    seen: set[uuid.UUID] = set()
    for index, client_id in ids.items():
        if client_id in existing or client_id in seen:
            results.append(ItemResult(index, str(client_id), DUPLICATE, existing.get(client_id)))
            continue
        item, errors = clean_item(items[index], client_id, batch)
        if item is None:
            results.append(ItemResult(index, str(client_id), ERROR, errors=errors))
            continue
        seen.add(client_id)
        fresh.append((index, item))
    if fresh:
        results += _store(user, fresh, batch.now)
    return sorted(results, key=lambda result: result.index)


def _store(user: Any, fresh: list[tuple[int, Item]], now: datetime.datetime) -> list[ItemResult]:
    rows = _rows([item for _index, item in fresh])
    by = user.pk if user.is_authenticated else None
    # A raced duplicate client id raises IntegrityError out of _record's transaction, which
    # record_passages then judges again: no savepoint of its own (two round trips a call).
    passage_rows.insert(rows, by, now)
    count_into_hours(rows)
    fevers = [row.passage(by) for row in rows if is_fever(row)]
    if fevers:
        passage_fever.refer(fevers, by=user)
    return [ItemResult(index, str(row.item.client_id), STORED, row.pk)
            for (index, _item), row in zip(fresh, rows, strict=True)]


def record_passage(user: Any, checkpoint: Checkpoint | None,
                   item: Mapping[str, Any]) -> ItemResult:
    """One passage (the single API, the page without JavaScript)."""
    return record_passages(user, checkpoint, [item])[0]
