"""Recording passages 卡口登记: the one write path of the page, the single API and the batch API.

`record_passages(user, checkpoint, items)` checks every item on its own (a bad one never costs
the good ones), answers a resent item (same client id) "duplicate" without storing it again,
inserts the rest in bulk, adds them to the hourly figures (`PassageHour`) in the same
transaction, and refers fevers (passage_fever.py). Figures are added to, never recounted.

Devices send a passage a second each, so the path is kept to a constant handful of queries per
request whatever the batch's size (tests/checkpoints/test_passage_queries.py): the checkpoints
(passage_scope), then on PostgreSQL one statement that inserts and counts (passage_rows,
passage_hours), atomic on its own; a transaction only when a fever's referral follows. A lone
passage on PostgreSQL (the single API) takes one statement in all: it checks the checkpoint and
matches the person too (`_record_checked`); anything but a valid passage stored there (refused,
sent before, a fever, a destination area) is answered by the general path, with its messages.
"""

from __future__ import annotations

import contextlib
import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.checkpoints import passage_fever, passage_rows, passage_scope
from epigrid.checkpoints.models import Assignment, Passage
from epigrid.checkpoints.passage_hours import COUNTERS as COUNTERS
from epigrid.checkpoints.passage_hours import PassageLike as PassageLike
from epigrid.checkpoints.passage_hours import count_into_hours as count_into_hours
from epigrid.checkpoints.passage_hours import hour_of as hour_of
from epigrid.checkpoints.passage_hours import is_fever
from epigrid.checkpoints.passage_items import Batch, Errors, Item, as_int, clean_item
from epigrid.checkpoints.passage_items import parse_client_id as parse_client_id
from epigrid.checkpoints.passage_rows import Row
from epigrid.checkpoints.passage_scope import loggable_checkpoints
from epigrid.core.access import Capability, Role, can
from epigrid.core.identity import mask_id_number
from epigrid.core.retention import delete_in_batches
from epigrid.registry.fields import Sealer

MAX_BATCH = 1000
BIGINT_MAX = 2**63 - 1
STORED = "stored"
DUPLICATE = "duplicate"
ERROR = "error"


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


# --- recording -------------------------------------------------------------------------------

def _batch(user: Any, default: int | None, items: Sequence[Mapping[str, Any]]) -> Batch:
    """Look up, once, the checkpoints and destination areas the items name."""
    checkpoint_ids = {as_int(item.get("checkpoint_id")) for item in items} - {None}
    if default is not None:
        checkpoint_ids.add(default)
    destination_ids = {as_int(item.get("destination_area_id")) for item in items} - {None}
    destinations = {area.pk: area for area in Area.objects.filter(
        pk__in=destination_ids, level__in=(Level.VILLAGE, Level.GRID)).select_related(
        "parent")} if destination_ids else {}  # a grid's village: where a fever is notified
    return Batch(now=timezone.now(),
                 checkpoints=loggable_checkpoints(user, cast(set[int], checkpoint_ids)),
                 fever_threshold=Decimal(settings.FEVER_THRESHOLD), destinations=destinations,
                 default_checkpoint=default)


def _sealed(rows: list[Row]) -> list[Row]:
    """Seal the ID numbers of the rows that have one; answers those rows."""
    with_id = [row for row in rows if row.item.id_number]
    if with_id:
        sealer = Sealer("id_number", mask_id_number)
        for row in with_id:
            row.id_number_enc, row.id_number_hash, row.id_number_masked = sealer.seal(
                row.item.id_number)
    return with_id


def _rows(items: list[Item]) -> list[Row]:
    """Rows with their ID numbers sealed and matched to persons through the keyed hash (a look-up
    only when some item has an ID number)."""
    rows = [Row(item) for item in items]
    with_id = _sealed(rows)
    if not with_id:
        return rows
    persons = passage_rows.persons_by_hash({row.id_number_hash for row in with_id})
    for row in with_id:
        row.person_id = persons.get(row.id_number_hash)
    return rows


