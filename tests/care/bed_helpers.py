"""Beds of the test world for the bed part's tests.

Town A: Dongcheng People's Hospital (a designated hospital at 30.60 N, 114.31 E) and the
Dongcheng Quarantine Hotel (30.61 N, 114.29 E); town B: the Xihe Quarantine Hotel of the World
(no position). Wang Jun (town A) is confirmed and severe, Zhao Min (town B) is a close contact.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Facility
from epigrid.care.models import BedStock
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence
from epigrid.cases.states import State
from tests.base import World


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def hospital(w: World) -> Facility:
    return Facility.objects.create(
        area=w.village_a1, code="H-DC-01", name="Dongcheng People's Hospital",
        kind=Facility.Kind.DESIGNATED_HOSPITAL, latitude=Decimal("30.6"),
        longitude=Decimal("114.31"))


def hotel(w: World) -> Facility:
    return Facility.objects.create(
        area=w.town_a, code="Q-DC-01", name="Dongcheng Quarantine Hotel",
        kind=Facility.Kind.QUARANTINE_SITE, latitude=Decimal("30.61"),
        longitude=Decimal("114.29"))


def stock(where: Facility, bed_type: str, total: int, occupied: int = 0, reserved: int = 0,
          hours: float = 0) -> BedStock:
    """Figures made directly (the service is what the tests test), `hours` old."""
    return BedStock.objects.create(facility=where, bed_type=bed_type, total=total,
                                   occupied=occupied, reserved=reserved,
                                   updated_at=hours_ago(hours))


def open_case(person: Any, state: str, severity: str = "") -> Case:
    proven = state in {State.CONFIRMED, State.ASYMPTOMATIC}
    return services.open_case(person, state, reason="found", at=hours_ago(72),
                              severity=severity, evidence=Evidence.TEST if proven else "")
