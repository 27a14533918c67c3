"""One way for a page to fetch a problem by id: missing and forbidden answer the same 404."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.core.access import ScopedUser
from epigrid.problems.models import Problem

RELATED = ("area", "level_area", "assignee", "raised_by")


def get_problem_for_user(user: ScopedUser, pk: int) -> Problem:
    found = Problem.objects.restrict(user).select_related(*RELATED).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such problem."))
    return found
