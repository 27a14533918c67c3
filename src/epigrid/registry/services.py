"""Writes of the registry: households and persons with their protected identity values.

Pages, API, imports and the demo call these. ID numbers and phones arrive raw, are validated and
normalized (core.identity), and are stored only as ciphertext, keyed hash and masked text.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Level
from epigrid.core import audit, crypto
from epigrid.core.access import Capability, ScopedUser, require
from epigrid.core.identity import mask_id_number, mask_phone, parse_id_number, parse_mobile
from epigrid.registry import duplicates, progress
from epigrid.registry.fields import protect
from epigrid.registry.models import DuplicateId, DuplicateResolution, Household, Person, Sex

ID_FIELD = "id_number"
PHONE_FIELD = "phone"


def _check_grid(grid: Area) -> None:
    if grid.level != Level.GRID:
        raise ValidationError({"grid": _("A household or person belongs to a grid.")})


def identity_fields(id_number: str = "", phone: str = "",
                    today: datetime.date | None = None) -> dict[str, Any]:
    """The stored columns for a raw ID number and phone, with sex and birth date from the ID.

    Raises ValidationError keyed by field ("id_number", "phone") naming what is wrong."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    if id_number.strip():
        try:
            parsed = parse_id_number(id_number, today)
        except ValidationError as error:
            errors[ID_FIELD] = error.messages
        else:
            sealed = protect(parsed.value, ID_FIELD, mask_id_number)
            fields.update(id_number_enc=sealed.enc, id_number_hash=sealed.hash,
                          id_number_masked=sealed.masked, sex=parsed.sex,
                          birth_date=parsed.birth_date)
    if phone.strip():
        try:
            number = parse_mobile(phone)
        except ValidationError as error:
            errors[PHONE_FIELD] = error.messages
        else:
            sealed = protect(number, PHONE_FIELD, mask_phone)
            fields.update(phone_enc=sealed.enc, phone_hash=sealed.hash,
                          phone_masked=sealed.masked)
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def create_household(*, grid: Area, address: str, head_name: str = "", phone: str = "",
                     number: str = "", latitude: Decimal | None = None,
                     longitude: Decimal | None = None) -> Household:
    _check_grid(grid)
    _check_location(latitude, longitude)
    fields = identity_fields(phone=phone)
    household = Household(grid=grid, address=address.strip(), head_name=head_name.strip(),
                          number=number.strip(), latitude=latitude, longitude=longitude,
                          **fields)
    household.full_clean(exclude=["area_path"])
    household.save()
    path = household.area_path
    transaction.on_commit(lambda: progress.households_registered([path]), robust=True)
    return household


def _check_location(latitude: Decimal | None, longitude: Decimal | None) -> None:
    """A door is located by both its latitude and its longitude, or not at all."""
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})


@transaction.atomic
def create_person(*, grid: Area, name: str, household: Household | None = None,
                  id_number: str = "", phone: str = "", tags: list[str] | None = None,
                  **extra: Any) -> Person:
    """A resident (of a household) or a non-resident attached to a grid."""
    _check_grid(grid)
    if household is not None and household.grid_id != grid.pk:
        raise ValidationError({"household": _("The household lies in another grid.")})
    fields = identity_fields(id_number=id_number, phone=phone)
    fields.setdefault("sex", extra.pop("sex", Sex.UNKNOWN))
    fields.setdefault("birth_date", extra.pop("birth_date", None))
    extra.pop("sex", None)
    extra.pop("birth_date", None)
    person = Person(grid=grid, household=household, name=name.strip(),
                    tags=Person.join_tags(tags or []), **fields, **extra)
    person.full_clean(exclude=["area_path", "household"])
    person.save()
    duplicates.note_shared(person)
    return person


@transaction.atomic
def update_person(person: Person, *, id_number: str | None = None, phone: str | None = None,
                  tags: list[str] | None = None, **fields: Any) -> Person:
    changed = set(fields)
    if id_number is not None or phone is not None:
        protected = identity_fields(id_number=id_number or "", phone=phone or "")
        if id_number == "":
            protected.update(id_number_enc="", id_number_hash="", id_number_masked="")
        if phone == "":
            protected.update(phone_enc="", phone_hash="", phone_masked="")
        fields.update(protected)
        changed |= set(protected)
    if tags is not None:
        fields["tags"] = Person.join_tags(tags)
        changed.add("tags")
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean(exclude=["area_path", "household"])
    person.save(update_fields=[*changed, "updated_at"])
    if changed & {"id_number_hash", "household", "household_id"}:  # else nothing new shared
        duplicates.note_shared(person)
    return person


def move_person(person: Person, household: Household) -> Person:
    """Make `person` a member of `household` (a son moving out, a person registered twice), in
    its grid; both come through the caller's scope. Their ID is checked against the others'
    households again (registry.duplicates)."""
    if household.pk == person.household_id:
        raise ValidationError({"household": _("%(name)s already lives in this household.")
                               % {"name": person.name}})
    return update_person(person, household=household, grid=household.grid)


def persons_with_id_number(user: ScopedUser, raw: str) -> Any:
    """Exact look-up through the keyed hash: one index probe, nothing decrypted."""
    try:
        value = parse_id_number(raw).value
    except ValidationError:
        return Person.objects.none()
    return Person.objects.restrict(user).filter(
        id_number_hash=crypto.keyed_hash(value, ID_FIELD))


