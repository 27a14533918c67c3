"""Every write to areas and sites that carries a rule. Pages, API, imports and tasks call these."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import SEGMENT_WIDTH, Area, Level, RiskLevel, RiskLevelChange, Site
from epigrid.core import audit

# Sent after a subtree moved: apps that copy an area's path into their rows (high-volume tables)
# rewrite the prefix `old` to `new` in those rows.
area_path_changed = django.dispatch.Signal()  # kwargs: old, new

SiteT = TypeVar("SiteT", bound=Site)


def _check_parent(level: int, parent: Area | None) -> None:
    if level == Level.CITY:
        if parent is not None and parent.level != Level.CITY:
            raise ValidationError({"parent": _("A city cannot be placed under another area.")})
        return
    if parent is None:
        raise ValidationError({"parent": _("Only a city can stand without a parent area.")})
    if parent.level != level - 1:
        raise ValidationError({"parent": _("A %(child)s must be placed under a %(parent)s.") % {
            "child": Level(level).label, "parent": Level(level - 1).label}})


@transaction.atomic
def create_area(*, parent: Area | None, level: int, code: str, name: str,
                **fields: Any) -> Area:
    _check_parent(level, parent)
    area = Area(parent=parent, level=level, code=code, name=name, **fields)
    area.full_clean(exclude=["path"])
    area.save()
    return area


@transaction.atomic
def update_area(area: Area, **fields: Any) -> Area:
    """Edit name, code, figures, location or boundary. The path does not depend on them."""
    forbidden = {"parent", "parent_id", "level", "path", "risk_level"} & fields.keys()
    if forbidden:
        raise ValueError(f"use move_area / change_risk_level for {sorted(forbidden)}")
    for name, value in fields.items():
        setattr(area, name, value)
    area.full_clean(exclude=["path"])
    area.save(update_fields=[*fields, "updated_at"])
    return area


@transaction.atomic
def move_area(area: Area, new_parent: Area) -> Area:
    """Place `area` and its subtree under `new_parent`, rewriting the paths in one UPDATE."""
    area = Area.objects.select_for_update().get(pk=area.pk)
    if new_parent.path.startswith(area.path):
        raise ValidationError({"parent": _("An area cannot be moved into its own subtree.")})
    _check_parent(area.level, new_parent)
    old_path = area.path
    new_path = new_parent.path + old_path[-(SEGMENT_WIDTH + 1):]
    if new_path == old_path:
        return area
    Area.objects.within(old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1)))
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    audit.record("update", model=Area._meta.label, object_pk=area.pk, object_repr=str(area),
                 changes={"parent_id": [area.parent_id, new_parent.pk]}, area_path=new_path)
    area_path_changed.send(sender=Area, old=old_path, new=new_path)
    area.refresh_from_db()
    return area


@transaction.atomic
def change_risk_level(area: Area, level: str, *, reason: str, changed_by: Any,
                      effective_on: datetime.date | None = None) -> RiskLevelChange:
    if level not in RiskLevel.values:
        raise ValidationError({"level": _("Unknown risk level %(level)s.") % {"level": level}})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the risk level changes.")})
    area = Area.objects.select_for_update().get(pk=area.pk)
    if area.risk_level == level:
        raise ValidationError({"level": _("The area is already at this risk level.")})
    change = RiskLevelChange.objects.create(
        area=area, previous=area.risk_level, level=level, reason=reason.strip(),
        effective_on=effective_on or timezone.localdate(), changed_by=changed_by)
    area.risk_level = level
    area.save(update_fields=["risk_level", "updated_at"])
    return change


@transaction.atomic
def create_site(model: type[SiteT], *, area: Area, code: str, name: str,
                **fields: Any) -> SiteT:
    """A new checkpoint, facility or warehouse in `area` (the caller checked the user may)."""
    site = model(area=area, code=code, name=name, **fields)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def update_site(site: SiteT, **fields: Any) -> SiteT:
    """Edit a site, its area included; the audit log keeps each field's old and new value."""
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    return site
