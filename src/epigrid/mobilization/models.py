"""Mobilization 力量下沉: who was sent to work in the areas, and the fund that looks after them.

- A `Team` works in an area: a sector work group 片区工作组, a party-member commando team
  党员突击队, a party pioneer post 党员先锋岗, or a medical team 医疗队 dispatched in a batch 批次.
- A `Deployment` is one person sent down 下沉 to an area (a cadre from a government office, a
  doctor of a medical team), from the day they arrived to the day they left, in a team or not.
- A `Commendation` 表彰 honours a person sent down, a team, or someone named.
- A `Fund` 慰问金/补助资金 is kept by a desk; its `FundEntry` ledger is written once (receipts in,
  payments out, each line carrying the balance after it 余额: never edited); a `Payment`
  慰问、补助 is applied for by an area, approved 审批 (twice above the fund's limit, never by
  its applicant), then paid 发放.

Volumes are small (thousands of people, tens of thousands of ledger lines), so records are
scoped through their area's path by a join, not a copied column.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.models import Area, ancestor_paths
from epigrid.core.access import ScopedQuerySet, ScopedUser, subtree_q
from epigrid.core.audit import AuditedModel
from epigrid.core.models import TimeStampedModel


class TeamKind(models.TextChoices):
    SECTOR = "sector", _("sector work group")  # 片区工作组
    COMMANDO = "commando", _("party commando team")  # 党员突击队
    PIONEER = "pioneer", _("party pioneer post")  # 党员先锋岗
    MEDICAL = "medical", _("medical team")  # 医疗队


class Team(AuditedModel, TimeStampedModel):
    """A team working in `area` from the day it was formed until it stood down 撤编."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=TeamKind.choices)
    name = models.CharField(_("name"), max_length=120)
    batch = models.PositiveSmallIntegerField(_("batch"), null=True, blank=True)  # 第N批
    sent_by = models.CharField(_("sent by"), max_length=200, blank=True)  # 派出单位
    duties = models.TextField(_("duties"), blank=True)
    formed_on = models.DateField(_("formed on"))
    stood_down_on = models.DateField(_("stood down on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["area__path", "kind", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["area", "name"],
                                               name="mobilization_team_name")]

    def __str__(self) -> str:
        return self.name

    def audit_area_path(self) -> str:
        return self.area.path

    def is_active(self, day: datetime.date) -> bool:
        return self.formed_on <= day and (self.stood_down_on is None
                                          or self.stood_down_on >= day)


class TeamStatus(models.TextChoices):
    """Where a team stands on a day: the words of the status filter of the list of teams, on
    its page and in the API alike."""

    # What each word lists is `team_status_q`'s (the API's schema shows the docstring).
    ACTIVE = "active", _("active")  # at work 工作中
    STOOD_DOWN = "stood_down", _("stood down")  # 已撤编
    ANY = "any", _("any status")


def team_status_q(status: str, day: datetime.date) -> Q:
    """Teams with `status` on `day`.

    Active: formed on or before `day` and not stood down before it; a team standing down that
    day still works it, as a person leaving that day is still on duty (`on_duty_q`). This is
    `Team.is_active` and the area page's "teams at work", whose count opens this list. Stood
    down: stood down before `day`. Any: every team, those formed after `day` too (a team
    entered ahead of its first day is neither active nor stood down). The page and the API
    both filter here, so that a word lists the same teams in both.
    """
    if status == TeamStatus.ACTIVE:
        return Q(formed_on__lte=day) & (Q(stood_down_on__isnull=True)
                                        | Q(stood_down_on__gte=day))
    if status == TeamStatus.STOOD_DOWN:
        return Q(stood_down_on__lt=day)
    if status == TeamStatus.ANY:
        return Q()
    # A word misspelt in code must not quietly list every team.
    raise ValueError(f"Unknown status of a team: {status!r}")


