"""Passages through checkpoints 卡口, their hourly figures, fever referrals, duty shifts.

Passages are the highest-volume rows of epigrid (a district's 1,028 checkpoints log millions a
week): each copies its checkpoint's area path, carries the device's own id (a resend is stored
once), and is counted into `PassageHour` in the same transaction, so figures never scan passages.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area, Checkpoint
from epigrid.cases.models import Case
from epigrid.core.access import AreaPathField, ScopedQuerySet
from epigrid.core.audit import AuditedModel
from epigrid.registry.models import Person


class Direction(models.TextChoices):
    IN = "in", _("in")
    OUT = "out", _("out")


class Decision(models.TextChoices):
    PASS = "pass", _("pass")  # 放行
    TURNED_BACK = "turned_back", _("persuaded to turn back")  # 劝返
    QUARANTINE = "quarantine", _("referred to quarantine")  # 转隔离
    FEVER = "fever", _("fever referral")  # 发热转诊


class Assignment(models.Model):
    """A checkpoint a staff member works at: they log passages there and see its records."""

    audit_logged: ClassVar[bool] = True  # its services write its audit entries

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="checkpoint_assignments")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE,
                                   related_name="assignments")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "checkpoint__area__path"

    class Meta:
        verbose_name = _("checkpoint assignment")
        verbose_name_plural = _("checkpoint assignments")
        constraints = [models.UniqueConstraint(fields=["user", "checkpoint"],
                                               name="one_assignment_per_user_checkpoint")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.checkpoint_id}"


class Passage(models.Model):
    """A person or a vehicle (with its passengers) that passed a checkpoint."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        VEHICLE = "vehicle", _("vehicle")

    client_id = models.UUIDField(_("device's id"), unique=True)
    # No index of its own: the (checkpoint, at) index below leads with it and serves every
    # look-up by checkpoint; a second one only cost every stored passage one more insert.
    # No foreign-key constraint in the database either: its trigger looked the checkpoint up
    # and locked its row for every stored passage (a seventh of the database's work per passage
    # of a batch). The hour a passage is counted into, in the same statement or transaction,
    # keeps the constraint (PassageHour.checkpoint), and a checkpoint without passages has no
    # hours (PROTECT), so a passage at a checkpoint deleted meanwhile adds a new hour, fails
    # that constraint and is not stored.
    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("checkpoint"),
                                   on_delete=models.PROTECT, related_name="passages",
                                   db_index=False, db_constraint=False)
    area_path = AreaPathField(editable=False)
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    plate = models.CharField(_("plate number"), max_length=12, blank=True)
    passengers = models.PositiveSmallIntegerField(_("persons"), default=1)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1,
                                      null=True, blank=True)
    origin = models.CharField(_("coming from"), max_length=100, blank=True)
    destination = models.CharField(_("going to"), max_length=100, blank=True)
    destination_area = models.ForeignKey(Area, verbose_name=_("destination village"),
                                         null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices,
                                default=Decision.PASS)
    name = models.CharField(_("name"), max_length=100, blank=True)
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="passages")
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=32, blank=True,
                                        editable=False)
    # No foreign-key constraint in the database: it is a trigger on every stored passage that
    # looks the user up and locks its row, the one row every device of a user locks at once (a
    # sixth of the database's work per passage of a batch). The id is the request's own user,
    # users are deactivated rather than deleted, and a deletion through Django still sets it
    # NULL (on_delete runs in Django, not in the database).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+",
                                    db_constraint=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["checkpoint", "at"]),
                   models.Index(fields=["area_path", "at"])]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.at:%Y-%m-%d %H:%M} {self.decision}"


class PassageHour(models.Model):
    """The counts of one checkpoint for one hour, added to as passages arrive (never recounted)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+")
    area_path = AreaPathField(editable=False)
    hour = models.DateTimeField(_("hour"))
    passages_in = models.PositiveIntegerField(_("passages in"), default=0)
    passages_out = models.PositiveIntegerField(_("passages out"), default=0)
    vehicles = models.PositiveIntegerField(_("vehicles"), default=0)
    persons = models.PositiveIntegerField(_("persons"), default=0)
    turned_back = models.PositiveIntegerField(_("turned back"), default=0)
    referred = models.PositiveIntegerField(_("referred to quarantine"), default=0)
    fevers = models.PositiveIntegerField(_("fevers"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("hourly passage figures")
        verbose_name_plural = _("hourly passage figures")
        indexes = [models.Index(fields=["area_path", "hour"]), models.Index(fields=["hour"])]
        constraints = [models.UniqueConstraint(fields=["checkpoint", "hour"],
                                               name="one_figure_per_checkpoint_hour")]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.hour}"


class FeverReferral(AuditedModel):
    """A fever at a checkpoint: the person's case (when known) or an unidentified referral.

    open → arrived (at the fever clinic) → closed with an outcome; an open referral may also be
    closed directly (the person never came, went to another hospital…). The moves are
    `passage_fever.mark_arrived` and `close_referral`; each is logged by the audit.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the fever clinic")
        ARRIVED = "arrived", _("arrived at the fever clinic")
        CLOSED = "closed", _("closed")

    passage = models.OneToOneField(Passage, on_delete=models.CASCADE, related_name="referral")
    area_path = AreaPathField(editable=False)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="checkpoint_referrals")
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    arrived_at = models.DateTimeField(_("arrived at the fever clinic"), null=True, blank=True)
    arrived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("arrival noted by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    outcome = models.TextField(_("outcome"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("fever referral")
        verbose_name_plural = _("fever referrals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area_path", "status"])]

    def __str__(self) -> str:
        return f"{self.passage_id} {self.temperature}"

    def audit_area_path(self) -> str:
        return self.area_path


class DutyShift(AuditedModel):
    """值守排班: who stands at a checkpoint from when to when."""

    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("checkpoint"),
                                   on_delete=models.CASCADE, related_name="shifts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("on duty"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    # 交班: the person on duty signs the shift off, with what the next shift must know.
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    handover_note = models.CharField(_("handover note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "checkpoint__area__path"

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["checkpoint_id", "starts_at"]
        indexes = [models.Index(fields=["checkpoint", "starts_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F(
            "starts_at")), name="shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.starts_at} - {self.ends_at}"

    def audit_area_path(self) -> str:
        return self.checkpoint.area.path
