"""API of supplies 物资保障 (router mounted at /api/supplies): the catalogue, stock figures, each
warehouse's ledger, donations, requests, and allocation by priority.

Everything with a place is read through the user's subtree: a warehouse, donation or request
out of sight answers 404 as a missing one. Keeping stock (movements, donations, allocation, the
catalogue) needs MANAGE_SUPPLIES, raising a request REQUEST_SUPPLIES (403); its requester or a
MANAGE_SUPPLIES user may cancel one. The catalogue belongs to no area. Every write goes through
`supplies.services` (allocation through `supplies.allocation`, the catalogue `supplies.items`);
their refusals answer 422 naming the field (a donation's lines as `lines.<index>`, the index
in the body's list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import (
    Q,
    QuerySet,
)
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from epigrid.areas.access import root_area_for
from epigrid.areas.api import visible_area
from epigrid.areas.models import Area, Warehouse
from epigrid.core.access import Capability, subtree_q
from epigrid.core.api import (
    NumberedPage,
    NumberParams,
    Page,
    PageParams,
    api_user,
    field_errors,
    get_object_for_user,
    keyset_page,
    not_found,
    numbered_page,
    require,
)
from epigrid.supplies import allocation, services
from epigrid.supplies.access import cancel_refused, may_cancel
from epigrid.supplies.api_order_schemas import (
    AllocateIn,
    AllocationOut,
    CancelIn,
    DonationDetailOut,
    DonationFilters,
    DonationIn,
    DonationOut,
    RequestDetailOut,
    RequestFilters,
    RequestIn,
    RequestOut,
    allocation_out,
)
from epigrid.supplies.api_schemas import (
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemPatchIn,
    MovementFilters,
    MovementIn,
    MovementOut,
    StockOut,
    StockParams,
    WarehouseStockOut,
    stock_row_out,
)
from epigrid.supplies.items import save_item
from epigrid.supplies.models import (
    OUTSTANDING,
    Donation,
    Item,
    Movement,
    SupplyRequest,
)
from epigrid.supplies.queries import desk_order, with_issued
from epigrid.supplies.stock import balance, stock_rows

router = Router(tags=["supplies"])
T = TypeVar("T")


# --- helpers -----------------------------------------------------------------------------------

def _service(call: Callable[[], T], names: Mapping[str, str] | None = None) -> T:
    """Run a service; its refusals come back under the API's field names."""
    try:
        return call()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed = names or {}
        raise field_errors({renamed.get(name, name): messages
                            for name, messages in error.message_dict.items()}) from None


def _warehouse(request: HttpRequest, pk: int) -> Warehouse:
    found: Warehouse = get_object_for_user(Warehouse.objects.select_related("area"),
                                           api_user(request), pk)
    return found


def _no_item(pk: int) -> str:
    return _("No item %(id)s in the catalogue.") % {"id": pk}


def _item(pk: int, field: str | None = "item") -> Item:
    """The catalogue's item `pk`: missing, a path's answers 404, a body's 422 on `field`."""
    item = Item.objects.filter(pk=pk).first()
    if item is None:
        raise not_found() if field is None else field_errors({field: [_no_item(pk)]})
    return item


def _movements() -> QuerySet[Movement]:
    return Movement.objects.select_related("warehouse", "item", "recorded_by")


def _with_issued(rows: QuerySet[SupplyRequest]) -> QuerySet[SupplyRequest]:
    return with_issued(rows.select_related("area", "item", "requested_by"))


def _request(request: HttpRequest, pk: int) -> SupplyRequest:
    found: SupplyRequest = get_object_for_user(_with_issued(SupplyRequest.objects.all()),
                                               api_user(request), pk)
    return found


# --- the catalogue -----------------------------------------------------------------------------

@router.get("/items", response=Page[ItemOut], summary="The catalogue of supplies")
def list_items(request: HttpRequest, filters: Query[ItemFilters],
               page: Query[PageParams]) -> dict[str, Any]:
    rows = Item.objects.all()
    if filters.q:
        rows = rows.filter(Q(code__icontains=filters.q) | Q(name__icontains=filters.q))
    if filters.category is not None:
        rows = rows.filter(category=filters.category)
    if filters.active is not None:
        rows = rows.filter(active=filters.active)
    return keyset_page(rows, page)


@router.post("/items", response={201: ItemOut}, summary="Add an item to the catalogue")
def create_item(request: HttpRequest, payload: ItemIn) -> Status[Any]:
    require(api_user(request), Capability.MANAGE_SUPPLIES)
    return Status(201, _service(lambda: save_item(None, **payload.model_dump())))


@router.patch("/items/{int:item_id}", response=ItemOut,
              summary="Change an item of the catalogue (only the fields sent)")
def change_item(request: HttpRequest, item_id: int, payload: ItemPatchIn) -> Item:
    item = _item(item_id, None)
    require(api_user(request), Capability.MANAGE_SUPPLIES)
    changes = payload.model_dump(exclude_unset=True)
    if nulls := [name for name, value in changes.items() if value is None]:
        raise field_errors({name: [_("This field cannot be null.")] for name in nulls})
    kept = {name: getattr(item, name) for name in ItemIn.model_fields}
    return _service(lambda: save_item(item, **(kept | changes)))


