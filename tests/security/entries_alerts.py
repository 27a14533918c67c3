"""Security-matrix entries of the inbox and of notices sent by hand. A receipt is its user's
alone: Alice's notice about Village A1 is invisible to everyone else. A notice Alice sent to
Village A1's grid workers, its readers and those who wait, are seen within town A only, and
reminded from there only (the insider's page reminds them; the API's call after it, within the
hour, is refused: 422)."""

from __future__ import annotations

from typing import Any

from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.sending import send_notice
from epigrid.alerts.services import notify
from epigrid.core.access import Role
from tests.base import World
from tests.security.matrix import Entry, obj, page


def _alice_notice(w: World) -> Receipt:
    notify([w.town_a], [Role.AREA_OFFICER], "Fever in Village A1")
    return Receipt.objects.filter(user=w.alice).latest("pk")


SENT = "Round two in Village A1"


def prepare(w: World) -> None:
    send_notice(w.alice, [w.village_a1], [Role.GRID_WORKER], SENT)


def _alice_sent(w: World) -> Notice:
    return Notice.objects.get(title=SENT)


def _sent_id(w: World) -> dict[str, Any]:
    return {"notice_id": _alice_sent(w).pk}


def _receipt_id(w: World) -> dict[str, Any]:
    return {"receipt_id": _alice_notice(w).pk}


PAGES: dict[str, Entry] = {
    "alerts:inbox": page(shows_a=False),
    "alerts:open": obj(_alice_notice, methods=("post",), insider_ok=frozenset({302})),
    "alerts:read_all": page(methods=("post",), insider_ok=frozenset({302}), shows_a=False),
    # An empty form (no area, no role) is refused: 400, so the matrix itself sends nothing.
    "alerts:send": page(methods=("get", "post"), insider_ok=frozenset({200, 400})),
    "alerts:sent_list": page(),
    "alerts:sent_detail": obj(_alice_sent),
    "alerts:remind": obj(_alice_sent, methods=("post",), insider_ok=frozenset({302})),
}
API: dict[str, Entry] = {
    "GET /api/alerts/inbox": page(shows_a=False),
    "GET /api/alerts/inbox/unread": page(shows_a=False),
    "POST /api/alerts/inbox/{receipt_id}/read": obj(_receipt_id, methods=("post",)),
    "POST /api/alerts/notices": page(methods=("post",), insider_ok=frozenset({422}),
                                     shows_a=False),
    "GET /api/alerts/notices": page(),
    "GET /api/alerts/notices/{notice_id}": obj(_sent_id),
    "GET /api/alerts/notices/{notice_id}/waiting": obj(_sent_id),
    "POST /api/alerts/notices/{notice_id}/remind": obj(_sent_id, methods=("post",),
                                                       insider_ok=frozenset({200, 422})),
}
