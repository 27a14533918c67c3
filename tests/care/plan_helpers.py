"""Beds and waiting patients of the test world, made directly (the bed part's services aside).

Town A has two designated hospitals (one at the grid, one 20 km away) and a quarantine hotel;
Wang Jun (grid A1-1) is a confirmed, severe case and Wang Lei a close contact; both wait at
grid A1-1, which sits at (30.60, 114.30).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area, Facility
from epigrid.care.models import AdmissionRequest, BedStock
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence
from epigrid.cases.states import State
from tests.base import World

LAT, LON = Decimal("30.600000"), Decimal("114.300000")


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def place(area: Area, lat: Decimal = LAT, lon: Decimal = LON) -> None:
    area.latitude, area.longitude = lat, lon
    area.save(update_fields=["latitude", "longitude"])


def facility(area: Area, code: str, kind: str, km_east: float = 0.0, **fields: Any) -> Facility:
    """A facility `km_east` of the grid (1 degree of longitude is ~95.8 km at 30.6 N)."""
    lon = LON + Decimal(str(round(km_east / 95.8, 6)))
    return Facility.objects.create(area=area, code=code, name=fields.pop("name", code), kind=kind,
                                   latitude=LAT, longitude=lon, **fields)


def beds(where: Facility, bed_type: str, total: int, occupied: int = 0,
         reserved: int = 0) -> BedStock:
    return BedStock.objects.create(facility=where, bed_type=bed_type, total=total,
                                   occupied=occupied, reserved=reserved,
                                   updated_at=timezone.now())


def case(person: Any, state: str, severity: str = "", hours: float = 30) -> Case:
    proof = Evidence.TEST if state in {State.CONFIRMED, State.ASYMPTOMATIC} else ""
    return services.open_case(person, state, reason="found", at=hours_ago(hours),
                              severity=severity, evidence=proof)


def waiting(found: Case, pickup: Area, hours: float = 10, severity: str = "") -> AdmissionRequest:
    return AdmissionRequest.objects.create(case=found, area_path=found.area_path,
                                           pickup_area=pickup, severity=severity,
                                           waiting_since=hours_ago(hours))


class TownA:
    """The beds and the waiting patients of town A."""

    def __init__(self, w: World) -> None:
        place(w.grid_a1_1)
        self.near = facility(w.town_a, "H-NEAR", Facility.Kind.DESIGNATED_HOSPITAL, 1,
                             name="Dongcheng People's Hospital")
        self.far = facility(w.town_a, "H-FAR", Facility.Kind.DESIGNATED_HOSPITAL, 20,
                            name="Riverside Hospital")
        self.hotel = facility(w.town_a, "Q-HOTEL", Facility.Kind.QUARANTINE_SITE, 5,
                              name="Dongcheng Quarantine Hotel")
        self.near_severe = beds(self.near, "severe", 1)
        self.far_severe = beds(self.far, "severe", 3)
        self.rooms = beds(self.hotel, "quarantine", 10)
        self.jun = case(w.person_a, State.CONFIRMED, "severe")
        self.lei = case(w.person_a2, State.CLOSE_CONTACT)
        self.jun_waits = waiting(self.jun, w.grid_a1_1, hours=20)
        self.lei_waits = waiting(self.lei, w.grid_a1_1, hours=3)
