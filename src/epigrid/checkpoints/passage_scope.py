"""The checkpoints a user may log passages at, among some ids: one hand-written query per batch.

Every passage request checks its checkpoint. `passages.checkpoints_for_logging` states the rule
with the ORM (checkpoint staff: their assigned checkpoints; other roles that may log: their
area's; an administrator: all); compiling that query with its area took more CPU than running
it, at every single-passage request. `loggable_checkpoints` asks the same question in SQL, for
the given ids only, and loads just the columns recording needs (the area's path, not its
boundary); tests/checkpoints/test_passage_queries.py holds the two to the same answers for
every role.
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


@functools.cache
def _sql(vendor: str, count: int, scope: str) -> str:
    quote = connection.ops.quote_name
    where = f"c.id IN ({', '.join(['%s'] * count)})"
    if scope == "assigned":
        where += (" AND c.id IN (SELECT s.checkpoint_id FROM "  # noqa: S608 - our own names
                  f"{quote(Assignment._meta.db_table)} s WHERE s.user_id = %s)")
    elif scope == "subtree":
        where += " AND a.path >= %s AND a.path < %s"
    return (f"SELECT {_CHECKPOINT.sql()}, {_AREA.sql()} "  # noqa: S608 - only our own names
            f"FROM {quote(Checkpoint._meta.db_table)} c "
            f"JOIN {quote(Area._meta.db_table)} a ON a.id = c.area_id WHERE {where}")


def loggable_checkpoints(user: Any, ids: Collection[int]) -> dict[int, Checkpoint]:
    """Those of `ids` that `user` may log at, by id, each with its area loaded."""
    if not ids or not can(user, Capability.LOG_PASSAGES):
        return {}
    params: list[Any] = list(ids)
    if user.role == Role.CHECKPOINT_STAFF and not user.is_superuser:
        scope = "assigned"
        params.append(user.pk)
    elif sees_everything(user):
        scope = "all"
    else:
        path = user.scope_path
        if not path:
            return {}
        scope = "subtree"
        params += [path, path + PATH_END]
    rows = fetch_all(_sql(connection.vendor, len(ids), scope), params)
    found: dict[int, Checkpoint] = {}
    for row in rows:
        checkpoint = _CHECKPOINT.instance(row[:len(_CHECKPOINT)])
        checkpoint.area = _AREA.instance(row[len(_CHECKPOINT):])
        found[checkpoint.pk] = checkpoint
    return found
