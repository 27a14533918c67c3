"""Writes of supplies: the ledger's movements, donations, requests. Allocation: allocation.py.

Pages, the API and the demo all come here; a refusal is a ValidationError naming the field.
The caller has fetched the warehouse (and the request's area) through the user's scope.

Rules:
- a quantity is a whole number above zero; the item is in use (a count adjustment may touch
  any item); a movement's time is not in the future;
- nothing leaves a warehouse that it does not hold: each write that takes stock out locks the
  warehouse, then reads its balance, so two desks issuing at once cannot overdraw it;
- a transfer goes between two different warehouses, both in the user's sight;
- an issue against a request serves a request still waiting, of the same item, from an area in
  the warehouse's subtree, and no more than it still waits for; it then counts as partly
  issued or issued in full;
- a count adjustment 盘点 gives the stock counted and says why; the ledger takes the difference;
- a request still waiting is cancelled, with a reason, by whoever asked or a logistics desk.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.access import may_see_path
from epigrid.areas.models import Area, Warehouse, ancestor_paths
from epigrid.core.access import Role
from epigrid.supplies.access import require_may_cancel
from epigrid.supplies.models import (
    OUTSTANDING,
    Donation,
    Donor,
    Item,
    Kind,
    Movement,
    Recipient,
    RequestStatus,
    SupplyRequest,
)
from epigrid.supplies.shortage import warn_if_crossed
from epigrid.supplies.stock import balance

Errors = dict[str, list[str]]
# A clock a few minutes fast on a phone is not "the future".
CLOCK_SLACK = datetime.timedelta(minutes=5)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _check_quantity(errors: Errors, quantity: int, field: str = "quantity") -> None:
    if quantity <= 0:
        _add(errors, field, _("Give a quantity above zero."))


def _check_item(errors: Errors, item: Item, field: str = "item") -> None:
    if not item.active:
        _add(errors, field, _("%(item)s is no longer in use.") % {"item": item.name})


def _check_at(errors: Errors, at: datetime.datetime, now: datetime.datetime) -> None:
    if at > now + CLOCK_SLACK:
        _add(errors, "at", _("%(at)s is in the future.") % {"at": timezone.localtime(at)
                                                             .strftime("%Y-%m-%d %H:%M")})


def lock(warehouse: Warehouse) -> Warehouse:
    """The warehouse's row locked to the end of the transaction: its stock cannot change under
    a write that reads it first."""
    return (Warehouse.objects.select_for_update(of=("self",)).select_related("area")
            .get(pk=warehouse.pk))


def _check_stock(errors: Errors, warehouse: Warehouse, item: Item, quantity: int,
                 field: str = "quantity") -> int:
    """What the warehouse holds of the item; an error when it is less than `quantity`."""
    held = balance(warehouse, item)
    if quantity > held:
        _add(errors, field, _("%(warehouse)s holds only %(held)d %(unit)s of %(item)s.")
             % {"warehouse": warehouse.name, "held": held, "unit": item.unit,
                "item": item.name})
    return held


def write_line(warehouse: Warehouse, item: Item, kind: str, quantity: int, by: Any,
               at: datetime.datetime, **fields: Any) -> Movement:
    """A ledger line, its rules asked already (the warehouse locked by the caller)."""
    return Movement.objects.create(warehouse=warehouse, area_path=warehouse.area.path,
                                   item=item, kind=kind, quantity=quantity, at=at,
                                   recorded_by=by, **fields)


@transaction.atomic
def receive(warehouse: Warehouse, item: Item, quantity: int, *, by: Any, party: str = "",
            note: str = "", at: datetime.datetime | None = None) -> Movement:
    """Stock received 入库 (bought, or sent from above), from `party`."""
    now = timezone.now()
    at = at or now
    errors: Errors = {}
    _check_item(errors, item)
    _check_quantity(errors, quantity)
    _check_at(errors, at, now)
    _raise(errors)
    return write_line(lock(warehouse), item, Kind.RECEIPT, quantity, by, at,
                      party=party.strip(), note=note.strip())


def _check_request(errors: Errors, request: SupplyRequest, warehouse: Warehouse, item: Item,
                   quantity: int) -> None:
    if request.item_id != item.pk:
        _add(errors, "request", _("The request is for %(item)s.") % {"item": request.item.name})
    elif not request.is_outstanding:
        _add(errors, "request", _("The request is %(status)s: nothing more is issued to it.")
             % {"status": request.get_status_display()})
    elif not request.area_path.startswith(warehouse.area.path):
        _add(errors, "request", _("%(area)s is not served by %(warehouse)s.")
             % {"area": request.area.name, "warehouse": warehouse.name})
    elif quantity > (left := request.quantity - issued_to(request)):
        _add(errors, "quantity", _("The request waits for %(left)d %(unit)s only.")
             % {"left": left, "unit": item.unit})


def issued_to(request: SupplyRequest) -> int:
    """What has been issued against the request."""
    total = Movement.objects.filter(request=request, kind=Kind.ISSUE).aggregate(
        total=Sum("quantity"))["total"]
    return -int(total or 0)


@transaction.atomic
def issue(warehouse: Warehouse, item: Item, quantity: int, *, by: Any,
          request: SupplyRequest | None = None, party: str = "", note: str = "",
          at: datetime.datetime | None = None) -> Movement:
    """Stock issued 发放 to `party`, or against an area's request (which then counts it)."""
    now = timezone.now()
    at = at or now
    warehouse = lock(warehouse)
    if request is not None:
        request = (SupplyRequest.objects.select_for_update(of=("self",))
                   .select_related("area", "item").get(pk=request.pk))
    errors: Errors = {}
    _check_quantity(errors, quantity)
    _check_at(errors, at, now)
    if request is None and not party.strip():
        _add(errors, "party", _("Say who receives it, or issue it against a request."))
    if request is not None and quantity > 0:
        _check_request(errors, request, warehouse, item, quantity)
    held = _check_stock(errors, warehouse, item, quantity) if not errors else 0
    _raise(errors)
    movement = write_line(warehouse, item, Kind.ISSUE, -quantity, by, at, request=request,
                          party=party.strip() or (request.area.name if request else ""),
                          note=note.strip())
    if request is not None:
        _settle(request)
    warn_if_crossed(warehouse, item, held, held - quantity)
    return movement


