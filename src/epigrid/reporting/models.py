"""Stored daily figures 每日数据: one row per area and day, and the days frozen at the cutoff.

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

from epigrid.areas.models import Area
from epigrid.core.access import ScopedQuerySet


class DailyFigures(models.Model):
    """The figures of one area for one day, counted from the records (services.recompute_day).

    Computed, never typed: written in bulk by the recount (no audit entry per row, like
    cases.CaseFigures).
    """

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="+")
    area_path = models.CharField(max_length=255, editable=False)
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
