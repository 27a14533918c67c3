"""One way for a page to fetch a household or a person by id: missing and forbidden answer the
same 404, so a user learns nothing of the records outside their area, not even that they exist."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.core.access import ScopedUser
from epigrid.registry.models import Household, Person


def get_household_for_user(user: ScopedUser, pk: int) -> Household:
    try:
        return Household.objects.restrict(user).select_related("grid").get(pk=pk)
    except Household.DoesNotExist:
        raise Http404(_("No such household.")) from None


def get_person_for_user(user: ScopedUser, pk: int) -> Person:
    try:
        return Person.objects.restrict(user).select_related("grid", "household").get(pk=pk)
    except Person.DoesNotExist:
        raise Http404(_("No such person.")) from None
