"""Care figures 收治数据: patients awaiting admission 待收治, waits over 24 h 应收尽收,
admissions of the day, free beds 空余床位 by type.

Three GROUP BY queries: the waiting list by the patients' area path (as the care app reads it:
waiting or planned, not yet on the way), the day's admissions by the transfers' area path, and
the free beds by the facilities' area path and bed type. The waiting list and the beds are states
without history (`snapshot`): they are counted for today only, at the moment of the count.

The waiting list and the transfer plan behind the patients' figures name patients and their
cases: only a viewer with VIEW_CASES gets their link (`Metric.capability`). The free beds link
to the beds of the area, open to everyone who sees it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, F, Min, Q, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.care.beds import ADMIT_ALL_HOURS, ON_THE_WAY
from epigrid.care.models import AdmissionRequest, BedStock, BedType, Transfer
from epigrid.care.plan_inputs import PENDING
from epigrid.core.access import Capability
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

BED_NAMES: dict[str, Promise] = {
    BedType.ICU: _("Free ICU beds"), BedType.SEVERE: _("Free severe-ward beds"),
    BedType.GENERAL: _("Free general-ward beds"),
    BedType.ISOLATION: _("Free isolation single rooms"),
    BedType.QUARANTINE: _("Free quarantine rooms")}


def _awaiting(area_id: int, day: datetime.date) -> str:
    return reverse("care:bed_awaiting") + f"?area={area_id}"


def _over_24h(area_id: int, day: datetime.date) -> str:
    return reverse("care:bed_awaiting") + f"?area={area_id}&over_24h=on"


def _transfers(area_id: int, day: datetime.date) -> str:
    return reverse("care:plan_area", args=(area_id,))


def _beds(bed_type: str) -> DrillDown:
    def url(area_id: int, day: datetime.date) -> str:
        return reverse("care:bed_area", args=(area_id,)) + f"?bed_type={bed_type}"
    return url


def compute(day: datetime.date, at: datetime.datetime) -> Leaves:
    leaves: Leaves = defaultdict(dict)
    start, end = day_bounds(day)
    admitted = (Transfer.objects.filter(status=Transfer.Status.ADMITTED, status_at__gte=start,
                                        status_at__lt=min(end, at)).order_by()
                .values("area_path").annotate(n=Count("id")).values_list("area_path", "n"))
    for path, n in admitted:
        leaves[path]["admitted_today"] = n
    over = at - datetime.timedelta(hours=ADMIT_ALL_HOURS)
    on_the_way = Transfer.objects.filter(status__in=ON_THE_WAY).values("request_id")
    waiting = (AdmissionRequest.objects.filter(status__in=PENDING, waiting_since__lte=at)
               .exclude(pk__in=on_the_way).order_by().values("area_path")
               .annotate(n=Count("id"), over=Count("id", filter=Q(waiting_since__lte=over)),
                         since=Min("waiting_since"))
               .values_list("area_path", "n", "over", "since"))
    for path, n, over_24h, since in waiting:
        values = leaves[path]
        values["awaiting_admission"] = n
        if over_24h:
            values["waiting_over_24h"] = over_24h
        hours = int((at - since).total_seconds() // 3600)
        if hours > 0:
            values["longest_wait_hours"] = hours
    beds = (BedStock.objects.order_by().values("facility__area__path", "bed_type")
            .annotate(free=Sum(F("total") - F("occupied") - F("reserved")))
            .values_list("facility__area__path", "bed_type", "free"))
    for path, bed_type, free in beds:
        if free and free > 0:
            leaves[path][f"free_beds_{bed_type}"] = int(free)
    return leaves


def _bed_metric(bed_type: str, name: Promise) -> Metric:
    return Metric(f"free_beds_{bed_type}", name, Unit.BEDS, Rollup.LATEST,
                  _("Beds of the type neither occupied nor reserved, as the facilities last "
                    "entered them."), snapshot=True, drill_down=_beds(bed_type),
                  rise=Rise.BETTER)


PATIENTS = Capability.VIEW_CASES  # what the waiting list and the transfer plan take

FAMILY = register(Family(key="care", name=_("Admission and beds"), order=40, compute=compute,
                         metrics=(
    Metric("awaiting_admission", _("Awaiting admission"), Unit.PERSONS, Rollup.LATEST,
           _("Patients waiting for a bed and not yet on their way."), snapshot=True,
           drill_down=_awaiting, capability=PATIENTS),
    Metric("waiting_over_24h", _("Waiting over 24 h"), Unit.PERSONS, Rollup.LATEST,
           _("Patients awaiting admission for more than 24 hours (admit all 应收尽收)."),
           snapshot=True, drill_down=_over_24h, capability=PATIENTS),
    Metric("longest_wait_hours", _("Longest wait"), Unit.HOURS, Rollup.MAX,
           _("The longest wait of a patient awaiting admission, in whole hours."),
           snapshot=True, drill_down=_over_24h, capability=PATIENTS),
    Metric("admitted_today", _("Admitted today"), Unit.PERSONS, Rollup.SUM,
           _("Transfers that ended in an admission on the day."), drill_down=_transfers,
           capability=PATIENTS, rise=Rise.BETTER),
    *(_bed_metric(bed_type, name) for bed_type, name in BED_NAMES.items()),
)))
