"""A staff member's own shifts 我的班次, on the page where they start logging passages.

At 08:00 Zhang opens epigrid at the checkpoint: his shift (08:00-16:00, on duty now) and who
hands over to him (the night shift's Wang, until 08:00, and whether Wang signed off, with his
note), then his next shifts of the day ahead; at 16:00 he signs his own off (duty_handover).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from epigrid.checkpoints.duty_handover import SIGN_OFF_WITHIN, may_sign_off
from epigrid.checkpoints.models import DutyShift
from epigrid.core.access import ScopedUser

AHEAD = datetime.timedelta(hours=24)
LIMIT = 5


@dataclass(frozen=True)
class MyShift:
    shift: DutyShift
    now: bool  # on duty at this moment
    after: DutyShift | None  # another's shift at the checkpoint as this one begins: the handover
    may_sign_off: bool = False  # begun (or just over) and not signed off yet (duty_handover)
    handing_over: bool = False  # `after` has begun: whether it was signed off is worth saying


def my_shifts(user: ScopedUser, at: datetime.datetime | None = None) -> list[MyShift]:
    """The user's shifts not yet over that begin within AHEAD, and those over but not signed
    off within the time a sign-off is taken, each with the shift it takes over from: two
    queries."""
    at = at or timezone.now()
    mine = list(DutyShift.objects.restrict(user).filter(
        Q(ends_at__gt=at) | Q(signed_off_at__isnull=True, ends_at__gt=at - SIGN_OFF_WITHIN),
        user_id=getattr(user, "pk", None), starts_at__lt=at + AHEAD)
        .select_related("checkpoint").order_by("starts_at", "pk")[:LIMIT])
    if not mine:
        return []
    # Shifts of others at those checkpoints running when one of the user's begins.
    others = list(DutyShift.objects.restrict(user).filter(
        checkpoint_id__in={shift.checkpoint_id for shift in mine}, user__isnull=False,
        starts_at__lt=max(shift.starts_at for shift in mine),
        ends_at__gte=min(shift.starts_at for shift in mine))
        .exclude(user_id=getattr(user, "pk", None))
        .select_related("user").order_by("ends_at", "pk"))

    def handover(shift: DutyShift) -> DutyShift | None:
        running = [other for other in others if other.checkpoint_id == shift.checkpoint_id
                   and other.starts_at < shift.starts_at <= other.ends_at]
        return running[-1] if running else None

    found = []
    for shift in mine:
        after = handover(shift)
        found.append(MyShift(shift, shift.starts_at <= at < shift.ends_at, after,
                             may_sign_off(shift, at), after is not None and after.starts_at <= at))
    return found
