from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from epigrid.core.access import Role
from epigrid.web.navigation import first_url_under

# Where a role's day starts: the grid worker's round 摸排 (and the follow-ups due), the
# checkpoint's passage log 卡口登记; everyone else opens their area.
LANDING: dict[str, str] = {Role.GRID_WORKER: "registry:screening_today",
                           Role.CHECKPOINT_STAFF: "checkpoints:passage_log_choose"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(LANDING.get(getattr(request.user, "role", ""), "areas:browse"))


@login_required
@require_GET
def section(request: HttpRequest) -> HttpResponse:
    """An app's root (/care/), which has no page of its own: its first page in the bar that
    the user may open. Someone typing the address, or cutting a page's down to it, lands there."""
    url = first_url_under(request.user, request.path)  # type: ignore[arg-type]
    if url is None:
        raise Http404(_("There is no page here that your role may open."))
    return redirect(url)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for a load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
