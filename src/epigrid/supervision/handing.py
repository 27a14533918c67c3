"""Handing a task down 分解下达: the area handling a task passes parts of it to areas below.

A town set a task by the district (or routed a district's document) hands it down to the
villages that do the work: each gets a part, a task of its own (`Task.parent`) set by the
town's desk, for the same document, which the village then reads. The village reports its part
to the town, which accepts it or sends it back (`access.may_decide`: whoever handles the task
it came from); the town reports its own task done once no part of it is still in hand.

Rules (a refusal names its field, a row's as `routings.N.field`):
- only a task in hand is handed down, by those who handle it (the pages and the API check);
- each area lies below the task's, is named once, and does not already hold a part of it in
  hand;
- each part is due by the task's own day at the latest (the town answers by then);
- the first part is the lead unless a row or a part in hand is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.core.errors import Errors, add, refuse
from epigrid.supervision import services
from epigrid.supervision.documents import Routing
from epigrid.supervision.models import PENDING, Part, Step, Task, TaskStatus


def _below(path: str, task: Task) -> bool:
    return path.startswith(task.area.path) and path != task.area.path


def _check(errors: Errors, task: Task, routings: Sequence[Routing]) -> None:
    if task.status != TaskStatus.OPEN:
        add(errors, "__all__", _("Only a task in hand is handed down."))
    if not routings:
        add(errors, "areas", _("Choose at least one area to hand the task down to."))
    areas = [routing.area.pk for routing in routings]
    if len(set(areas)) < len(areas):
        add(errors, "areas", _("An area is named twice."))
    held = task.parts.filter(area_id__in=areas, status__in=PENDING)
    for name in sorted(held.values_list("area__name", flat=True)):
        add(errors, "areas", _("%(area)s already holds a part of this task.") % {"area": name})
    for index, routing in enumerate(routings):
        if not _below(routing.area.path, task):
            add(errors, f"routings.{index}.area", _("%(area)s is not under %(above)s.")
                % {"area": routing.area.name, "above": task.area.name})
        if routing.due_on > task.due_on:
            add(errors, f"routings.{index}.due_on",
                _("The task is due %(due)s: its parts are due by then.")
                % {"due": task.due_on.isoformat()})


@transaction.atomic
def hand_down(task: Task, routings: Sequence[Routing], *, by: Any) -> list[Task]:
    """分解下达: a part of `task` for each area below it; the areas are told."""
    task = services.locked(task)
    errors: Errors = {}
    _check(errors, task, routings)
    refuse(errors)
    has_lead = (any(routing.part == Part.LEAD for routing in routings)
                or task.parts.filter(part=Part.LEAD, status__in=PENDING).exists())
    parts = [services.set_task(
        routing.area, by=by, title=task.title, due_on=routing.due_on,
        instructions=routing.instructions,
        part=Part.LEAD if (index == 0 and not has_lead) else routing.part,
        document=task.document, issuer_area=task.area, parent=task,
        field_prefix=f"routings.{index}.") for index, routing in enumerate(routings)]
    services.event(task, Step.HANDED_DOWN, by, timezone.now(),
                   ", ".join(part.area.name for part in parts))
    return parts
