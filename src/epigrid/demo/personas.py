"""The demo logins: an administrator and one person per role, each with a home area.

They all share one documented password (EPIGRID_DEMO_PASSWORD, or DEFAULT_PASSWORD), and every run
of `epigrid demo` puts them back as documented: same role, same home area, same password.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.core.access import Role

DEFAULT_PASSWORD = "epigrid-demo-2020"
PASSWORD_VARIABLE = "EPIGRID_DEMO_PASSWORD"


@dataclass(frozen=True)
class Persona:
    username: str
    role: Role
    # which area: "district", "town1", "town2", "village", "grid", "checkpoint" or "" (none)
    home: str


PERSONAS = (
    Persona("admin", Role.ADMIN, ""),
    Persona("command", Role.COMMAND, "district"),
    Persona("officer1", Role.AREA_OFFICER, "town1"),
    Persona("officer2", Role.AREA_OFFICER, "town2"),
    Persona("gridworker", Role.GRID_WORKER, "grid"),
    Persona("checkpoint", Role.CHECKPOINT_STAFF, "checkpoint"),
    Persona("medical", Role.MEDICAL, "district"),
    Persona("logistics", Role.LOGISTICS, "district"),
    Persona("supervisor", Role.SUPERVISOR, "district"),
    Persona("volunteer", Role.VOLUNTEER, "village"),
)


def demo_password() -> str:
    return os.environ.get(PASSWORD_VARIABLE) or DEFAULT_PASSWORD


def _first(level: Level, within: Area | None, offset: int = 0) -> Area | None:
    areas = Area.objects.filter(level=level)
    if within is not None:
        areas = areas.within(within.path)
    return areas.order_by("path")[offset:offset + 1].first()


def home_areas() -> dict[str, Area | None]:
    """The areas the personas live in, found by level so any tree (not only ours) works."""
    district = _first(Level.DISTRICT, None) or _first(Level.CITY, None)
    town1 = _first(Level.TOWN, district)
    town2 = _first(Level.TOWN, district, 1) or town1
    village = _first(Level.VILLAGE, town1)
    grid = _first(Level.GRID, village) or village or town1
    checkpoint = (Checkpoint.objects.select_related("area").within(town1.path).first()
                  if town1 is not None else None)
    return {"district": district, "town1": town1 or district, "town2": town2 or district,
            "village": village or town1 or district, "grid": grid or district,
            "checkpoint": checkpoint.area if checkpoint is not None else village or district}


@transaction.atomic
def ensure_personas() -> list[tuple[Persona, User]]:
    """Create the demo logins, or put existing ones back as documented. No duplicates."""
    homes = home_areas()
    # One hash for all: Argon2 is slow on purpose, and the password is published anyway.
    password_hash = make_password(demo_password())
    result = []
    for persona in PERSONAS:
        user = User.objects.filter(username=persona.username).first() or User(
            username=persona.username)
        user.role = persona.role
        user.home_area = homes[persona.home] if persona.home else None
        user.is_superuser = user.is_staff = persona.role == Role.ADMIN
        user.is_active = True
        user.password = password_hash
        user.full_clean(exclude=["password"])
        user.save()
        if persona.role == Role.CHECKPOINT_STAFF:
            from epigrid.demo.passage_data import staff_demo_checkpoint

            staff_demo_checkpoint(user)  # assigned to its checkpoint, on today's day shift
        result.append((persona, user))
    return result
