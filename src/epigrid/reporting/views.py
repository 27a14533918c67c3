"""Daily figure pages 每日数据: an area's figures for a day, grouped by family, with the change
since the day before and its children's values; the index that opens the user's own area; the
refresh button (Capability.REFRESH_FIGURES).

Every area is fetched through `get_area_for_user` (missing and forbidden are the same 404); the
figures are the stored rows (reading.area_day), never counted in the request.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from epigrid.areas.access import area_user, get_area_for_user, may_see_path
from epigrid.core.access import Capability, can
from epigrid.reporting import reading, services


def _bad(error: reading.BadQueryError) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def area(request: HttpRequest, area_id: int) -> HttpResponse:
    user = area_user(request)
    found = get_area_for_user(user, area_id)
    try:
        day = reading.parse_day(request.GET.get("day"))
    except reading.BadQueryError as error:
        return _bad(error)
    figures = reading.area_day(found, day, user)
    today = timezone.localdate()
    parent = found.parent if found.parent_id else None
    return render(request, "reporting/area.html", {
        "area": found, "figures": figures, "day": day, "today": today,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "parent_id": parent.pk if parent and may_see_path(user, parent.path) else None,
        "cutoff": services.cutoff_at(day),
        "may_refresh": can(user, Capability.REFRESH_FIGURES),
    })


@login_required
@require_POST
def refresh(request: HttpRequest, area_id: int) -> HttpResponseBase:
    """Recount the day's figures of every area now (the button), back to the area's page."""
    user = area_user(request)
    found = get_area_for_user(user, area_id)
    if not can(user, Capability.REFRESH_FIGURES):
        raise PermissionDenied(_("Your role may not recompute the daily figures."))
    try:
        day = reading.parse_day(request.POST.get("day"))
        recount = services.recompute_day(day)
    except reading.BadQueryError as error:
        return _bad(error)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400,
                            content_type="text/plain; charset=utf-8")
    if recount.frozen:
        messages.info(request, _("The figures of %(day)s were frozen at the cutoff: the report "
                                 "keeps them; the “now” column was recounted.")
                      % {"day": day.isoformat()})
    else:
        messages.success(request, _("The figures of %(day)s were recounted for %(n)d areas.")
                         % {"day": day.isoformat(), "n": recount.rows})
    return redirect(reverse("reporting:area", args=(found.pk,)) + f"?day={day.isoformat()}")
