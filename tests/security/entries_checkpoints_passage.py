"""Security-matrix entries of the passage routes (merged into the matrix).

Town A's records are a fever passage of a traveller at East Road (made once by `prepare`, with
its referral; no case, so nothing audited). The insider's writes name no checkpoint the static
body could know, so they are judged and refused per item (200 with errors, 422 for one); the
stored paths are tested in tests/checkpoints/test_passage_*.py. The referral's moves (arrive,
close) find it open again each time they are called, whatever the insider did before.
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from epigrid.checkpoints.models import FeverReferral, Passage
from epigrid.checkpoints.passages import record_passages
from tests.base import World
from tests.security.matrix import Entry, obj, page

KEY = "0b9a7f5e-3c1d-4e2f-8a6b-5d4c3b2a1f00"
ITEM = {"client_id": "0b9a7f5e-3c1d-4e2f-8a6b-5d4c3b2a1f01", "at": "2020-02-10T08:30:00+08:00",
        "direction": "in", "temperature": "36.5"}


TRAVELLER = "Traveller Qian"


def prepare(w: World) -> None:
    if Passage.objects.filter(checkpoint=w.checkpoint_a, name=TRAVELLER).exists():
        return
    at = timezone.now() - datetime.timedelta(minutes=30)
    record_passages(w.alice, w.checkpoint_a, [{
        "client_id": str(uuid.uuid4()), "at": at.isoformat(), "direction": "in",
        "temperature": "38.6", "name": TRAVELLER, "destination_area_id": w.village_a1.pk}])


def town_a_passage(w: World) -> Passage:
    prepare(w)
    return Passage.objects.get(checkpoint=w.checkpoint_a, name=TRAVELLER)


def town_a_referral(w: World) -> FeverReferral:
    return town_a_passage(w).referral


def open_referral(w: World) -> FeverReferral:
    """The traveller's referral, open (not arrived, not closed) again."""
    referral = town_a_referral(w)
    FeverReferral.objects.filter(pk=referral.pk).update(
        status=FeverReferral.Status.OPEN, arrived_at=None, arrived_by=None, closed_at=None,
        closed_by=None, outcome="")
    return referral


MOVED = frozenset({302})
PAGES: dict[str, Entry] = {
    "checkpoints:passage_log_choose": page(queries=("", "?q=East", "?q=CP-A")),
    "checkpoints:passage_worker": page(shows_a=False),  # a script: names no record
    "checkpoints:passage_log": obj(lambda w: w.checkpoint_a, methods=("get", "post"),
                                   data={"client_id": KEY, "direction": "in",
                                         "temperature": "36.5", "decision": "pass"},
                                   insider_ok=frozenset({200, 302})),
    "checkpoints:passage_list": page(queries=("", "?decision=fever", "?direction=in&kind=person")),
    "checkpoints:referrals": page(queries=("", "?status=open")),
    "checkpoints:referral_arrive": obj(open_referral, methods=("post",), insider_ok=MOVED),
    "checkpoints:referral_close": obj(open_referral, methods=("post",),
                                      data={"outcome": "matrix"}, insider_ok=MOVED),
}
API: dict[str, Entry] = {
    "POST /api/passages/batch": page(methods=("post",), data={"passages": [ITEM]},
                                     shows_a=False),
    "POST /api/passages": page(methods=("post",), data=ITEM, shows_a=False,
                               insider_ok=frozenset({422})),
    "GET /api/passages": page(queries=("", "?decision=fever", "?direction=in")),
    "GET /api/passages/{id}": obj(town_a_passage),
    # The page routes ran first and closed the referral: no status filter, it would show none.
    "GET /api/passages/referrals": page(),
    "GET /api/passages/referrals/{id}": obj(town_a_referral),
    "POST /api/passages/referrals/{id}/arrive": obj(open_referral, methods=("post",)),
    "POST /api/passages/referrals/{id}/close": obj(open_referral, methods=("post",),
                                                   data={"outcome": "matrix"}),
}
