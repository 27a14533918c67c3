"""Duty shifts 值守排班 and assignments: the only way they are written.

Rules of a shift: it belongs to a checkpoint the planner sees (MANAGE_SHIFTS), ends after it
starts and lasts at most 24 hours, and its person is assigned to that checkpoint and is not on
duty anywhere else at the same time (shifts that only touch, one ending when the next starts, do
not overlap). A person may be assigned to a checkpoint when the planner sees them (their home
area is within the planner's) and the checkpoint lies within their own home area, so they see
the records of the checkpoint they work at.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.accounts.models import User
from epigrid.areas.models import Checkpoint, ancestor_paths
from epigrid.checkpoints.models import Assignment, DutyShift
from epigrid.core import audit
from epigrid.core.access import Capability, ScopedUser, can, sees_everything, subtree_q
from epigrid.core.identity import mask_phone

MAX_SHIFT = datetime.timedelta(hours=24)


def require_planner(actor: ScopedUser) -> None:
    if not can(actor, Capability.MANAGE_SHIFTS):
        raise PermissionDenied(_("Your role may not plan duty shifts."))


def masked_phone(user: User | None) -> str:
    """A staff member's phone as every duty list shows it: 138****5678 (empty when none).

    Rosters are read by everyone in the area and copied around; like the registry's phones, a
    staff phone is shown masked. No duty page or route reveals the full number.
    """
    phone = (user.phone if user is not None else "").strip()
    return mask_phone(phone) if phone else ""


def staff_for(actor: ScopedUser, checkpoint: Checkpoint) -> QuerySet[User]:
    """Who the planner may assign to the checkpoint: active users they see whose home area
    contains the checkpoint."""
    users = User.objects.filter(is_active=True,
                                home_area__path__in=ancestor_paths(checkpoint.area.path))
    if not sees_everything(actor):
        scope = actor.scope_path
        if not scope:
            return users.none()
        users = users.filter(subtree_q("home_area__path", scope))
    return users.select_related("home_area").order_by("last_name", "first_name", "username")


@transaction.atomic
def assign(actor: ScopedUser, checkpoint: Checkpoint, person: User) -> Assignment:
    require_planner(actor)
    if not staff_for(actor, checkpoint).filter(pk=person.pk).exists():
        # Not named: the planner may not see this person at all.
        raise ValidationError({"user": _("This person cannot work at this checkpoint: their "
                                         "home area does not contain it, or is not yours.")})
    if Assignment.objects.filter(user=person, checkpoint=checkpoint).exists():
        raise ValidationError({"user": _("%(name)s is already assigned to this checkpoint.")
                               % {"name": person.display_name}})
    assignment = Assignment.objects.create(user=person, checkpoint=checkpoint)
    audit.record("create", model=Assignment._meta.label, object_pk=assignment.pk,
                 object_repr=str(assignment), area_path=checkpoint.area.path,
                 changes={"user": [None, person.pk], "checkpoint": [None, checkpoint.pk]})
    return assignment


@transaction.atomic
def unassign(actor: ScopedUser, assignment: Assignment) -> None:
    """End an assignment. Shifts already planned stay (the roster shows them; delete them)."""
    require_planner(actor)
    pk, text, path = assignment.pk, str(assignment), assignment.checkpoint.area.path
    changes = {"user": [assignment.user_id, None], "checkpoint": [assignment.checkpoint_id, None]}
    assignment.delete()
    audit.record("delete", model=Assignment._meta.label, object_pk=pk, object_repr=text,
                 area_path=path, changes=changes)


def check_shift(actor: ScopedUser, checkpoint: Checkpoint, person: User | None,
                starts_at: datetime.datetime, ends_at: datetime.datetime,
                shift: DutyShift | None = None) -> None:
    """Every rule of a shift, each refusal naming its field."""
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("shift times must be aware")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift ends after it starts.")})
    if ends_at - starts_at > MAX_SHIFT:
        hours = (ends_at - starts_at).total_seconds() / 3600
        raise ValidationError({"ends_at": _(
            "A shift lasts at most 24 hours; this one lasts %(hours)s hours.") % {
            "hours": f"{hours:g}"}})
    if person is None:
        raise ValidationError({"user": _("Name who is on duty.")})
    if not Assignment.objects.filter(user=person, checkpoint=checkpoint).exists():
        raise ValidationError({"user": _("This person is not assigned to this checkpoint; "
                                         "assign them first.")})
    # Lock the person's row: two planners saving shifts of one person wait for each other.
    User.objects.select_for_update().filter(pk=person.pk).first()
    clash = (DutyShift.objects.filter(user=person, starts_at__lt=ends_at, ends_at__gt=starts_at)
             .exclude(pk=shift.pk if shift is not None else None)
             .select_related("checkpoint", "checkpoint__area").order_by("starts_at").first())
    if clash is not None:
        where = (clash.checkpoint.name if DutyShift.objects.restrict(actor).filter(
            pk=clash.pk).exists() else _("another checkpoint"))
        raise ValidationError({"starts_at": _(
            "%(name)s is already on duty from %(start)s to %(end)s at %(where)s.") % {
            "name": person.display_name, "where": where,
            "start": f"{timezone.localtime(clash.starts_at):%Y-%m-%d %H:%M}",
            "end": f"{timezone.localtime(clash.ends_at):%Y-%m-%d %H:%M}"}})


@transaction.atomic
def create_shift(actor: ScopedUser, checkpoint: Checkpoint, person: User | None,
                 starts_at: datetime.datetime, ends_at: datetime.datetime,
                 note: str = "") -> DutyShift:
    require_planner(actor)
    check_shift(actor, checkpoint, person, starts_at, ends_at)
    shift = DutyShift(checkpoint=checkpoint, user=person, starts_at=starts_at, ends_at=ends_at,
                      note=note)
    shift.save()
    return shift


@transaction.atomic
def update_shift(actor: ScopedUser, shift: DutyShift, **changes: Any) -> DutyShift:
    """Change a shift's person, times or note (only the fields given)."""
    require_planner(actor)
    allowed = {"user", "starts_at", "ends_at", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"not fields of a shift: {sorted(unknown)}")
    values = {name: changes.get(name, getattr(shift, name)) for name in allowed}
    check_shift(actor, shift.checkpoint, values["user"], values["starts_at"],
                values["ends_at"], shift)
    for name, value in values.items():
        setattr(shift, name, value)
    shift.save(update_fields=sorted(allowed))
    return shift


@transaction.atomic
def delete_shift(actor: ScopedUser, shift: DutyShift) -> None:
    require_planner(actor)
    shift.delete()
