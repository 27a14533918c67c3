"""The navigation bar: which entries each role sees. Apps add entries here as they arrive."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
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


@dataclass(frozen=True)
class NavLink:
    """An entry as the bar shows it to one request."""

    label: str | Promise
    url: str
    active: bool


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("Areas"), "areas:browse"),
    NavEntry(_("Checkpoints"), "areas:checkpoints"),
    NavEntry(_("Facilities"), "areas:facilities"),
    NavEntry(_("Warehouses"), "areas:warehouses"),
    NavEntry(_("Residents"), "registry:person_list"),
    NavEntry(_("Screening"), "registry:screening_today", Capability.SCREEN),
    NavEntry(_("Progress"), "registry:progress_index"),
    NavEntry(_("Imports"), "imports:list", Capability.IMPORT),
    NavEntry(_("Roster"), "registry:roster_export", Capability.EXPORT),
    NavEntry(_("Audit log"), "core:audit", Capability.VIEW_AUDIT),
)


def entries_for(user: ScopedUser) -> list[NavEntry]:
    if not user.is_authenticated:
        return []
    return [entry for entry in ENTRIES if entry.capability is None or can(user, entry.capability)]


def links_for(user: ScopedUser, path: str) -> list[NavLink]:
    """The user's entries with the one whose URL is the longest prefix of `path` marked active.

    An entry whose app is not installed in this deployment (its URL name does not resolve) is
    left out rather than breaking every page.
    """
    resolved: list[tuple[NavEntry, str]] = []
    for entry in entries_for(user):
        try:
            resolved.append((entry, entry.url()))
        except NoReverseMatch:
            continue
    matching = [url for _entry, url in resolved if path.startswith(url)]
    active = max(matching, key=len, default=None)
    return [NavLink(entry.label, url, url == active) for entry, url in resolved]
