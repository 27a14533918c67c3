"""What a roster batch writes: its new households, its new persons' rows, its changed persons.

A clean row (roster_rows.clean) holds its person in roster order (name, phone, occupation,
is_medical_staff, residency, tags, returnee_origin, returned_on), the stored forms of its ID and
phone when they were sealed ahead, and on PostgreSQL its person's row's tail as COPY data
(copy_rows). A lean row (read ahead on PostgreSQL, with an ID) holds only the tail: its person
and sealed values are read back from it (`unpack`) for the rare row that needs them, a
registered person's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from epigrid.core.imports.base import CleanRow
from epigrid.registry import copy_rows
from epigrid.registry.copy_rows import PersonCopy
from epigrid.registry.models import Household, Person

if TYPE_CHECKING:
    from django.db.models import Model

    from epigrid.registry.bulk import Encoded, Rows
    from epigrid.registry.fields import Sealer

Sealed = tuple[str, str, str]  # (ciphertext, keyed hash, masked)
# What a batch's write remembered for the next batch: households {(grid id, key): id} and
# persons without an ID {(household id, name): importers.KNOWN_FIELDS}.
Remembered = tuple[dict[tuple[int, str], int], dict[tuple[int, str], tuple[Any, ...]]]
# Ids of a model for so many rows, or None when there are too few at hand (core.ids.IdPool).
TakeIds = Callable[["type[Model]", int], "list[int] | None"]
_NONE: dict[str, int] = {}
_NOWHERE: tuple[None, None] = (None, None)  # a household without a location


def new_households(households: Mapping[int, dict[str, int]], rows: Sequence[CleanRow],
                   now: datetime.datetime, seal: Callable[[str], Sealed], take_ids: TakeIds
                   ) -> dict[tuple[int, str], tuple[int, tuple[Any, ...]]] | None:
    """The households the rows create, {(grid id, key): (id, row in HOUSEHOLD_COLUMNS order)},
    with ids of their own (None when `take_ids` has too few); a row whose household an earlier
    row created (written on its own: in `households`, grid id -> {key: id}) is pointed at it
    instead."""
    wanted: dict[tuple[int, str], CleanRow] = {}
    placed: dict[tuple[int, str], tuple[str, str]] = {}  # the first location its rows give
    for row in rows:
        household = row.data["household"]
        if household is not None and household[1] is None:
            grid_id = row.data["grid"][0]
            cached = households.get(grid_id, _NONE).get(household[0])
            if cached is not None:
                row.data["household"] = (household[0], cached, household[2])
            else:
                wanted.setdefault((grid_id, household[0]), row)
                location = row.data.get("location")
                if location is not None:
                    placed.setdefault((grid_id, household[0]), location)
    ids = take_ids(Household, len(wanted))
    if ids is None:
        return None
    made = {}
    for ((grid_id, key), row), pk in zip(wanted.items(), ids, strict=True):
        data = row.data
        number = key[1:] if key.startswith("#") else ""
        made[(grid_id, key)] = (pk, (pk, now, now, data["grid"][1], grid_id, number,
                                     data["household"][2], data["head_name"],
                                     *household_phone(data, seal),
                                     *coordinates(placed.get((grid_id, key)))))
    return made


def coordinates(location: tuple[str, str] | None) -> tuple[Decimal | None, Decimal | None]:
    """A clean row's location (its texts: roster_rows.location_texts) as the columns take it."""
    return _NOWHERE if location is None else (Decimal(location[0]), Decimal(location[1]))



class Built(NamedTuple):
    """What a batch writes, made before the database is free to take it."""

    households: dict[tuple[int, str], tuple[int, tuple[Any, ...]]]  # new_households()
    persons: Rows | Encoded  # new persons with an ID or without a household (PERSON_COLUMNS)
    unnamed: list[tuple[Any, ...]]  # new persons without an ID, (id, *PERSON_COLUMNS)
    updates: list[tuple[int, tuple[Any, ...]]]  # (id, PERSON_UPDATE_COLUMNS values)
    unchanged: int
    moved: dict[int, tuple[Any, Any]]  # registered households' locations given (coordinates())


def build(rows: Sequence[CleanRow], households: Mapping[int, dict[str, int]],
          now: datetime.datetime, sealers: tuple[Sealer, Sealer], take_ids: TakeIds,
          encoded: bool) -> Built | None:
    """A batch's writes, without the database but for `take_ids` (None when it has too few
    ids); new persons as one block of COPY data when `encoded` (PostgreSQL), else as rows made
    while they are written."""
    new = new_households(households, rows, now, sealers[1].seal, take_ids)
    if new is None:
        return None
    # New persons with an ID go straight into the COPY data (PostgreSQL), most with their tail
    # as read ahead: one loop, no list of them in between.
    copy = PersonCopy(now) if encoded else None
    fresh: list[tuple[dict[str, Any], int | None]] = []
    unnamed: list[tuple[dict[str, Any], int | None]] = []
    updates: list[tuple[int, tuple[Any, ...]]] = []
    moved: dict[int, tuple[Any, Any]] = {}  # registered households' locations, the first given
    unchanged = 0
    for row in rows:
        data = row.data
        household = data["household"]
        household_id = None
        if household is not None:
            household_id = household[1] or new[(data["grid"][0], household[0])][0]
            if household[1] is not None and (location := data.get("location")) is not None \
                    and household_id not in moved:
                moved[household_id] = coordinates(location)
        known = data["known"]
        if known is None:
            if data["id"] or household_id is None:
                tail = data["tail"]
                if copy is None:
                    fresh.append((data, household_id))
                elif tail is not None:
                    copy.add_tail(data["grid"], household_id, tail)
                else:
                    copy.add_row(person_row(*sealers, data, household_id, now))
            else:
                unnamed.append((data, household_id))
            continue
        unpack(data)
        values = change(known, data["person"], data["sealed"], sealers[1])
        if values is None:
            unchanged += 1
        else:
            updates.append((known[1], values))
    # Ids of their own: the next batch may find them again before they are written.
    unnamed_ids = take_ids(Person, len(unnamed))
    if unnamed_ids is None:
        return None
    unnamed_rows = [(pk, *row) for pk, row in zip(
        unnamed_ids, person_rows(*sealers, unnamed, now), strict=True)]
    persons = copy.encoded() if copy is not None else person_rows(*sealers, fresh, now)
    return Built(new, persons, unnamed_rows, updates, unchanged, moved)


