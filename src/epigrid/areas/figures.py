"""An area's children with their figures, in a constant number of queries.

Every child of an area has a path of the same length, so the sites of the whole subtree are
grouped by the first `len(child.path)` characters of their area's path: one GROUP BY per site
model, whatever the number of children (a district of 274 villages is 5 queries, not 274).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Substr

from epigrid.areas.models import SEGMENT_WIDTH, Area, Checkpoint, Facility, Site, Warehouse

SITE_MODELS: dict[str, type[Site]] = {
    "checkpoints": Checkpoint, "facilities": Facility, "warehouses": Warehouse}


@dataclass
class ChildRow:
    area: Area
    checkpoints: int = 0
    facilities: int = 0
    warehouses: int = 0


@dataclass
class ChildrenTable:
    rows: list[ChildRow]
    # Sites attached to the parent area itself, not to any child.
    direct: ChildRow
    total: ChildRow = field(init=False)

    def __post_init__(self) -> None:
        total = ChildRow(area=self.direct.area)
        for row in [*self.rows, self.direct]:
            total.checkpoints += row.checkpoints
            total.facilities += row.facilities
            total.warehouses += row.warehouses
        self.total = total

    @property
    def population(self) -> int:
        return sum(row.area.population for row in self.rows)

    @property
    def households(self) -> int:
        return sum(row.area.households for row in self.rows)

    @property
    def has_direct_sites(self) -> bool:
        d = self.direct
        return bool(d.checkpoints or d.facilities or d.warehouses)


def site_counts_by_prefix(parent: Area, prefix_length: int) -> dict[str, dict[str, int]]:
    """For each site model, the number of sites in the parent's subtree per path prefix."""
    counts: dict[str, dict[str, int]] = {}
    for name, model in SITE_MODELS.items():
        grouped = (model.objects.within(parent.path)
                   .annotate(prefix=Substr("area__path", 1, prefix_length))
                   .values_list("prefix").annotate(n=Count("id")).order_by())
        counts[name] = dict(grouped)
    return counts


def children_table(parent: Area) -> ChildrenTable:
    children = list(Area.objects.filter(parent=parent).order_by("name", "code"))
    for child in children:
        child.parent = parent  # known already: exports read parent.code without a query each
    prefix_length = len(parent.path) + SEGMENT_WIDTH + 1
    counts = site_counts_by_prefix(parent, prefix_length)

    def row(area: Area) -> ChildRow:
        # The parent's own sites have a path shorter than the prefix: Substr keeps it whole.
        return ChildRow(area, *(counts[name].get(area.path, 0) for name in SITE_MODELS))

    return ChildrenTable(rows=[row(child) for child in children], direct=row(parent))
