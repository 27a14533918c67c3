"""Security-matrix entries of the stock pages and the catalogue (merged into the matrix).

`prepare` stocks town A's depot with a matrix item and has village A1 ask for some of it. The
area and warehouse pages are read by anyone who sees town A (the insider: Alice, the officer);
recording a movement and allocating need MANAGE_SUPPLIES, which officers lack: their insider
is town A's command user. Outsiders get 404 for town A's warehouse before any capability is
looked at, and the matrix's recordings are refused as bad input (no item), so no call writes.

The catalogue belongs to no area: its list shows no town's names, and the logistics and command
desks of every town may change it. The matrix calls its edit page with an id no item has (404
for everyone, so that town B's command, who may edit items, is not taken for a leak) and posts
an empty new item (refused); who may change an item is tested in tests/supplies.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import Category, Item, Priority, Recipient
from tests.base import World
from tests.security.matrix import Entry, obj, page

ITEM_CODE = "matrix-stock-n95"
INSIDER = "a_command"
REFUSED = frozenset({400})


def prepare(w: World) -> None:
    item = Item.objects.create(code=ITEM_CODE, name="Matrix N95", unit="pcs",
                               category=Category.MASKS, priority=Priority.SCARCE)
    services.receive(w.warehouse_a, item, 100, by=w.command, party="City reserve")
    services.raise_request(w.village_a1, by=w.alice, item=item, quantity=30,
                           recipient=Recipient.MEDICAL,
                           needed_by=timezone.localdate() + datetime.timedelta(days=2))


def _item(w: World) -> Item:
    return Item.objects.get(code=ITEM_CODE)


def _record(kind: str) -> Entry:
    # No item: refused on its field (400) once past the 404 and the 403.
    return obj(lambda w: {"pk": w.warehouse_a.pk, "kind": kind}, methods=("post",),
               data={"quantity": "5", "counted": "5", "party": "Matrix", "note": "matrix"},
               insider=INSIDER, insider_ok=REFUSED)


PAGES: dict[str, Entry] = {
    "supplies:index": page(insider_ok=frozenset({302}), shows_a=False),  # to the home area
    "supplies:stock": obj(lambda w: w.town_a, queries=("", "?category=masks", "?page=2")),
    "supplies:warehouse": obj(lambda w: w.warehouse_a, queries=("", "?before=1")),
    "supplies:record": _record("receipt"),
    # The allocation issues its proposal: the insider's POST gives village A1 its 30 masks.
    "supplies:allocate": obj(lambda w: {"pk": w.warehouse_a.pk, "item_id": _item(w).pk},
                             methods=("get", "post"), data={"note": "matrix"},
                             insider=INSIDER, insider_ok=frozenset({200, 302})),
    "supplies:items": page(queries=("", "?category=masks"), shows_a=False),
    "supplies:item_new": page(methods=("get", "post"), data={"code": "", "name": ""},
                              insider=INSIDER, insider_ok=frozenset({200}) | REFUSED,
                              shows_a=False),
    # As the roster's: a run writing the caller's own scope (their subtree, no area named).
    "supplies:export": page(methods=("get", "post"), data={"kind": "supply_stock",
                                                           "format": "csv"},
                            insider_ok=frozenset({200, 302}), shows_a=False),
    "supplies:item_edit": obj(lambda w: {"pk": 0}, methods=("get", "post"),
                              data={"code": "", "name": ""}, insider=INSIDER,
                              insider_ok=frozenset({404}), shows_a=False),
}

API: dict[str, Entry] = {}
