"""Writes of contact tracing 流调: recording an exposure 接触 and identifying its contact.

Rules, in one place (pages, API and any import call these):
- The source must have an open case that can pass the virus on: suspected, confirmed,
  asymptomatic or admitted (`SOURCE_STATES`). A fever patient is traced once suspected; a closed
  case's contacts were traced while it was open.
- The exposure is dated, not in the future; the contact is a registered person (found by the
  tracer through the ID number, anywhere in the registry: contacts cross area lines) or a name
  with a hint of how to find them, identified later with `identify_contact`.
- A known contact without an open case gets a close-contact case 密接 (found by tracing); one who
  already has a case keeps it, and the outcome says so (a contact already in quarantine: the
  extension of that quarantine belongs to the quarantine part, so it is only flagged here).
- The exposure carries the source's area path: it is the source's tracer's record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.cases import services
from epigrid.cases.models import Case, Exposure, Source
from epigrid.cases.states import State
from epigrid.core import crypto
from epigrid.core.access import Role
from epigrid.core.identity import parse_id_number
from epigrid.registry.models import Person
from epigrid.registry.services import ID_FIELD

SOURCE_STATES: frozenset[str] = frozenset({State.SUSPECTED, State.CONFIRMED, State.ASYMPTOMATIC,
                                           State.ADMITTED})


class Outcome:
    """What recording or identifying an exposure did to the contact's case."""

    OPENED = "opened"  # a close-contact case was opened
    ALREADY_CONTACT = "already_contact"  # already a close contact, not yet in quarantine
    IN_QUARANTINE = "in_quarantine"  # already in quarantine: the quarantine part may extend it
    ALREADY_CASE = "already_case"  # already a fever, suspected or positive case
    UNIDENTIFIED = "unidentified"  # nobody to open a case for yet


@dataclass(frozen=True)
class Recorded:
    exposure: Exposure
    outcome: str
    contact_case: Case | None

    @property
    def message(self) -> str:
        return outcome_message(self.outcome, self.exposure)


def outcome_message(outcome: str, exposure: Exposure) -> str:
    name = exposure.contact_name if exposure.contact_id is None else str(exposure.contact)
    return {
        Outcome.OPENED: _("%(name)s is now a close contact."),
        Outcome.ALREADY_CONTACT: _("%(name)s was already a close contact."),
        Outcome.IN_QUARANTINE: _("%(name)s is already in quarantine; check whether the "
                                 "quarantine must be extended."),
        Outcome.ALREADY_CASE: _("%(name)s already has an open case; it was left as it is."),
        Outcome.UNIDENTIFIED: _("%(name)s is on the list of contacts to identify."),
    }[outcome] % {"name": name}


def person_with_id_number(raw: str) -> Person | None:
    """The registered person with this ID number, in any area (one index probe on the hash).

    Contacts cross area lines; the tracer knows the number from the interview, so the look-up
    is not limited to the tracer's area. Raises the ID parser's own message for a bad number.
    """
    value = parse_id_number(raw).value
    return Person.objects.filter(id_number_hash=crypto.keyed_hash(value, ID_FIELD)).order_by(
        "pk").first()


def source_case(person: Person) -> Case:
    """The source's open case, if it can pass the virus on; refuses with why otherwise."""
    case = Case.objects.filter(person=person, is_open=True).first()
    if case is None or case.state not in SOURCE_STATES:
        raise ValidationError({"source": _(
            "%(name)s has no open suspected, confirmed or asymptomatic case: record exposures "
            "of a case that can pass the virus on.") % {"name": person}})
    return case


def _check_date(exposed_on: datetime.date) -> None:
    if exposed_on > timezone.localdate():
        raise ValidationError({"exposed_on": _("An exposure cannot be dated in the future.")})


