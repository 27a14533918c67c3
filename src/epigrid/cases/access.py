"""One way for a page to fetch a case by id: missing and forbidden answer the same 404, so a user
learns nothing of the cases outside their area, not even that they exist."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.cases.models import Case
from epigrid.core.access import ScopedUser


def get_case_for_user(user: ScopedUser, pk: int) -> Case:
    try:
        return Case.objects.restrict(user).select_related(
            "person", "person__household", "grid").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404(_("No such case.")) from None
