"""Exports of supplies, registered in SuppliesConfig.ready().

- `supply_stock`: a row per warehouse and item its ledger touches: the area, the warehouse, the
  item, its stock, what was issued over the last USE_DAYS days and the days of supply at that
  use. One GROUP BY over the ledger (the sums of stock.balances_by_warehouse and
  stock.issued_since, per warehouse), days by stock.days_of_supply: never a movement summed in
  Python.
- `supply_ledger`: every movement, oldest first: when, where, what, how many (signed), from or to
  whom, the request or donation it belongs to, the note, who recorded it. Streamed by the
  framework (a server-side cursor, CHUNK rows at a time), never read whole.
- `supply_donations`: a row per line of each donation (as donations are published 捐赠公示): the
  donation, donor, kind, contact, warehouse, time received, note, the item and quantity.

Each is scoped like the other exports: `epigrid export KIND [--within AREA_CODE] [--user NAME]`
(what that user sees), and, for a page or the API, a background run (core.export_jobs) started by
`start_supplies_export()` with the user's subtree, narrowed to an area of it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.export_runs import AreaExports, within_code
from epigrid.core.exports import Column, field
from epigrid.core.imports.registry import ExportSpec
from epigrid.supplies.models import Kind, Movement
from epigrid.supplies.stock import USE_DAYS, days_of_supply

STOCK, LEDGER, DONATIONS = "supply_stock", "supply_ledger", "supply_donations"


# --- stock -------------------------------------------------------------------------------------

def stock_table(movements: QuerySet[Movement], now: datetime.datetime | None = None
                ) -> QuerySet[Any]:
    """A row (a dict) per warehouse and item of `movements`: stock, and `issued` over the last
    USE_DAYS days before `now` (a negative sum, as the ledger has it)."""
    since = (now or timezone.now()) - datetime.timedelta(days=USE_DAYS)
    return (movements.order_by()
            .values("warehouse_id", "item_id", "warehouse__area__name", "warehouse__code",
                    "warehouse__name", "item__code", "item__name", "item__unit")
            .annotate(stock=Coalesce(Sum("quantity"), 0),
                      issued=Coalesce(Sum("quantity", filter=Q(kind=Kind.ISSUE,
                                                                at__gte=since)), 0))
            .order_by("warehouse__area__path", "warehouse__code", "item__priority",
                      "item__category", "item__code"))


def stock(within: str | None = None) -> QuerySet[Any]:
    return within_code(stock_table(Movement.objects.all()), within)


def _used(row: dict[str, Any]) -> int:
    return -int(row["issued"])


def _days(row: dict[str, Any]) -> float | None:
    days = days_of_supply(int(row["stock"]), _used(row))
    return float(days) if days is not None else None


def _key(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[name]


def _used_header() -> str:
    return _("Used in the last %(days)d days") % {"days": USE_DAYS}


STOCK_COLUMNS = [
    Column(gettext_lazy("Area"), _key("warehouse__area__name")),
    Column(gettext_lazy("Warehouse code"), _key("warehouse__code")),
    Column(gettext_lazy("Warehouse"), _key("warehouse__name")),
    Column(gettext_lazy("Item code"), _key("item__code")),
    Column(gettext_lazy("Item"), _key("item__name")),
    Column(gettext_lazy("Unit"), _key("item__unit")),
    Column(gettext_lazy("Stock"), _key("stock")),
    Column(lazy(_used_header, str)(), _used),
    Column(gettext_lazy("Days of supply"), _days),
]


# --- the ledger --------------------------------------------------------------------------------

def ledger(within: str | None = None) -> QuerySet[Any]:
    rows = (Movement.objects.select_related("warehouse", "item", "recorded_by")
            .order_by("at", "id"))
    return within_code(rows, within)


def _recorded_by(movement: Movement) -> str:
    user: Any = movement.recorded_by
    return user.display_name if user is not None else ""


LEDGER_COLUMNS = [
    Column(gettext_lazy("When"), field("at")),
    Column(gettext_lazy("Warehouse code"), field("warehouse.code")),
    Column(gettext_lazy("Warehouse"), field("warehouse.name")),
    Column(gettext_lazy("Item code"), field("item.code")),
    Column(gettext_lazy("Item"), field("item.name")),
    Column(gettext_lazy("Kind"), field("kind")),
    Column(gettext_lazy("Quantity"), field("quantity")),
    Column(gettext_lazy("Unit"), field("item.unit")),
    Column(gettext_lazy("From or to"), field("party")),
    Column(gettext_lazy("Request"), field("request_id")),
    Column(gettext_lazy("Donation"), field("donation_id")),
    Column(gettext_lazy("Note"), field("note")),
    Column(gettext_lazy("Recorded by"), _recorded_by),
]


# --- donations ---------------------------------------------------------------------------------

def donations(within: str | None = None) -> QuerySet[Any]:
    """The donations' lines (their ledger movements), oldest first, a donation's lines together."""
    rows = (Movement.objects.filter(kind=Kind.DONATION)
            .select_related("donation", "warehouse", "item").order_by("at", "donation_id", "id"))
    return within_code(rows, within)


DONATION_COLUMNS = [
    Column(gettext_lazy("Donation"), field("donation_id")),
    Column(gettext_lazy("Donor"), field("donation.donor")),
    Column(gettext_lazy("Donor kind"), field("donation.donor_kind")),
    Column(gettext_lazy("Contact"), field("donation.contact")),
    Column(gettext_lazy("Warehouse code"), field("warehouse.code")),
    Column(gettext_lazy("Warehouse"), field("warehouse.name")),
    Column(gettext_lazy("Received at"), field("donation.received_at")),
    Column(gettext_lazy("Item code"), field("item.code")),
    Column(gettext_lazy("Item"), field("item.name")),
    Column(gettext_lazy("Quantity"), field("quantity")),
    Column(gettext_lazy("Unit"), field("item.unit")),
    Column(gettext_lazy("Note"), field("donation.note")),
]


EXPORTS = (
    ExportSpec(STOCK, gettext_lazy("Supplies: stock by warehouse and item"), STOCK_COLUMNS,
               stock),
    ExportSpec(LEDGER, gettext_lazy("Supplies: the ledger of stock movements"), LEDGER_COLUMNS,
               ledger),
    ExportSpec(DONATIONS, gettext_lazy("Supplies: donations, a line per item given"),
               DONATION_COLUMNS, donations),
)
SPECS = {spec.name: spec for spec in EXPORTS}


# --- a user's export, written in the background (areas.export_runs) ---------------------------

EXPORTING = AreaExports(SPECS, dict.fromkeys(SPECS, Movement))
records_for = EXPORTING.records_for
start_supplies_export = EXPORTING.start
supplies_run = EXPORTING.run