# --- stock -------------------------------------------------------------------------------------

@router.get("/stock", response=StockOut,
            summary="Stock, use and days of supply of each item in an area's warehouses")
def area_stock(request: HttpRequest, params: Query[StockParams]) -> dict[str, Any]:
    user = api_user(request)
    area: Area | None = (get_object_for_user(Area, user, params.area)
                         if params.area is not None else root_area_for(user))
    if area is None:  # no home area: nothing to count
        return {"area_id": None, "area_name": None, "items": []}
    return {"area_id": area.pk, "area_name": area.name,
            "items": [stock_row_out(row) for row in stock_rows(area.path)]}


@router.get("/warehouses/{int:warehouse_id}/stock", response=WarehouseStockOut,
            summary="Stock, use and days of supply of each item at one warehouse")
def warehouse_stock(request: HttpRequest, warehouse_id: int) -> dict[str, Any]:
    warehouse = _warehouse(request, warehouse_id)
    rows = stock_rows(warehouse.area.path, warehouse=warehouse)
    return {"warehouse_id": warehouse.pk, "warehouse_name": warehouse.name,
            "area_id": warehouse.area_id, "area_name": warehouse.area.name,
            "items": [stock_row_out(row) for row in rows]}


# --- the ledger --------------------------------------------------------------------------------

@router.get("/warehouses/{int:warehouse_id}/movements", response=Page[MovementOut],
            summary="A warehouse's ledger, the latest first by when each line happened")
def list_movements(request: HttpRequest, warehouse_id: int, filters: Query[MovementFilters],
                   page: Query[PageParams]) -> dict[str, Any]:
    rows = _movements().filter(warehouse=_warehouse(request, warehouse_id))
    if filters.item is not None:
        rows = rows.filter(item_id=filters.item)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    return keyset_page(rows, page, dated_by="at")


@router.post("/warehouses/{int:warehouse_id}/movements",
             response={200: list[MovementOut], 201: list[MovementOut]},
             summary="Record a receipt, an issue, a transfer or a stock count")
def record_movement(request: HttpRequest, warehouse_id: int, payload: MovementIn) -> Status[Any]:
    """Answers the lines written (201): one, or a transfer's two; a count that agrees with the
    ledger writes none (200)."""
    user = api_user(request)
    warehouse = _warehouse(request, warehouse_id)
    require(user, Capability.MANAGE_SUPPLIES)
    if misfits := payload.misfits():
        raise field_errors(misfits)
    item, at, kind = _item(payload.item), payload.at, payload.kind
    written: list[Movement | None]
    if kind == "receipt":
        written = [_service(lambda: services.receive(
            warehouse, item, payload.quantity or 0, by=user, party=payload.party,
            note=payload.note, at=at))]
    elif kind == "issue":
        serves = None
        if payload.request is not None:
            serves = (SupplyRequest.objects.restrict(user).select_related("area", "item")
                      .filter(pk=payload.request).first())
            if serves is None:
                raise field_errors({"request": [_("No request %(id)s among those you may see.")
                                                % {"id": payload.request}]})
        written = [_service(lambda: services.issue(
            warehouse, item, payload.quantity or 0, by=user, request=serves,
            party=payload.party, note=payload.note, at=at))]
    elif kind == "transfer":
        target = (Warehouse.objects.restrict(user).select_related("area")
                  .filter(pk=payload.target_warehouse).first())
        if target is None:
            raise field_errors({"target_warehouse": [
                _("No warehouse %(id)s among those you may see.")
                % {"id": payload.target_warehouse}]})
        written = list(_service(lambda: services.transfer(
            warehouse, target, item, payload.quantity or 0, by=user, note=payload.note, at=at),
            {"target": "target_warehouse"}))
    else:
        written = [_service(lambda: services.adjust(
            warehouse, item, payload.counted or 0, by=user, note=payload.note, at=at))]
    ids = [movement.pk for movement in written if movement is not None]
    if not ids:
        return Status(200, [])
    return Status(201, list(_movements().filter(pk__in=ids).order_by("pk")))


# --- donations ---------------------------------------------------------------------------------

def _donation(request: HttpRequest, pk: int) -> Donation:
    found: Donation = get_object_for_user(
        Donation.objects.select_related("warehouse", "recorded_by"), api_user(request), pk)
    return found


@router.get("/donations", response=Page[DonationOut],
            summary="Donations received at your area's warehouses, the latest received first")
def list_donations(request: HttpRequest, filters: Query[DonationFilters],
                   page: Query[PageParams]) -> dict[str, Any]:
    rows = Donation.objects.restrict(api_user(request)).select_related("warehouse",
                                                                        "recorded_by")
    if filters.q:
        rows = rows.filter(donor__icontains=filters.q)
    if filters.donor_kind is not None:
        rows = rows.filter(donor_kind=filters.donor_kind)
    if filters.warehouse is not None:
        rows = rows.filter(warehouse_id=filters.warehouse)
    return keyset_page(rows, page, dated_by="received_at")


