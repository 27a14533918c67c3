"""Shared set-up of the quarantine and follow-up tests: cases, rooms, tests of a lab."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.cases import quarantine as q
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, Lab, LabTest, Quarantine, QuarantineRoom
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.registry.models import Person
from tests.base import PASSWORD, World

_samples = itertools.count(1)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def close_contact(person: Person) -> Case:
    return services.open_case(person, State.CLOSE_CONTACT, reason="met a confirmed case")


def home_quarantine(w: World, person: Person | None = None, started: int = 0) -> Quarantine:
    """A close contact of grid A1-1 (Wang Jun by default) in home quarantine since `started`
    days ago."""
    case = close_contact(person or w.person_a)
    return q.start_quarantine(case, Quarantine.Kind.HOME, starts_on=days_ago(started), by=w.alice)


def placed_yesterday(quarantine: Quarantine) -> Quarantine:
    """Entered yesterday in fact as on paper: today's slots are owed whatever the hour the test
    runs at (one entered this afternoon owes no morning, and nothing after 20:00)."""
    Quarantine.objects.filter(pk=quarantine.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1))
    quarantine.refresh_from_db()
    return quarantine


def room_of_site_b(w: World, number: str = "101", capacity: int = 1) -> QuarantineRoom:
    return q.create_room(w.facility_b, number, capacity)


def lab(w: World) -> Lab:
    return Lab.objects.get_or_create(code="LAB-1", defaults={
        "area": w.district, "name": "District CDC Lab"})[0]


def lab_result(w: World, person: Person, result: str, sampled: datetime.datetime) -> LabTest:
    return LabTest.objects.create(
        lab=lab(w), sample_id=f"S{next(_samples):05d}", person=person,
        area_path=person.area_path, sampled_at=sampled, resulted_at=sampled, result=result,
        match=LabTest.Match.MATCHED)


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))


def village_officer(w: World, username: str = "wang_a1") -> User:
    """An official of village A1 (the World's officers sit at the towns)."""
    return create_user(username=username, password=PASSWORD, role=Role.AREA_OFFICER,
                       home_area=w.village_a1)


def asymptomatic(person: Person) -> Case:
    return services.open_case(person, State.ASYMPTOMATIC, reason="positive screening test",
                              evidence=Evidence.TEST)
