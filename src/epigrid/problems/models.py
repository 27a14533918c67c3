"""Problems 问题清单: raised by an area, assigned, closed day by day 日清日结, escalated when
overdue 逐级上报.

A problem keeps two area paths: `area_path`, where it was raised (its origin, never changes but
when the area tree moves), and `level_path`, the level that handles it now (the origin at first,
then one level up each time it is escalated 逐级上报). A user sees a problem when either lies in
their subtree, so an escalated problem reaches the upper level and stays with its origin.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.models import Area
from epigrid.core.access import (
    AreaPathField,
    ScopedQuerySet,
    ScopedUser,
    sees_everything,
    subtree_q,
)
from epigrid.core.audit import AuditedModel
from epigrid.core.models import TimeStampedModel


class Category(models.TextChoices):
    MEDICAL_SUPPLIES = "medical_supplies", _("Medical supplies")  # 医疗物资
    LIVING_SUPPLIES = "living_supplies", _("Living supplies")  # 生活物资
    STAFFING = "staffing", _("Staffing")  # 人员力量
    QUARANTINE = "quarantine", _("Quarantine and control")  # 隔离管控
    TRANSFER = "transfer", _("Transfer and admission")  # 转运收治
    SCREENING = "screening", _("Screening")  # 排查
    OTHER = "other", _("Other")  # 其他


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    # Not a patient's "critical" (危重型): the same word, another Chinese one.
    CRITICAL = "critical", pgettext_lazy("urgency", "critical")


class Status(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", _("closed")


class ProblemQuerySet(ScopedQuerySet):
    """Scoped on the origin *or* the current level: both paths are indexed range scans."""

    def restrict(self, user: ScopedUser) -> ProblemQuerySet:
        if sees_everything(user):
            return self.all()
        if not (user.is_authenticated and user.is_active):
            return self.none()
        path = user.scope_path
        if not path:
            return self.none()
        where = Q()
        for field in self.model.scope_path_fields:
            where |= subtree_q(field, path)
        return self.filter(where)


class Problem(AuditedModel, TimeStampedModel):
    """One problem of an area's list 问题清单, with who handles it and by when."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    area_path = AreaPathField(db_index=True, editable=False)
    level_area = models.ForeignKey(Area, verbose_name=_("handled at"), on_delete=models.PROTECT,
                                   related_name="+")
    level_path = AreaPathField(db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    assignee_unit = models.CharField(_("assigned unit"), max_length=200, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                  null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("closing note"), blank=True)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    escalated_at = models.DateTimeField(_("last escalated"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"  # `within()`: where it was raised
    scope_path_fields: ClassVar[tuple[str, ...]] = ("area_path", "level_path")

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class Step(models.TextChoices):
    RAISED = "raised", _("raised")
    ASSIGNED = "assigned", _("assigned")
    STATUS = "status", _("status changed")
    ESCALATED = "escalated", _("escalated")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")


class ProblemEvent(models.Model):
    """One step in a problem's history: who, when, what, and a note. Written once, never edited.

    Read only through its problem (which is scoped); the closing steps carry the evidence.
    """

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status after"), max_length=12, choices=Status.choices)
    assignee_unit = models.CharField(_("assigned unit"), max_length=200, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    level_area = models.ForeignKey(Area, verbose_name=_("handled at"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # The due date an assignment set, when it moved it (a desk given the problem gives its day).
    due_on = models.DateField(_("new due date"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="problems/%Y/%m/", blank=True,
                                max_length=255)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)

    objects = ProblemQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "problem__area_path"
    scope_path_fields: ClassVar[tuple[str, ...]] = ("problem__area_path", "problem__level_path")

    class Meta:
        verbose_name = _("problem history step")
        verbose_name_plural = _("problem history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["problem", "at"])]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.step} {self.at:%Y-%m-%d %H:%M}"