def _settle(request: SupplyRequest) -> None:
    filled = issued_to(request) >= request.quantity
    status = RequestStatus.FILLED if filled else RequestStatus.PARTLY
    if request.status != status:
        request.status = status
        request.save(update_fields=["status", "updated_at"])


@transaction.atomic
def transfer(source: Warehouse, target: Warehouse, item: Item, quantity: int, *, by: Any,
             note: str = "", at: datetime.datetime | None = None) -> tuple[Movement, Movement]:
    """Stock moved 调拨 from one warehouse to another: a line out of one, a line into the other.
    `by` must see the target (None: the system's own, such as the demo's)."""
    now = timezone.now()
    at = at or now
    errors: Errors = {}
    _check_item(errors, item)
    _check_quantity(errors, quantity)
    _check_at(errors, at, now)
    if target.pk == source.pk:
        _add(errors, "target", _("Choose another warehouse to move it to."))
    elif by is not None and not may_see_path(by, target.area.path):
        _add(errors, "target", _("No such warehouse."))
    _raise(errors)
    # Both locked, in the order of their ids: two opposite transfers at once cannot deadlock.
    first, second = sorted((source, target), key=lambda site: site.pk)
    locked = {site.pk: lock(site) for site in (first, second)}
    source, target = locked[source.pk], locked[target.pk]
    held = _check_stock(errors, source, item, quantity)
    _raise(errors)
    out = write_line(source, item, Kind.TRANSFER_OUT, -quantity, by, at, party=target.name,
                     note=note.strip())
    into = write_line(target, item, Kind.TRANSFER_IN, quantity, by, at, party=source.name,
                      note=note.strip(), counterpart=out)
    out.counterpart = into
    out.save(update_fields=["counterpart"])
    warn_if_crossed(source, item, held, held - quantity)
    return out, into


@transaction.atomic
def adjust(warehouse: Warehouse, item: Item, counted: int, *, by: Any, note: str,
           at: datetime.datetime | None = None) -> Movement | None:
    """A stock count 盘点: the ledger takes the difference to what was counted (None when the
    count agrees). The note says why they differ (breakage, expiry, a miscount)."""
    now = timezone.now()
    at = at or now
    warehouse = lock(warehouse)
    errors: Errors = {}
    if counted < 0:
        _add(errors, "counted", _("A count cannot be below zero."))
    if not note.strip():
        _add(errors, "note", _("Say why the count differs from the ledger."))
    _check_at(errors, at, now)
    _raise(errors)
    held = balance(warehouse, item)
    if counted == held:
        return None
    line = write_line(warehouse, item, Kind.ADJUSTMENT, counted - held, by, at,
                      note=note.strip())
    warn_if_crossed(warehouse, item, held, counted)
    return line


