"""Beds, patients awaiting admission, the daily transfer plan 转运收治 and its execution.

Bed figures are entered by each facility (never derived from admissions alone: a hospital also
takes patients epigrid does not know); an admission through a plan adds to `occupied`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area, Facility
from epigrid.cases.models import Case, Severity
from epigrid.core.access import AreaPathField, ScopedQuerySet
from epigrid.core.audit import AuditedModel


class BedType(models.TextChoices):
    ICU = "icu", _("ICU")  # 重症监护
    SEVERE = "severe", _("severe ward")  # 重症病床
    GENERAL = "general", _("general ward")  # 普通病床
    ISOLATION = "isolation", _("isolation single room")  # 隔离单间
    QUARANTINE = "quarantine", _("quarantine room")  # 隔离房间


class BedStock(AuditedModel):
    """One facility's beds of one type: total, occupied, reserved; available is derived."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE,
                                 related_name="beds")
    bed_type = models.CharField(_("bed type"), max_length=12, choices=BedType.choices)
    total = models.PositiveIntegerField(_("total"))
    occupied = models.PositiveIntegerField(_("occupied"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "facility__area__path"

    class Meta:
        verbose_name = _("beds")
        verbose_name_plural = _("beds")
        ordering = ["facility_id", "bed_type"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "bed_type"],
                                    name="one_stock_per_facility_bed_type"),
            models.CheckConstraint(condition=models.Q(
                occupied__lte=models.F("total") - models.F("reserved")),
                name="beds_in_use_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.bed_type} {self.available}/{self.total}"

    @property
    def available(self) -> int:
        return max(0, self.total - self.occupied - self.reserved)

    def audit_area_path(self) -> str:
        return self.facility.area.path


class AdmissionRequest(AuditedModel):
    """A patient (a case) waiting for a bed or a room, from where, since when."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        PLANNED = "planned", _("in today's plan")
        ADMITTED = "admitted", _("admitted")
        CANCELLED = "cancelled", _("cancelled")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="admission_requests")
    area_path = AreaPathField(editable=False)
    pickup_area = models.ForeignKey(Area, verbose_name=_("pick-up area"),
                                    on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                blank=True)
    waiting_since = models.DateTimeField(_("waiting since"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.WAITING)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    audit_exclude = ("area_path",)

    class Meta:
        verbose_name = _("admission request")
        verbose_name_plural = _("admission requests")
        ordering = ["waiting_since", "id"]
        indexes = [models.Index(fields=["status", "area_path"])]
        constraints = [models.UniqueConstraint(
            fields=["case"], condition=models.Q(status__in=["waiting", "planned"]),
            name="one_pending_request_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"

    def audit_area_path(self) -> str:
        return self.area_path


class TransferPlan(models.Model):
    """当日转运收治计划: one computed plan of the day; a new plan supersedes the previous one."""

    audit_logged: ClassVar[bool] = True  # its services write its audit entries

    class Status(models.TextChoices):
        CURRENT = "current", _("current")
        SUPERSEDED = "superseded", _("superseded")

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    area_path = AreaPathField(editable=False)
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.CURRENT)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    patients = models.PositiveIntegerField(_("patients"), default=0)
    placed = models.PositiveIntegerField(_("placed"), default=0)
    cost = models.FloatField(_("cost"), default=0)
    solve_seconds = models.FloatField(_("solved in (s)"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("transfer plan")
        verbose_name_plural = _("transfer plans")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area_path", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.placed}/{self.patients}"


class Transfer(models.Model):
    """One patient of a plan to one facility and bed type, followed to admission."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DISPATCHED = "dispatched", _("dispatched")
        ARRIVED = "arrived", _("arrived")
        ADMITTED = "admitted", _("admitted")
        FAILED = "failed", _("failed")

    plan = models.ForeignKey(TransferPlan, on_delete=models.CASCADE, related_name="transfers")
    request = models.ForeignKey(AdmissionRequest, on_delete=models.PROTECT,
                                related_name="transfers")
    area_path = AreaPathField(editable=False)
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="transfers_in")
    bed_type = models.CharField(_("bed type"), max_length=12, choices=BedType.choices)
    distance_km = models.FloatField(_("distance (km)"))
    batch = models.PositiveSmallIntegerField(_("vehicle batch"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PLANNED)
    status_at = models.DateTimeField(_("status since"))
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["plan_id", "batch", "id"]
        indexes = [models.Index(fields=["area_path", "status"])]

    def __str__(self) -> str:
        return f"{self.request_id} -> {self.facility_id} {self.bed_type} ({self.status})"


class Unplaced(models.Model):
    """A patient the plan could not place, and why (no capable bed within reach)."""

    plan = models.ForeignKey(TransferPlan, on_delete=models.CASCADE, related_name="unplaced")
    request = models.ForeignKey(AdmissionRequest, on_delete=models.CASCADE, related_name="+")
    area_path = AreaPathField(editable=False)
    reason = models.CharField(_("reason"), max_length=300)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("unplaced patient")
        verbose_name_plural = _("unplaced patients")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.reason}"


class ProgressSnapshot(models.Model):
    """The transfer figures of one area at one moment (every 2 h by day, every hour by night)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    area_path = AreaPathField(editable=False)
    at = models.DateTimeField(_("at"))
    awaiting = models.PositiveIntegerField(_("awaiting"), default=0)
    dispatched = models.PositiveIntegerField(_("dispatched"), default=0)
    admitted = models.PositiveIntegerField(_("admitted today"), default=0)
    waiting_over_24h = models.PositiveIntegerField(_("waiting over 24 h"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("transfer progress")
        verbose_name_plural = _("transfer progress")
        ordering = ["-at"]
        indexes = [models.Index(fields=["area_path", "at"])]
        constraints = [models.UniqueConstraint(fields=["area", "at"],
                                               name="one_snapshot_per_area_moment")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.at}"
