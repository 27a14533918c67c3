"""Reading problems: the filters shared by the list page and the API, and who may be assigned.

"Raised in my area" is a problem whose origin lies in the user's subtree; "escalated to me" one
that rose (at least once) to a level inside the user's subtree (docs/problems.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from epigrid.areas.models import Area, ancestor_paths
from epigrid.core.access import (
    Capability,
    ScopedUser,
    roles_with,
    sees_everything,
    subtree_q,
)
from epigrid.problems.access import RELATED
from epigrid.problems.escalation import overdue_q
from epigrid.problems.models import Problem

RAISED, ESCALATED = "raised", "escalated"


@dataclass(frozen=True)
class Filters:
    status: str = ""
    urgency: str = ""
    category: str = ""
    overdue: bool = False
    where: str = ""  # "", RAISED or ESCALATED
    area: Area | None = None  # only problems raised in this area's subtree


def visible(user: ScopedUser) -> QuerySet[Problem]:
    return Problem.objects.restrict(user).select_related(*RELATED)


def _mine(user: ScopedUser, field: str) -> Q:
    path = user.scope_path
    return Q() if sees_everything(user) or not path else subtree_q(field, path)


def apply(user: ScopedUser, rows: QuerySet[Problem], filters: Filters,
          now: datetime.datetime | None = None) -> QuerySet[Problem]:
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.urgency:
        rows = rows.filter(urgency=filters.urgency)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.overdue:
        rows = rows.filter(overdue_q(now or timezone.now()))
    if filters.where == RAISED:
        rows = rows.filter(_mine(user, "area_path"))
    elif filters.where == ESCALATED:
        rows = rows.filter(_mine(user, "level_path"), escalations__gt=0)
    if filters.area is not None:
        rows = rows.filter(subtree_q("area_path", filters.area.path))
    return rows


def is_overdue(problem: Problem, today: datetime.date) -> bool:
    return not problem.is_closed and problem.due_on < today


def assignable_users(user: Any) -> QuerySet[Any]:
    """Active users the user may name for a problem: those above the user's area and within it
    (the service then checks that the one named sees the problem's area)."""
    users = get_user_model().objects.filter(is_active=True).select_related("home_area")
    if sees_everything(user):
        return users.filter(home_area__isnull=False).order_by("username")
    path = user.scope_path
    if not path:
        return users.none()
    return users.filter(subtree_q("home_area__path", path)
                        | Q(home_area__path__in=ancestor_paths(path))).order_by("username")


def offered_users(user: Any, areas: Iterable[Area] = ()) -> QuerySet[Any]:
    """The users a form offers among the assignable ones: those who may assign and close
    problems, plus everyone who sees `areas`. A district holds thousands of grid workers and
    checkpoint staff: they are offered for their own area's problems, not in every list."""
    seeing = Q(role__in=roles_with(Capability.RESOLVE_PROBLEMS))
    for area in areas:
        seeing |= Q(home_area__path__in=ancestor_paths(area.path))
    return assignable_users(user).filter(seeing)


def users_seeing(area: Area) -> QuerySet[Any]:
    """Active users who see `area`, those a problem of it may be given to: its own users and
    those of the areas above it."""
    return get_user_model().objects.filter(
        is_active=True, home_area__path__in=ancestor_paths(area.path)).select_related(
        "home_area").order_by("username")
