"""Columns of area and site exports. Headers are the importers' column labels, so that an
exported file imports again unchanged (the importers read the labels in every language)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from epigrid.areas.importers import (
    AreaImporter,
    CheckpointImporter,
    FacilityImporter,
    WarehouseImporter,
)
from epigrid.areas.models import Area, Checkpoint, Facility, Warehouse
from epigrid.core.exports import Column, field
from epigrid.core.imports.base import Importer
from epigrid.core.imports.registry import ExportSpec


def _columns(importer: type[Importer], getters: dict[str, str]) -> list[Column]:
    return [Column(importer.column(name).label, field(attr)) for name, attr in getters.items()]


AREA_COLUMNS = _columns(AreaImporter, {
    "code": "code", "name": "name", "level": "level", "parent_code": "parent.code",
    "population": "population", "households": "households", "latitude": "latitude",
    "longitude": "longitude"})
_SITE_HEAD = {"code": "code", "name": "name", "area_code": "area.code"}
_SITE_TAIL = {"address": "address", "latitude": "latitude", "longitude": "longitude",
              "phone": "phone"}
CHECKPOINT_COLUMNS = _columns(CheckpointImporter, {**_SITE_HEAD, "kind": "kind", **_SITE_TAIL})
FACILITY_COLUMNS = _columns(FacilityImporter, {**_SITE_HEAD, "kind": "kind", **_SITE_TAIL})
WAREHOUSE_COLUMNS = _columns(WarehouseImporter, {**_SITE_HEAD, **_SITE_TAIL})


def _area_path(code: str | None) -> str | None:
    if code is None:
        return None
    path = Area.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise LookupError(code)
    return path


def areas(within: str | None = None) -> QuerySet[Any]:
    """Parents come before their children (path order), so the file re-imports in one pass."""
    path = _area_path(within)
    rows = Area.objects.select_related("parent").order_by("path")
    return rows.within(path) if path else rows


def _sites(model: Any) -> Any:
    def rows(within: str | None = None) -> QuerySet[Any]:
        path = _area_path(within)
        found = model.objects.select_related("area").order_by("code")
        return found.within(path) if path else found
    return rows


EXPORTS = (
    ExportSpec("areas", _("Areas"), AREA_COLUMNS, areas),
    ExportSpec("checkpoints", _("Checkpoints"), CHECKPOINT_COLUMNS, _sites(Checkpoint)),
    ExportSpec("facilities", _("Facilities"), FACILITY_COLUMNS, _sites(Facility)),
    ExportSpec("warehouses", _("Warehouses"), WAREHOUSE_COLUMNS, _sites(Warehouse)),
)
