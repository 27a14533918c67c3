"""Export columns of the area pages: the exporters' columns, plus the children-table counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from epigrid.areas.exporters import (
    AREA_COLUMNS,
    CHECKPOINT_COLUMNS,
    FACILITY_COLUMNS,
    WAREHOUSE_COLUMNS,
)
from epigrid.areas.figures import ChildRow
from epigrid.areas.models import Checkpoint, Facility, Site, Warehouse
from epigrid.core.exports import Column, field

SITE_COLUMNS: dict[type[Site], Sequence[Column]] = {
    Checkpoint: CHECKPOINT_COLUMNS, Facility: FACILITY_COLUMNS, Warehouse: WAREHOUSE_COLUMNS}


def _of_area(column: Column) -> Column:
    def value(row: ChildRow) -> Any:
        return column.value(row.area)
    return Column(column.header, value)


def child_columns() -> list[Column]:
    """A children-table row: the area columns (so the file imports again), its risk level and
    the site counts of its subtree."""
    return [*(_of_area(c) for c in AREA_COLUMNS),
            _of_area(Column(_("risk level"), field("risk_level"))),
            Column(_("checkpoints"), lambda row: row.checkpoints),
            Column(_("facilities"), lambda row: row.facilities),
            Column(_("warehouses"), lambda row: row.warehouses)]
