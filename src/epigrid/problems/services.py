"""Writes of the problem list 问题清单: raise, assign, change status, close 销号, reopen.

Every step writes a history row (who, when, note). Pages, the API and the escalation task
(escalation.py) all come here; a refusal is a ValidationError naming the field.

Rules:
- a new problem's due date is today or later;
- an assignee is a unit named in text, and/or an active user who sees the problem's area;
- only open or in-progress problems are assigned or change status; closing needs a note (and
  may carry an evidence file); only a closed problem is reopened, with a note saying why.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify_users
from epigrid.alerts.wording import worded
from epigrid.areas.access import may_see_path
from epigrid.areas.models import Area
from epigrid.core.days import local_day
from epigrid.problems.models import Category, Problem, ProblemEvent, Status, Step, Urgency

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def sees_area(user: Any, path: str) -> bool:
    """An active user whose subtree holds `path` (an administrator sees every area)."""
    return bool(user is not None and user.is_active and may_see_path(user, path))


def _check_assignee(errors: Errors, assignee: Any, area: Area) -> None:
    if assignee is not None and not sees_area(assignee, area.path):
        _add(errors, "assignee", _("%(user)s cannot see %(area)s: choose someone who works "
                                   "there or above it.")
             % {"user": assignee.get_username(), "area": area.name})


def _check_due(errors: Errors, due_on: datetime.date, now: datetime.datetime) -> None:
    if due_on < local_day(now):
        _add(errors, "due_on", _("The due date %(day)s is in the past: give today or a later "
                                 "day.") % {"day": due_on.isoformat()})


def _event(problem: Problem, step: str, by: Any, at: datetime.datetime, note: str = "",
           **fields: Any) -> ProblemEvent:
    return ProblemEvent.objects.create(problem=problem, step=step, by=by, at=at,
                                       note=note.strip(), status=problem.status, **fields)


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().select_related("area", "level_area").get(
        pk=problem.pk)


@transaction.atomic
def raise_problem(area: Area, *, by: Any, title: str, category: str, due_on: datetime.date,
                  urgency: str = Urgency.NORMAL, description: str = "",
                  assignee_unit: str = "", assignee: Any = None,
                  now: datetime.datetime | None = None) -> Problem:
    """Put a problem on `area`'s list. The caller has checked that `by` sees the area."""
    now = now or timezone.now()
    errors: Errors = {}
    if not title.strip():
        _add(errors, "title", _("Give the problem a title."))
    if category not in Category.values:
        _add(errors, "category", _("Unknown category %(value)s.") % {"value": category})
    if urgency not in Urgency.values:
        _add(errors, "urgency", _("Unknown urgency %(value)s.") % {"value": urgency})
    _check_due(errors, due_on, now)
    _check_assignee(errors, assignee, area)
    if errors:
        raise ValidationError(errors)
    problem = Problem.objects.create(
        area=area, area_path=area.path, level_area=area, level_path=area.path,
        title=title.strip(), description=description.strip(), category=category,
        urgency=urgency, assignee_unit=assignee_unit.strip(), assignee=assignee, due_on=due_on,
        raised_by=by, raised_at=now)
    _event(problem, Step.RAISED, by, now, level_area=area)
    if problem.assignee_unit or assignee is not None:
        _event(problem, Step.ASSIGNED, by, now, assignee_unit=problem.assignee_unit,
               assignee=assignee)
        _tell_assignee_later(problem, by, "")
    return problem


def _check_not_closed(errors: Errors, problem: Problem) -> None:
    if problem.is_closed:
        _add(errors, "status", _("The problem is closed: reopen it first."))


@transaction.atomic
def assign(problem: Problem, *, by: Any, assignee_unit: str = "", assignee: Any = None,
           note: str = "", due_on: datetime.date | None = None,
           now: datetime.datetime | None = None) -> Problem:
    """Give the problem to a unit (named in text) and/or a user who sees its area, and with
    `due_on` the day they answer for (today or later; None keeps the due date)."""
    now = now or timezone.now()
    problem = _locked(problem)
    errors: Errors = {}
    _check_not_closed(errors, problem)
    if not assignee_unit.strip() and assignee is None:
        _add(errors, "assignee_unit", _("Name a unit or choose a person to assign the problem "
                                        "to."))
    _check_assignee(errors, assignee, problem.area)
    moved = due_on if due_on is not None and due_on != problem.due_on else None
    if moved is not None:
        _check_due(errors, moved, now)
    if errors:
        raise ValidationError(errors)
    handed_over = assignee is not None and assignee.pk != problem.assignee_id
    problem.assignee_unit, problem.assignee = assignee_unit.strip(), assignee
    fields = ["assignee_unit", "assignee", "updated_at"]
    if moved is not None:
        problem.due_on = moved
        fields.append("due_on")
    problem.save(update_fields=fields)
    _event(problem, Step.ASSIGNED, by, now, note, assignee_unit=problem.assignee_unit,
           assignee=assignee, due_on=moved)
    if handed_over:
        _tell_assignee_later(problem, by, note)
    return problem


