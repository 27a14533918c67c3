"""Escalation 逐级上报 of overdue problems: what is open past its due date rises one level.

A problem is overdue when it is not closed and its due date is before today (local time). The
hourly task (tasks.py) moves each overdue problem's handling level (`level_area`, `level_path`)
to the parent of its current level, writes the step into its history, and tells the responsible
people of the new level through `alerts.services.notify`. A problem rises at most once every
ESCALATE_EVERY (a day), so one left alone climbs a level a day, up to the top of the tree.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Area, Level
from epigrid.core.access import Role
from epigrid.core.days import local_day
from epigrid.problems.models import Problem, ProblemEvent, Status, Step

ESCALATE_EVERY = datetime.timedelta(hours=24)
# Who answers for the problems of a level: the command above the towns, the officers below.
RESPONSIBLE: dict[int, tuple[str, ...]] = {
    Level.CITY: (Role.COMMAND,), Level.DISTRICT: (Role.COMMAND,),
    Level.TOWN: (Role.AREA_OFFICER,), Level.VILLAGE: (Role.AREA_OFFICER,),
}


def overdue_q(now: datetime.datetime) -> Q:
    return ~Q(status=Status.CLOSED) & Q(due_on__lt=local_day(now))


def due_for_escalation(now: datetime.datetime) -> QuerySet[Problem]:
    """Overdue, below the top of the tree, and not escalated within the last ESCALATE_EVERY."""
    return Problem.objects.filter(
        overdue_q(now), level_area__parent__isnull=False).filter(
        Q(escalated_at__isnull=True) | Q(escalated_at__lte=now - ESCALATE_EVERY))


def escalate_overdue(now: datetime.datetime | None = None) -> list[int]:
    """Escalate every problem due for it; the ids of those that rose."""
    now = now or timezone.now()
    ids = list(due_for_escalation(now).order_by("pk").values_list("pk", flat=True))
    return [pk for pk in ids if escalate(pk, now)]


@transaction.atomic
def escalate(pk: int, now: datetime.datetime) -> bool:
    """Move one problem a level up, if it is still due for it (checked again under the lock)."""
    problem = due_for_escalation(now).select_for_update().filter(pk=pk).first()
    if problem is None:
        return False
    below = Area.objects.get(pk=problem.level_area_id)
    parent = Area.objects.get(pk=below.parent_id or 0)
    problem.level_area, problem.level_path = parent, parent.path
    problem.escalations += 1
    problem.escalated_at = now
    problem.save(update_fields=["level_area", "level_path", "escalations", "escalated_at",
                                "updated_at"])
    ProblemEvent.objects.create(
        problem=problem, step=Step.ESCALATED, by=None, at=now, status=problem.status,
        level_area=parent, note=_("Overdue since %(due)s: raised from %(below)s to %(above)s.")
        % {"due": problem.due_on.isoformat(), "below": below.name, "above": parent.name})
    transaction.on_commit(lambda: tell_escalation(problem, below, parent))
    return True


def tell_escalation(problem: Problem, below: Area, above: Area) -> None:
    def wording() -> tuple[str, str]:
        return (_("Overdue problem escalated to %(area)s: %(title)s") % {
            "area": above.name, "title": problem.title},
            _("Raised in %(origin)s, due %(due)s, %(urgency)s; %(below)s did not close it in "
              "time.") % {"origin": problem.area.name, "due": problem.due_on.isoformat(),
                          "urgency": problem.get_urgency_display(), "below": below.name})

    notify([above], RESPONSIBLE.get(above.level, (Role.AREA_OFFICER,)), worded(wording),
           link=reverse("problems:detail", args=[problem.pk]), exact=True)
