"""One passage as a device sent it: parsed and checked field by field, with messages per field.

Pages, the single API and the batch API all hand their items here (as JSON-like mappings), so a
rule and its message live in one place. Nothing here writes; `passages.record_passages` does.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints.models import Decision, Direction, Passage
from epigrid.checkpoints.plates import parse_plate
from epigrid.core.identity import parse_id_number

LOWEST_C = Decimal("34.0")
HIGHEST_C = Decimal("43.0")
TENTH = Decimal("0.1")
# A phone's clock may run a little fast; a passage queued offline may wait days for a network.
CLOCK_SKEW = datetime.timedelta(minutes=5)
MAX_AGE = datetime.timedelta(days=7)
MAX_PASSENGERS = 99
TEXT_LIMITS = {"origin": 100, "destination": 100, "name": 100}
KINDS = frozenset(Passage.Kind.values)
DIRECTIONS = frozenset(Direction.values)
DECISIONS = frozenset(Decision.values)

Errors = dict[str, list[str]]


@dataclass
class Batch:
    """What every item of one batch is checked against, looked up once for the whole batch."""

    now: datetime.datetime
    checkpoints: dict[int, Checkpoint]  # the ones the user may log at
    destinations: dict[int, Area]
    fever_threshold: Decimal
    default_checkpoint: int | None = None

    @functools.cached_property
    def today(self) -> datetime.date:
        """The local date of `now`, for every ID number's birth date (computed once)."""
        return timezone.localdate(self.now)


@dataclass
class Item:
    client_id: uuid.UUID
    checkpoint: Checkpoint
    at: datetime.datetime
    kind: str
    plate: str
    passengers: int
    direction: str
    temperature: Decimal | None
    origin: str
    destination: str
    destination_area: Area | None
    decision: str
    name: str
    id_number: str  # normalized, or ""


def parse_client_id(raw: Any) -> uuid.UUID:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise ValidationError(_("Give the passage's id made by the device (a UUID)."),
                              code="client_id") from None


