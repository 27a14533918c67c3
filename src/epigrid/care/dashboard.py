"""The transfer dashboard 转运收治看板 of an area: beds available by type and by facility, the
day's plan against its execution, the "admit all" 应收尽收 figure, and the facilities on a map.

A handful of GROUP BY queries whatever the size of the area; the page and the API read the same
`dashboard()`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from epigrid.areas.models import Area, Facility
from epigrid.care import beds, plan_progress
from epigrid.care.models import BedStock, Transfer, TransferPlan
from epigrid.core.access import ScopedUser

KIND_LABELS = dict(Facility.Kind.choices)


@dataclass(frozen=True)
class FacilityBeds:
    pk: int
    name: str
    kind: str
    kind_label: str
    latitude: float | None
    longitude: float | None
    total: int
    available: int
    stale: bool


def facilities(user: ScopedUser, area: Area,
               now: datetime.datetime | None = None) -> list[FacilityBeds]:
    """Each facility of the subtree with figures: beds and free beds of all types, one query."""
    cutoff = beds.stale_before(now)
    rows = BedStock.objects.restrict(user).within(area.path).order_by().values(
        "facility_id", "facility__name", "facility__kind", "facility__latitude",
        "facility__longitude").annotate(
        t=Sum("total"), a=Sum(F("total") - F("occupied") - F("reserved")),
        stale=Count("pk", filter=Q(updated_at__lt=cutoff)))
    return sorted((FacilityBeds(
        row["facility_id"], row["facility__name"], row["facility__kind"],
        str(KIND_LABELS.get(row["facility__kind"], row["facility__kind"])),
        _float(row["facility__latitude"]), _float(row["facility__longitude"]),
        row["t"] or 0, max(0, row["a"] or 0), row["stale"] > 0) for row in rows),
        key=lambda f: (-f.available, f.name))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def current_plan(area: Area) -> TransferPlan | None:
    """The current plan of the area, else of its nearest area above that has one."""
    ids = [*area.ancestor_ids(), area.pk]
    plans = {plan.area_id: plan for plan in TransferPlan.objects.filter(
        area_id__in=ids, status=TransferPlan.Status.CURRENT).order_by("-created_at")}
    return next((plans[pk] for pk in reversed(ids) if pk in plans), None)


def execution(user: ScopedUser, area: Area, plan: TransferPlan | None) -> dict[str, int]:
    """The plan's transfers of the area by status (planned, dispatched, ... failed)."""
    counts = dict.fromkeys(Transfer.Status.values, 0)
    if plan is None:
        return counts
    rows = Transfer.objects.restrict(user).within(area.path).filter(plan=plan).order_by(
        ).values("status").annotate(n=Count("pk")).values_list("status", "n")
    counts.update(dict(rows))
    return counts


def dashboard(user: ScopedUser, area: Area,
              now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    stocks = BedStock.objects.restrict(user).within(area.path)
    plan = current_plan(area)
    done = execution(user, area, plan)
    in_plan = sum(done.values())
    labels = dict(Transfer.Status.choices)
    return {
        "now": now, "totals": beds.area_totals(stocks, now),
        "facilities": facilities(user, area, now), "plan": plan, "execution": done,
        "execution_rows": [(status, str(labels[status]), n) for status, n in done.items()],
        "in_plan": in_plan,
        "admitted_share": round(100 * done[Transfer.Status.ADMITTED] / in_plan) if in_plan
        else None,
        "waiting": beds.awaiting_figures(user, area, now),
        "snapshots": plan_progress.todays(user, area, now),
    }


def map_data(found: list[FacilityBeds]) -> dict[str, Any]:
    """The map's points: [longitude, latitude, free beds, beds, name, stale] per facility."""
    return {"points": [[f.longitude, f.latitude, f.available, f.total, f.name, f.stale]
                       for f in found if f.latitude is not None and f.longitude is not None]}
