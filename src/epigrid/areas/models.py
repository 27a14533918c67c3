from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from epigrid.core.access import AreaPathField, ScopedQuerySet
from epigrid.core.audit import AuditedModel
from epigrid.core.ids import allocate_ids
from epigrid.core.models import TimeStampedModel

# A path segment is the area's id, zero-padded so that string order is tree order and every
# segment has the same width (a level's areas share one path length).
SEGMENT_WIDTH = 8
SEPARATOR = "/"


def path_segment(pk: int) -> str:
    return f"{pk:0{SEGMENT_WIDTH}d}{SEPARATOR}"


def ancestor_paths(path: str) -> list[str]:
    """The paths of an area and its ancestors ("0001/0002/" -> ["0001/", "0001/0002/"])."""
    parts = [part for part in path.split(SEPARATOR) if part]
    return [SEPARATOR.join(parts[:n]) + SEPARATOR for n in range(1, len(parts) + 1)]


class Level(models.IntegerChoices):
    CITY = 1, _("city")
    DISTRICT = 2, _("district")
    TOWN = 3, _("town")
    VILLAGE = 4, _("village")
    GRID = 5, _("grid")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


statistical_code = RegexValidator(
    r"^\d{12}$", _("A statistical division code has exactly 12 digits."), code="code_format")
latitude_range = [MinValueValidator(-90), MaxValueValidator(90)]
longitude_range = [MinValueValidator(-180), MaxValueValidator(180)]


class Area(AuditedModel, TimeStampedModel):
    """A node of the administrative tree. Its `path` is the ids of its ancestors and itself."""

    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    code = models.CharField(_("code"), max_length=32, unique=True,
                            help_text=_("12-digit statistical division code where one exists; "
                                        "grids use the village code and a suffix."))
    name = models.CharField(_("name"), max_length=100)
    path = AreaPathField(_("path"), unique=True, editable=False)
    population = models.PositiveIntegerField(_("population"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True, validators=latitude_range)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=longitude_range)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices,
                                  default=RiskLevel.LOW)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "path"
    audit_exclude = ("updated_at", "created_at", "path")

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5),
                                   name="area_level_known"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new area takes its id first, so its path can be written with the row."""
        if self._state.adding and not self.path:
            with transaction.atomic():
                if self.pk is None:
                    self.pk = allocate_ids(Area, 1)[0]
                self.path = (self.parent.path if self.parent else "") + path_segment(self.pk)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return len(self.path) // (SEGMENT_WIDTH + 1)

    def ancestor_ids(self) -> list[int]:
        return [int(seg) for seg in self.path.split(SEPARATOR) if seg][:-1]

    def is_within(self, other: Area) -> bool:
        return self.path.startswith(other.path)


class RiskLevelChange(models.Model):
    """The dated history of an area's risk level: who changed it, from what, and why."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="risk_changes")
    previous = models.CharField(_("from"), max_length=10, choices=RiskLevel.choices)
    level = models.CharField(_("to"), max_length=10, choices=RiskLevel.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("risk level change")
        verbose_name_plural = _("risk level changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.area}: {self.previous} -> {self.level} ({self.effective_on})"


class Site(AuditedModel, TimeStampedModel):
    """A place that belongs to an area: a checkpoint, a facility, a warehouse."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True, validators=latitude_range)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=longitude_range)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Checkpoint(Site):
    """卡口 / 劝返点: a place where passers-by are checked."""

    class Kind(models.TextChoices):
        ROAD = "road", _("road checkpoint")
        STATION = "station", _("station")
        COMMUNITY_GATE = "community_gate", _("community gate")
        PERSUASION_RETURN = "persuasion_return", _("persuasion-return point")  # 劝返点

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="checkpoints")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta(Site.Meta):
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")


class Facility(Site):
    """A medical, quarantine or public site the command watches."""

    class Kind(models.TextChoices):
        DESIGNATED_HOSPITAL = "designated_hospital", _("designated hospital")  # 定点医院
        SHELTER_HOSPITAL = "shelter_hospital", _("shelter hospital")  # 方舱医院
        FEVER_CLINIC = "fever_clinic", _("fever clinic")  # 发热门诊
        QUARANTINE_SITE = "quarantine_site", _("centralized quarantine site")  # 集中隔离点
        NURSING_HOME = "nursing_home", _("nursing home")  # 养老院
        MARKET = "market", _("market")  # 农贸市场

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="facilities")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)

    class Meta(Site.Meta):
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")


class Warehouse(Site):
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="warehouses")

    class Meta(Site.Meta):
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
