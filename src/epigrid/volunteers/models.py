"""Volunteers 志愿服务: who volunteers in an area, the projects they serve in, and their hours.

- A `Volunteer` 志愿者 registers in an area (a village or a town), from the day they registered
  to the day they left 退出; a phone is registered once among those who have not left.
- A `Project` 志愿服务项目 is work an area organises for volunteers (checkpoint duty, door-to-door
  help, deliveries for the quarantined, care for the elderly living alone, counselling,
  publicity), from the day it starts to the day it ends or is closed.
- A `ServiceRecord` is the hours 服务时长 one volunteer served a project on one day: recorded
  once (a second record of the same day is refused, naming the first), at most 24 hours a day
  across all projects, in half hours. The hours of a volunteer, a project or an area are sums
  of these records, never typed.

Volumes are small (tens of thousands of volunteers, a few hundred thousand records), so records
are scoped through their area's path by a join, not a copied column.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.models import Area
from epigrid.core.access import ScopedQuerySet
from epigrid.core.audit import AuditedModel
from epigrid.core.models import TimeStampedModel

DAY_HOURS = Decimal(24)


class Volunteer(AuditedModel, TimeStampedModel):
    """A volunteer 志愿者 registered in `area`. The phone is a contact, kept plain and shown
    masked in lists and exports (whole to the area's keepers on the volunteer's page)."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=11)
    skills = models.CharField(_("skills"), max_length=200, blank=True)  # 特长: driving, dialect
    party_member = models.BooleanField(_("party member"), default=False)
    registered_on = models.DateField(_("registered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)  # 退出
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    # The login of the volunteer themselves, who then signs up to projects and claims hours
    # (self_service.py); blank for those the officers keep from a paper roster.
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="volunteer_records")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["area__path", "name", "id"]
        indexes = [models.Index(fields=["area", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("registered_on")),
                name="volunteers_volunteer_days"),
            # Registered once while serving (services.register says where; this is the floor).
            models.UniqueConstraint(fields=["phone"], condition=Q(left_on__isnull=True),
                                    name="volunteers_phone_once"),
            # One serving record an account: who signs in is one volunteer at a time.
            models.UniqueConstraint(fields=["account"], condition=Q(left_on__isnull=True),
                                    name="volunteers_account_once"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_area_path(self) -> str:
        return self.area.path

    def is_active(self, day: datetime.date) -> bool:
        return self.registered_on <= day and (self.left_on is None or self.left_on >= day)


def serving_q(day: datetime.date, prefix: str = "") -> Q:
    """Volunteers (or, with `prefix`, rows through one) registered and not left on `day`."""
    return (Q(**{f"{prefix}registered_on__lte": day})
            & (Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": day})))


def project_open_q(day: datetime.date) -> Q:
    """Projects volunteers may serve on `day`: started, neither ended nor closed before it."""
    return (Q(starts_on__lte=day)
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            & (Q(closed_on__isnull=True) | Q(closed_on__gte=day)))


def project_closed_q(day: datetime.date) -> Q:
    """Projects closed or ended before `day` (one yet to start is neither open nor closed)."""
    return Q(closed_on__lt=day) | Q(ends_on__lt=day)


class ProjectKind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("checkpoint duty")  # 卡口值守
    SCREENING = "screening", _("door-to-door help")  # 入户排查协助
    DELIVERY = "delivery", _("deliveries for the quarantined")  # 物资配送、代购
    CARE = "care", _("care for the vulnerable")  # 关爱帮扶: the elderly living alone
    COUNSELLING = "counselling", _("counselling hotline")  # 心理疏导
    PUBLICITY = "publicity", _("publicity")  # 宣传引导
    OTHER = "other", _("other")


class Project(AuditedModel, TimeStampedModel):
    """Volunteer work 志愿服务项目 organised by `area`, from `starts_on` to `ends_on` (open-ended
    when blank) or the day it was closed."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    volunteers_needed = models.PositiveSmallIntegerField(_("volunteers needed"), default=0)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("volunteer project")
        verbose_name_plural = _("volunteer projects")
        ordering = ["area__path", "-starts_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="volunteers_project_name"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="volunteers_project_days"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_area_path(self) -> str:
        return self.area.path

    @property
    def last_day(self) -> datetime.date | None:
        """The last day volunteers may serve it: the earlier of its end and its closing."""
        days = [day for day in (self.ends_on, self.closed_on) if day is not None]
        return min(days) if days else None

    def is_open(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.last_day is None or self.last_day >= day)


class ServiceRecord(AuditedModel, TimeStampedModel):
    """The hours 服务时长 `volunteer` served `project` on `served_on`."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="records")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"),
                                  on_delete=models.PROTECT, related_name="records")
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=3, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "project__area__path"

    class Meta:
        verbose_name = _("hours served")
        verbose_name_plural = _("hours served")
        ordering = ["-served_on", "id"]
        indexes = [models.Index(fields=["volunteer", "served_on"]),
                   models.Index(fields=["project", "served_on"]),
                   models.Index(fields=["served_on"])]  # the day's hours, for the figures
        constraints = [
            models.UniqueConstraint(fields=["project", "volunteer", "served_on"],
                                    name="volunteers_one_record_a_day"),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=DAY_HOURS),
                                   name="volunteers_hours_in_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.served_on} {self.hours}"

    def audit_area_path(self) -> str:
        return self.project.area.path


class Signup(AuditedModel, TimeStampedModel):
    """报名: `volunteer` offers to serve `project`, until they withdraw."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"),
                                  on_delete=models.PROTECT, related_name="signups")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "project__area__path"

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "volunteer"],
                                    condition=Q(withdrawn_at__isnull=True),
                                    name="volunteers_signed_up_once"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} -> {self.project_id}"

    def audit_area_path(self) -> str:
        return self.project.area.path


class ClaimState(models.TextChoices):
    # In the context "claim": a claim confirmed is 已确认, not a case confirmed 确诊.
    PENDING = "pending", pgettext_lazy("claim", "waiting")
    CONFIRMED = "confirmed", pgettext_lazy("claim", "confirmed")
    DECLINED = "declined", pgettext_lazy("claim", "declined")


class HoursClaim(AuditedModel, TimeStampedModel):
    """时长申报: hours a volunteer says they served, counted only once the project's keepers
    confirm them (the confirmation records them through `record_hours`, every rule applied)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="claims")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"),
                                  on_delete=models.PROTECT, related_name="claims")
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=3, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ClaimState.choices,
                             default=ClaimState.PENDING)
    reason = models.CharField(_("reason"), max_length=200, blank=True)  # why declined
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    record = models.OneToOneField(ServiceRecord, verbose_name=_("record"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="claim")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "project__area__path"

    class Meta:
        verbose_name = _("hours claimed")
        verbose_name_plural = _("hours claimed")
        ordering = ["-served_on", "id"]
        indexes = [models.Index(fields=["project", "state"]),
                   models.Index(fields=["volunteer", "served_on"])]
        constraints = [
            # One claim waiting a project, volunteer and day (services say which).
            models.UniqueConstraint(fields=["project", "volunteer", "served_on"],
                                    condition=Q(state="pending"),
                                    name="volunteers_one_claim_waiting"),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=DAY_HOURS),
                                   name="volunteers_claim_hours_in_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.served_on} {self.hours} {self.state}"

    def audit_area_path(self) -> str:
        return self.project.area.path


class ClaimDigest(models.Model):
    """The morning's notice 待确认提醒 to an area's keepers of the claims waiting on its
    projects (volunteers.digest): one an area a day, so a second run of the task tells no one
    twice."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField(_("day"))
    claims = models.PositiveIntegerField(_("claims waiting"))
    notice = models.ForeignKey("alerts.Notice", verbose_name=_("notice"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest of claims waiting")
        verbose_name_plural = _("digests of claims waiting")
        ordering = ["-day", "area__path"]
        constraints = [models.UniqueConstraint(fields=["area", "day"],
                                               name="volunteers_one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day} {self.claims}"


class Certificate(AuditedModel):
    """志愿服务时长证明: a numbered statement of a volunteer's hours as they stood the day it was
    issued, by project (`lines`: project, organiser, days, hours), kept so that its number can
    be looked up and what it said confirmed, whatever was recorded or withdrawn since."""

    number = models.CharField(_("number"), max_length=12, unique=True)
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"),
                                  on_delete=models.PROTECT, related_name="certificates")
    issued_on = models.DateField(_("issued on"))
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=1)
    days = models.PositiveIntegerField(_("days served"))
    first_day = models.DateField(_("first day served"))
    last_day = models.DateField(_("last day served"))
    lines = models.JSONField(_("hours by project"), default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "volunteer__area__path"

    class Meta:
        verbose_name = _("certificate of hours")
        verbose_name_plural = _("certificates of hours")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def audit_area_path(self) -> str:
        return self.volunteer.area.path


HOURS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=1)


def hours_served() -> Coalesce:
    """The hours a volunteer (the outer row) served in all, 0 when none: a subquery of each row,
    so a list sums its page's rows alone (a joined Sum would group every record of every
    volunteer in sight before the page is taken, and again for its count)."""
    total = (ServiceRecord.objects.filter(volunteer=OuterRef("pk")).order_by()
             .values("volunteer").annotate(total=Sum("hours")).values("total"))
    return Coalesce(Subquery(total, output_field=HOURS), Value(Decimal(0)), output_field=HOURS)


def hours_on_project() -> Coalesce:
    """The hours served on a project (the outer row) in all, 0 when none: a subquery of each
    row, as `hours_served` is, so the list sums its page's projects alone."""
    total = (ServiceRecord.objects.filter(project=OuterRef("pk")).order_by()
             .values("project").annotate(total=Sum("hours")).values("total"))
    return Coalesce(Subquery(total, output_field=HOURS), Value(Decimal(0)), output_field=HOURS)


