"""The navigation bar: which entries each role sees. Apps add entries here as they arrive."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.core.access import Capability, ScopedUser, can


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    capability: Capability | None = None

    def url(self) -> str:
        return reverse(self.url_name)


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("Areas"), "areas:browse"),
    NavEntry(_("Checkpoints"), "areas:checkpoints"),
    NavEntry(_("Facilities"), "areas:facilities"),
    NavEntry(_("Warehouses"), "areas:warehouses"),
    NavEntry(_("Imports"), "areas:import", Capability.IMPORT),
    NavEntry(_("Audit log"), "core:audit", Capability.VIEW_AUDIT),
)


def entries_for(user: ScopedUser) -> list[NavEntry]:
    if not user.is_authenticated:
        return []
    return [entry for entry in ENTRIES if entry.capability is None or can(user, entry.capability)]