def remember(households: dict[int, dict[str, int]],
             unnamed: dict[tuple[int, str], tuple[Any, ...]], built: Built) -> Remembered:
    """Put what `built` creates where the next batch's look-ups would find it once written:
    the new households of the grids in `households` (grid id -> {key: id}), and the new
    persons without an ID in `unnamed`."""
    made = {key: pk for key, (pk, _row) in built.households.items() if key[0] in households}
    for (grid_id, key), pk in made.items():
        households[grid_id][key] = pk
    # (id, *PERSON_COLUMNS) -> KNOWN_FIELDS
    persons = {(row[5], row[6]): (row[8], row[0], row[5], row[4], row[6], *row[10:13],
                                  *row[15:21]) for row in built.unnamed}
    unnamed.update(persons)
    return made, persons


def forget_written(households: dict[int, dict[str, int]],
                   unnamed: dict[tuple[int, str], tuple[Any, ...]],
                   remembered: Remembered) -> None:
    """Undo remember(), where nothing has replaced what it put."""
    made, persons = remembered
    for (grid_id, key), pk in made.items():
        if households.get(grid_id, _NONE).get(key) == pk:
            del households[grid_id][key]
    for found, person in persons.items():
        if unnamed.get(found) is person:
            del unnamed[found]


def household_phone(data: dict[str, Any], seal: Callable[[str], Sealed]) -> Sealed:
    """The stored forms of a household's phone, from the row that creates it: its head's own
    phone's, sealed already, when they are the same."""
    phone = data["household_phone"]
    if data["person"] is None:  # lean: the person's phone is in the tail
        return copy_rows.tail_phone(data["tail"]) if data["same_phone"] else seal(phone)
    sealed = data["sealed"]
    return sealed[1] if sealed and phone == data["person"][1] else seal(phone)


def unpack(data: dict[str, Any]) -> None:
    """Fill a lean row's person and sealed ID and phone from its tail. The person's phone is
    left None: its stored forms are known (`sealed`), and nothing else reads it."""
    if data["person"] is not None:
        return
    (name, id_enc, id_hash, id_masked, phone_enc, phone_hash, phone_masked, _sex, _birth,
     occupation, medical, residency, tags, origin, returned_on) = copy_rows.decode_tail(
        data["tail"])
    data["person"] = (name, None, occupation, medical, residency, tags, origin, returned_on)
    data["sealed"] = ((id_enc, id_hash, id_masked), (phone_enc, phone_hash, phone_masked))


def change(known: tuple[Any, ...], person: tuple[Any, ...], sealed: tuple[Any, Any] | None,
           phone_sealer: Sealer) -> tuple[Any, ...] | None:
    """The new values of a registered person (PERSON_UPDATE_COLUMNS), or None if the same."""
    name, phone, occupation, medical, residency, tags, origin, returned_on = person
    old_name, old_enc, old_hash, old_masked, *old_rest = known[4:]
    phone_columns = sealed[1] if sealed else phone_sealer.seal(phone)
    rest = (occupation, medical, residency, tags, origin, returned_on)
    if phone_columns[1] == old_hash and name == old_name and rest == tuple(old_rest):
        return None
    if phone_columns[1] == old_hash:  # the same phone: its ciphertext stays
        phone_columns = (old_enc, old_hash, old_masked)
    return (name, *phone_columns, *rest)


def person_rows(id_sealer: Sealer, phone_sealer: Sealer,
                fresh: list[tuple[dict[str, Any], int | None]], now: datetime.datetime
                ) -> Iterator[tuple[Any, ...]]:
    """New persons (clean row data, household id) in PERSON_COLUMNS order, ID and phone
    sealed."""
    for data, household_id in fresh:
        yield person_row(id_sealer, phone_sealer, data, household_id, now)


def person_row(id_sealer: Sealer, phone_sealer: Sealer, data: dict[str, Any],
               household_id: int | None, now: datetime.datetime) -> tuple[Any, ...]:
    grid_id, path = data["grid"]
    parsed, sealed = data["id"], data["sealed"]
    if sealed:
        id_columns, phone_columns = sealed
    else:
        id_columns = id_sealer.seal_hashed(parsed[0], data["id_hash"]) if parsed else \
            ("", "", "")
        phone_columns = phone_sealer.seal(data["person"][1])
    return (now, now, path, grid_id, household_id,
            *tail_values(data["person"], parsed, id_columns, phone_columns))


def tail_values(person: tuple[Any, ...], parsed: tuple[str, Any, str] | None,
                id_columns: Sealed, phone_columns: Sealed) -> tuple[Any, ...]:
    """A new person's columns after the head (copy_rows.TAIL), from the person in roster order
    and the parsed ID (ID, birth date, sex) or None."""
    name, _phone, occupation, medical, residency, tags, origin, returned_on = person
    birth, sex = (parsed[1], parsed[2]) if parsed else (None, "unknown")
    return (name, *id_columns, *phone_columns, sex, birth, occupation, medical, residency, tags,
            origin, returned_on)
