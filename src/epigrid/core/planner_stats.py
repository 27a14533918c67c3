"""The query planner's statistics of a table that a bulk write has just grown, refreshed at once.

PostgreSQL plans each query from statistics that its autovacuum daemon refreshes on a schedule
of its own: a minute or more after a change, later on a busy server. A roster import may grow
the persons table from nothing to a million rows in one transaction; until the statistics
follow, the planner still takes the table for a small one, and a look-up by ID number read
every row of the grid's subtree instead of one index entry (measured on a million persons:
250 ms a look-up instead of 3.5 ms). PostgreSQL's manual advises ANALYZE after a bulk load.

ANALYZE runs in the writer's transaction: it counts that transaction's own new rows, and its
statistics are committed (or rolled back) with them. It samples a fixed number of rows (30,000
with the default target), so it costs about the same, a fraction of a second, whatever the
table's size. SQLite has no such daemon and plans well enough without statistics: nothing done.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models

# Autovacuum analyzes a table after changes of a tenth of its rows (autovacuum_analyze_scale_
# factor); the same share here (1 / GROWTH_SHARE_OF), and not for a write too small to mislead
# the planner.
GROWTH_SHARE_OF = 10
MIN_ROWS = 1_000


def analyze(tables: Iterable[str]) -> list[str]:
    """ANALYZE the tables, by name: two writers never take their locks in crosswise order."""
    ordered = sorted(set(tables))
    with connection.cursor() as cursor:
        for table in ordered:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return ordered


def estimated_rows(table: str) -> float:
    """What the planner believes the table holds (0 for a table never analyzed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        found = cursor.fetchone()
    return max(0.0, float(found[0])) if found else 0.0


def refresh_if_grown(models_: Iterable[type[models.Model]], written: int) -> list[str]:
    """ANALYZE the models' tables that `written` new rows grew by a tenth or more (PostgreSQL);
    the tables analyzed."""
    if connection.vendor != "postgresql" or written < MIN_ROWS:
        return []
    grown = [model._meta.db_table for model in models_
             if written * GROWTH_SHARE_OF >= estimated_rows(model._meta.db_table)]
    return analyze(grown)