def served_on_project() -> Coalesce:
    """How many volunteers served a project (the outer row), 0 when none."""
    served = (ServiceRecord.objects.filter(project=OuterRef("pk")).order_by()
              .values("project").annotate(n=Count("volunteer", distinct=True)).values("n"))
    return Coalesce(Subquery(served, output_field=IntegerField()), Value(0))


def _per_project(rows: QuerySet[Any]) -> Coalesce:
    """How many of `rows` a project (the outer row) has, 0 when none: a subquery of each row."""
    counted = (rows.filter(project=OuterRef("pk")).order_by().values("project")
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def signed_up_to_project() -> Coalesce:
    """The standing sign-ups 报名 of a project (the outer row)."""
    return _per_project(Signup.objects.filter(withdrawn_at__isnull=True))


def claims_waiting_on_project() -> Coalesce:
    """The claims of hours waiting for a project's keepers (the outer row)."""
    return _per_project(HoursClaim.objects.filter(state=ClaimState.PENDING))


def with_claims_waiting_q() -> Q:
    """Projects (the outer rows) with a claim of hours waiting for their keepers."""
    return Q(Exists(HoursClaim.objects.filter(project=OuterRef("pk"), state=ClaimState.PENDING)))


def listed_projects(rows: QuerySet[Project]) -> QuerySet[Project]:
    """The projects of a list (the page's, the API's) with their figures, each a subquery of
    its row, so the page's projects alone are summed: `hours` served, the volunteers who
    `served`, those `signed_up`, the claims `waiting`."""
    return rows.select_related("area").annotate(
        hours=hours_on_project(), served=served_on_project(), signed_up=signed_up_to_project(),
        waiting=claims_waiting_on_project())
