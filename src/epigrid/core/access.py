"""Roles, what each may do, and the subtree a user sees. The rules are written in docs/access.md.

core imports no app, so a user is anything with the attributes of `ScopedUser`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Every area path ends with this separator; the subtree of path P is P <= path < P + PATH_END.
PATH_END = "~"


class Role(models.TextChoices):
    COMMAND = "command", _("Command (dispatch, data team)")
    AREA_OFFICER = "area_officer", _("Area officer")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CHECKPOINT_STAFF = "checkpoint_staff", _("Checkpoint staff")
    MEDICAL = "medical", _("Medical and transfer")
    LOGISTICS = "logistics", _("Logistics")
    SUPERVISOR = "supervisor", _("Supervisor")
    VOLUNTEER = "volunteer", _("Volunteer")
    ADMIN = "admin", _("Administrator")


class Capability(models.TextChoices):
    """A thing a role may do, beyond seeing the records of its subtree."""

    CHANGE_AREAS = "change_areas", _("Create, edit and move areas")
    CHANGE_RISK = "change_risk", _("Change risk levels")
    CHANGE_SITES = "change_sites", _("Create and edit sites")
    IMPORT = "import", _("Import records")
    EXPORT = "export", _("Export lists")
    VIEW_AUDIT = "view_audit", _("Browse the audit log")
    CHANGE_REGISTRY = "change_registry", _("Register and edit households and persons")
    REVEAL_IDENTITY = "reveal_identity", _("Reveal full ID numbers and phones")
    SCREEN = "screen", _("Record door-to-door screening")
    MANAGE_CAMPAIGNS = "manage_campaigns", _("Start screening campaigns")
    VIEW_CASES = "view_cases", _("See cases, quarantines and contacts")
    CHANGE_CASES = "change_cases", _("Report cases and change their state")
    FOLLOW_UP = "follow_up", _("Record quarantine follow-ups")
    LAB_RESULTS = "lab_results", _("Enter and resolve lab results")
    TRACE_CONTACTS = "trace_contacts", _("Record contacts and exposures")
    LOG_PASSAGES = "log_passages", _("Log passages at checkpoints")
    MANAGE_SHIFTS = "manage_shifts", _("Plan checkpoint duty shifts")
    UPDATE_BEDS = "update_beds", _("Update facilities' bed figures")
    PLAN_TRANSFERS = "plan_transfers", _("Plan and track patient transfers")
    RAISE_PROBLEMS = "raise_problems", _("Raise problems")
    RESOLVE_PROBLEMS = "resolve_problems", _("Assign and close problems")
    REFRESH_FIGURES = "refresh_figures", _("Recompute the daily figures")
    SEND_NOTICES = "send_notices", _("Send notices to the users of areas")
    REQUEST_SUPPLIES = "request_supplies", _("Request supplies for an area")
    MANAGE_SUPPLIES = "manage_supplies", _("Keep warehouses' stock, donations and allocation")
    SUPERVISE = "supervise", _("Register documents, set and accept tasks, inspect sites")
    HANDLE_TASKS = "handle_tasks", _("Report on supervised tasks and rectify findings")
    MOBILIZE = "mobilize", _("Keep teams, people sent down and commendations; apply for "
                             "payments")
    APPROVE_PAYMENTS = "approve_payments", _("Approve condolence and subsidy payments")
    KEEP_FUNDS = "keep_funds", _("Keep funds' ledgers: receipts and payments made")
    MANAGE_VOLUNTEERS = "manage_volunteers", _("Register volunteers, organise their projects "
                                               "and record their hours")
    MANAGE_USERS = "manage_users", _("Manage users")


_ALL = frozenset(Capability)
CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.COMMAND: frozenset({Capability.CHANGE_AREAS, Capability.CHANGE_RISK,
                             Capability.CHANGE_SITES, Capability.IMPORT, Capability.EXPORT,
                             Capability.CHANGE_REGISTRY, Capability.REVEAL_IDENTITY,
                             Capability.SCREEN, Capability.MANAGE_CAMPAIGNS,
                             Capability.VIEW_CASES, Capability.CHANGE_CASES, Capability.FOLLOW_UP,
                             Capability.LAB_RESULTS, Capability.TRACE_CONTACTS,
                             Capability.LOG_PASSAGES, Capability.MANAGE_SHIFTS,
                             Capability.UPDATE_BEDS, Capability.PLAN_TRANSFERS,
                             Capability.RAISE_PROBLEMS, Capability.RESOLVE_PROBLEMS,
                             Capability.REFRESH_FIGURES, Capability.SEND_NOTICES,
                             Capability.REQUEST_SUPPLIES, Capability.MANAGE_SUPPLIES,
                             Capability.SUPERVISE, Capability.HANDLE_TASKS,
                             Capability.MOBILIZE, Capability.APPROVE_PAYMENTS,
                             Capability.MANAGE_VOLUNTEERS}),
    Role.AREA_OFFICER: frozenset({Capability.CHANGE_SITES, Capability.IMPORT, Capability.EXPORT,
                                  Capability.CHANGE_REGISTRY, Capability.SCREEN,
                                  Capability.MANAGE_CAMPAIGNS, Capability.VIEW_CASES,
                                  Capability.CHANGE_CASES,
                                  Capability.FOLLOW_UP, Capability.TRACE_CONTACTS,
                                  Capability.LOG_PASSAGES, Capability.MANAGE_SHIFTS,
                                  Capability.RAISE_PROBLEMS, Capability.RESOLVE_PROBLEMS,
                                  Capability.SEND_NOTICES, Capability.REQUEST_SUPPLIES,
                                  Capability.HANDLE_TASKS, Capability.MOBILIZE,
                                  Capability.MANAGE_VOLUNTEERS}),
    # Grid workers follow up the quarantined of their grid, so they see its cases.
    Role.GRID_WORKER: frozenset({Capability.CHANGE_REGISTRY, Capability.SCREEN,
                                 Capability.VIEW_CASES, Capability.FOLLOW_UP,
                                 Capability.RAISE_PROBLEMS}),
    # Checkpoint staff log passages only at the checkpoints they are assigned to.
    Role.CHECKPOINT_STAFF: frozenset({Capability.LOG_PASSAGES, Capability.RAISE_PROBLEMS}),
    Role.MEDICAL: frozenset({Capability.EXPORT, Capability.REVEAL_IDENTITY,
                             Capability.VIEW_CASES, Capability.CHANGE_CASES, Capability.FOLLOW_UP,
                             Capability.LAB_RESULTS, Capability.TRACE_CONTACTS,
                             Capability.UPDATE_BEDS, Capability.PLAN_TRANSFERS,
                             Capability.RAISE_PROBLEMS, Capability.RESOLVE_PROBLEMS,
                             Capability.REQUEST_SUPPLIES, Capability.HANDLE_TASKS}),
    Role.LOGISTICS: frozenset({Capability.EXPORT, Capability.RAISE_PROBLEMS,
                               Capability.RESOLVE_PROBLEMS, Capability.REQUEST_SUPPLIES,
                               Capability.MANAGE_SUPPLIES, Capability.HANDLE_TASKS,
                               Capability.KEEP_FUNDS}),
    Role.SUPERVISOR: frozenset({Capability.EXPORT, Capability.VIEW_CASES, Capability.SUPERVISE,
                                Capability.HANDLE_TASKS}),
    Role.VOLUNTEER: frozenset(),
}


class ScopedUser(Protocol):
    is_authenticated: bool
    is_active: bool
    is_superuser: bool
    role: str

    @property
    def scope_path(self) -> str | None: ...


def sees_everything(user: ScopedUser) -> bool:
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.role == Role.ADMIN))


def can(user: ScopedUser, capability: Capability) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return capability in CAPABILITIES.get(user.role, frozenset())


def require(user: ScopedUser, capability: Capability) -> None:
    """Refuse (403) a user whose role lacks `capability`, saying which: the pages' and
    services' one check (the API's is core.api.require, which answers in the API's shape)."""
    if not can(user, capability):
        raise PermissionDenied(gettext("Your role may not do this: %(what)s.")
                               % {"what": capability.label})


