"""Writes of supervised tasks 督办: set, report done 报结, accept 办结, send back 退回, withdraw.

Documents: documents.py; inspections: inspections.py; the daily reminder: reminders.py. Pages,
the API, the demo and the tasks all come here; a refusal is a ValidationError naming the field.

Rules:
- a task has a title and a due day not before the day it is set; it is set by a desk that
  sees the area (the desk's own area is the issuer's: it sees the task and decides on it);
- the area reports a task in hand done, saying what was done; only a reported task is
  accepted (completed) or sent back, and sending it back says why and may give a new day;
- a task not yet completed is withdrawn with a reason, and the parts it handed down still in
  hand with it; a task is reported done once none of its parts is still in hand (handing.py);
- the area's responsible people are told when a task is set or sent back, the desk when it is
  reported done.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from epigrid.alerts.services import notify, notify_users
from epigrid.alerts.wording import worded
from epigrid.areas.access import sees
from epigrid.areas.models import Area, Level, ancestor_paths
from epigrid.core.access import Role
from epigrid.core.days import local_day
from epigrid.core.errors import Errors, add, refuse, required
from epigrid.supervision.models import (
    PENDING,
    Document,
    Part,
    Step,
    Task,
    TaskEvent,
    TaskStatus,
)

# Who answers for an area's tasks: the command above the towns, the officers below.
RESPONSIBLE: dict[int, tuple[str, ...]] = {
    Level.CITY: (Role.COMMAND,), Level.DISTRICT: (Role.COMMAND,),
    Level.TOWN: (Role.AREA_OFFICER,), Level.VILLAGE: (Role.AREA_OFFICER,),
    Level.GRID: (Role.AREA_OFFICER, Role.GRID_WORKER),
}


def responsible(area: Area) -> tuple[str, ...]:
    return RESPONSIBLE.get(area.level, (Role.AREA_OFFICER,))


def issuer_for(by: Any, area: Area) -> Area:
    """The desk's own area: the user's home area, or the top of the tree for those without."""
    home = getattr(by, "home_area", None)
    if home is not None:
        return home
    return Area.objects.get(path=ancestor_paths(area.path)[0])


def event(task: Task, step: str, by: Any, at: datetime.datetime, note: str = "",
           due_on: datetime.date | None = None) -> TaskEvent:
    return TaskEvent.objects.create(task=task, step=step, by=by, at=at, note=note,
                                    due_on=due_on)


def locked(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related(
        "area", "issuer_area").get(pk=task.pk)


def _check_due(errors: Errors, due_on: datetime.date, at: datetime.datetime,
               field: str = "due_on") -> None:
    if due_on < local_day(at):
        add(errors, field, _("%(day)s has passed.") % {"day": due_on.isoformat()})


@transaction.atomic
def set_task(area: Area, *, by: Any, title: str, due_on: datetime.date, instructions: str = "",
             part: str = Part.LEAD, document: Document | None = None,
             issuer_area: Area | None = None, at: datetime.datetime | None = None,
             field_prefix: str = "", parent: Task | None = None) -> Task:
    """督办: a task for `area`, set by the desk of `issuer_area` (the user's own by default)."""
    at = at or timezone.now()
    errors: Errors = {}
    title = required(errors, f"{field_prefix}title", title, _("Say what is to be done."))
    _check_due(errors, due_on, at, f"{field_prefix}due_on")
    if part not in Part.values:
        add(errors, f"{field_prefix}part", _("Choose the lead or assisting part."))
    if not sees(by, area.path):
        add(errors, f"{field_prefix}area", _("Choose an area of your own."))
    refuse(errors)
    issuer = issuer_area or issuer_for(by, area)
    task = Task.objects.create(area=area, issuer_area=issuer, document=document, part=part,
                               parent=parent, title=title, instructions=instructions.strip(),
                               due_on=due_on, created_by=by)
    event(task, Step.SET, by, at, task.instructions, due_on)
    transaction.on_commit(lambda: _tell_area(task, _("New task"), task.instructions))
    return task


def _tell_area(task: Task, what: str, note: str) -> None:
    def wording() -> tuple[str, str]:
        return (_("%(what)s: %(title)s") % {"what": what, "title": task.title},
                _("Due %(due)s. %(note)s") % {"due": task.due_on.isoformat(), "note": note})

    notify([task.area], responsible(task.area), worded(wording),
           link=reverse("supervision:task", args=[task.pk]), exact=True)


@transaction.atomic
def report_done(task: Task, *, by: Any, report: str) -> Task:
    """报结: the area says what it did; the desk then accepts it or sends it back."""
    task = locked(task)
    errors: Errors = {}
    if task.status != TaskStatus.OPEN:
        add(errors, "__all__", _("The task is %(status)s, not in hand.")
            % {"status": task.get_status_display()})
    report = required(errors, "report", report, _("Say what was done."))
    if parts := task.parts.filter(status__in=PENDING).count():
        add(errors, "__all__", ngettext(
            "%(n)d part handed down is still in hand.",
            "%(n)d parts handed down are still in hand.", parts) % {"n": parts})
    refuse(errors)
    now = timezone.now()
    task.status, task.report, task.reported_at = TaskStatus.REPORTED, report, now
    task.save(update_fields=["status", "report", "reported_at", "updated_at"])
    event(task, Step.REPORTED, by, now, report)
    if task.created_by_id is not None:
        transaction.on_commit(lambda: _tell_desk(task))
    return task


def _tell_desk(task: Task) -> None:
    def wording() -> tuple[str, str]:
        return (_("Reported done: %(title)s") % {"title": task.title},
                _("%(area)s: %(report)s") % {"area": task.area.name, "report": task.report})

    notify_users([task.created_by], worded(wording),
                 link=reverse("supervision:task", args=[task.pk]), area=task.area)


def _check_reported(errors: Errors, task: Task) -> None:
    if task.status != TaskStatus.REPORTED:
        add(errors, "__all__", _("Only a task reported done is accepted or sent back."))


@transaction.atomic
def accept(task: Task, *, by: Any, note: str = "") -> Task:
    """办结: the desk accepts what the area reported."""
    task = locked(task)
    errors: Errors = {}
    _check_reported(errors, task)
    refuse(errors)
    now = timezone.now()
    task.status, task.closed_at = TaskStatus.DONE, now
    task.save(update_fields=["status", "closed_at", "updated_at"])
    event(task, Step.ACCEPTED, by, now, note.strip())
    return task


@transaction.atomic
def send_back(task: Task, *, by: Any, note: str,
              due_on: datetime.date | None = None) -> Task:
    """退回: not done well enough; the area has it again, by the day given (or its own)."""
    task = locked(task)
    now = timezone.now()
    errors: Errors = {}
    _check_reported(errors, task)
    note = required(errors, "note", note, _("Say why it is sent back."))
    if due_on is not None:
        _check_due(errors, due_on, now)
    refuse(errors)
    task.status, task.reported_at = TaskStatus.OPEN, None
    fields = ["status", "reported_at", "updated_at"]
    if due_on is not None and due_on != task.due_on:
        task.due_on, task.reminders, task.reminded_at = due_on, 0, None
        fields += ["due_on", "reminders", "reminded_at"]
    task.save(update_fields=fields)
    event(task, Step.RETURNED, by, now, note, due_on)
    transaction.on_commit(lambda: _tell_area(task, _("Sent back"), note))
    return task


@transaction.atomic
def withdraw(task: Task, *, by: Any, note: str) -> Task:
    """撤销: the task is no longer wanted."""
    task = locked(task)
    errors: Errors = {}
    if task.status not in PENDING:
        add(errors, "__all__", _("The task is %(status)s already.")
            % {"status": task.get_status_display()})
    note = required(errors, "note", note, _("Say why the task is withdrawn."))
    refuse(errors)
    now = timezone.now()
    _cancel(task, by, now, note)
    return task


def _cancel(task: Task, by: Any, now: datetime.datetime, note: str,
            parts_note: str = "") -> None:
    """The task withdrawn, and each part it handed down still in hand, down the tree."""
    task.status, task.closed_at = TaskStatus.CANCELLED, now
    task.save(update_fields=["status", "closed_at", "updated_at"])
    event(task, Step.CANCELLED, by, now, note)
    parts_note = parts_note or (_("Withdrawn with the task it was handed down from: %(note)s")
                                % {"note": note})
    for part in (Task.objects.select_for_update().filter(parent=task, status__in=PENDING)
                 .order_by("id")):
        _cancel(part, by, now, parts_note, parts_note)
