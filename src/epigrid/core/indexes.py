"""Indexes for columns that are only ever compared for equality: keyed hashes.

A keyed hash (HMAC, 64 hex characters) is random: a B-tree over it takes ~100 bytes an entry and
every insert lands on a random leaf, so a bulk load of a million persons spends most of its
time keeping two such trees. A PostgreSQL hash index keeps 4 bytes of hash code an entry, finds
a value in one bucket page and serves `=` and `= ANY` (which are all these columns see). Rows
without a value (the empty string) stay out of it: they would all share one bucket, and nobody
looks them up.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


class EqualityIndex(models.Index):
    """A hash index on PostgreSQL; elsewhere a plain one over every row (SQLite has no other
    kind, and uses a partial index only for a query that repeats its WHERE word for word).

    PostgreSQL proves `col = 'v'` and a short `col IN (...)` within the partial index's
    `NOT col = ''`, but not an IN list of over 100 values or a join: such a query must say
    `NOT col = ''` itself (`.exclude(col="")`), or it scans the table."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "",
                   **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            plain = models.Index(fields=self.fields, name=self.name)
            return plain.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=" USING hash", **kwargs)


def keyed_hash_index(field: str, name: str) -> EqualityIndex:
    """The index of a keyed-hash column, without its empty values."""
    return EqualityIndex(fields=[field], name=name, condition=~Q(**{field: ""}))
