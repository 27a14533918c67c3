"""Security-matrix entry of the volunteers export page (merged into the matrix).

`prepare` has Alice register a volunteer in village A1, so that a town-A export holds a row of
it. As the mobilization export: a run writing the caller's own scope (their subtree, no area
named), followed on its run's page; the page itself names no record, and an area asked for in
its link is offered only when the caller sees it (`?area=` town A: not in an outsider's menu).
Who gets which rows is tested in tests/volunteers/test_exporters.py.
"""

from __future__ import annotations

from django.utils import timezone

from epigrid.volunteers import services
from tests.base import World
from tests.security.matrix import Entry, page


def prepare(w: World) -> None:
    services.register(w.village_a1, by=w.alice, name="Matrix: Export Volunteer",
                      phone="17700072001", registered_on=timezone.localdate())


PAGES: dict[str, Entry] = {
    "volunteers:export": page(methods=("get", "post"),
                              data={"kind": "volunteers_roster", "format": "csv"},
                              queries=("", "?area={town_a}&kind=volunteer_hours"),
                              insider_ok=frozenset({200, 302}), shows_a=False),
}

API: dict[str, Entry] = {}
