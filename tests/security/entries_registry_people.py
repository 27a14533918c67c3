"""Security-matrix entries of the registry's people routes (merged into the matrix).

Each route name or "METHOD /api/path" maps to an Entry from tests.security.matrix; see
test_url_matrix.py for examples (page(), obj(lambda w: w.<town-A object>, ...)).
"""

from __future__ import annotations

from tests.base import ID_A
from tests.security.matrix import Entry, obj, page

GRID_A1_1 = "420102001001-01"
GRID_A1_2 = "420102001001-02"
REVEAL = {"field": "phone", "reason": "matrix"}
OK_OR_REDIRECT = frozenset({200, 302})
# A grid code embeds its village's code, and a refused form shows back the code it was sent;
# the village code rides along (an unknown field, ignored) so that echo is not taken for a leak.
ECHO = {"echo": "420102001001"}

PAGES: dict[str, Entry] = {
    "registry:household_list": page(queries=("", "?area={town_a}", "?address=East",
                                             "?head=Wang")),
    "registry:household_create": page(
        methods=("get", "post"), shows_a=False, insider_ok=OK_OR_REDIRECT,
        data={"grid_code": GRID_A1_1, "address": "No. 1, Matrix Road", "head_name": "",
              "phone": "", "number": "", **ECHO}),
    "registry:household_detail": obj(lambda w: w.household_a),
    # The insider's edit keeps the household as it was: later calls look for it.
    "registry:household_edit": obj(
        lambda w: w.household_a, methods=("get", "post"), insider_ok=OK_OR_REDIRECT,
        data={"grid_code": GRID_A1_1, "address": "No. 14, East Lane", "head_name": "Wang Jun",
              "number": "A-0014", "phone": ""}),
    # Revealing needs REVEAL_IDENTITY, which officers lack: the insider is a command user.
    "registry:household_reveal": obj(lambda w: w.household_a, methods=("post",), data=REVEAL,
                                     insider="a_command"),
    # Look-ups by ID number or phone are POSTs (no number in a URL); filters are GETs.
    "registry:person_list": page(methods=("get", "post"), data={"id_number": ID_A},
                                 queries=("", "?area={town_a}", "?name=Wang", "?tag=returnee",
                                          "?address=East", "?residency=worker")),
    "registry:person_create": page(
        methods=("get", "post"), shows_a=False, insider_ok=OK_OR_REDIRECT,
        data={"grid_code": GRID_A1_2, "name": "Matrix Visitor", "residency": "visitor",
              "id_number": "", "phone": "", "sex": "unknown", **ECHO}),
    "registry:person_detail": obj(lambda w: w.person_a),
    "registry:person_edit": obj(
        lambda w: w.person_a, methods=("get", "post"), insider_ok=OK_OR_REDIRECT,
        data={"name": "Wang Jun", "residency": "resident", "id_number": "", "phone": "",
              "sex": "male"}),
    # The insider names no household: refused (400), the person stays where the others look.
    "registry:person_move": obj(lambda w: w.person_a, methods=("get", "post"),
                                data={"grid_code": GRID_A1_1, **ECHO},
                                insider_ok=frozenset({200, 400})),
    "registry:person_reveal": obj(lambda w: w.person_a, methods=("post",),
                                  data={"field": "id_number", "reason": "matrix"},
                                  insider="a_command"),
    # Town A has no duplicate in the test world: the page shows none (the stories are in
    # tests/registry/test_duplicates.py) and the insider's resolve is refused with a 400.
    "registry:duplicates": page(shows_a=False),
    "registry:duplicate_resolve": obj(lambda w: w.person_a, methods=("post",),
                                      data={"note": "matrix"},
                                      insider_ok=frozenset({400})),
}

API: dict[str, Entry] = {
    "GET /api/registry/households/": page(queries=("", "?area={town_a}", "?q=East",
                                                   "?head=Wang")),
    "GET /api/registry/households/{id}": obj(lambda w: w.household_a),
    "POST /api/registry/households/": page(
        methods=("post",), insider_ok=frozenset({201}),
        data={"grid_code": GRID_A1_1, "address": "No. 2, Matrix Road", **ECHO}),
    # The insider's change leaves the record as it was: later calls look for it.
    "PATCH /api/registry/households/{id}": obj(lambda w: w.household_a, methods=("patch",),
                                               data={"address": "No. 14, East Lane"}),
    "POST /api/registry/households/{id}/reveal": obj(lambda w: w.household_a,
                                                     methods=("post",), data=REVEAL,
                                                     insider="a_command"),
    "GET /api/registry/persons/": page(queries=("", "?area={town_a}", "?q=Wang",
                                                "?q=Jun&match=contains", "?address=East",
                                                "?tag=returnee", "?residency=worker")),
    "GET /api/registry/persons/{id}": obj(lambda w: w.person_a),
    "PATCH /api/registry/persons/{id}": obj(lambda w: w.person_a, methods=("patch",),
                                            data={"name": "Wang Jun"}),
    "POST /api/registry/persons/search": page(methods=("post",), data={"id_number": ID_A}),
    "POST /api/registry/persons/": page(
        methods=("post",), insider_ok=frozenset({201}),
        data={"grid_code": GRID_A1_2, "name": "Matrix Worker", "residency": "worker",
              **ECHO}),
    "POST /api/registry/persons/{id}/reveal": obj(lambda w: w.person_a, methods=("post",),
                                                  data={"field": "id_number",
                                                        "reason": "matrix"},
                                                  insider="a_command"),
    # As on the pages: town A has no duplicate in the world, so the insider's settle is a 422.
    "GET /api/registry/duplicates/": page(shows_a=False),
    "POST /api/registry/persons/{id}/resolve-duplicate": obj(
        lambda w: w.person_a, methods=("post",), data={"note": "matrix"},
        insider_ok=frozenset({422})),
}
