"""Supervision 督查: documents received and routed, supervised tasks, on-site inspections.

- A `Document` 收文 is registered by the desk that received it (收文登记), routed 分办 to the
  areas that must act on it (each routing is a `Task`: the lead unit 主办 and those assisting
  协办), circulated 传阅 to the people who must read it (`Circulation`: who read it, when, their
  remarks 阅示), and archived 归档 once every task it set is done or withdrawn.
- A `Task` 督办事项 is a piece of work an upper desk sets an area, with a deadline: the area
  reports it done 报结, the desk accepts it 办结 or sends it back 退回; one past its day is
  reminded 催办 every day, and from the second day the area above is told too. The area may
  hand it down 分解下达 to areas below it: each gets a part, a task of its own (`parent`).
- An `Inspection` 督导检查 of a site (a nursing home, a quarantine site, a market) records what
  was found; each `Finding` is rectified 整改 by the area by its day and verified 销号 by the
  inspectors.

Volumes are small (hundreds of documents, thousands of tasks), so records are scoped through
their area's path by a join, not a copied column.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.models import Area, Facility
from epigrid.core.access import (
    ScopedQuerySet,
    ScopedUser,
    subtree_q,
)
from epigrid.core.audit import AuditedModel
from epigrid.core.models import TimeStampedModel


class Urgency(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("document", "ordinary")  # 平件
    URGENT = "urgent", pgettext_lazy("document", "urgent")  # 急件
    VERY_URGENT = "very_urgent", pgettext_lazy("document", "very urgent")  # 特急


class DocumentKind(models.TextChoices):
    NOTICE = "notice", _("notice")  # 通知
    DIRECTIVE = "directive", _("directive")  # 指示、批示
    REQUEST = "request", pgettext_lazy("document", "request for instructions")  # 请示
    REPORT = "report", pgettext_lazy("document", "report")  # 报告
    LETTER = "letter", _("letter")  # 函
    OTHER = "other", pgettext_lazy("document", "other")


class DocumentStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")  # 已登记
    ROUTED = "routed", _("routed")  # 已分办, being handled
    ARCHIVED = "archived", _("archived")  # 已归档


class DocumentQuerySet(ScopedQuerySet):
    """Seen by the desk that received it, and by the areas it was routed to 分办 (they must read
    what they are to act on): the desk's subtree, or a task of it in the user's."""

    def restrict(self, user: ScopedUser) -> DocumentQuerySet:
        def seen(path: str) -> Q:
            routed = Task.objects.filter(subtree_q("area__path", path), document=OuterRef("pk"))
            return subtree_q("area__path", path) | Q(Exists(routed))

        return self.restrict_by(user, seen)


class Document(AuditedModel, TimeStampedModel):
    """A document received 收文 by a desk of `area`, numbered by the desk (its serial 收文编号),
    besides the issuer's own number 文号."""

    area = models.ForeignKey(Area, verbose_name=_("received by"), on_delete=models.PROTECT,
                             related_name="+")
    serial = models.CharField(_("serial"), max_length=20, editable=False)
    reference = models.CharField(_("issuer's number"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    received_on = models.DateField(_("received on"))
    reply_by = models.DateField(_("to be handled by"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="supervision/%Y/%m/", blank=True,
                                  max_length=255)
    attachment_name = models.CharField(_("attachment file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices,
                              default=DocumentStatus.REGISTERED, db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                      null=True, on_delete=models.SET_NULL, related_name="+")
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_note = models.TextField(_("archive note"), blank=True)

    objects = DocumentQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"  # `within()`: the desk that received it

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-received_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["area", "serial"],
                                               name="supervision_document_serial")]

    def __str__(self) -> str:
        return f"{self.serial} {self.title}"

    def audit_area_path(self) -> str:
        return self.area.path


class Circulation(models.Model):
    """A document passed to one reader 传阅: when it was sent, when read, what they remarked."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE,
                                 related_name="circulations")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reader"),
                               on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"),
                                null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)  # 阅示意见

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "document__area__path"

    class Meta:
        verbose_name = _("circulation")
        verbose_name_plural = _("circulations")
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "reader"],
                                               name="supervision_circulation_once")]
        indexes = [models.Index(fields=["reader", "read_at"])]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.reader_id}"


class Part(models.TextChoices):
    LEAD = "lead", _("lead")  # 主办
    ASSIST = "assist", _("assisting")  # 协办


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task", "in hand")  # 办理中
    REPORTED = "reported", _("reported done")  # 已报结, waiting for the desk
    DONE = "done", pgettext_lazy("task", "completed")  # 已办结
    CANCELLED = "cancelled", pgettext_lazy("task", "withdrawn")  # 已撤销


PENDING = (TaskStatus.OPEN, TaskStatus.REPORTED)


class TaskQuerySet(ScopedQuerySet):
    """Seen by the area that handles it and by the desk that set it: both subtrees."""

    def restrict(self, user: ScopedUser) -> TaskQuerySet:
        return self.restrict_by(user, lambda path: (subtree_q("area__path", path)
                                                    | subtree_q("issuer_area__path", path)))

    def with_parts_done(self) -> TaskQuerySet:
        """How far each task handed down 分解下达 has got: its parts not withdrawn
        (`parts_total`) and those completed (`parts_done`). Counted by a subquery a row, so a
        page of 50 counts the parts of its 50 only (a joined GROUP BY would count them for
        every task the filters let through before the LIMIT)."""
        return self.annotate(parts_total=_parts(~Q(status=TaskStatus.CANCELLED)),
                             parts_done=_parts(Q(status=TaskStatus.DONE)))


    def for_list(self) -> TaskQuerySet:
        """As the task lists read them: the areas joined (the scope's OR reads both), the
        document's and the task handed down from fetched after the page's LIMIT (joined, they
        widened every pending row the page sorts: 76 ms against 54 for 20,000 tasks), the parts
        counted."""
        return (self.with_parts_done().select_related("area", "issuer_area")
                .prefetch_related("document__area", "parent__area"))


def _parts(which: Q) -> Coalesce:
    counted = (Task.objects.filter(which, parent=OuterRef("pk")).order_by()
               .values("parent").annotate(n=models.Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class Task(AuditedModel, TimeStampedModel):
    """A supervised task 督办事项: what `area` must do, set by a desk of `issuer_area`, by when."""

    area = models.ForeignKey(Area, verbose_name=_("handled by"), on_delete=models.PROTECT,
                             related_name="+")
    issuer_area = models.ForeignKey(Area, verbose_name=_("set by"), on_delete=models.PROTECT,
                                    related_name="+")
    document = models.ForeignKey(Document, verbose_name=_("document"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="tasks")
    # Handed down 分解下达 from the task of the area above (handing.py): that area set it and
    # decides on it; a task is reported done once nothing it handed down is still in hand.
    parent = models.ForeignKey("self", verbose_name=_("handed down from"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="parts")
    part = models.CharField(_("part"), max_length=8, choices=Part.choices, default=Part.LEAD)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)  # 督办要求、拟办意见
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    report = models.TextField(_("report"), blank=True)  # 办理情况
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"  # `within()`: the area that handles it

    class Meta:
        verbose_name = _("supervised task")
        verbose_name_plural = _("supervised tasks")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def audit_area_path(self) -> str:
        return self.area.path

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    def days_past_due(self, day: datetime.date) -> int:
        """Whole days from the due day to `day` (0 when `day` is not past it)."""
        return max((day - self.due_on).days, 0)


class Step(models.TextChoices):
    SET = "set", pgettext_lazy("task", "set")
    REPORTED = "reported", _("reported done")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("sent back")
    REMINDED = "reminded", _("reminded")
    CANCELLED = "cancelled", pgettext_lazy("task", "withdrawn")
    HANDED_DOWN = "handed", _("handed down")  # 分解下达, to the areas below


class TaskEvent(models.Model):
    """One step of a task's history, written once: who, when, what, and the note."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    due_on = models.DateField(_("new due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("task history step")
        verbose_name_plural = _("task history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.step} {self.at:%Y-%m-%d %H:%M}"


class Inspection(AuditedModel, TimeStampedModel):
    """An on-site inspection 督导检查 of a site of `area` (or of the area itself)."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    facility = models.ForeignKey(Facility, verbose_name=_("site"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("what was inspected"), max_length=200)
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} {self.inspected_on:%Y-%m-%d}"

    def audit_area_path(self) -> str:
        return self.area.path


class Severity(models.TextChoices):
    MINOR = "minor", pgettext_lazy("finding", "minor")  # 一般
    SERIOUS = "serious", pgettext_lazy("finding", "serious")  # 较重
    GRAVE = "grave", pgettext_lazy("finding", "grave")  # 严重


class FindingStatus(models.TextChoices):
    OPEN = "open", _("to be rectified")  # 待整改
    RECTIFIED = "rectified", _("rectified, to be verified")  # 已整改, 待销号
    VERIFIED = "verified", _("verified")  # 已销号


class Finding(AuditedModel, TimeStampedModel):
    """One thing an inspection found wrong 问题, rectified 整改 by a day and verified 销号."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"),
                                   on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("finding"))
    severity = models.CharField(pgettext_lazy("finding", "severity"), max_length=10,
                                choices=Severity.choices,
                                default=Severity.MINOR)
    rectify_by = models.DateField(_("rectify by"))
    status = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN, db_index=True)
    rectification = models.TextField(_("rectification"), blank=True)  # 整改情况
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rectified by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    verify_note = models.TextField(_("verification note"), blank=True)
    # The inspectors found the rectification not enough: when last, and how many times (a
    # finding reopened twice is a different finding at the dispatch meeting than one once).
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopens = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "inspection__area__path"

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["rectify_by", "id"]
        indexes = [models.Index(fields=["status", "rectify_by"])]

    def __str__(self) -> str:
        return self.description[:60]

    def days_past_due(self, day: datetime.date) -> int:
        """Whole days from the day to rectify by to `day` (0 when `day` is not past it)."""
        return max((day - self.rectify_by).days, 0)

    def audit_area_path(self) -> str:
        return self.inspection.area.path


def overdue_tasks_q(today: datetime.date) -> Q:
    """Tasks still in hand past their day (one reported done waits on the desk, not the area)."""
    return Q(status=TaskStatus.OPEN, due_on__lt=today)


def overdue_findings_q(today: datetime.date) -> Q:
    return Q(status=FindingStatus.OPEN, rectify_by__lt=today)
