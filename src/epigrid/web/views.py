from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from epigrid.core.access import Role

# Where a role's day starts: the grid worker's round 摸排 (and the follow-ups due), the
# checkpoint's passage log 卡口登记; everyone else opens their area.
LANDING: dict[str, str] = {Role.GRID_WORKER: "registry:screening_today",
                           Role.CHECKPOINT_STAFF: "checkpoints:passage_log_choose"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(LANDING.get(getattr(request.user, "role", ""), "areas:browse"))


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for a load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
