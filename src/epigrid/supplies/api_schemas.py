"""The schemas of the supplies API (supplies.api): the catalogue, stock figures and the ledger
going out, and what comes in (on InSchema); donations, requests and allocation:
api_order_schemas.py."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from epigrid.core.api import InSchema
from epigrid.supplies.models import (
    Category,
    Kind,
    Movement,
    Priority,
)
from epigrid.supplies.stock import StockRow

# The ledger's quantity is an integer column: nothing larger reaches the database.
QUANTITY_MAX = 2**31 - 1
SMALL_MAX = 32767
SLUG = r"^[-a-zA-Z0-9_]+$"  # an item's code, as its SlugField takes it


# What each kind of movement takes, and of that what it must be given.
TAKES = {"receipt": {"quantity", "party"}, "issue": {"quantity", "party", "request"},
         "transfer": {"quantity", "target_warehouse"}, "adjustment": {"counted"}}
NEEDS = {"receipt": {"quantity"}, "issue": {"quantity"},
         "transfer": {"quantity", "target_warehouse"}, "adjustment": {"counted"}}


def local_time(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time sent without its offset is the server's local time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


class ItemFields(Schema):
    """The item a row counts, named (a movement, a donation's line, a request)."""

    item_id: int
    item_code: str
    item_name: str
    unit: str

    @staticmethod
    def resolve_item_code(obj: Any) -> str:
        return str(obj.item.code)

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.item.name)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.item.unit)


# --- the catalogue ---------------------------------------------------------------------------

class ItemOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    category: Category
    priority: Priority = Field(description="1 scarce, 2 essential, 3 general.")
    alert_days: int = Field(description="Short below this many days of supply.")
    active: bool


class ItemFilters(InSchema):
    q: str | None = Field(None, max_length=100, description="Code or name contains this.")
    category: Category | None = None
    active: bool | None = None


class ItemIn(InSchema):
    code: str = Field(max_length=40, pattern=SLUG, description="Letters, digits, - and _; "
                                                               "unique, whatever the case.")
    name: str = Field(max_length=100)
    unit: str = Field(max_length=20)
    category: Category
    priority: Priority = Priority.GENERAL
    alert_days: int = Field(3, ge=0, le=SMALL_MAX)
    active: bool = True


class ItemPatchIn(InSchema):
    """Only the fields sent change (null is refused, not taken as "unchanged")."""

    code: str | None = Field(None, max_length=40, pattern=SLUG)
    name: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, max_length=20)
    category: Category | None = None
    priority: Priority | None = None
    alert_days: int | None = Field(None, ge=0, le=SMALL_MAX)
    active: bool | None = None


# --- stock -----------------------------------------------------------------------------------

class StockParams(InSchema):
    area: int | None = Field(None, description="This area's subtree (default: your home area).")


class StockRowOut(Schema):
    item_id: int
    item_code: str
    item_name: str
    unit: str
    category: Category
    priority: Priority
    stock: int
    used_7d: int = Field(description="Issued over the last 7 days.")
    per_day: float = Field(description="Average issued a day over the last 7 days.")
    waiting: int = Field(description="What open requests of the area still wait for.")
    days_of_supply: float | None = Field(description="Days the stock lasts at that use; null "
                                                     "when nothing was used.")
    short: bool = Field(description="Out of stock while needed, or fewer days of supply than "
                                    "the item warns at.")


def stock_row_out(row: StockRow) -> dict[str, Any]:
    return {"item_id": row.item.pk, "item_code": row.item.code, "item_name": row.item.name,
            "unit": row.item.unit, "category": row.item.category,
            "priority": row.item.priority, "stock": row.stock, "used_7d": row.used,
            "per_day": float(row.per_day), "waiting": row.waiting,
            "days_of_supply": float(row.days) if row.days is not None else None,
            "short": row.short}


class StockOut(Schema):
    area_id: int | None
    area_name: str | None
    items: list[StockRowOut]


class WarehouseStockOut(Schema):
    warehouse_id: int
    warehouse_name: str
    area_id: int
    area_name: str
    items: list[StockRowOut]


# --- the ledger ------------------------------------------------------------------------------

class MovementOut(ItemFields):
    id: int
    warehouse_id: int
    warehouse_name: str
    kind: Kind
    quantity: int = Field(description="Into stock (positive) or out of it (negative).")
    at: datetime.datetime
    party: str
    note: str
    request_id: int | None
    donation_id: int | None
    counterpart_id: int | None = Field(description="A transfer's line at the other warehouse.")
    recorded_by: str | None
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_warehouse_name(obj: Movement) -> str:
        return obj.warehouse.name

    @staticmethod
    def resolve_recorded_by(obj: Movement) -> str | None:
        return username(obj.recorded_by)


class MovementFilters(InSchema):
    item: int | None = Field(None, description="Only this item id's lines.")
    kind: Kind | None = None


class MovementIn(InSchema):
    kind: Literal["receipt", "issue", "transfer", "adjustment"]
    item: int
    quantity: int | None = Field(None, ge=1, le=QUANTITY_MAX,
                                 description="Receipt, issue, transfer: how many.")
    counted: int | None = Field(None, ge=0, le=QUANTITY_MAX,
                                description="Adjustment: the stock counted; the ledger takes "
                                            "the difference (the note says why).")
    party: str = Field("", max_length=200, description="Receipt: from whom; issue: to whom "
                                                       "(or give `request`).")
    note: str = Field("", max_length=300)
    at: datetime.datetime | None = Field(None, description="When (default: now); not in the "
                                                           "future.")
    target_warehouse: int | None = Field(None, description="Transfer: the warehouse it goes to.")
    request: int | None = Field(None, description="Issue: the request it serves.")

    @field_validator("at")
    @classmethod
    def _local(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        return local_time(value)

    def misfits(self) -> dict[str, list[str]]:
        """What the kind must be given and was not, or was given and takes not."""
        errors: dict[str, list[str]] = {}
        for name in ("quantity", "counted", "party", "target_warehouse", "request"):
            given = getattr(self, name) not in (None, "")
            if given and name not in TAKES[self.kind]:
                errors[name] = [_("A movement of this kind takes no %(field)s.")
                                % {"field": name}]
            elif not given and name in NEEDS[self.kind]:
                errors[name] = [_("This field is required.")]
        return errors


# --- donations -------------------------------------------------------------------------------
