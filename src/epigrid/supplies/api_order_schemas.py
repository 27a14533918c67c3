"""The supplies API's schemas of donations, requests and allocation (the catalogue, stock
and ledger ones: api_schemas.py)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from epigrid.areas.models import Warehouse
from epigrid.core.api import InSchema
from epigrid.supplies.allocation import Share
from epigrid.supplies.api_schemas import QUANTITY_MAX, ItemFields, local_time, username
from epigrid.supplies.models import (
    Donor,
    Item,
    Kind,
    Movement,
    Recipient,
    RequestStatus,
)


class DonationLineIn(InSchema):
    item: int
    quantity: int = Field(ge=1, le=QUANTITY_MAX)


class DonationIn(InSchema):
    warehouse: int = Field(description="The warehouse that received it (one you may see).")
    donor: str = Field(max_length=200)
    donor_kind: Donor
    contact: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    received_at: datetime.datetime | None = Field(None, description="Default: now.")
    lines: list[DonationLineIn] = Field(max_length=200, description="One per item given; a "
                                                                    "refused line is named "
                                                                    "`lines.<index>`.")

    @field_validator("received_at")
    @classmethod
    def _local(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        return local_time(value)


class DonationOut(Schema):
    id: int
    donor: str
    donor_kind: Donor
    contact: str
    warehouse_id: int
    warehouse_name: str
    received_at: datetime.datetime
    note: str
    recorded_by: str | None

    @staticmethod
    def resolve_warehouse_name(obj: Any) -> str:
        return str(obj.warehouse.name)

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        return username(obj.recorded_by)


class DonationLineOut(ItemFields):
    quantity: int


class DonationDetailOut(DonationOut):
    lines: list[DonationLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Movement]:
        return list(obj.lines.select_related("item").order_by("pk"))


class DonationFilters(InSchema):
    q: str | None = Field(None, max_length=100, description="The donor's name contains this.")
    donor_kind: Donor | None = None
    warehouse: int | None = Field(None, description="Only this warehouse id's donations.")


# --- requests --------------------------------------------------------------------------------

class RequestOut(ItemFields):
    id: int
    area_id: int
    area_name: str
    quantity: int
    issued: int = Field(description="Issued against it so far.")
    waiting: int = Field(description="What it still waits for (0 once filled or cancelled).")
    recipient: Recipient
    needed_by: datetime.date
    reason: str
    status: RequestStatus
    requested_by: str | None
    requested_at: datetime.datetime
    cancel_note: str

    @staticmethod
    def resolve_area_name(obj: Any) -> str:
        return str(obj.area.name)

    @staticmethod
    def resolve_waiting(obj: Any) -> int:
        return max(obj.quantity - obj.issued, 0) if obj.is_outstanding else 0

    @staticmethod
    def resolve_requested_by(obj: Any) -> str | None:
        return username(obj.requested_by)

    @staticmethod
    def resolve_requested_at(obj: Any) -> datetime.datetime:
        at: datetime.datetime = obj.created_at
        return at


class IssueOut(Schema):
    id: int
    warehouse_id: int
    warehouse_name: str
    quantity: int = Field(description="How many were issued (a positive number).")
    at: datetime.datetime
    note: str
    recorded_by: str | None

    @staticmethod
    def resolve_warehouse_name(obj: Movement) -> str:
        return obj.warehouse.name

    @staticmethod
    def resolve_quantity(obj: Movement) -> int:
        return -obj.quantity

    @staticmethod
    def resolve_recorded_by(obj: Movement) -> str | None:
        return username(obj.recorded_by)


class RequestDetailOut(RequestOut):
    issues: list[IssueOut] = Field(description="What was issued against it, oldest first.")

    @staticmethod
    def resolve_issues(obj: Any) -> list[Movement]:
        return list(Movement.objects.filter(request=obj, kind=Kind.ISSUE)
                    .select_related("warehouse", "recorded_by").order_by("at", "pk"))


class RequestFilters(InSchema):
    status: RequestStatus | None = None
    waiting: bool = Field(False, description="Only those still waiting (open or partly "
                                             "issued).")
    item: int | None = Field(None, description="Only requests for this item id.")
    area: int | None = Field(None, description="Only those of this area id's subtree.")


class RequestIn(InSchema):
    area: int = Field(description="The area asking (one of your subtree).")
    item: int
    quantity: int = Field(ge=1, le=QUANTITY_MAX)
    recipient: Recipient = Field(description="Who it is for; allocation serves medical staff "
                                             "first, then quarantine sites, frontline workers "
                                             "and residents.")
    needed_by: datetime.date = Field(description="Today or later.")
    reason: str = Field("", max_length=2000)


class CancelIn(InSchema):
    note: str = Field("", max_length=2000, description="Why it is cancelled (required).")


# --- allocation ------------------------------------------------------------------------------

class ShareOut(Schema):
    request_id: int
    area_id: int
    area_name: str
    recipient: Recipient
    needed_by: datetime.date
    waiting: int = Field(description="What the request waited for.")
    quantity: int = Field(description="What this allocation gives it.")


class AllocationOut(Schema):
    warehouse_id: int
    warehouse_name: str
    item_id: int
    item_code: str
    item_name: str
    unit: str
    stock: int = Field(description="The warehouse's stock of the item (after, once allocated).")
    shares: list[ShareOut] = Field(description="In serving order: who the requests are for, "
                                                "then the day needed, then first come.")


def allocation_out(warehouse: Warehouse, item: Item, stock: int, shares: list[Share]
                   ) -> dict[str, Any]:
    return {"warehouse_id": warehouse.pk, "warehouse_name": warehouse.name,
            "item_id": item.pk, "item_code": item.code, "item_name": item.name,
            "unit": item.unit, "stock": stock,
            "shares": [{"request_id": share.request.pk, "area_id": share.request.area_id,
                        "area_name": share.request.area.name,
                        "recipient": share.request.recipient,
                        "needed_by": share.request.needed_by, "waiting": share.waiting,
                        "quantity": share.quantity} for share in shares]}


class AllocateIn(InSchema):
    note: str = Field("", max_length=300)
