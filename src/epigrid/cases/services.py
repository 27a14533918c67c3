"""Writes of cases: opening one and moving it through the state machine (states.py).

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
from epigrid.cases.models import Case, Evidence, LabTest, Source, Transition
from epigrid.cases.states import State
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


@transaction.atomic
def open_case(person: Person, state: str, *, by: Any = None, reason: str,
              at: datetime.datetime | None = None, source: str = Source.OTHER,
              onset_date: datetime.date | None = None, severity: str = "",
              evidence: str = "", evidence_note: str = "",
              lab_test: LabTest | None = None) -> Case:
    """Open a case for a person who has none open, in one of the initial states."""
    at = at or timezone.now()
    _check_time(at)
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
                severity=severity, reported_on=timezone.localdate(at))
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
