"""交班: the person on duty signs their shift off, leaving a note for the shift after them.

The night shift's Wang signs off at 07:58 ("lane 2's barrier is stuck"); Zhang, on at 08:00,
reads it beside his shift. Only the shift's own person signs it off, once, from its start until
SIGN_OFF_WITHIN after its end; the sign-off is logged as the shift's change.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.checkpoints.models import DutyShift
from epigrid.core.access import ScopedUser

SIGN_OFF_WITHIN = datetime.timedelta(hours=12)
NOTE_LENGTH = DutyShift._meta.get_field("handover_note").max_length or 300


def may_sign_off(shift: DutyShift, at: datetime.datetime) -> bool:
    """Whether the shift may be signed off at `at` (its person asking)."""
    return (shift.signed_off_at is None and shift.starts_at <= at
            and at <= shift.ends_at + SIGN_OFF_WITHIN)


@transaction.atomic
def sign_off(actor: ScopedUser, shift: DutyShift, note: str = "",
             at: datetime.datetime | None = None) -> DutyShift:
    """Sign `shift` off as its person; refusals name the field (`shift`, `handover_note`)."""
    at = at or timezone.now()
    shift = DutyShift.objects.select_for_update().select_related("checkpoint__area").get(
        pk=shift.pk)
    if shift.user_id != getattr(actor, "pk", None):
        raise ValidationError({"shift": _("Only the person on duty signs a shift off.")})
    if shift.signed_off_at is not None:
        raise ValidationError({"shift": _("This shift was signed off at %(at)s.") % {
            "at": f"{timezone.localtime(shift.signed_off_at):%Y-%m-%d %H:%M}"}})
    if at < shift.starts_at:
        raise ValidationError({"shift": _("This shift has not started yet.")})
    if at > shift.ends_at + SIGN_OFF_WITHIN:
        raise ValidationError({"shift": _(
            "This shift ended more than 12 hours ago; ask the duty planner to note it.")})
    note = note.strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"handover_note": _(
            "A handover note has at most %(n)s characters; this one has %(count)s.") % {
            "n": NOTE_LENGTH, "count": len(note)}})
    shift.signed_off_at, shift.handover_note = at, note
    shift.save(update_fields=["signed_off_at", "handover_note"])
    return shift
