"""Security-matrix entries of the supplies API (merged into the matrix).

Town A's depot holds stock of the matrix's own item (received, and given by a donor), Village
A1 has two requests for it by Alice: one the allocation serves, one she cancels (opened again
whenever the insider has cancelled it). The catalogue belongs to no area: any desk that keeps
supplies may change it, town B's command too, so its PATCH is called with a missing item (id
0) and its POST with a code already taken (422): the matrix writes nothing there, and
tests/supplies/test_api_stock.py checks who may change it. Writes whose body must name an id
the matrix cannot know when it is written (a warehouse, an area, an item) use id 0, missing
for everyone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import (
    Category,
    Donation,
    Item,
    Recipient,
    RequestStatus,
    SupplyRequest,
)
from tests.base import World
from tests.security.matrix import Entry, obj, page

CODE = "matrix-api-gown"
SERVED, CANCELLED = "Matrix API: for the fever clinic", "Matrix API: to cancel"


def _item() -> Item:
    return Item.objects.get(code=CODE)


def prepare(w: World) -> None:
    item = Item.objects.create(code=CODE, name="Matrix isolation gown", unit="pcs",
                               category=Category.PROTECTIVE)
    services.receive(w.warehouse_a, item, 100, by=w.command, party="City reserve")
    services.record_donation(w.warehouse_a, by=w.command, donor="Matrix API Textile Co.",
                             donor_kind="enterprise", lines=[(item, 40)])
    for reason in (SERVED, CANCELLED):
        services.raise_request(w.village_a1, by=w.alice, item=item, quantity=30,
                               recipient=Recipient.MEDICAL, needed_by=timezone.localdate(),
                               reason=reason)


def _warehouse(w: World) -> dict[str, Any]:
    return {"warehouse_id": w.warehouse_a.pk}


def _allocation(w: World) -> dict[str, Any]:
    return {"warehouse_id": w.warehouse_a.pk, "item_id": _item().pk}


def _request(w: World) -> dict[str, Any]:
    return {"request_id": SupplyRequest.objects.get(reason=SERVED).pk}


def _cancellable(w: World) -> dict[str, Any]:
    request = SupplyRequest.objects.get(reason=CANCELLED)
    if request.status == RequestStatus.CANCELLED:
        SupplyRequest.objects.filter(pk=request.pk).update(status=RequestStatus.OPEN)
    return {"request_id": request.pk}


def _donation(w: World) -> dict[str, Any]:
    return {"donation_id": Donation.objects.get(donor="Matrix API Textile Co.").pk}


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
PAGES: dict[str, Entry] = {}
API: dict[str, Entry] = {
    "GET /api/supplies/items": page(queries=("", "?q=matrix", "?category=protective"),
                                    shows_a=False),
    "POST /api/supplies/items": page(methods=("post",), data={
        "code": CODE, "name": "Matrix", "unit": "pcs", "category": "other"},
        insider="a_command", insider_ok=frozenset({422}), shows_a=False),
    "PATCH /api/supplies/items/{item_id}": obj(
        lambda w: {"item_id": 0}, methods=("patch",), data={"name": "Matrix"},
        insider="a_command", insider_ok=frozenset({404}), shows_a=False),
    "GET /api/supplies/stock": page(queries=("", "?area={town_a}")),
    "GET /api/supplies/warehouses/{warehouse_id}/stock": obj(_warehouse),
    "GET /api/supplies/warehouses/{warehouse_id}/movements": obj(
        _warehouse, queries=("", "?kind=receipt", "?limit=1")),
    # Item 0 is missing: the insider, past the 404 and the 403, is refused on `item` (422).
    "POST /api/supplies/warehouses/{warehouse_id}/movements": obj(
        _warehouse, methods=("post",), data={"kind": "receipt", "item": 0, "quantity": 1,
                                             "party": "Matrix"},
        insider="a_command", insider_ok=frozenset({422})),
    "GET /api/supplies/warehouses/{warehouse_id}/allocation/{item_id}": obj(_allocation),
    "POST /api/supplies/warehouses/{warehouse_id}/allocation/{item_id}": obj(
        _allocation, methods=("post",), data={"note": "matrix"}, insider="a_command"),
    "GET /api/supplies/donations": page(queries=("", "?q=Matrix", "?donor_kind=enterprise")),
    "GET /api/supplies/donations/{donation_id}": obj(_donation),
    "POST /api/supplies/donations": page(methods=("post",), data={
        "warehouse": 0, "donor": "Matrix", "donor_kind": "enterprise",
        "lines": [{"item": 0, "quantity": 1}]},
        insider="a_command", insider_ok=frozenset({404}), shows_a=False),
    "GET /api/supplies/requests": page(queries=("", "?waiting=true", "?area={town_a}",
                                                "?status=open")),
    "GET /api/supplies/requests/{request_id}": obj(_request),
    "POST /api/supplies/requests": page(methods=("post",), data={
        "area": 0, "item": 0, "quantity": 1, "recipient": "medical", "needed_by": TOMORROW},
        insider_ok=frozenset({404}), shows_a=False),
    "POST /api/supplies/requests/{request_id}/cancel": obj(_cancellable, methods=("post",),
                                                           data={"note": "matrix"}),
}