def record_passages(user: User | Any, checkpoint: Checkpoint | int | None,
                    items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
    """Store the valid items of a batch; one result per item, in the items' order. Each stored
    passage is counted in its hour exactly once, in the same transaction (or statement).

    `checkpoint` (or its id) is where items without their own `checkpoint_id` were logged; one
    the user may not log at refuses those items, with the checkpoint's message. A batch over
    MAX_BATCH items is refused whole (BatchTooLargeError); the rest is judged item by item.
    """
    if len(items) > MAX_BATCH:
        raise BatchTooLargeError(len(items))
    default = checkpoint.pk if isinstance(checkpoint, Checkpoint) else checkpoint
    return _record(user, default, items)


def _record(user: Any, default: int | None,
            items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
    """A constant number of queries whatever the batch's size: its checkpoints and the store;
    the persons when an item has an ID number, the ids stored before when an item is refused or
    was sent before, the referrals when one is a fever."""
    if len(items) == 1 and connection.vendor == "postgresql":
        checked = _record_checked(user, default, items[0])
        if checked is not None:
            return [checked]
    results: list[ItemResult] = []
    ids: dict[int, uuid.UUID] = {}
    for index, raw in enumerate(items):
        try:
            ids[index] = parse_client_id(raw.get("client_id"))
        except ValidationError as error:
            results.append(ItemResult(index, str(raw.get("client_id") or ""), ERROR,
                                      errors={"client_id": error.messages}))
    batch = _batch(user, default, items)
    fresh: list[tuple[int, Item]] = []
    refused: list[tuple[int, uuid.UUID, Errors]] = []
    repeated: list[tuple[int, uuid.UUID]] = []
    taken: set[uuid.UUID] = set()  # the client ids of this batch's valid items
    for index, client_id in ids.items():
        if client_id in taken:
            repeated.append((index, client_id))
            continue
        item, errors = clean_item(items[index], client_id, batch)
        if item is None:
            refused.append((index, client_id, errors))
            continue
        taken.add(client_id)
        fresh.append((index, item))
    # A refused item sent before is a duplicate (a resend that has grown too old, say): look
    # those up before this batch stores its own.
    before = passage_rows.existing([client_id for _i, client_id, _e in refused])
    for index, client_id, errors in refused:
        results.append(ItemResult(index, str(client_id), DUPLICATE, before[client_id])
                       if client_id in before else
                       ItemResult(index, str(client_id), ERROR, errors=errors))
    rows = _rows([item for _index, item in fresh])
    _store(user, rows, batch.now)
    # The valid items not stored now were stored before (or by a request alongside): the
    # insert skipped them.
    before |= passage_rows.existing([row.item.client_id for row in rows if row.pk is None])
    for (index, item), row in zip(fresh, rows, strict=True):
        results.append(ItemResult(index, str(item.client_id), STORED, row.pk)
                       if row.pk is not None else
                       ItemResult(index, str(item.client_id), DUPLICATE,
                                  before.get(item.client_id)))
    results += [ItemResult(index, str(client_id), DUPLICATE, before.get(client_id))
                for index, client_id in repeated]
    return sorted(results, key=lambda result: result.index)


def _record_checked(user: Any, default: int | None,
                    item: Mapping[str, Any]) -> ItemResult | None:
    """One passage on PostgreSQL in one statement (a device's passage a second): its checkpoint
    checked, its person matched, stored and counted (passage_rows.store_checked). Only for the
    common case, a valid passage that is no fever and names no destination area: None for any
    other, and when its checkpoint is not found (nothing was written then), for `_record`'s
    general path to answer, with its messages."""
    given = item.get("checkpoint_id")
    pk = default if given in (None, "") else as_int(given)
    # An id past a bigint is no checkpoint: the general path's look-up answers so; bound to a
    # bigint here, it would fail the statement.
    if pk is None or not 0 < pk <= BIGINT_MAX or item.get("destination_area_id") not in (
            None, ""):
        return None
    scope = passage_scope.scope_of(user)
    if scope is None:
        return None
    try:
        client_id = parse_client_id(item.get("client_id"))
    except ValidationError:
        return None
    now = timezone.now()
    # The checkpoint as far as it is known before the statement checks it: its id.
    unchecked = Checkpoint.from_db(DEFAULT_DB_ALIAS, ["id"], [pk])
    batch = Batch(now=now, checkpoints={pk: unchecked},
                  fever_threshold=Decimal(settings.FEVER_THRESHOLD), destinations={},
                  default_checkpoint=default)
    cleaned, _errors = clean_item(item, client_id, batch)
    if cleaned is None:
        return None
    row = Row(cleaned)
    if is_fever(row):  # a referral follows: in a transaction, on the general path
        return None
    _sealed([row])
    found, stored = passage_rows.store_checked(
        row, scope, user.pk if user.is_authenticated else None, now)
    if not found:
        return None
    if stored is not None:
        return ItemResult(0, str(client_id), STORED, stored)
    # Sent before (or by a request alongside): the insert skipped it.
    return ItemResult(0, str(client_id), DUPLICATE,
                      passage_rows.existing([client_id]).get(client_id))


def _store(user: Any, rows: list[Row], now: Any) -> None:
    """Store the rows not stored yet (each gets its pk), count them into their hours, refer
    their fevers. On PostgreSQL storing and counting is one statement, atomic on its own: a
    transaction (two more round trips) only when more writes follow it, a fever's referral."""
    if not rows:
        return
    by = user.pk if user.is_authenticated else None
    alone = connection.vendor == "postgresql" and not any(is_fever(row) for row in rows)
    with contextlib.nullcontext() if alone else transaction.atomic():
        stored = passage_rows.store(rows, by, now)
        fevers = [row.passage(by) for row in stored if is_fever(row)]
        if fevers:
            passage_fever.refer(fevers, by=user)


def record_passage(user: Any, checkpoint: Checkpoint | int | None,
                   item: Mapping[str, Any]) -> ItemResult:
    """One passage (the single API, the page without JavaScript)."""
    return record_passages(user, checkpoint, [item])[0]


def purge_passages(before: datetime.datetime, dry_run: bool) -> int:
    """Remove the passages logged before `before` (core.retention), but those that led to a
    fever referral: the referral, a medical record, keeps its passage. The hourly counts stay."""
    return delete_in_batches(Passage.objects.filter(at__lt=before, referral__isnull=True),
                             dry_run)