def _check_contact(source: Person, contact: Person, exposed_on: datetime.date,
                   exclude: int | None = None) -> None:
    if contact.pk == source.pk:
        raise ValidationError({"contact": _("A person cannot be their own contact.")})
    same = Exposure.objects.filter(source=source, contact=contact, exposed_on=exposed_on)
    if same.exclude(pk=exclude).exists():
        raise ValidationError({"contact": _(
            "This exposure of %(name)s on %(day)s is already recorded.")
            % {"name": contact, "day": exposed_on.isoformat()}})


def _tell_grid(contact_case: Case) -> None:
    """The contact's grid workers go and find them: a new close contact in their grid."""
    person = contact_case.person
    transaction.on_commit(lambda: notify(
        [person.area_path], [Role.GRID_WORKER, Role.AREA_OFFICER], worded(lambda: (
            _("New close contact: %(name)s") % {"name": person.name},
            _("Arrange quarantine for %(name)s.") % {"name": person.name})),
        link=reverse("cases:contact_todo")))


def _case_for_contact(exposure: Exposure, contact: Person, by: Any) -> tuple[str, Case]:
    """Open the contact's close-contact case, or say what case they already have."""
    current = Case.objects.filter(person=contact, is_open=True).first()
    if current is None:
        case = services.open_case(
            contact, State.CLOSE_CONTACT, by=by, source=Source.TRACING,
            reason=_("Close contact of %(source)s on %(day)s.")
            % {"source": exposure.source, "day": exposure.exposed_on.isoformat()})
        _tell_grid(case)
        return Outcome.OPENED, case
    if current.state == State.QUARANTINED:
        return Outcome.IN_QUARANTINE, current
    if current.state == State.CLOSE_CONTACT:
        return Outcome.ALREADY_CONTACT, current
    return Outcome.ALREADY_CASE, current


@transaction.atomic
def record_exposure(source: Person, *, exposed_on: datetime.date,
                    contact: Person | None = None, contact_name: str = "",
                    contact_hint: str = "", setting: str = Exposure.Setting.OTHER,
                    note: str = "", by: Any = None) -> Recorded:
    """Record that `source` met `contact` (or someone named `contact_name`) on `exposed_on`."""
    source_case(source)
    _check_date(exposed_on)
    if setting not in Exposure.Setting.values:
        raise ValidationError({"setting": _("Choose a setting from the list.")})
    contact_name, contact_hint = contact_name.strip(), contact_hint.strip()
    if contact is None and not contact_name:
        raise ValidationError({"contact_name": _(
            "Name the contact, or give the ID number of a registered person.")})
    if contact is not None:
        _check_contact(source, contact, exposed_on)
    exposure = Exposure.objects.create(
        source=source, contact=contact, area_path=source.area_path,
        contact_name=contact_name if contact is None else "", contact_hint=contact_hint,
        exposed_on=exposed_on, setting=setting, note=note.strip(), recorded_by=by)
    if contact is None:
        return Recorded(exposure, Outcome.UNIDENTIFIED, None)
    outcome, case = _case_for_contact(exposure, contact, by)
    return Recorded(exposure, outcome, case)


@transaction.atomic
def identify_contact(exposure: Exposure, person: Person, *, by: Any = None) -> Recorded:
    """Link an exposure's unidentified contact to the registered person found, and open their
    close-contact case (or say which case they already have)."""
    exposure = Exposure.objects.select_for_update().select_related("source").get(pk=exposure.pk)
    if exposure.contact_id is not None:
        raise ValidationError({"contact": _("This contact is already identified.")})
    _check_contact(exposure.source, person, exposure.exposed_on, exclude=exposure.pk)
    # The name the tracer wrote down stays in the hint: it tells how the person was found.
    if exposure.contact_name and exposure.contact_name != person.name:
        exposure.contact_hint = (f"{exposure.contact_name}: {exposure.contact_hint}".strip(" :")
                                 )[:300]
    exposure.contact = person
    exposure.contact_name = ""
    exposure.save(update_fields=["contact", "contact_name", "contact_hint"])
    outcome, case = _case_for_contact(exposure, person, by)
    return Recorded(exposure, outcome, case)
