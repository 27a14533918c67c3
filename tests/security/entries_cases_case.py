"""Security-matrix entries of the case pages and API (merged into the matrix).

Town A's case is Wang Jun's fever case, made once by `prepare`. The insider's writes move it
or open Wang Lei's case: the first call succeeds, later ones (the case has moved on, Wang Lei
already has a case) are refused as bad input, which is why 400/422 are among their answers.
"""

from __future__ import annotations

from typing import Any

from epigrid.cases.models import Case
from tests.base import ID_A, World
from tests.cases.case_helpers import town_a_case
from tests.security.matrix import Entry, obj, page

MOVE = {"state": "suspected", "reason": "matrix"}
ORIGIN = {"origin": "imported", "imported_from": "matrix", "reason": "matrix"}
OPEN = {"state": "fever", "source": "screening", "reason": "matrix"}
PAGE_WRITE = frozenset({200, 302, 400})
API_OPEN = frozenset({201, 422})


def prepare(w: World) -> None:
    town_a_case(w)


def _case(w: World) -> Case:
    return town_a_case(w)


def _open_for(w: World) -> dict[str, Any]:
    return {"pk": w.person_a2.pk}


PAGES: dict[str, Entry] = {
    # Look-ups by ID number or phone are POSTs (no number in a URL); filters are GETs.
    "cases:case_list": page(methods=("get", "post"), data={"id_number": ID_A},
                            queries=("", "?area={town_a}", "?name=Wang", "?state=fever",
                                     "?category=fever", "?status=open", "?source=clinic",
                                     "?origin=imported", "?reported_from=2020-01-01",
                                     "?export=csv")),
    # Full values need REVEAL_IDENTITY, which officers lack: the insider is a command user.
    # The form page itself names nothing of town A.
    "cases:case_export": page(methods=("get", "post"), data={"format": "csv",
                                                             "reason": "matrix"},
                              queries=("", "?area={town_a}"), insider="a_command",
                              shows_a=False),
    "cases:case_detail": obj(_case),
    "cases:case_transition": obj(_case, methods=("post",), data=MOVE,
                                 insider_ok=frozenset({302, 400})),
    "cases:case_origin": obj(_case, methods=("post",), data=ORIGIN,
                             insider_ok=frozenset({302})),
    "cases:case_open": obj(_open_for, methods=("get", "post"), data=OPEN,
                           insider_ok=PAGE_WRITE),
}

API: dict[str, Entry] = {
    "GET /api/cases/": page(queries=("", "?area={town_a}", "?q=Wang", "?state=fever",
                                     "?category=fever", "?open=true", "?source=clinic")),
    "POST /api/cases/search": page(methods=("post",), data={"id_number": ID_A}),
    "GET /api/cases/{id}": obj(_case),
    # The person is named in the body, which the matrix cannot fill with a town-A id: no one
    # finds person 0. Opening town A's person as town B is refused in tests/cases/test_case_api.
    "POST /api/cases/": page(methods=("post",), data={**OPEN, "person_id": 0},
                             insider_ok=frozenset({404})),
    "POST /api/cases/{id}/transitions": obj(_case, methods=("post",), data=MOVE,
                                            insider_ok=frozenset({201, 422})),
    "POST /api/cases/{id}/origin": obj(_case, methods=("post",), data=ORIGIN),
}