def _tell_assignee_later(problem: Problem, by: Any, note: str) -> None:
    """Once the transaction holds, the person given the problem learns it in their inbox (one
    who takes it on themselves knows already)."""
    if problem.assignee is not None and problem.assignee_id != getattr(by, "pk", None):
        transaction.on_commit(lambda: _tell_assignee(problem, by, note))


def _tell_assignee(problem: Problem, by: Any, note: str) -> None:
    def wording() -> tuple[str, str]:
        facts = {"area": problem.area.name, "due": problem.due_on.isoformat(),
                 "urgency": problem.get_urgency_display()}
        body = (_("%(area)s, due %(due)s, %(urgency)s; given by %(by)s.")
                % {**facts, "by": by.display_name} if by is not None
                else _("%(area)s, due %(due)s, %(urgency)s.") % facts)
        return _("A problem given to you: %(title)s") % {"title": problem.title}, \
            f"{body} {note}".strip()

    notify_users([problem.assignee], worded(wording),
                 link=reverse("problems:detail", args=[problem.pk]), area=problem.area)


@transaction.atomic
def change_status(problem: Problem, status: str, *, by: Any, note: str = "",
                  now: datetime.datetime | None = None) -> Problem:
    """Open <-> in progress. Closing has its own step (`close`): it needs a note."""
    now = now or timezone.now()
    if status == Status.CLOSED:
        return close(problem, by=by, note=note, now=now)
    problem = _locked(problem)
    errors: Errors = {}
    _check_not_closed(errors, problem)
    if status not in (Status.OPEN, Status.IN_PROGRESS):
        _add(errors, "status", _("Unknown status %(value)s.") % {"value": status})
    elif not errors and status == problem.status:
        _add(errors, "status", _("The problem is already %(status)s.")
             % {"status": Status(status).label})
    if errors:
        raise ValidationError(errors)
    problem.status = status
    problem.save(update_fields=["status", "updated_at"])
    _event(problem, Step.STATUS, by, now, note)
    return problem


def _check_evidence(errors: Errors, evidence: UploadedFile | None) -> None:
    if evidence is not None and (evidence.size or 0) > EVIDENCE_MAX_BYTES:
        _add(errors, "evidence", _("The evidence file is larger than %(mb)s MB.")
             % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)})


@transaction.atomic
def close(problem: Problem, *, by: Any, note: str, evidence: UploadedFile | None = None,
          now: datetime.datetime | None = None) -> Problem:
    """Close 销号 a problem: a note saying how it was solved, and optionally a file as evidence.

    The file is kept under the data directory (STORAGES["default"], DATA_DIR/media/problems/).
    """
    now = now or timezone.now()
    problem = _locked(problem)
    errors: Errors = {}
    _check_not_closed(errors, problem)
    if not note.strip():
        _add(errors, "note", _("Say how the problem was solved: closing needs a note."))
    _check_evidence(errors, evidence)
    if errors:
        raise ValidationError(errors)
    problem.status, problem.closed_at, problem.close_note = Status.CLOSED, now, note.strip()
    problem.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
    event = ProblemEvent(problem=problem, step=Step.CLOSED, by=by, at=now, note=note.strip(),
                         status=problem.status)
    if evidence is not None:
        original = PurePath(evidence.name or "evidence").name[:200]
        event.evidence_name = original
        event.evidence.save(f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()[:10]}",
                            evidence, save=False)
    event.save()
    return problem


@transaction.atomic
def reopen(problem: Problem, *, by: Any, note: str,
           now: datetime.datetime | None = None) -> Problem:
    """A closed problem comes back (open): the closing stays in the history with its evidence."""
    now = now or timezone.now()
    problem = _locked(problem)
    errors: Errors = {}
    if not problem.is_closed:
        _add(errors, "status", _("Only a closed problem can be reopened."))
    if not note.strip():
        _add(errors, "note", _("Say why the problem is reopened."))
    if errors:
        raise ValidationError(errors)
    problem.status, problem.closed_at, problem.close_note = Status.OPEN, None, ""
    problem.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
    _event(problem, Step.REOPENED, by, now, note)
    return problem
