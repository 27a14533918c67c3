"""The village officers 村干部 of the demo: one for every village, with a name and a mobile
phone, so that the 16:00 roll-up names whom to call about a report not yet in (SCENARIOS.md:
"the three missing are listed with their officers' phones"), and a village's notices have
someone to go to. They cannot sign in (no password); the demo's logins are demo.personas'."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth.hashers import make_password

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.core.access import Role
from epigrid.registry.synthetic import GIVEN, SURNAMES, mobile

USERNAME = "officer-{code}"


def write_officers(root: Area, seed: int) -> dict[str, Any]:
    """An area officer for every village under `root` that has none; how many."""
    rng = random.Random(seed + 13)
    staffed = set(User.objects.filter(role=Role.AREA_OFFICER, home_area__isnull=False)
                  .values_list("home_area_id", flat=True))
    villages = Area.objects.filter(level=Level.VILLAGE, path__startswith=root.path).exclude(
        pk__in=staffed).order_by("path").only("pk", "code")
    unusable = make_password(None)
    officers = [User(username=USERNAME.format(code=village.code), role=Role.AREA_OFFICER,
                     home_area=village, last_name=rng.choice(SURNAMES),
                     first_name="".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                     phone=mobile(rng), password=unusable)
                for village in villages]
    User.objects.bulk_create(officers, batch_size=1000)
    return {"village_officers": len(officers)}