class Deployment(AuditedModel, TimeStampedModel):
    """One person sent down 下沉 to `area`. The phone is a work contact (like a user's), kept
    plain and shown masked in lists and exports."""

    area = models.ForeignKey(Area, verbose_name=_("sent to"), on_delete=models.PROTECT,
                             related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(_("work unit"), max_length=200)  # 派出单位
    post = models.CharField(_("post"), max_length=100, blank=True)  # 职务
    phone = models.CharField(_("phone"), max_length=11)
    party_member = models.BooleanField(_("party member"), default=False)
    leader = models.BooleanField(_("team leader"), default=False)
    duties = models.TextField(_("duties"), blank=True)  # 包保任务
    arrived_on = models.DateField(_("arrived on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("person sent down")
        verbose_name_plural = _("people sent down")
        ordering = ["area__path", "name", "id"]
        indexes = [models.Index(fields=["area", "arrived_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("arrived_on")),
                name="mobilization_deployment_days"),
            # On duty in one place at a time (services.deploy says where; this is the floor).
            models.UniqueConstraint(fields=["phone"], condition=Q(left_on__isnull=True),
                                    name="mobilization_on_duty_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def audit_area_path(self) -> str:
        return self.area.path

    def is_active(self, day: datetime.date) -> bool:
        return self.arrived_on <= day and (self.left_on is None or self.left_on >= day)


def on_duty_q(day: datetime.date, prefix: str = "") -> Q:
    """Deployments (or, with `prefix`, rows through one) on duty on `day`: arrived, not left."""
    return (Q(**{f"{prefix}arrived_on__lte": day})
            & (Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": day})))


class DeploymentStatus(models.TextChoices):
    """Where a person sent down stands on a day: the words of the status filter of the list of
    people sent down, on its page and in the API alike."""

    # What each word lists is `deployment_status_q`'s (the API's schema shows the docstring).
    ON_DUTY = "on_duty", _("on duty today")  # 在岗
    LEFT = "left", _("left")  # 返岗
    ANY = "any", _("any status")


def deployment_status_q(status: str, day: datetime.date) -> Q:
    """Deployments with `status` on `day`: on duty (arrived, not left before it), left before
    it, or any (those yet to arrive too, who are neither). The page and the API both filter
    here, so that a word lists the same people in both."""
    if status == DeploymentStatus.ON_DUTY:
        return on_duty_q(day)
    if status == DeploymentStatus.LEFT:
        return Q(left_on__lt=day)
    if status == DeploymentStatus.ANY:
        return Q()
    # A word misspelt in code must not quietly list everyone.
    raise ValueError(f"Unknown status of a person sent down: {status!r}")


class Commendation(AuditedModel, TimeStampedModel):
    """An honour 表彰 (先进个人, 先进集体) given to a person sent down, a team, or someone named."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    deployment = models.ForeignKey(Deployment, verbose_name=_("person sent down"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("recipient"), max_length=200)
    honour = models.CharField(_("honour"), max_length=200)  # 称号
    citation = models.TextField(_("citation"), blank=True)  # 事迹
    awarded_on = models.DateField(_("awarded on"))
    awarded_by = models.CharField(_("awarded by"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-awarded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.honour}"

    def audit_area_path(self) -> str:
        return self.area.path


class FundQuerySet(ScopedQuerySet):
    """A fund is seen by its desk's subtree, and (to apply to it) by the areas below the desk:
    a town sees the district's fund. Its ledger is for the desk's subtree only (access.py)."""

    def restrict(self, user: ScopedUser) -> FundQuerySet:
        return self.restrict_by(user, lambda path: (subtree_q("area__path", path)
                                                    | Q(area__path__in=ancestor_paths(path))))


class Fund(AuditedModel, TimeStampedModel):
    """A fund for condolence and subsidy payments 慰问金、补助资金, kept by a desk of `area`."""

    area = models.ForeignKey(Area, verbose_name=_("kept by"), on_delete=models.PROTECT,
                             related_name="+")
    name = models.CharField(_("name"), max_length=200)
    # Payments above this need a second approver (None: one approval is enough).
    second_approval_over = models.DecimalField(_("second approval above"), max_digits=12,
                                               decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")

    objects = FundQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["area__path", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["area", "name"],
                                               name="mobilization_fund_name")]

    def __str__(self) -> str:
        return self.name

    def audit_area_path(self) -> str:
        return self.area.path

    def approvals_needed(self, amount: Decimal) -> int:
        limit = self.second_approval_over
        return 2 if limit is not None and amount > limit else 1


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")  # 拨入、捐入
    PAYMENT = "payment", pgettext_lazy("fund", "payment")  # 支出


class FundEntry(models.Model):
    """One line of a fund's ledger, written once: money in or out (`amount` > 0 always)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # The fund's balance after this line 余额: the line before's, plus or minus this amount,
    # written with the line under the fund's lock (funds.py) and never changed, as a paper
    # ledger carries it; the balance is then one line read, not a sum of them all.
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2)
    at = models.DateTimeField(_("at"))
    counterpart = models.CharField(_("from or to"), max_length=200)  # 来源、领款人
    voucher = models.CharField(_("voucher"), max_length=60, blank=True)  # 凭证号
    note = models.TextField(_("note"), blank=True)
    payment = models.OneToOneField("Payment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="entry")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "fund__area__path"

    class Meta:
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["fund", "at", "id"])]  # the ledger; its last line
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="mobilization_entry_positive")]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.kind} {self.amount}"

    @property
    def signed(self) -> Decimal:
        return self.amount if self.kind == EntryKind.RECEIPT else -self.amount


class PaymentKind(models.TextChoices):
    CONDOLENCE = "condolence", _("condolence")  # 慰问金
    SUBSIDY = "subsidy", _("hardship subsidy")  # 困难补助
    ALLOWANCE = "allowance", _("frontline allowance")  # 临时性工作补助


class PaymentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting approval")  # 待审批
    APPROVED = "approved", _("approved, to be paid")  # 已审批, 待发放
    PAID = "paid", _("paid")  # 已发放
    REJECTED = "rejected", pgettext_lazy("payment", "rejected")  # 不予批准


class PaymentQuerySet(ScopedQuerySet):
    """Seen by the applying area's subtree and by the fund's desk: both ends, like a task."""

    def restrict(self, user: ScopedUser) -> PaymentQuerySet:
        return self.restrict_by(user, lambda path: (subtree_q("area__path", path)
                                                    | subtree_q("fund__area__path", path)))


class Payment(AuditedModel, TimeStampedModel):
    """A condolence or subsidy payment 慰问、补助 applied for by `area` from `fund`."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT,
                             related_name="payments")
    area = models.ForeignKey(Area, verbose_name=_("applied for by"), on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    beneficiary = models.CharField(_("beneficiary"), max_length=200)
    deployment = models.ForeignKey(Deployment, verbose_name=_("person sent down"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices,
                              default=PaymentStatus.SUBMITTED, db_index=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("applied at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    objects = PaymentQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-applied_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="mobilization_payment_positive")]

    def __str__(self) -> str:
        return f"{self.beneficiary} {self.amount}"

    def audit_area_path(self) -> str:
        return self.area.path


class Decision(models.TextChoices):
    APPROVE = "approve", _("approved")
    REJECT = "reject", pgettext_lazy("payment", "rejected")


class Approval(models.Model):
    """One approver's decision 审批意见 on a payment, each approver once."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="approvals")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["payment", "by"],
                                               name="mobilization_approval_once")]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.decision} {self.by_id}"