def persons_with_phone(user: ScopedUser, raw: str) -> Any:
    try:
        value = parse_mobile(raw)
    except ValidationError:
        return Person.objects.none()
    return Person.objects.restrict(user).filter(phone_hash=crypto.keyed_hash(value, PHONE_FIELD))


def reveal(record: Person | Household, field: str, *, user: ScopedUser, reason: str) -> str:
    """The full ID number or phone, for a user whose role may see it, logged with why."""
    require(user, Capability.REVEAL_IDENTITY)
    if field not in {ID_FIELD, PHONE_FIELD} or not hasattr(record, f"{field}_enc"):
        raise ValueError(f"{field!r} is not a protected field of {type(record).__name__}")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the full value is needed.")})
    token = getattr(record, f"{field}_enc")
    if not token:
        return ""
    value = crypto.decrypt(token, field)
    audit.record("view", model=record._meta.label, object_pk=record.pk,
                 object_repr=str(record), changes={"revealed": field},
                 area_path=record.area_path, reason=reason.strip())
    return value


@transaction.atomic
def update_household(household: Household, *, phone: str | None = None,
                     **fields: Any) -> Household:
    """Change a household's address, head, number, grid or location (latitude and longitude,
    both or neither); `phone` None keeps the stored one."""
    if "latitude" in fields or "longitude" in fields:
        _check_location(fields.get("latitude"), fields.get("longitude"))
    grid = fields.get("grid")
    if grid is not None:
        _check_grid(grid)
        if grid.pk != household.grid_id and household.members.exists():
            raise ValidationError({"grid": _("Move the members before moving the household to "
                                             "another grid.")})
    changed = set(fields)
    if phone is not None:
        protected = identity_fields(phone=phone) if phone.strip() else {
            "phone_enc": "", "phone_hash": "", "phone_masked": ""}
        fields.update(protected)
        changed |= set(protected)
    before = household.area_path
    for name, value in fields.items():
        setattr(household, name, value.strip() if isinstance(value, str) else value)
    household.full_clean(exclude=["area_path"])
    household.save(update_fields=[*changed, "updated_at"])
    if household.area_path != before:  # moved: both grids' campaigns count it again
        paths = [before, household.area_path]
        transaction.on_commit(lambda: progress.households_registered(paths), robust=True)
    return household


@dataclass(frozen=True)
class DuplicateGroup:
    """Persons sharing one ID number across households; `key` is the hash, never shown."""

    key: str
    persons: list[Person]

    @property
    def first(self) -> Person:
        return self.persons[0]


def _duplicate_hashes(user: ScopedUser) -> Any:
    """Unresolved ID hashes found in more than one household among the rows `user` sees."""
    # Among the IDs noted shared (registry.duplicates): grouping the whole scope would read
    # every person of it on each view.
    return (Person.objects.restrict(user).exclude(id_number_hash="")
            .filter(household__isnull=False,
                    id_number_hash__in=DuplicateId.objects.values("id_number_hash"))
            .exclude(id_number_hash__in=DuplicateResolution.objects.values("id_number_hash"))
            .values("id_number_hash")
            .annotate(households=Count("household_id", distinct=True))
            .filter(households__gt=1).order_by("id_number_hash")
            .values_list("id_number_hash", flat=True))


def duplicate_groups(user: ScopedUser, limit: int = 100, offset: int = 0
                     ) -> list[DuplicateGroup]:
    """`limit` unresolved groups of `user`'s scope after the first `offset`, each with its
    persons: 2 queries. (Pages by number: a group's key is the ID's keyed hash, which no page
    or answer shows.)"""
    hashes = list(_duplicate_hashes(user)[offset:offset + limit])
    persons = (Person.objects.restrict(user).filter(id_number_hash__in=hashes)
               .exclude(id_number_hash="")  # the hash index's condition (core.indexes)
               .select_related("household", "grid").order_by("id_number_hash", "id"))
    grouped: dict[str, list[Person]] = {key: [] for key in hashes}
    for person in persons:
        grouped[person.id_number_hash].append(person)
    return [DuplicateGroup(key, members) for key, members in grouped.items()]


@transaction.atomic
def resolve_duplicate(person: Person, *, user: ScopedUser, note: str) -> DuplicateResolution:
    """Mark the ID number of `person` as looked at: its group leaves the duplicates list.

    `person` must come through the caller's scope, and its ID must be an open duplicate there."""
    require(user, Capability.CHANGE_REGISTRY)
    if not note.strip():
        raise ValidationError({"note": _("Say how the duplicate was settled.")})
    key = person.id_number_hash
    if not key or key not in set(_duplicate_hashes(user).filter(id_number_hash=key)):
        raise ValidationError({"note": _("This person's ID number is not an open duplicate.")})
    resolution = DuplicateResolution.objects.create(
        id_number_hash=key, resolved_by=cast(Any, user), note=note.strip())
    # The log has no action of its own for this (a new choice needs a migration): an update.
    audit.record("update", model=Person._meta.label, object_pk=person.pk,
                 object_repr=str(person), changes={"duplicate_resolved": note.strip()},
                 area_path=person.area_path, reason=note.strip())
    return resolution
