"""What a warehouse or an area holds: the ledger summed, use over the last days, days of supply.

Every figure is one GROUP BY over the movements (or the requests) of the subtree; nothing is
stored. Days of supply 可保障天数 = stock / the average daily issues of the last USE_DAYS days.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from epigrid.areas.models import Warehouse
from epigrid.core.access import subtree_q
from epigrid.supplies.models import OUTSTANDING, Item, Kind, Movement, SupplyRequest

USE_DAYS = 7


def balance(warehouse: Warehouse, item: Item) -> int:
    """The warehouse's stock of the item: the sum of its ledger."""
    total = Movement.objects.filter(warehouse=warehouse, item=item).aggregate(
        total=Coalesce(Sum("quantity"), 0))["total"]
    return int(total)


def balances(movements: QuerySet[Movement]) -> dict[int, int]:
    """The stock of each item the movements touch."""
    rows = movements.order_by().values("item_id").annotate(total=Sum("quantity"))
    return {row["item_id"]: int(row["total"]) for row in rows}


def balances_by_warehouse(movements: QuerySet[Movement]) -> dict[tuple[int, int], int]:
    """The stock of each (warehouse, item) the movements touch."""
    rows = (movements.order_by().values("warehouse_id", "item_id")
            .annotate(total=Sum("quantity")))
    return {(row["warehouse_id"], row["item_id"]): int(row["total"]) for row in rows}


def issued_since(movements: QuerySet[Movement], since: datetime.datetime) -> dict[int, int]:
    """What was issued of each item since `since` (a positive number)."""
    rows = (movements.filter(kind=Kind.ISSUE, at__gte=since).order_by().values("item_id")
            .annotate(total=Sum("quantity")))
    return {row["item_id"]: -int(row["total"]) for row in rows}


def issued_since_by_warehouse(movements: QuerySet[Movement], since: datetime.datetime
                              ) -> dict[tuple[int, int], int]:
    """What was issued of each (warehouse, item) since `since` (a positive number)."""
    rows = (movements.filter(kind=Kind.ISSUE, at__gte=since).order_by()
            .values("warehouse_id", "item_id").annotate(total=Sum("quantity")))
    return {(row["warehouse_id"], row["item_id"]): -int(row["total"]) for row in rows}


def outstanding(requests: QuerySet[SupplyRequest]) -> dict[int, int]:
    """What the open requests still wait for, by item: asked less already issued."""
    open_requests = requests.filter(status__in=OUTSTANDING)
    asked = {row["item_id"]: int(row["total"]) for row in open_requests.order_by()
             .values("item_id").annotate(total=Sum("quantity"))}
    issued = {row["request__item_id"]: -int(row["total"]) for row in Movement.objects
              .filter(request__in=open_requests.values("pk"), kind=Kind.ISSUE).order_by()
              .values("request__item_id").annotate(total=Sum("quantity"))}
    return {item: total - issued.get(item, 0) for item, total in asked.items()}


def days_of_supply(stock: int, used: int, days: int = USE_DAYS) -> Decimal | None:
    """Days the stock lasts at the average daily use; None when nothing was used."""
    if used <= 0:
        return None
    return (Decimal(max(stock, 0)) * days / used).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class StockRow:
    item: Item
    stock: int
    used: int  # issued over the last USE_DAYS days
    waiting: int  # what open requests still wait for
    days: Decimal | None

    @property
    def per_day(self) -> Decimal:
        return (Decimal(self.used) / USE_DAYS).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def short(self) -> bool:
        """Out of stock while requests wait, or fewer days left than the item warns at."""
        if self.stock <= 0:
            return self.waiting > 0 or self.used > 0
        return self.days is not None and self.days < self.item.alert_days


def stock_rows(path: str, items: Iterable[Item] | None = None,
               now: datetime.datetime | None = None,
               warehouse: Warehouse | None = None,
               as_of: datetime.datetime | None = None) -> list[StockRow]:
    """A row per item held, used or waited for in the subtree of `path` (or at one warehouse):
    four GROUP BYs and the items, whatever the ledger's length.

    `as_of` reads the ledger as it stood at that moment (a past day's meeting: its lines up to
    then, the week before it); what requests wait for is known only as it stands now, so it
    counts the requests raised by then that still wait."""
    now = as_of or now or timezone.now()
    where: Q = Q(warehouse=warehouse) if warehouse is not None else subtree_q("area_path", path)
    movements = Movement.objects.filter(where)
    requests = SupplyRequest.objects.filter(subtree_q("area_path", path))
    if as_of is not None:
        movements = movements.filter(at__lt=as_of)
        requests = requests.filter(created_at__lt=as_of)
    held = balances(movements)
    used = issued_since(movements, now - datetime.timedelta(days=USE_DAYS))
    waiting = outstanding(requests)
    chosen = list(items) if items is not None else list(
        Item.objects.filter(Q(active=True) | Q(pk__in=[*held, *waiting])))
    rows = []
    for item in chosen:
        stock, use, wait = held.get(item.pk, 0), used.get(item.pk, 0), waiting.get(item.pk, 0)
        if items is None and not (stock or use or wait) and not item.active:
            continue
        rows.append(StockRow(item, stock, use, wait, days_of_supply(stock, use)))
    return rows
