"""Security-matrix entries of the supplies app's donation and request pages (merged into the
matrix).

Town A has a donation received at Dongcheng Depot and two requests of village A1 raised by
Alice: one the insiders look at and issue against, one Alice cancels (open again whenever a
call needs it). Writes whose input names an id the matrix cannot know when it is written (the
warehouse to issue from) are sent without it: the insider, past the 404 and the 403, is refused
by the form (400), and nothing is written.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import Category, Donation, Donor, Item, Recipient, SupplyRequest
from tests.base import World
from tests.security.matrix import Entry, obj, page

DONOR, WAITING, TO_CANCEL = "Matrix Donor Co.", "Matrix: fever clinic", "Matrix: to cancel"


def prepare(w: World) -> None:
    masks = Item.objects.create(code="matrix-n95", name="Matrix N95", unit="pcs",
                                category=Category.MASKS)
    services.receive(w.warehouse_a, masks, 100, by=w.command, party="City reserve")
    services.record_donation(w.warehouse_a, by=w.command, donor=DONOR,
                             donor_kind=Donor.ENTERPRISE, lines=[(masks, 500)])
    for reason in (WAITING, TO_CANCEL):
        services.raise_request(w.village_a1, by=w.alice, item=masks, quantity=50,
                               recipient=Recipient.MEDICAL, reason=reason,
                               needed_by=timezone.localdate() + datetime.timedelta(days=1))


def _donation(w: World) -> Donation:
    return Donation.objects.get(donor=DONOR)


def _waiting(w: World) -> SupplyRequest:
    return SupplyRequest.objects.get(reason=WAITING)


def _to_cancel(w: World) -> SupplyRequest:
    """The request Alice cancels, open again whatever a call before did."""
    request = SupplyRequest.objects.get(reason=TO_CANCEL)
    if not request.is_outstanding:
        SupplyRequest.objects.filter(pk=request.pk).update(status="open", cancel_note="")
    return request


EMPTY_FORM = frozenset({200, 400})  # the GET, and an empty form refused (nothing written)
PAGES: dict[str, Entry] = {
    "supplies:donations": page(queries=("", "?q=Matrix", "?area={town_a}",
                                        "?donor_kind=enterprise")),
    # Recording a donation is a logistics desk's (or command's): Alice gets 403.
    "supplies:donation_new": page(methods=("get", "post"), insider="a_command",
                                  insider_ok=EMPTY_FORM),
    "supplies:donation": obj(_donation),
    "supplies:requests": page(queries=("", "?status=any", "?status=cancelled",
                                       "?area={town_a}", "?recipient=medical")),
    "supplies:request_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "supplies:request": obj(_waiting),
    "supplies:request_issue": obj(_waiting, methods=("post",), data={"quantity": "1"},
                                  insider="a_command", insider_ok=frozenset({400})),
    "supplies:request_cancel": obj(_to_cancel, methods=("post",), data={"note": "matrix"},
                                   insider_ok=frozenset({302})),
}

API: dict[str, Entry] = {}
