"""`epigrid bench supplies`: the stock of a district summed from a long ledger.

DESIGN: "supplies: ... a stock ledger of movements (...; the balance is derived, never edited)".
The stock page of an area is four GROUP BYs over its subtree's ledger; an issue locks its
warehouse and sums the ledger of one item there.

Figures:
- `ledger_movements`: the rows of the bench ledger;
- `stock_district_ms`, `stock_town_ms`, `stock_warehouse_ms`: median time of
  `supplies.stock.stock_rows` (every item's stock, use over 7 days, what requests wait for, days
  of supply) for the bench district, one of its towns, one warehouse;
- `python_sum_district_ms`, `stock_vs_python`: the baseline, the district's ledger read row by
  row and summed in Python (the spreadsheet's way), and how many times faster the page's
  GROUP BYs are;
- `issue_ms`: one issue through `supplies.services.issue` (lock, balance, the line, the audit
  entry), rolled back;
- `allocate_ms`: the allocation of one item among `allocate_requests` waiting requests of a town,
  rolled back.

Data: a bench district of its own with TOWNS towns, a depot each, the demo's catalogue, and a
ledger spread over 30 days written by bulk_create (receipts, then issues that never overdraw).
Scales: tiny (2,000 movements), district (200,000; a district's busy year), city (2,000,000).
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from benchmarks.harness import analyze, median_ms, rolled_back_ms
from benchmarks.registry import _bulk_area
from epigrid.areas.models import Area, Level, Warehouse
from epigrid.supplies import allocation, services
from epigrid.supplies.models import Item, Kind, Movement, Recipient, SupplyRequest
from epigrid.supplies.stock import stock_rows

DEFAULT_SCALE = "district"
SCALES = ("tiny", "district", "city")
MOVEMENTS = {"tiny": 2_000, "district": 200_000, "city": 2_000_000}
TOWNS = 17
DAYS = 30
REQUESTS = 200
SEED = 2020


def _world() -> tuple[Area, list[Warehouse], list[Item]]:
    from epigrid.demo.supplies_data import catalogue

    tag = uuid.uuid4().hex[:6].upper()
    city = _bulk_area(None, Level.CITY, f"SUP{tag}", "Bench City")
    district = _bulk_area(city, Level.DISTRICT, f"SUP{tag}-D", "Bench District")
    depots = []
    for number in range(TOWNS):
        town = _bulk_area(district, Level.TOWN, f"SUP{tag}-T{number:02d}", f"Town {number}")
        _bulk_area(town, Level.VILLAGE, f"SUP{tag}-T{number:02d}-V", f"Village {number}")
        depots.append(Warehouse.objects.create(area=town, code=f"SUP{tag}-W{number:02d}",
                                               name=f"Depot {number}"))
    return district, depots, list(catalogue().values())


def _ledger(depots: list[Warehouse], items: list[Item], count: int) -> None:
    """`count` lines: a receipt per depot and item first, then issues of a tenth of it or
    receipts, at random moments of the last DAYS days; never below zero."""
    rng = random.Random(SEED)
    now = timezone.now()
    start = now - datetime.timedelta(days=DAYS)
    held: dict[tuple[int, int], int] = defaultdict(int)
    rows = []
    for number in range(count):
        depot, item = depots[number % len(depots)], items[(number // len(depots)) % len(items)]
        at = start + datetime.timedelta(seconds=rng.randrange(DAYS * 86_400))
        key = (depot.pk, item.pk)
        if held[key] >= 10 and rng.random() < 0.7:
            quantity, kind = -rng.randint(1, held[key] // 10 or 1), Kind.ISSUE
        else:
            quantity, kind = rng.randint(100, 1000), Kind.RECEIPT
        held[key] += quantity
        rows.append(Movement(warehouse=depot, area_path=depot.area.path, item=item, kind=kind,
                             quantity=quantity, at=at, party="bench"))
    Movement.objects.bulk_create(rows, batch_size=5000)
    analyze(Movement)


def _python_sum(path: str) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for item, quantity in Movement.objects.filter(area_path__startswith=path).values_list(
            "item_id", "quantity").iterator(chunk_size=10_000):
        totals[item] += quantity
    return totals


def _requests(depot: Warehouse, item: Item) -> None:
    village = Area.objects.get(parent=depot.area)
    recipients = Recipient.values
    SupplyRequest.objects.bulk_create([
        SupplyRequest(area=village, area_path=village.path, item=item, quantity=5 + n % 20,
                      recipient=recipients[n % len(recipients)],
                      needed_by=timezone.localdate() + datetime.timedelta(days=n % 3))
        for n in range(REQUESTS)])
    analyze(SupplyRequest)


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    count = MOVEMENTS[scale]
    district, depots, items = _world()
    _ledger(depots, items, count)
    log(f"a ledger of {count} movements in {len(depots)} depots, {len(items)} items")
    depot, item = depots[0], items[0]
    town_path = depot.area.path
    _requests(depot, item)
    stock_district = median_ms(lambda: stock_rows(district.path), repeat)
    python_sum = median_ms(lambda: _python_sum(district.path), repeat)
    return {
        "ledger_movements": count,
        "stock_district_ms": round(stock_district, 2),
        "stock_town_ms": round(median_ms(lambda: stock_rows(town_path), repeat), 2),
        "stock_warehouse_ms": round(median_ms(
            lambda: stock_rows(town_path, warehouse=depot), repeat), 2),
        "python_sum_district_ms": round(python_sum, 2),
        "stock_vs_python": round(python_sum / stock_district, 2) if stock_district else None,
        "issue_ms": rolled_back_ms(
            lambda: services.issue(depot, item, 1, by=None, party="bench"), repeat),
        "allocate_requests": REQUESTS,
        "allocate_ms": rolled_back_ms(lambda: allocation.allocate(depot, item, by=None), repeat),
    }
