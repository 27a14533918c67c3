"""An app's export of an area's subtree written in the background (core.export_jobs): logged
when asked for, read again in its user's scope when it runs. Supplies, supervision and
mobilization each hold an `AreaExports` of their own exports (`SPECS`); `within_code` narrows an
export's rows for `epigrid export KIND --within AREA_CODE`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.core import audit
from epigrid.core.access import Capability, ScopedUser, can, require
from epigrid.core.export_jobs import start_export
from epigrid.core.exports import FORMATS, Column
from epigrid.core.imports.registry import ExportSpec
from epigrid.core.models import ExportRun

Records = Callable[[str, Any, Area | None], QuerySet[Any]]


def within_code(rows: Any, code: str | None) -> QuerySet[Any]:
    """`rows` in the subtree of the area with this code (None: everywhere); LookupError if
    there is no such area."""
    if code is None:
        return rows
    path = Area.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise LookupError(code)
    return rows.within(path)


def start_area_export(user: ScopedUser, name: str, *, fmt: str, area: Area | None,
                      specs: Mapping[str, ExportSpec], logged_as: Mapping[str, type[Model]]
                      ) -> ExportRun:
    """Log the export (under its model in `logged_as`) and have it written: the user's subtree,
    or `area` of it. Needs Capability.EXPORT; `name` is one of `specs`, `fmt` csv or xlsx."""
    require(user, Capability.EXPORT)
    if name not in specs or fmt not in FORMATS:
        raise LookupError(f"{name}.{fmt}")
    file_name = f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    audit.record("export", model=logged_as[name]._meta.label, object_repr=file_name,
                 changes={"kind": name, "format": fmt, "area": area.code if area else ""},
                 area_path=area.path if area else "")
    return start_export(name, user, fmt=fmt, file_name=file_name,
                        params={"area": area.pk if area else None})


def area_run(run: ExportRun, specs: Mapping[str, ExportSpec], records_for: Records
             ) -> tuple[QuerySet[Any], list[Column], str]:
    """A run's rows, columns and title: its user's scope as it is now, narrowed to its area
    (PermissionDenied when the user may no longer export, or no longer sees the area)."""
    user: Any = run.user
    if user is None or not can(user, Capability.EXPORT):
        raise PermissionDenied
    area = None
    if run.params.get("area") is not None:
        area = Area.objects.restrict(user).filter(pk=run.params["area"]).first()
        if area is None:
            raise PermissionDenied
    spec = specs[run.exporter]
    return records_for(spec.name, user, area), list(spec.columns), spec.name


@dataclass(frozen=True)
class AreaExports:
    """An app's exports (`specs`, each a queryset with `restrict` and `within`), each logged
    under its model in `logged_as`."""

    specs: Mapping[str, ExportSpec]
    logged_as: Mapping[str, type[Model]]

    def records_for(self, name: str, user: ScopedUser, area: Area | None = None
                    ) -> QuerySet[Any]:
        """The export's rows that `user` sees, narrowed to `area`'s subtree (one of the user's:
        the caller fetched it through the user's scope)."""
        rows = self.specs[name].queryset(None).restrict(user)  # type: ignore[attr-defined]
        return rows.within(area.path) if area is not None else rows

    def start(self, user: ScopedUser, name: str, *, fmt: str, area: Area | None = None
              ) -> ExportRun:
        """Log the export and have it written in the background."""
        return start_area_export(user, name, fmt=fmt, area=area, specs=self.specs,
                                 logged_as=self.logged_as)

    def run(self, run: ExportRun) -> tuple[QuerySet[Any], list[Column], str]:
        """A run's rows, columns and title, read again in its user's scope."""
        return area_run(run, self.specs, self.records_for)
