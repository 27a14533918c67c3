"""Supplies 物资保障: items, a ledger of stock movements per warehouse, donations, requests.

A warehouse's stock of an item is the sum of its movements (receipts, donations, issues,
transfers, count adjustments): it is derived, never edited, so every figure of stock can be
traced to the movements behind it. A movement is never changed or deleted; a mistake is put
right by an adjustment that says why.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.models import Area, Warehouse
from epigrid.core.access import AreaPathField, ScopedQuerySet
from epigrid.core.audit import AuditedModel
from epigrid.core.models import TimeStampedModel


class Category(models.TextChoices):
    MASKS = "masks", _("Masks")  # 口罩
    PROTECTIVE = "protective", _("Protective clothing and goggles")  # 防护服、护目镜
    DISINFECTANT = "disinfectant", _("Disinfectant")  # 消杀用品
    TESTING = "testing", _("Thermometers and test kits")  # 测温、检测
    MEDICINE = "medicine", _("Medicines")  # 药品
    LIVING = "living", _("Food and daily necessities")  # 生活物资
    OTHER = "other", _("Other")


class Priority(models.IntegerChoices):
    """How tightly an item is rationed (紧缺程度): a scarce item's stock is watched closest."""

    SCARCE = 1, _("scarce")  # 紧缺: N95 masks, protective suits
    ESSENTIAL = 2, _("essential")  # 重要: surgical masks, disinfectant
    GENERAL = 3, _("general")  # 一般: food, daily goods


class Item(AuditedModel, TimeStampedModel):
    """One kind of supply, counted in its unit (an N95 mask, a protective suit, a 500 ml bottle)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(_("priority class"), choices=Priority.choices,
                                                default=Priority.GENERAL)
    # Below this many days of supply the item is short (显示预警) on every stock page.
    alert_days = models.PositiveSmallIntegerField(_("warn below days of supply"), default=3)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["priority", "category", "code"]

    def __str__(self) -> str:
        return self.name


class Recipient(models.TextChoices):
    """Who a request is for (保障对象), in the order allocation serves them: N95 masks go to
    medical staff first."""

    MEDICAL = "medical", _("medical staff")  # 医护人员
    QUARANTINE = "quarantine", _("quarantine sites")  # 隔离点
    FRONTLINE = "frontline", _("checkpoint and community workers")  # 一线防控人员
    RESIDENTS = "residents", _("residents")  # 居民


RECIPIENT_RANK: dict[str, int] = {value: rank for rank, value in enumerate(Recipient.values)}


class Donor(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")  # 企业
    ORGANIZATION = "organization", _("social organization")  # 社会组织
    INDIVIDUAL = "individual", _("individual")  # 个人


class Donation(AuditedModel):
    """A donation 捐赠 received at a warehouse; its lines are the ledger's donation movements."""

    donor = models.CharField(_("donor"), max_length=200)
    donor_kind = models.CharField(_("donor kind"), max_length=20, choices=Donor.choices)
    contact = models.CharField(pgettext_lazy("donor", "contact"), max_length=200, blank=True)
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"),
                                  on_delete=models.PROTECT, related_name="+")
    area_path = AreaPathField(db_index=True, editable=False)
    received_at = models.DateTimeField(_("received at"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    audit_exclude = ("area_path",)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.donor

    def audit_area_path(self) -> str:
        return self.area_path


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    PARTLY = "partly", _("partly issued")
    FILLED = "filled", _("issued in full")
    CANCELLED = "cancelled", _("cancelled")


OUTSTANDING = (RequestStatus.OPEN, RequestStatus.PARTLY)


class SupplyRequest(AuditedModel, TimeStampedModel):
    """An area's request 物资申请 for a quantity of an item, for a group of recipients, by a day.

    What has been issued against it is the sum of its issue movements."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    area_path = AreaPathField(db_index=True, editable=False)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    recipient = models.CharField(_("for"), max_length=20, choices=Recipient.choices)
    needed_by = models.DateField(_("needed by"))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, on_delete=models.SET_NULL, related_name="+")
    cancel_note = models.TextField(_("why cancelled"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    audit_exclude = ("area_path", "updated_at", "created_at")

    class Meta:
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        ordering = ["-id"]
        indexes = [models.Index(fields=["item", "status"])]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"

    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def is_outstanding(self) -> bool:
        return self.status in OUTSTANDING


class Kind(models.TextChoices):
    # 入库: bought, or sent by the city (not an acknowledgement's "receipt": another word)
    RECEIPT = "receipt", pgettext_lazy("stock movement", "receipt")
    DONATION = "donation", _("donation")  # 受赠
    ISSUE = "issue", _("issue")  # 发放
    TRANSFER_OUT = "transfer_out", _("transfer out")  # 调出
    TRANSFER_IN = "transfer_in", _("transfer in")  # 调入
    ADJUSTMENT = "adjustment", _("count adjustment")  # 盘点调整


INCOMING = (Kind.RECEIPT, Kind.DONATION, Kind.TRANSFER_IN)
OUTGOING = (Kind.ISSUE, Kind.TRANSFER_OUT)


class Movement(AuditedModel):
    """One line of a warehouse's ledger: `quantity` in (positive) or out (negative) of stock.

    Written once, never edited: the stock is their sum."""

    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"),
                                  on_delete=models.PROTECT, related_name="+")
    area_path = AreaPathField(db_index=True, editable=False)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"))
    at = models.DateTimeField(_("when"), db_index=True)
    donation = models.ForeignKey(Donation, verbose_name=_("donation"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="lines")
    request = models.ForeignKey(SupplyRequest, verbose_name=_("request"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="issues")
    # A transfer's two lines name each other.
    counterpart = models.OneToOneField("self", verbose_name=_("other side"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    party = models.CharField(_("from or to"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    audit_exclude = ("area_path", "recorded_at")

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["warehouse", "item"]),
                   models.Index(fields=["item", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_id} {self.quantity:+d}"

    def audit_area_path(self) -> str:
        return self.area_path
