"""Security-matrix entries of the registry's imports routes (merged into the matrix).

Each route name or "METHOD /api/path" maps to an Entry from tests.security.matrix; see
test_url_matrix.py for examples (page(), obj(lambda w: w.<town-A object>, ...)).
"""

from __future__ import annotations

from tests.security.matrix import Entry, page

PAGES: dict[str, Entry] = {
    # The roster import itself goes through imports:new (kind "roster"). The export's form
    # lists the user's areas; its POST starts a run writing the user's own scope (masked)
    # and goes to the run's page (core.export_jobs; entries_core_exports).
    "registry:roster_export": page(methods=("get", "post"), data={"format": "csv"},
                                   insider_ok=frozenset({200, 302})),
}
API: dict[str, Entry] = {
    # As the page's POST: a run writing the caller's own scope, masked (the matrix asks for no
    # full values: those need a reason and the right, tested in tests/registry).
    "POST /api/registry/roster-exports": page(methods=("post",), data={"format": "csv"},
                                              insider_ok=frozenset({201}), shows_a=False),
}
