"""What the passage tests share: a checkpoint staff member of East Road and items to send."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.checkpoints.models import Assignment
from epigrid.core.access import Role
from tests.base import PASSWORD, World


def east_road_staff(w: World, username: str = "guard_wu") -> User:
    """Wu stands at East Road (checkpoint A, village A1); he is not assigned to West Gate."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    staff = create_user(username=username, password=PASSWORD, role=Role.CHECKPOINT_STAFF,
                        home_area=w.village_a1)
    Assignment.objects.create(user=staff, checkpoint=w.checkpoint_a)
    return staff


def item(**fields: Any) -> dict[str, Any]:
    """A person walking in at 36.5 °C ten minutes ago, passed: the common case. Never before
    today's local midnight: tests count it in today's figures, whenever they run."""
    now = timezone.localtime()
    at = max(now - datetime.timedelta(minutes=10),
             now.replace(hour=0, minute=0, second=0, microsecond=0))
    return {"client_id": str(uuid.uuid4()), "at": at.isoformat(), "direction": "in",
            "temperature": "36.5", "decision": "pass"} | fields


def items(n: int, **fields: Any) -> list[dict[str, Any]]:
    return [item(**fields) for _ in range(n)]
