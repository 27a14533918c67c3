"""Stored daily figures 每日数据: one row per area and day, and the days frozen at the cutoff;
the daily reports 日报 of towns and villages; the risk levels the rules propose.

A row's `values` are the day's report figures (汇总数据): recounted on every refresh until the day
is frozen at the daily cutoff (16:00 by default), then kept as they were. `now` is always the
latest recount, so after the cutoff the page shows both "as reported" and "now". Both map a
metric's code (metrics.py) to its value and keep only the values that are not zero.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area, RiskLevel
from epigrid.core.access import AreaPathField, ScopedQuerySet
from epigrid.core.audit import AuditedModel
from epigrid.core.models import TimeStampedModel


class DailyFigures(models.Model):
    """The figures of one area for one day, counted from the records (services.recompute_day).

    Computed, never typed: written in bulk by the recount (no audit entry per row, like
    cases.CaseFigures).
    """

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="+")
    area_path = AreaPathField(editable=False)
    day = models.DateField(_("day"))
    values = models.JSONField(_("figures"), default=dict)
    now = models.JSONField(_("figures now"), default=dict)
    computed_at = models.DateTimeField(_("computed"))

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        indexes = [models.Index(fields=["area_path", "day"]), models.Index(fields=["day"])]
        constraints = [models.UniqueConstraint(fields=["area", "day"],
                                               name="one_daily_figure_per_area_day")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}"


class FrozenDay(models.Model):
    """A day whose report figures were frozen 截止 at the daily cutoff; they no longer change."""

    day = models.DateField(_("day"), unique=True)
    frozen_at = models.DateTimeField(_("frozen at"))
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("frozen by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("frozen day")
        verbose_name_plural = _("frozen days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} @ {self.frozen_at:%H:%M}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class DailyReport(AuditedModel, TimeStampedModel):
    """The daily situation-and-problems report 日报 (情况·数据·问题) of a town or a village.

    What only people know: the situation text and remarks. The figures are never typed here:
    the pages show the area's `DailyFigures` (frozen after the cutoff), and the problems raised
    that day come from the problems app. A report submitted after the day's cutoff is accepted
    and marked `late` (report_services.save_report).
    """

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="+")
    area_path = AreaPathField(editable=False)
    day = models.DateField(_("day"))
    situation = models.TextField(_("situation"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "area_path"]
        indexes = [models.Index(fields=["area_path", "day"]), models.Index(fields=["day"])]
        constraints = [models.UniqueConstraint(fields=["area", "day"],
                                               name="one_daily_report_per_area_day")]

    def __str__(self) -> str:
        return f"{self.area.name} {self.day}"

    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    CONFIRMED = "confirmed", _("confirmed")
    OVERRIDDEN = "overridden", _("overridden")
    SUPERSEDED = "superseded", _("superseded")


class RiskProposal(AuditedModel, TimeStampedModel):
    """A risk level 风险等级 proposed for an area by the rules (risk_rules.py) from its figures,
    waiting for the command to confirm it or override it with a reason.

    A confirmation or an override that changes the level goes through
    areas.services.change_risk_level, so the area's risk history keeps it; the decided proposals
    stay as the history of what the rules said and what the command decided.
    """

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="+")
    area_path = AreaPathField(editable=False)
    day = models.DateField(_("day of the figures"))
    proposed_level = models.CharField(_("proposed level"), max_length=10,
                                      choices=RiskLevel.choices)
    current_level = models.CharField(_("level when proposed"), max_length=10,
                                     choices=RiskLevel.choices)
    rule = models.CharField(_("rule"), max_length=40)
    reason = models.CharField(_("reason"), max_length=500)
    figures = models.JSONField(_("figures"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.PENDING)
    decided_level = models.CharField(_("decided level"), max_length=10, blank=True,
                                     choices=RiskLevel.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    # The figures are in the reason's text; the audit page cannot show a JSON value.
    audit_exclude = ("updated_at", "created_at", "figures")

    class Meta:
        verbose_name = _("risk level proposal")
        verbose_name_plural = _("risk level proposals")
        ordering = ["-day", "area_path"]
        indexes = [models.Index(fields=["area_path", "day"]),
                   models.Index(fields=["status", "day"])]
        constraints = [models.UniqueConstraint(fields=["area", "day"],
                                               name="one_risk_proposal_per_area_day")]

    def __str__(self) -> str:
        return f"{self.area.name} {self.day}: {self.proposed_level}"

    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING
