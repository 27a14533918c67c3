"""The index pages that open a page of one area at the user's own: one view made for each."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from epigrid.areas.access import area_user, root_area_for


def at_home_area(target: str) -> Callable[[HttpRequest], HttpResponseBase]:
    """A view opening `target` (the name of a page of one area, taking `area_id`) at the
    user's home area, or at the first city for those who see everything; a user without an
    area gets a 404 saying so."""

    @login_required
    @require_GET
    def index(request: HttpRequest) -> HttpResponseBase:
        home = root_area_for(area_user(request))
        if home is None:
            raise Http404(_("You have no area."))
        return redirect(target, area_id=home.pk)

    index.__doc__ = f"Open {target} at the user's home area."
    return index
