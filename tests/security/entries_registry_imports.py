"""Security-matrix entries of the registry's imports routes (merged into the matrix).

Each route name or "METHOD /api/path" maps to an Entry from tests.security.matrix; see
test_url_matrix.py for examples (page(), obj(lambda w: w.<town-A object>, ...)).
"""

from __future__ import annotations

from tests.security.matrix import Entry, page

PAGES: dict[str, Entry] = {
    # The roster import itself goes through imports:new (kind "roster"). The export's form
    # lists the user's areas; its POST answers the file of the user's own scope (masked).
    "registry:roster_export": page(methods=("get", "post"), data={"format": "csv"}),
}
API: dict[str, Entry] = {}
