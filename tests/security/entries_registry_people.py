"""Security-matrix entries of the registry's people routes (merged into the matrix).

Each route name or "METHOD /api/path" maps to an Entry from tests.security.matrix; see
test_url_matrix.py for examples (page(), obj(lambda w: w.<town-A object>, ...)).
"""

from __future__ import annotations

from tests.security.matrix import Entry

PAGES: dict[str, Entry] = {}
API: dict[str, Entry] = {}
