"""What the planner is fed from the database: the patients waiting in an area, its beds.

A bed held by a transfer on its way (dispatched or arrived, not yet admitted) is not free, though
the facility's `occupied` does not count it yet; a merely planned transfer holds nothing, since
a new plan replaces the old one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count

from epigrid.areas.models import Area
from epigrid.care import rules as placement
from epigrid.care.models import AdmissionRequest, BedStock, Transfer
from epigrid.care.planner import Patient, Rules, Stock
from epigrid.core.access import subtree_q

PENDING = (AdmissionRequest.Status.WAITING, AdmissionRequest.Status.PLANNED)
IN_FLIGHT = (Transfer.Status.DISPATCHED, Transfer.Status.ARRIVED)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def area_points(area_ids: set[int]) -> dict[int, tuple[float, float] | None]:
    """Where each area is: its own point, else its nearest ancestor's that has one."""
    rows = {pk: (path, lat, lon) for pk, path, lat, lon in Area.objects.filter(
        pk__in=area_ids).values_list("pk", "path", "latitude", "longitude")}
    ancestors = {int(seg) for path, lat, _lon in rows.values() if lat is None
                 for seg in path.split("/") if seg}
    known = {pk: (lat, lon) for pk, lat, lon in Area.objects.filter(
        pk__in=ancestors, latitude__isnull=False, longitude__isnull=False).values_list(
        "pk", "latitude", "longitude")} if ancestors else {}
    points: dict[int, tuple[float, float] | None] = {}
    for pk, (path, lat, lon) in rows.items():
        if lat is not None and lon is not None:
            points[pk] = (float(lat), float(lon))
            continue
        chain = [int(seg) for seg in path.split("/") if seg][::-1]
        found = next((known[a] for a in chain if a in known), None)
        points[pk] = (float(found[0]), float(found[1])) if found else None
    return points


def pending_requests(path: str
                     ) -> list[tuple[int, int, str, datetime.datetime, str, str, str]]:
    """(id, pick-up area, severity, waiting since, case state, case severity, area path) of
    every open request in the subtree that is not already on its way."""
    on_the_way = Transfer.objects.filter(status__in=IN_FLIGHT).values("request_id")
    return list(AdmissionRequest.objects.within(path).filter(
        status__in=PENDING, case__is_open=True).exclude(pk__in=on_the_way).values_list(
        "pk", "pickup_area_id", "severity", "waiting_since", "case__state", "case__severity",
        "area_path"))


def patients(path: str, rules: Rules, now: datetime.datetime
             ) -> tuple[list[Patient], dict[int, str]]:
    """The patients to plan, and the area path of each (for the rows the plan writes)."""
    requests = pending_requests(path)
    points = area_points({row[1] for row in requests})
    found = []
    paths = {}
    for pk, area_id, severity, since, state, case_severity, area_path in requests:
        point = points.get(area_id)
        need = placement.need_of(state, severity or case_severity, rules)
        found.append(Patient(pk, point[0] if point else None, point[1] if point else None, need,
                             (now - since).total_seconds() / 3600, area_id))
        paths[pk] = area_path
    return found, paths


def in_flight(path: str) -> dict[tuple[int, str], int]:
    """Beds held by transfers on their way to the facilities of the subtree."""
    rows = Transfer.objects.filter(subtree_q("facility__area__path", path),
                                   status__in=IN_FLIGHT).values(
        "facility_id", "bed_type").annotate(n=Count("pk")).values_list(
        "facility_id", "bed_type", "n")
    return {(facility, bed): n for facility, bed, n in rows}


def stocks(path: str) -> tuple[list[Stock], int]:
    """The free beds of every active facility of the subtree that has a place on the map, and
    how many bed figures the subtree has at all (0: no capacity data)."""
    rows = list(BedStock.objects.within(path).filter(facility__active=True).values_list(
        "facility_id", "bed_type", "total", "occupied", "reserved", "facility__kind",
        "facility__latitude", "facility__longitude"))
    held = in_flight(path) if rows else {}
    found = []
    for facility, bed, total, occupied, reserved, kind, lat, lon in rows:
        free = max(0, total - occupied - reserved - held.get((facility, bed), 0))
        if lat is not None and lon is not None:
            found.append(Stock(facility, kind, bed, float(lat), float(lon), free))
    return found, len(rows)


def planned_in(plan_id: int) -> dict[tuple[int, str], int]:
    """Beds a plan's planned transfers are counting on, by facility and bed type."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for facility, bed, n in Transfer.objects.filter(
            plan_id=plan_id, status=Transfer.Status.PLANNED).values(
            "facility_id", "bed_type").annotate(n=Count("pk")).values_list(
            "facility_id", "bed_type", "n"):
        counts[(facility, bed)] = n
    return counts
