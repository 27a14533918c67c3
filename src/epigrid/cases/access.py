"""Who may look at the cases app, and one way for a page to fetch a case by id.

Cases, quarantines, follow-ups, contacts, chains, clusters, lab results and the records behind a
case figure name persons and their health: only a role with Capability.VIEW_CASES sees them
(checkpoint staff, logistics and volunteers do not). The check sits in one place per surface, so
a new page or route cannot forget it: `view_cases_only` wraps the pages of a URL list (cases/
urls.py), `view_cases_operation` is added to each API router with `router.add_decorator`. A user
without the capability gets 403 whatever the id: it tells nothing of what exists.

A case fetched by id answers the same 404 when missing and when forbidden, so a user learns
nothing of the cases outside their area, not even that they exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern
from django.utils.translation import gettext as _

from epigrid.cases.models import Case
from epigrid.core.access import Capability, ScopedUser, can
from epigrid.core.api import api_user, require

P = ParamSpec("P")
R = TypeVar("R")
View = Callable[..., HttpResponseBase]


def may_view_cases(user: ScopedUser) -> bool:
    return can(user, Capability.VIEW_CASES)


def view_cases_required(view: View) -> View:
    """A page that shows persons' cases: 403 for a signed-in user without VIEW_CASES.

    An anonymous visitor goes on to the view, whose `login_required` sends them to log in.
    """
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        if user.is_authenticated and not may_view_cases(user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return guarded


def view_cases_only(patterns: list[URLPattern]) -> list[URLPattern]:
    """The same URL patterns, every page behind `view_cases_required`."""
    return [URLPattern(pattern.pattern, view_cases_required(pattern.callback),
                       pattern.default_args, pattern.name) for pattern in patterns]


def view_cases_operation(
        operation: Callable[Concatenate[HttpRequest, P], R]
) -> Callable[Concatenate[HttpRequest, P], R]:
    """An API operation that shows persons' cases: 403 without VIEW_CASES.

    Added to a router as an operation decorator, so it runs after ninja authenticated the caller
    (401 without a session or token) and read the input.
    """
    @wraps(operation)
    def guarded(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R:
        require(api_user(request), Capability.VIEW_CASES)
        return operation(request, *args, **kwargs)
    return guarded


def get_case_for_user(user: ScopedUser, pk: int) -> Case:
    try:
        return Case.objects.restrict(user).select_related(
            "person", "person__household", "grid").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404(_("No such case.")) from None
