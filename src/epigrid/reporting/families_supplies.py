"""Supplies figures 物资保障: the requests of the day and those still waiting, donations received.

Three GROUP BY queries by the records' copied area path: the requests raised on the day, the
requests still waiting (open or partly issued) and those of them past the day they were needed,
the donations received on the day. What waits is a state without history (`snapshot`): it is
counted for today only, at the moment of the count. Stock itself is not a daily figure here:
its items are counted in their own units (masks, bags of rice) that no sum over items may add;
the stock pages give it per item.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from epigrid.core.days import day_bounds
from epigrid.reporting.metrics import (
    DrillDown,
    Family,
    Leaves,
    Metric,
    Rise,
    Rollup,
    Unit,
    register,
)
from epigrid.supplies.models import OUTSTANDING, Donation, SupplyRequest


def _requests(status: str) -> DrillDown:
    def url(area_id: int, day: datetime.date) -> str:
        return reverse("supplies:requests") + f"?area={area_id}&status={status}"
    return url


def _donations(area_id: int, day: datetime.date) -> str:
    return reverse("supplies:donations") + f"?area={area_id}"


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    leaves: Leaves = defaultdict(dict)
    start, end = day_bounds(day)
    until = min(end, at)
    raised = (SupplyRequest.objects.filter(created_at__gte=start, created_at__lt=until)
              .order_by().values("area_path").annotate(n=Count("id"))
              .values_list("area_path", "n"))
    for path, n in raised:
        leaves[path]["supply_requests_raised"] = n
    waiting = (SupplyRequest.objects.filter(status__in=OUTSTANDING, created_at__lte=at)
               .order_by().values("area_path")
               .annotate(n=Count("id"), late=Count("id", filter=Q(needed_by__lt=day)))
               .values_list("area_path", "n", "late"))
    for path, n, late in waiting:
        leaves[path]["supply_requests_waiting"] = n
        if late:
            leaves[path]["supply_requests_late"] = late
    donations = (Donation.objects.filter(received_at__gte=start, received_at__lt=until)
                 .order_by().values("area_path").annotate(n=Count("id"))
                 .values_list("area_path", "n"))
    for path, n in donations:
        leaves[path]["donations_received"] = n
    return leaves


FAMILY = register(Family(key="supplies", name=_("Supplies"), order=50, compute=compute,
                         metrics=(
    Metric("supply_requests_raised", _("Supply requests raised"), Unit.REQUESTS, Rollup.SUM,
           _("Requests for supplies raised by the areas on the day."),
           drill_down=_requests("any"), rise=Rise.NEUTRAL),
    Metric("supply_requests_waiting", _("Supply requests waiting"), Unit.REQUESTS,
           Rollup.LATEST, _("Requests for supplies not yet issued in full nor cancelled."),
           snapshot=True, drill_down=_requests("waiting")),
    Metric("supply_requests_late", _("Supply requests past their day"), Unit.REQUESTS,
           Rollup.LATEST, _("Requests still waiting after the day they were needed by."),
           snapshot=True, drill_down=_requests("waiting")),
    Metric("donations_received", _("Donations received"), Unit.DONATIONS, Rollup.SUM,
           _("Donations booked into the area's warehouses on the day."),
           drill_down=_donations, rise=Rise.BETTER),
)))