def as_int(raw: Any) -> int | None:
    """An id or a count from JSON or a form; None when it is not a whole number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def parse_time(raw: Any, now: datetime.datetime) -> datetime.datetime:
    if isinstance(raw, datetime.datetime):
        at = raw
    else:
        try:
            at = datetime.datetime.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValidationError(_("Give the time as an ISO 8601 date and time, like "
                                    "2020-02-10T08:30:00+08:00."), code="at_format") from None
    if timezone.is_naive(at):  # a device's local wall-clock time
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise ValidationError(_("The time is in the future; check the device's clock."),
                              code="at_future")
    if at < now - MAX_AGE:
        raise ValidationError(_("The time is more than %(days)s days ago; passages that old "
                                "are not taken.") % {"days": MAX_AGE.days}, code="at_old")
    return at


def parse_temperature(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        return _temperature_text(raw)
    return _checked_temperature(raw)


@functools.lru_cache(maxsize=1024)
def _temperature_text(raw: str) -> Decimal | None:
    """A temperature sent as text: a device sends a few dozen distinct ones ("36.5"), so each is
    parsed once (Decimals are immutable; a refused one raises again each time, in the language
    of the request, since lru_cache keeps no exceptions)."""
    return _checked_temperature(raw)


def _checked_temperature(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(_("Give the temperature in °C, like 36.5."),
                              code="temperature_format") from None
    if not value.is_finite() or not LOWEST_C <= value <= HIGHEST_C:
        raise ValidationError(_("A body temperature lies between %(low)s and %(high)s °C; "
                                "measure again.") % {"low": LOWEST_C, "high": HIGHEST_C},
                              code="temperature_range")
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _text(raw: Mapping[str, Any], name: str, errors: Errors) -> str:
    value = raw.get(name)
    if not value:  # most passages leave the texts out
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if len(value) > TEXT_LIMITS[name]:
        errors[name] = [_("At most %(n)s characters.") % {"n": TEXT_LIMITS[name]}]
    return value


def _choice(raw: Mapping[str, Any], name: str, allowed: frozenset[str], default: str | None,
            errors: Errors) -> str:
    value = raw.get(name) or default
    if value not in allowed:
        errors[name] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(
            sorted(allowed))}]
        return default or ""
    return str(value)


def _checkpoint(raw: Mapping[str, Any], batch: Batch, errors: Errors) -> Checkpoint | None:
    given = raw.get("checkpoint_id")
    pk = batch.default_checkpoint if given in (None, "") else as_int(given)
    found = batch.checkpoints.get(pk) if pk is not None else None
    if found is None:
        # The same words for a checkpoint that is missing and one that is not the user's.
        errors["checkpoint_id"] = [_("No such checkpoint, or you may not log passages there.")]
    return found


def _vehicle(raw: Mapping[str, Any], kind: str, errors: Errors) -> tuple[str, int]:
    """The plate and the persons counted: one for a person on foot, the passengers of a car."""
    plate_raw = str(raw.get("plate") or "").strip()
    if kind != Passage.Kind.VEHICLE:
        if plate_raw:
            errors["plate"] = [_("A person on foot has no plate number; choose vehicle.")]
        return "", 1
    plate = ""
    try:
        plate = parse_plate(plate_raw)
    except ValidationError as error:
        errors["plate"] = error.messages
    given = raw.get("passengers")
    passengers = 1 if given in (None, "") else as_int(given)
    if passengers is None or not 1 <= passengers <= MAX_PASSENGERS:
        errors["passengers"] = [_("Count the persons in the vehicle, driver included: 1 to "
                                  "%(n)s.") % {"n": MAX_PASSENGERS}]
        passengers = 1
    return plate, passengers


def _destination(raw: Mapping[str, Any], batch: Batch, errors: Errors) -> Area | None:
    given = raw.get("destination_area_id")
    if given in (None, ""):
        return None
    pk = as_int(given)
    found = batch.destinations.get(pk) if pk is not None else None
    if found is None:
        errors["destination_area_id"] = [_("No such village or grid.")]
    return found


def _id_number(raw: Mapping[str, Any], batch: Batch, errors: Errors) -> str:
    given = str(raw.get("id_number") or "").strip()
    if not given:
        return ""
    try:
        return parse_id_number(given, today=batch.today).value
    except ValidationError as error:
        errors["id_number"] = error.messages
        return ""


def _time(raw: Mapping[str, Any], batch: Batch, errors: Errors) -> datetime.datetime:
    if raw.get("at") in (None, ""):
        errors["at"] = [_("Give the time of the passage.")]
        return batch.now
    try:
        return parse_time(raw["at"], batch.now)
    except ValidationError as error:
        errors["at"] = error.messages
        return batch.now


def _temperature(raw: Mapping[str, Any], errors: Errors) -> Decimal | None:
    try:
        return parse_temperature(raw.get("temperature"))
    except ValidationError as error:
        errors["temperature"] = error.messages
        return None


def clean_item(raw: Mapping[str, Any], client_id: uuid.UUID,
               batch: Batch) -> tuple[Item | None, Errors]:
    """The checked item, or None and the messages of every field that is wrong."""
    errors: Errors = {}
    checkpoint = _checkpoint(raw, batch, errors)
    at = _time(raw, batch, errors)
    kind = _choice(raw, "kind", KINDS, Passage.Kind.PERSON, errors)
    plate, passengers = _vehicle(raw, kind, errors)
    direction = _choice(raw, "direction", DIRECTIONS, None, errors)
    temperature = _temperature(raw, errors)
    decision = _choice(raw, "decision", DECISIONS, Decision.PASS, errors)
    if decision == Decision.FEVER and temperature is None and "temperature" not in errors:
        errors["temperature"] = [_("A fever referral needs the temperature.")]
    if temperature is not None and temperature >= batch.fever_threshold:
        decision = Decision.FEVER  # a fever is referred to the clinic, whatever else was chosen
    texts = {name: _text(raw, name, errors) for name in TEXT_LIMITS}
    destination_area = _destination(raw, batch, errors)
    id_number = _id_number(raw, batch, errors)
    if errors or checkpoint is None:
        return None, errors
    return Item(client_id=client_id, checkpoint=checkpoint, at=at, kind=kind, plate=plate,
                passengers=passengers, direction=direction, temperature=temperature,
                origin=texts["origin"], destination=texts["destination"],
                destination_area=destination_area, decision=decision, name=texts["name"],
                id_number=id_number), {}