def roles_with(capability: Capability) -> list[str]:
    """The roles that hold `capability`."""
    return [role for role, held in CAPABILITIES.items() if capability in held]


class AreaPathField(models.CharField):
    """An area path (or a record's copy of it), compared byte by byte on every database.

    `subtree_q` and every ORDER BY path need digits, "/" and PATH_END in code-point order.
    PostgreSQL compares text by the database's collation, which is the server's locale when it
    was created: under zh_CN.UTF-8 or en_US.UTF-8 (ICU or glibc) "~" sorts before the digits,
    so "0001/0002/" < "0001/~" is false and an officer's range would hold none of her area's
    children. The column's own collation "C" makes it hold whatever the database's default.
    SQLite compares text byte by byte (BINARY) already."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        parameters: dict[str, Any] = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


def subtree_q(field: str, path: str) -> models.Q:
    """Rows whose `field` (an area path) lies in the subtree rooted at `path`: one index range."""
    return models.Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_END})


_QS = TypeVar("_QS", bound="ScopedQuerySet")


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows where its rows' area path is, so it can be restricted to a user.

    Models set `scope_path_field` ("path" on Area itself, "area__path" on a site, a denormalized
    "area_path" on high-volume tables). Every list, detail, API response and export goes through
    `restrict()`; a model without a path cannot be restricted by accident.
    """

    def restrict(self, user: ScopedUser) -> ScopedQuerySet:
        field: str = self.model.scope_path_field
        return self.restrict_by(user, lambda path: subtree_q(field, path))

    def restrict_by(self: _QS, user: ScopedUser, seen: Callable[[str], models.Q]) -> _QS:
        """All rows for an administrator, none for a user without an active area, else the
        rows `seen(scope_path)` admits: a model seen from two ends (a task by the area that
        handles it and the desk that set it) restricts itself through this."""
        if sees_everything(user):
            return self.all()
        if not (user.is_authenticated and user.is_active):
            return self.none()
        path = user.scope_path
        if not path:
            return self.none()
        return self.filter(seen(path))

    def within(self, path: str) -> ScopedQuerySet:
        field: str = self.model.scope_path_field
        return self.filter(subtree_q(field, path))
