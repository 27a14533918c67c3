"""A warehouse running short 库存预警: its logistics desks are told once, as it crosses the line.

The line is the stock pages' own (`stock.StockRow.short`): fewer days of supply than the item
warns at, at the warehouse's last week of issues, or nothing left while it is being issued. A
write that takes stock out (an issue, a transfer, a count, an allocation) asks here with the
stock before and after it; only a write that crosses the line sends a notice, so a desk issuing
the last boxes one by one is told once, not at every box.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Warehouse, ancestor_paths
from epigrid.core.access import Role
from epigrid.supplies.models import Item, Movement
from epigrid.supplies.stock import USE_DAYS, StockRow, days_of_supply, issued_since


def _row(item: Item, stock: int, used: int) -> StockRow:
    return StockRow(item, stock, used, 0, days_of_supply(stock, used))


def warn_if_crossed(warehouse: Warehouse, item: Item, before: int, after: int) -> bool:
    """Tell the desks (once the transaction holds) when `after` is short and `before` was not;
    whether it did (one query, none when the stock did not fall)."""
    if after >= before:
        return False
    since = timezone.now() - datetime.timedelta(days=USE_DAYS)
    used = issued_since(Movement.objects.filter(warehouse=warehouse, item=item),
                        since).get(item.pk, 0)
    now_row = _row(item, after, used)
    if not now_row.short or _row(item, before, used).short:
        return False
    transaction.on_commit(lambda: _tell(warehouse, item, now_row))
    return True


def _tell(warehouse: Warehouse, item: Item, row: StockRow) -> None:
    def wording() -> tuple[str, str]:
        facts = {"warehouse": warehouse.name, "item": item.name, "unit": item.unit,
                 "stock": row.stock, "days": row.days}
        title = _("%(warehouse)s is running short of %(item)s") % facts
        if row.stock <= 0:
            return title, _("None left: it was issued at %(per_day)s %(unit)s a day this "
                            "week.") % {**facts, "per_day": row.per_day}
        return title, _("%(stock)d %(unit)s left: %(days)s days of supply at this week's "
                        "use.") % facts

    notify(ancestor_paths(warehouse.area.path), [Role.LOGISTICS], worded(wording),
           link=reverse("supplies:warehouse", args=[warehouse.pk]), exact=True)
