"""People on duty for the duty tests: two staff of East Road (town A) and one of West Gate (B)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.areas.models import Area
from epigrid.checkpoints.models import Assignment
from epigrid.core.access import Role
from tests.base import PASSWORD, World


def staff(username: str, home: Area, phone: str = "", **fields: object) -> User:
    return create_user(username=username, password=PASSWORD, role=Role.CHECKPOINT_STAFF,
                       home_area=home, phone=phone, **fields)


def staff_the_world(w: World) -> dict[str, User]:
    """Ma and Niu stand at East Road (village A1), Qin at West Gate (village B1)."""
    people = {
        "ma": staff("ma", w.village_a1, "13700000001", first_name="Hua", last_name="Ma"),
        "niu": staff("niu", w.village_a1, "13700000002"),
        "qin": staff("qin", w.village_b1, "13700000003"),
    }
    Assignment.objects.create(user=people["ma"], checkpoint=w.checkpoint_a)
    Assignment.objects.create(user=people["niu"], checkpoint=w.checkpoint_a)
    Assignment.objects.create(user=people["qin"], checkpoint=w.checkpoint_b)
    return people


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def later(days: int = 0, hours: int = 0) -> datetime.datetime:
    """A whole hour some time from now's hour (so tests never straddle a boundary by chance)."""
    base = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    return base + datetime.timedelta(days=days, hours=hours)
