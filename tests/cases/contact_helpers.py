"""Shared makers of the contact and chain tests: infected persons and their exposures."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, Exposure
from epigrid.cases.states import State
from epigrid.registry import services as registry
from epigrid.registry.models import Person


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def resident(grid: Area, name: str) -> Person:
    return registry.create_person(grid=grid, name=name)


def infected(person: Person, state: str = State.CONFIRMED) -> Case:
    return services.open_case(person, state, reason="positive nucleic-acid test",
                              evidence=Evidence.TEST)


def exposure(source: Person, contact: Person | None, days: int = 2,
             name: str = "") -> Exposure:
    """An exposure written straight to the table: the chain tests need shapes (cycles, cases
    long closed) that the tracing rules would refuse or that only time makes."""
    return Exposure.objects.create(source=source, contact=contact, area_path=source.area_path,
                                   contact_name=name, exposed_on=days_ago(days))
