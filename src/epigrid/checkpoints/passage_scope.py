"""The checkpoints a user may log passages at, among some ids: one hand-written query per batch.

Every passage request checks its checkpoint. `passages.checkpoints_for_logging` states the rule
with the ORM (checkpoint staff: their assigned checkpoints; other roles that may log: their
area's; an administrator: all); compiling that query with its area took more CPU than running
it, at every single-passage request. `loggable_checkpoints` asks the same question in SQL, for
the given ids only, and loads just the columns recording needs (the area's path, not its
boundary); tests/checkpoints/test_passage_queries.py holds the two to the same answers for
every role. A lone passage on PostgreSQL asks it inside the statement that stores it
(`scope_condition`, passage_rows.store_checked).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

from django.db import connection

from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints.models import Assignment
from epigrid.core.access import PATH_END, Capability, Role, can, sees_everything
from epigrid.core.rows import Columns, fetch_all

_CHECKPOINT = Columns(Checkpoint, ("id", "code", "name", "active", "area", "kind"), "c")
_AREA = Columns(Area, ("id", "parent", "level", "code", "name", "path"), "a")


# What a user may log at (passages.checkpoints_for_logging): the assigned checkpoints of checkpoint
# staff, everything for those who see everything, else the area's subtree.
ASSIGNED, ALL, SUBTREE = "assigned", "all", "subtree"


def scope_of(user: Any) -> tuple[str, list[Any]] | None:
    """Where `user` may log: the scope's kind and its parameters, in the order of
    `scope_condition`'s placeholders; None when nowhere."""
    if not can(user, Capability.LOG_PASSAGES):
        return None
    if user.role == Role.CHECKPOINT_STAFF and not user.is_superuser:
        return ASSIGNED, [user.pk]
    if sees_everything(user):
        return ALL, []
    path = user.scope_path
    if not path:
        return None
    return SUBTREE, [path, path + PATH_END]


def scope_condition(scope: str, typed: bool = False) -> str:
    """` AND ...`: the condition on the checkpoint `c` and its area `a` that keeps the scope's
    checkpoints (its parameters: `scope_of`'s). `typed`: placeholders bound in binary with
    their types (`%b::bigint`), for a statement run through `core.rows.execute_binary`."""
    user_id, path = ("%b::bigint", "%b::text") if typed else ("%s", "%s")
    if scope == ASSIGNED:
        return (" AND c.id IN (SELECT s.checkpoint_id FROM "  # noqa: S608 - our own names
                f"{connection.ops.quote_name(Assignment._meta.db_table)} s "
                f"WHERE s.user_id = {user_id})")
    if scope == SUBTREE:
        return f" AND a.path >= {path} AND a.path < {path}"
    return ""


@functools.cache
def _sql(vendor: str, count: int, scope: str) -> str:
    quote = connection.ops.quote_name
    where = f"c.id IN ({', '.join(['%s'] * count)}){scope_condition(scope)}"
    return (f"SELECT {_CHECKPOINT.sql()}, {_AREA.sql()} "  # noqa: S608 - only our own names
            f"FROM {quote(Checkpoint._meta.db_table)} c "
            f"JOIN {quote(Area._meta.db_table)} a ON a.id = c.area_id WHERE {where}")


def loggable_checkpoints(user: Any, ids: Collection[int]) -> dict[int, Checkpoint]:
    """Those of `ids` that `user` may log at, by id, each with its area loaded."""
    scope = scope_of(user) if ids else None
    if scope is None:
        return {}
    kind, scope_params = scope
    rows = fetch_all(_sql(connection.vendor, len(ids), kind), [*ids, *scope_params])
    found: dict[int, Checkpoint] = {}
    for row in rows:
        checkpoint = _CHECKPOINT.instance(row[:len(_CHECKPOINT)])
        checkpoint.area = _AREA.instance(row[len(_CHECKPOINT):])
        found[checkpoint.pk] = checkpoint
    return found