@router.get("/donations/{int:donation_id}", response=DonationDetailOut,
            summary="One donation with its lines")
def get_donation(request: HttpRequest, donation_id: int) -> Donation:
    return _donation(request, donation_id)


def _line_name(name: str) -> str:
    """The service numbers lines from 1 (`lines.2`); the API names them by index (`lines.1`)."""
    head, _dot, number = name.partition(".")
    return f"{head}.{int(number) - 1}" if head == "lines" and number.isdigit() else name


@router.post("/donations", response={201: DonationDetailOut},
             summary="Record a donation received at a warehouse")
def record_donation(request: HttpRequest, payload: DonationIn) -> Status[Any]:
    user = api_user(request)
    warehouse = _warehouse(request, payload.warehouse)
    require(user, Capability.MANAGE_SUPPLIES)
    items = Item.objects.in_bulk([line.item for line in payload.lines])
    missing: dict[str, list[str]] = {}
    for index, line in enumerate(payload.lines):
        if line.item not in items:
            missing[f"lines.{index}"] = [_no_item(line.item)]
    if missing:
        raise field_errors(missing)
    try:
        donation = services.record_donation(
            warehouse, by=user, donor=payload.donor, donor_kind=payload.donor_kind,
            lines=[(items[line.item], line.quantity) for line in payload.lines],
            contact=payload.contact, note=payload.note, received_at=payload.received_at)
    except ValidationError as error:
        raise field_errors({_line_name(name): messages
                            for name, messages in error.message_dict.items()}) from None
    return Status(201, _donation(request, donation.pk))


# --- requests ----------------------------------------------------------------------------------

@router.get("/requests", response=NumberedPage[RequestOut],
            summary="Requests of your area: those waiting first, in allocation order")
def list_requests(request: HttpRequest, filters: Query[RequestFilters],
                  page: Query[NumberParams]) -> dict[str, Any]:
    user = api_user(request)
    rows = _with_issued(SupplyRequest.objects.restrict(user))
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.waiting:
        rows = rows.filter(status__in=OUTSTANDING)
    if filters.item is not None:
        rows = rows.filter(item_id=filters.item)
    if filters.area is not None:
        rows = rows.filter(subtree_q("area_path", visible_area(user, filters.area, "area").path))
    found = list(desk_order(rows)[page.offset:page.offset + page.limit + 1])
    items, next_page = numbered_page(found, page)
    return {"items": items, "next_page": next_page}


@router.get("/requests/{int:request_id}", response=RequestDetailOut,
            summary="One request with what was issued against it")
def get_request(request: HttpRequest, request_id: int) -> SupplyRequest:
    return _request(request, request_id)


@router.post("/requests", response={201: RequestDetailOut},
             summary="Ask for supplies for an area of yours")
def raise_request(request: HttpRequest, payload: RequestIn) -> Status[Any]:
    user = api_user(request)
    area: Area = get_object_for_user(Area, user, payload.area)
    require(user, Capability.REQUEST_SUPPLIES)
    item = _item(payload.item)
    made = _service(lambda: services.raise_request(
        area, by=user, item=item, quantity=payload.quantity, recipient=payload.recipient,
        needed_by=payload.needed_by, reason=payload.reason))
    return Status(201, _request(request, made.pk))


@router.post("/requests/{int:request_id}/cancel", response=RequestDetailOut,
             summary="Cancel a request still waiting (its requester or a logistics desk)")
def cancel_request(request: HttpRequest, request_id: int, payload: CancelIn) -> SupplyRequest:
    user = api_user(request)
    found = _request(request, request_id)
    if not may_cancel(user, found):
        raise HttpError(403, cancel_refused())
    _service(lambda: services.cancel_request(found, by=user, note=payload.note))
    return _request(request, request_id)


# --- allocation --------------------------------------------------------------------------------

@router.get("/warehouses/{int:warehouse_id}/allocation/{int:item_id}", response=AllocationOut,
            summary="How the warehouse's stock of an item would be shared among the requests")
def propose(request: HttpRequest, warehouse_id: int, item_id: int) -> dict[str, Any]:
    warehouse = _warehouse(request, warehouse_id)
    item = _item(item_id, None)
    stock = balance(warehouse, item)
    shares = allocation.share_out(stock, allocation.waiting_requests(warehouse, item))
    return allocation_out(warehouse, item, stock, shares)


@router.post("/warehouses/{int:warehouse_id}/allocation/{int:item_id}", response=AllocationOut,
             summary="Issue the allocation as it stands: answers the shares issued")
def allocate(request: HttpRequest, warehouse_id: int, item_id: int,
             payload: AllocateIn) -> dict[str, Any]:
    user = api_user(request)
    warehouse = _warehouse(request, warehouse_id)
    item = _item(item_id, None)
    require(user, Capability.MANAGE_SUPPLIES)
    shares = _service(lambda: allocation.allocate(warehouse, item, by=user, note=payload.note))
    return allocation_out(warehouse, item, balance(warehouse, item), shares)
