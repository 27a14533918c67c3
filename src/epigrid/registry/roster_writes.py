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
from typing import TYPE_CHECKING, Any

from epigrid.core.ids import allocate_ids
from epigrid.core.imports.base import CleanRow
from epigrid.registry import copy_rows
from epigrid.registry.copy_rows import PersonCopy
from epigrid.registry.models import Household

if TYPE_CHECKING:
    from epigrid.registry.bulk import Encoded
    from epigrid.registry.fields import Sealer

Sealed = tuple[str, str, str]  # (ciphertext, keyed hash, masked)
_NONE: dict[str, int] = {}


def new_households(households: Mapping[int, dict[str, int]], rows: Sequence[CleanRow],
                   now: datetime.datetime, seal: Callable[[str], Sealed]
                   ) -> dict[tuple[int, str], tuple[int, tuple[Any, ...]]]:
    """The households the rows create, {(grid id, key): (id, row in HOUSEHOLD_COLUMNS order)},
    with ids of their own; a row whose household an earlier row created (written on its own:
    in `households`, grid id -> {key: id}) is pointed at it instead."""
    wanted: dict[tuple[int, str], CleanRow] = {}
    for row in rows:
        household = row.data["household"]
        if household is not None and household[1] is None:
            grid_id = row.data["grid"][0]
            cached = households.get(grid_id, _NONE).get(household[0])
            if cached is not None:
                row.data["household"] = (household[0], cached, household[2])
            else:
                wanted.setdefault((grid_id, household[0]), row)
    made = {}
    for ((grid_id, key), row), pk in zip(wanted.items(), allocate_ids(Household, len(wanted)),
                                         strict=True):
        data = row.data
        number = key[1:] if key.startswith("#") else ""
        made[(grid_id, key)] = (pk, (pk, now, now, data["grid"][1], grid_id, number,
                                     data["household"][2], data["head_name"],
                                     *household_phone(data, seal)))
    return made


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
    if data["person"] is None:  # lean: every value is in its tail (its ID's among them)
        return (now, now, path, grid_id, household_id, *copy_rows.decode_tail(data["tail"]))
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


def person_copy(id_sealer: Sealer, phone_sealer: Sealer,
                fresh: list[tuple[dict[str, Any], int | None]], now: datetime.datetime
                ) -> Encoded:
    """person_rows() as one block of binary COPY data, each row's tail as read ahead."""
    copy = PersonCopy(now)
    for data, household_id in fresh:
        tail = data["tail"]
        if tail is not None:
            copy.add_tail(data["grid"], household_id, tail)
        else:
            copy.add_row(person_row(id_sealer, phone_sealer, data, household_id, now))
    return copy.encoded()
