"""Passages for the figure tests, stored the way the passage service stores them: rows, and their
counts added to PassageHour in the same transaction."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from epigrid.areas.models import Checkpoint
from epigrid.checkpoints.figures import add_hours, count_passages
from epigrid.checkpoints.models import Decision, Direction, Passage


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def passage(checkpoint: Checkpoint, when: datetime.datetime, *, direction: str = Direction.IN,
            kind: str = Passage.Kind.PERSON, passengers: int = 1,
            decision: str = Decision.PASS) -> Passage:
    return Passage(client_id=uuid.uuid4(), checkpoint=checkpoint,
                   area_path=checkpoint.area.path, at=when, kind=kind,
                   plate="鄂A12345" if kind == Passage.Kind.VEHICLE else "",
                   passengers=passengers, direction=direction, decision=decision)


@transaction.atomic
def store(passages: list[Passage]) -> None:
    Passage.objects.bulk_create(passages)
    add_hours(count_passages(passages))