@transaction.atomic
def record_donation(warehouse: Warehouse, *, by: Any, donor: str, donor_kind: str,
                    lines: Sequence[tuple[Item, int]], contact: str = "", note: str = "",
                    received_at: datetime.datetime | None = None) -> Donation:
    """A donation 捐赠 received at the warehouse: one ledger line per item given."""
    now = timezone.now()
    received_at = received_at or now
    errors: Errors = {}
    if not donor.strip():
        _add(errors, "donor", _("Name the donor."))
    if donor_kind not in Donor.values:
        _add(errors, "donor_kind", _("Unknown kind of donor %(value)s.") % {"value": donor_kind})
    if not lines:
        _add(errors, "lines", _("List at least one item given."))
    seen: set[int] = set()
    for number, (item, quantity) in enumerate(lines, start=1):
        field = f"lines.{number}"
        _check_item(errors, item, field)
        _check_quantity(errors, quantity, field)
        if item.pk in seen:
            _add(errors, field, _("%(item)s is listed twice: give its total once.")
                 % {"item": item.name})
        seen.add(item.pk)
    if received_at > now + CLOCK_SLACK:
        _add(errors, "received_at", _("%(at)s is in the future.")
             % {"at": timezone.localtime(received_at).strftime("%Y-%m-%d %H:%M")})
    _raise(errors)
    warehouse = lock(warehouse)
    donation = Donation.objects.create(
        donor=donor.strip(), donor_kind=donor_kind, contact=contact.strip(), note=note.strip(),
        warehouse=warehouse, area_path=warehouse.area.path, received_at=received_at,
        recorded_by=by)
    for item, quantity in lines:
        write_line(warehouse, item, Kind.DONATION, quantity, by, received_at,
                   donation=donation, party=donation.donor)
    return donation


@transaction.atomic
def raise_request(area: Area, *, by: Any, item: Item, quantity: int, recipient: str,
                  needed_by: datetime.date, reason: str = "") -> SupplyRequest:
    """An area asks for supplies 物资申请; the logistics desks above it are told."""
    errors: Errors = {}
    _check_item(errors, item)
    _check_quantity(errors, quantity)
    if recipient not in Recipient.values:
        _add(errors, "recipient", _("Unknown recipients %(value)s.") % {"value": recipient})
    if needed_by < timezone.localdate():
        _add(errors, "needed_by", _("The day %(day)s is in the past: give today or a later "
                                    "day.") % {"day": needed_by.isoformat()})
    _raise(errors)
    request = SupplyRequest.objects.create(
        area=area, area_path=area.path, item=item, quantity=quantity, recipient=recipient,
        needed_by=needed_by, reason=reason.strip(), requested_by=by)
    transaction.on_commit(lambda: _tell_logistics(request))
    return request


def _tell_logistics(request: SupplyRequest) -> None:
    """The logistics desks of the area and of every area above it learn of a new request."""
    def wording() -> tuple[str, str]:
        return (_("%(area)s asks for %(quantity)d %(unit)s of %(item)s")
                % {"area": request.area.name, "quantity": request.quantity,
                   "unit": request.item.unit, "item": request.item.name},
                _("For %(recipient)s, needed by %(day)s.")
                % {"recipient": request.get_recipient_display(),
                   "day": request.needed_by.isoformat()})

    notify(ancestor_paths(request.area_path), [Role.LOGISTICS], worded(wording),
           link=reverse("supplies:request", args=[request.pk]), exact=True)


@transaction.atomic
def cancel_request(request: SupplyRequest, *, by: Any, note: str) -> SupplyRequest:
    """Withdraw a request still waiting (what was issued to it stays issued): its requester or
    a logistics desk who sees it (`access.may_cancel`; anyone else: PermissionDenied)."""
    require_may_cancel(by, request)
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    errors: Errors = {}
    if request.status not in OUTSTANDING:
        _add(errors, "status", _("The request is %(status)s already.")
             % {"status": request.get_status_display()})
    if not note.strip():
        _add(errors, "note", _("Say why the request is cancelled."))
    _raise(errors)
    request.status = RequestStatus.CANCELLED
    request.cancel_note = note.strip()
    request.save(update_fields=["status", "cancel_note", "updated_at"])
    return request
