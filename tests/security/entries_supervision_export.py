"""Security-matrix entry of the supervision export page (merged into the matrix).

`prepare` has the district's command set town A a task, so that a town-A export holds a row of
it. As the supplies export: a run writing the caller's own scope (their subtree, no area named),
followed on its run's page; the page itself names no record, and an area asked for in its link
is offered only when the caller sees it (`?area=` town A: not in an outsider's menu). Who gets
which rows is tested in tests/supervision/test_exporters.py.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.supervision import services
from tests.base import World
from tests.security.matrix import Entry, page


def prepare(w: World) -> None:
    services.set_task(w.town_a, by=w.command, title="Matrix: close the Dongcheng market",
                      due_on=timezone.localdate() + datetime.timedelta(days=2))


PAGES: dict[str, Entry] = {
    "supervision:export": page(methods=("get", "post"),
                               data={"kind": "supervision_tasks", "format": "csv"},
                               queries=("", "?area={town_a}&kind=supervision_findings"),
                               insider_ok=frozenset({200, 302}), shows_a=False),
}

API: dict[str, Entry] = {}
