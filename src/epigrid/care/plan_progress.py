"""Progress of the transfers 转运进度 per area, stored every 2 h by day and every hour by night.

A snapshot counts, at one moment: patients awaiting a bed (not yet on their way), transfers on
their way (dispatched or arrived), patients admitted that day, and the "admit all" 应收尽收 figure:
patients waiting for over 24 hours.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from epigrid.areas.models import Area, Level
from epigrid.care.models import AdmissionRequest, ProgressSnapshot, Transfer
from epigrid.care.plan_inputs import IN_FLIGHT, PENDING
from epigrid.core import days
from epigrid.core.access import ScopedUser


def figures(path: str, at: datetime.datetime) -> dict[str, int]:
    """The four figures of the subtree at `path`, at `at`."""
    day_start = days.day_start(timezone.localdate(at))
    on_the_way = Transfer.objects.filter(status__in=IN_FLIGHT).values("request_id")
    pending = AdmissionRequest.objects.within(path).filter(status__in=PENDING).exclude(
        pk__in=on_the_way).aggregate(
        awaiting=Count("pk"),
        over=Count("pk", filter=Q(waiting_since__lte=at - datetime.timedelta(hours=24))))
    moving = Transfer.objects.within(path).aggregate(
        dispatched=Count("pk", filter=Q(status__in=IN_FLIGHT)),
        admitted=Count("pk", filter=Q(status=Transfer.Status.ADMITTED,
                                      status_at__gte=day_start, status_at__lte=at)))
    return {"awaiting": pending["awaiting"], "waiting_over_24h": pending["over"],
            "dispatched": moving["dispatched"], "admitted": moving["admitted"]}


def take_snapshot(area: Area, at: datetime.datetime | None = None) -> list[ProgressSnapshot]:
    """Store the figures of `area` and of each district and town within it at `at` (again:
    replaced): a city's command, a district's and a town's each read their own."""
    at = at or timezone.now()
    areas = [area, *Area.objects.within(area.path).filter(
        level__in=(Level.DISTRICT, Level.TOWN)).exclude(pk=area.pk).order_by("path")]
    taken = []
    for each in areas:
        snapshot, _created = ProgressSnapshot.objects.update_or_create(
            area=each, at=at, defaults={"area_path": each.path, **figures(each.path, at)})
        taken.append(snapshot)
    return taken


def todays(user: ScopedUser, area: Area, now: datetime.datetime | None = None
           ) -> list[ProgressSnapshot]:
    """The area's snapshots of the local day so far, oldest first: what the 13:00 and 15:00
    figures were, beside the dashboard's live ones."""
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return list(ProgressSnapshot.objects.restrict(user).filter(
        area=area, at__gte=start, at__lte=now).order_by("at"))
