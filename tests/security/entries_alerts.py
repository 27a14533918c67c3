"""Security-matrix entries of the inbox. A receipt is its user's alone: Alice's notice about
Village A1 is invisible to everyone else."""

from __future__ import annotations

from typing import Any

from epigrid.alerts.models import Receipt
from epigrid.alerts.services import notify
from epigrid.core.access import Role
from tests.base import World
from tests.security.matrix import Entry, obj, page


def _alice_notice(w: World) -> Receipt:
    notify([w.town_a], [Role.AREA_OFFICER], "Fever in Village A1")
    return Receipt.objects.filter(user=w.alice).latest("pk")


def _receipt_id(w: World) -> dict[str, Any]:
    return {"receipt_id": _alice_notice(w).pk}


PAGES: dict[str, Entry] = {
    "alerts:inbox": page(shows_a=False),
    "alerts:open": obj(_alice_notice, methods=("post",), insider_ok=frozenset({302})),
    "alerts:read_all": page(methods=("post",), insider_ok=frozenset({302}), shows_a=False),
}
API: dict[str, Entry] = {
    "GET /api/alerts/inbox": page(shows_a=False),
    "GET /api/alerts/inbox/unread": page(shows_a=False),
    "POST /api/alerts/inbox/{receipt_id}/read": obj(_receipt_id, methods=("post",)),
}
