"""The navigation bar: which entries each role sees. Apps add entries here as they arrive."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epigrid.core.access import Capability, Role, ScopedUser, can, roles_with, sees_everything


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    capability: Capability | None = None
    group: str | Promise | None = None  # entries of one group share a drop-down menu
    # Whose bar shows the entry (None: everyone's). Only a shorter bar, never access: the page
    # itself answers by capability and area.
    roles: frozenset[str] | None = None

    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavLink:
    """An entry as the bar shows it to one request."""

    label: str | Promise
    url: str
    active: bool
    group: str | Promise | None = None


@dataclass(frozen=True)
class NavGroup:
    """A drop-down menu of links, or a single link when it holds only one (label None)."""

    label: str | Promise | None
    links: tuple[NavLink, ...]

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


# Who works at checkpoints and with beds; a grid worker's phone bar stays short.
DUTY = frozenset({Role.COMMAND, Role.AREA_OFFICER, Role.CHECKPOINT_STAFF, Role.SUPERVISOR})
BEDS = frozenset({Role.COMMAND, Role.MEDICAL, Role.SUPERVISOR})
REPORTERS = frozenset({Role.COMMAND, Role.AREA_OFFICER, Role.SUPERVISOR})
# Who asks for supplies or keeps the warehouses.
SUPPLY_ROLES = frozenset(roles_with(Capability.REQUEST_SUPPLIES)
                         + roles_with(Capability.MANAGE_SUPPLIES))
# Who sets supervised tasks or handles them 督办.
SUPERVISION_ROLES = frozenset(roles_with(Capability.HANDLE_TASKS)
                              + roles_with(Capability.SUPERVISE))
# Who keeps the people sent down and the fund 力量下沉 (and the supervisor, who reads them).
MOBILIZATION_ROLES = frozenset(roles_with(Capability.MOBILIZE)
                               + roles_with(Capability.APPROVE_PAYMENTS)
                               + roles_with(Capability.KEEP_FUNDS) + [Role.SUPERVISOR])
# Who keeps the volunteers 志愿服务, and who reads them: the supervisor, the volunteers.
VOLUNTEER_ROLES = frozenset(roles_with(Capability.MANAGE_VOLUNTEERS)
                            + [Role.SUPERVISOR, Role.VOLUNTEER])
SITES, REGISTRY, CASES, CHECKPOINTS, CARE, SUPPLIES, SUPERVISION, MOBILIZATION, VOLUNTEERS = (
    _("Sites"), _("Residents"), _("Cases"), _("Checkpoint duty"), _("Care"), _("Supplies"),
    _("Supervision"), _("Mobilization"), _("Volunteers"))
ROLL_UP, NOTICES = _("Roll-up"), _("Notices")
ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("Areas"), "areas:browse"),
    NavEntry(_("Checkpoints"), "areas:checkpoints", group=SITES),
    NavEntry(_("Facilities"), "areas:facilities", group=SITES),
    NavEntry(_("Warehouses"), "areas:warehouses", group=SITES),
    NavEntry(_("Residents"), "registry:person_list", group=REGISTRY),
    NavEntry(_("Screening"), "registry:screening_today", Capability.SCREEN, group=REGISTRY),
    NavEntry(_("Progress"), "registry:progress_index", group=REGISTRY),
    NavEntry(_("Roster"), "registry:roster_export", Capability.EXPORT, group=REGISTRY),
    # Lists of persons and their health, for the roles that see cases. The case figures are
    # counts, open to all; every role holding the capabilities below also sees cases.
    NavEntry(_("Cases"), "cases:case_list", Capability.VIEW_CASES, group=CASES),
    NavEntry(_("Quarantine"), "cases:quarantine_list", Capability.VIEW_CASES, group=CASES),
    NavEntry(_("Follow-ups today"), "cases:followup_today", Capability.FOLLOW_UP, group=CASES),
    NavEntry(_("Case figures"), "cases:figure_index", group=CASES),
    NavEntry(_("Lab results"), "cases:lab_list", Capability.LAB_RESULTS, group=CASES),
    NavEntry(_("Contacts to trace"), "cases:contact_todo", Capability.TRACE_CONTACTS,
             group=CASES),
    NavEntry(_("Clusters"), "cases:cluster_list", Capability.TRACE_CONTACTS, group=CASES),
    NavEntry(_("Log passages"), "checkpoints:passage_log_choose", Capability.LOG_PASSAGES,
             group=CHECKPOINTS),
    NavEntry(_("Passages"), "checkpoints:passage_list", group=CHECKPOINTS, roles=DUTY),
    NavEntry(_("Fever referrals"), "checkpoints:referrals", group=CHECKPOINTS, roles=DUTY),
    NavEntry(_("Duty roster"), "checkpoints:duty_index", group=CHECKPOINTS, roles=DUTY),
    NavEntry(_("Checkpoint figures"), "checkpoints:figure_index", group=CHECKPOINTS, roles=DUTY),
    NavEntry(_("Beds"), "care:bed_index", group=CARE, roles=BEDS),
    NavEntry(_("Awaiting admission"), "care:bed_awaiting", Capability.VIEW_CASES, group=CARE,
             roles=BEDS),
    NavEntry(_("Transfers"), "care:plan_index", Capability.VIEW_CASES, group=CARE, roles=BEDS),
    NavEntry(_("Transfer dashboard"), "care:dashboard_index", group=CARE, roles=BEDS),
    NavEntry(_("Stock"), "supplies:index", group=SUPPLIES, roles=SUPPLY_ROLES),
    NavEntry(_("Requests"), "supplies:requests", group=SUPPLIES, roles=SUPPLY_ROLES),
    NavEntry(_("Donations"), "supplies:donations", group=SUPPLIES, roles=SUPPLY_ROLES),
    NavEntry(_("Items"), "supplies:items", group=SUPPLIES, roles=SUPPLY_ROLES),
    NavEntry(_("Tasks"), "supervision:tasks", group=SUPERVISION, roles=SUPERVISION_ROLES),
    NavEntry(_("Documents"), "supervision:documents", group=SUPERVISION,
             roles=SUPERVISION_ROLES),
    NavEntry(_("To read"), "supervision:reading", group=SUPERVISION, roles=SUPERVISION_ROLES),
    NavEntry(_("Inspections"), "supervision:inspections", group=SUPERVISION,
             roles=SUPERVISION_ROLES),
    NavEntry(_("Findings to rectify"), "supervision:findings", group=SUPERVISION,
             roles=SUPERVISION_ROLES),
    NavEntry(_("Task ledger export"), "supervision:export", Capability.EXPORT,
             group=SUPERVISION, roles=SUPERVISION_ROLES),
    NavEntry(_("People sent down"), "mobilization:deployments", group=MOBILIZATION,
             roles=MOBILIZATION_ROLES),
    NavEntry(_("Teams"), "mobilization:teams", group=MOBILIZATION, roles=MOBILIZATION_ROLES),
    NavEntry(_("Commendations"), "mobilization:commendations", group=MOBILIZATION,
             roles=MOBILIZATION_ROLES),
    NavEntry(_("Funds"), "mobilization:funds", group=MOBILIZATION, roles=MOBILIZATION_ROLES),
    NavEntry(_("Payments"), "mobilization:payments", group=MOBILIZATION,
             roles=MOBILIZATION_ROLES),
    NavEntry(_("Roster and ledger export"), "mobilization:export", Capability.EXPORT,
             group=MOBILIZATION, roles=MOBILIZATION_ROLES),
    NavEntry(_("Volunteers"), "volunteers:volunteers", group=VOLUNTEERS, roles=VOLUNTEER_ROLES),
    NavEntry(_("Projects"), "volunteers:projects", group=VOLUNTEERS, roles=VOLUNTEER_ROLES),
    NavEntry(_("Roster and hours export"), "volunteers:export", Capability.EXPORT,
             group=VOLUNTEERS, roles=VOLUNTEER_ROLES),
    # 我的志愿服务: in the menu of those who read volunteers (the page answers anyone: a grid
    # worker may volunteer where they live too, at its address, without a menu entry at work).
    NavEntry(_("My volunteering"), "volunteers:me", group=VOLUNTEERS, roles=VOLUNTEER_ROLES),
    NavEntry(_("Certificates of hours"), "volunteers:certificate_lookup", group=VOLUNTEERS,
             roles=VOLUNTEER_ROLES),
    NavEntry(_("Dashboard"), "dashboards:index", group=ROLL_UP),
    NavEntry(_("Daily figures"), "reporting:index", group=ROLL_UP),
    NavEntry(_("Daily report"), "reporting:report_index", group=ROLL_UP, roles=REPORTERS),
    NavEntry(_("Dispatch meeting"), "briefing:index", group=ROLL_UP, roles=REPORTERS),
    NavEntry(_("Problems"), "problems:list", group=ROLL_UP),
    NavEntry(_("Raise a problem"), "problems:raise", Capability.RAISE_PROBLEMS, group=ROLL_UP),
    NavEntry(_("Risk levels"), "reporting:risk_levels", group=ROLL_UP),
    NavEntry(_("Risk proposals"), "reporting:risk_proposals", Capability.CHANGE_RISK,
             group=ROLL_UP),
    NavEntry(_("Imports"), "imports:list", Capability.IMPORT),
    NavEntry(_("Audit log"), "core:audit", Capability.VIEW_AUDIT),
    NavEntry(_("Send a notice"), "alerts:send", Capability.SEND_NOTICES, group=NOTICES),
    NavEntry(_("Sent notices"), "alerts:sent_list", Capability.SEND_NOTICES, group=NOTICES),
    NavEntry(_("Inbox"), "alerts:inbox"),  # alone: its link carries the unread count
)


def entries_for(user: ScopedUser) -> list[NavEntry]:
    if not user.is_authenticated:
        return []
    return [entry for entry in ENTRIES
            if (entry.capability is None or can(user, entry.capability))
            and (entry.roles is None or user.role in entry.roles or sees_everything(user))]


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
    return [NavLink(entry.label, url, url == active, entry.group) for entry, url in resolved]


def groups_for(links: list[NavLink]) -> list[NavGroup]:
    """The links in bar order, those of a group gathered where its first one stands."""
    groups: list[NavGroup] = []
    seen: dict[str, int] = {}
    for link in links:
        key = str(link.group) if link.group is not None else None
        if key is not None and key in seen:
            index = seen[key]
            groups[index] = NavGroup(groups[index].label, (*groups[index].links, link))
            continue
        if key is not None:
            seen[key] = len(groups)
        groups.append(NavGroup(link.group, (link,)))
    # A group the user sees one entry of is just that link.
    return [group if len(group.links) > 1 else NavGroup(None, group.links) for group in groups]


def first_url_under(user: ScopedUser, prefix: str) -> str | None:
    """The URL of the user's first bar entry under `prefix` (an app's root, "/care/"), or None.

    An entry the bar leaves out for the user's role still counts (`roles` only shortens the
    bar); one whose capability the user lacks does not."""
    if not user.is_authenticated:
        return None
    for entry in ENTRIES:
        if entry.capability is not None and not can(user, entry.capability):
            continue
        try:
            url = entry.url()
        except NoReverseMatch:
            continue
        if url.startswith(prefix):
            return url
    return None
