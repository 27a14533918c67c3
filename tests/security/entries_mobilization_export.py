"""Security-matrix entry of the mobilization export page (merged into the matrix).

`prepare` has Alice record a person sent down to village A1, so that a town-A export holds a row
of it. As the supervision export: a run writing the caller's own scope (their subtree, no area
named), followed on its run's page; the page itself names no record, and an area asked for in
its link is offered only when the caller sees it (`?area=` town A: not in an outsider's menu).
Who gets which rows is tested in tests/mobilization/test_exporters.py.
"""

from __future__ import annotations

from django.utils import timezone

from epigrid.mobilization import services
from tests.base import World
from tests.security.matrix import Entry, page


def prepare(w: World) -> None:
    services.deploy(w.village_a1, by=w.alice, name="Matrix: Chen Dongcheng",
                    unit="District Housing Bureau", phone="16600004404",
                    arrived_on=timezone.localdate())


PAGES: dict[str, Entry] = {
    "mobilization:export": page(methods=("get", "post"),
                                data={"kind": "mobilization_people", "format": "csv"},
                                queries=("", "?area={town_a}&kind=mobilization_ledger"),
                                insider_ok=frozenset({200, 302}), shows_a=False),
}

API: dict[str, Entry] = {}
