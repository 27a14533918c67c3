"""Importers and exporters by name.

Apps register theirs in AppConfig.ready(), so that core, which imports no app, can find them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from epigrid.core.access import can
from epigrid.core.exports import Column
from epigrid.core.imports.base import Importer

_importers: dict[str, type[Importer]] = {}
_exporters: dict[str, ExportSpec] = {}


@dataclass(frozen=True)
class ExportSpec:
    """What `epigrid export NAME` writes: the rows (within an area code, or all) and columns.

    `queryset(area_code)` raises LookupError for an unknown area code.
    """

    name: str
    label: Any
    columns: Sequence[Column]
    queryset: Callable[[str | None], QuerySet[Any]]


def register_importer(importer: type[Importer]) -> type[Importer]:
    _importers[importer.name] = importer
    return importer


def get_importer(name: str) -> type[Importer]:
    try:
        return _importers[name]
    except KeyError:
        raise LookupError(f"no importer named {name!r}; known: {sorted(_importers)}") from None


def importers() -> list[type[Importer]]:
    return list(_importers.values())


def importers_for(user: Any) -> list[type[Importer]]:
    """The importers `user` may run (all of them for the command line, which has no user)."""
    return [importer for importer in _importers.values()
            if user is None or can(user, importer.capability)]


def register_exporter(spec: ExportSpec) -> ExportSpec:
    _exporters[spec.name] = spec
    return spec


def get_exporter(name: str) -> ExportSpec:
    try:
        return _exporters[name]
    except KeyError:
        raise LookupError(f"no exporter named {name!r}; known: {sorted(_exporters)}") from None


def exporters() -> list[ExportSpec]:
    return list(_exporters.values())
