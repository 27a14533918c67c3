"""Writes of cases: opening one, moving it through the state machine (states.py), and setting
where its infection came from (local 本土 or imported 输入).

Pages, the API, follow-ups, lab results and checkpoints all call these, so a rule holds
whichever way a case changes. Notices go out after the commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.cases import states
from epigrid.cases.models import Case, Evidence, LabTest, Origin, Source, Transition
from epigrid.cases.states import State
from epigrid.core.audit import acting_as, current_actor
from epigrid.registry.models import Person


def _check_time(at: datetime.datetime) -> None:
    if timezone.is_naive(at):
        raise ValueError("transition times must be aware")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("A change of state cannot be dated in the future.")})


def _has_evidence(evidence: str, lab_test: LabTest | None) -> bool:
    return lab_test is not None or evidence in {Evidence.TEST, Evidence.DIAGNOSIS}


def _label(state: str) -> str:
    return str(State(state).label)


IMPORTED_FROM_MAX = Case._meta.get_field("imported_from").max_length or 100


def _check_origin(origin: str, imported_from: str) -> str:
    """The cleaned place an imported case came from; refuse an unknown origin, and a place on a
    local case (the place would say it was imported)."""
    if origin not in Origin.values:
        raise ValidationError({"origin": _("“%(origin)s” is not an origin of infection.")
                               % {"origin": origin}})
    place = imported_from.strip()
    if place and origin != Origin.IMPORTED:
        raise ValidationError({"imported_from": _("Only an imported case has a place it was "
                                                  "imported from.")})
    if len(place) > IMPORTED_FROM_MAX:
        raise ValidationError({"imported_from": _("Give the place in at most %(n)d "
                                                  "characters.") % {"n": IMPORTED_FROM_MAX}})
    return place


@transaction.atomic
def open_case(person: Person, state: str, *, by: Any = None, reason: str,
              at: datetime.datetime | None = None, source: str = Source.OTHER,
              onset_date: datetime.date | None = None, severity: str = "",
              evidence: str = "", evidence_note: str = "",
              lab_test: LabTest | None = None, origin: str = Origin.LOCAL,
              imported_from: str = "") -> Case:
    """Open a case for a person who has none open, in one of the initial states; local unless
    said otherwise (a lab result or a checkpoint does not know where an infection came from:
    the epidemiologist sets it later with `set_origin`)."""
    at = at or timezone.now()
    _check_time(at)
    imported_from = _check_origin(origin, imported_from)
    if state not in states.INITIAL:
        raise ValidationError({"state": _("A case cannot start as “%(state)s”.")
                               % {"state": _label(state)}})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if state in states.PROVEN_STATES and not _has_evidence(evidence, lab_test):
        raise ValidationError({"evidence": _("A case cannot start as “%(state)s” without a "
                                             "test result or a diagnosis.")
                               % {"state": _label(state)}})
    if onset_date and onset_date > timezone.localdate():
        raise ValidationError({"onset_date": _("The onset date cannot be in the future.")})
    if Case.objects.filter(person=person, is_open=True).exists():
        raise ValidationError(_("%(person)s already has an open case.") % {"person": person})
    case = Case(person=person, grid_id=person.grid_id, area_path=person.area_path,
                state=state, state_since=at, source=source, onset_date=onset_date,
                severity=severity, reported_on=timezone.localdate(at), origin=origin,
                imported_from=imported_from)
    case.sync_open()
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # a concurrent request opened one first
        raise ValidationError(_("%(person)s already has an open case.")
                              % {"person": person}) from exc
    Transition.objects.create(case=case, area_path=case.area_path, from_state="",
                              to_state=state, at=at, by=by, reason=reason.strip(),
                              evidence=evidence, evidence_note=evidence_note, lab_test=lab_test)
    return case


@transaction.atomic
def transition(case: Case, target: str, *, by: Any = None, reason: str,
               at: datetime.datetime | None = None, evidence: str = "",
               evidence_note: str = "", lab_test: LabTest | None = None) -> Transition:
    """Move a case to `target` if the table allows it; refuse with a message otherwise."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    at = at or timezone.now()
    _check_time(at)
    if not states.allowed(case.state, target):
        raise ValidationError({"state": _("A case cannot go from “%(current)s” to "
                                          "“%(target)s”.") % {"current": _label(case.state),
                                                              "target": _label(target)}})
    if at < case.state_since:
        raise ValidationError({"at": _("The change cannot be dated before the case entered "
                                       "its current state (%(since)s).")
                               % {"since": timezone.localtime(case.state_since)
                                  .strftime("%Y-%m-%d %H:%M")}})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if states.needs_evidence(case.state, target) and not _has_evidence(evidence, lab_test):
        raise ValidationError({"evidence": _("Going from “%(current)s” to “%(target)s” needs "
                                             "a test result or a diagnosis.")
                               % {"current": _label(case.state), "target": _label(target)}})
    step = Transition.objects.create(case=case, area_path=case.area_path,
                                     from_state=case.state, to_state=target, at=at, by=by,
                                     reason=reason.strip(), evidence=evidence,
                                     evidence_note=evidence_note, lab_test=lab_test)
    case.state = target
    case.state_since = at
    case.sync_open()
    case.save(update_fields=["state", "state_since", "is_open", "updated_at"])
    return step


@transaction.atomic
def set_origin(case: Case, origin: str, *, imported_from: str = "", by: Any = None,
               reason: str) -> Case:
    """Say where a case's infection came from, once the investigation 流调 tells; an open or a
    closed case alike. The audit log keeps the old and new values with the reason.

    The figures count a case by its origin of now: a recount of a past day follows the change,
    a day frozen at its cutoff keeps the figures it was reported with."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    imported_from = _check_origin(origin, imported_from)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if (case.origin, case.imported_from) == (origin, imported_from):
        return case  # nothing to write: no audit entry for a change that changes nothing
    case.origin, case.imported_from = origin, imported_from
    with acting_as(by or current_actor(), reason.strip()):  # the audit entry carries the reason
        case.save(update_fields=["origin", "imported_from", "updated_at"])
    return case
