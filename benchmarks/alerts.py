"""`epigrid bench alerts`: one notice to every grid worker of a city (alerts' fan-out).

DESIGN: "a province: 1.2 M grid workers receiving one alert"; "alert fan-out writes delivery rows
in bulk". A notice's delivery is one receipt per recipient, written when it is sent.

Figures:
- `notice_fanout_ms`: median time of `alerts.services.notify` to the grid workers of the bench
  city (the receipts written, in the request's transaction), `notice_recipients` of them;
- `baseline_fanout_ms`: the database's own limit for the same rows, one INSERT ... SELECT of the
  receipts from the users' table (what notify does, less the notice itself), and
  `notice_fanout_ratio`;
- `bulk_create_fanout_ms`: the recipients' ids read and their receipts written by Django's
  bulk_create in batches of 1,000 (how the fan-out was written before), and
  `notice_vs_bulk_create` (how many times faster notify is);
- `inbox_unread_ms`: a grid worker's unread count among them (every page asks it).

Data: a bench city of its own (benchmarks/registry.py's subtree), its grid workers spread over
its grids, written by bulk_create with unusable passwords.
Scales: tiny (2,000 recipients), district (30,000), city (300,000). Each notice is sent inside a
savepoint that is rolled back, so every run writes into the same table; the harness rolls the
rest back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from benchmarks.harness import analyze, median_ms, rolled_back_ms
from benchmarks.registry import _subtree
from epigrid.accounts.models import User
from epigrid.alerts import inbox
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.services import _deliver, notify, recipients_q
from epigrid.areas.models import Area, Level
from epigrid.core.access import Role

DEFAULT_SCALE = "district"
SCALES = ("tiny", "district", "city")
RECIPIENTS = {"tiny": 2_000, "district": 30_000, "city": 300_000}


def _workers(count: int, log: Callable[[str], None]) -> Area:
    city, codes = _subtree(count)
    grids = list(Area.objects.filter(code__in=codes, level=Level.GRID).values_list("pk",
                                                                                   flat=True))
    password = make_password(None)  # unusable: nobody logs in as them
    users = [User(username=f"bench-gw-{n}", password=password, role=Role.GRID_WORKER,
                  home_area_id=grids[n % len(grids)]) for n in range(count)]
    User.objects.bulk_create(users, batch_size=5000)
    analyze(User, Area, Receipt)
    log(f"{count} grid workers in {len(grids)} grids of a bench city")
    return city


def _by_bulk_create(notice: Notice, city: Area) -> None:
    ids = User.objects.filter(recipients_q([city.path], [Role.GRID_WORKER])).values_list(
        "pk", flat=True)
    Receipt.objects.bulk_create([Receipt(notice=notice, user_id=pk) for pk in ids],
                                batch_size=1000)


def _by_insert_select(notice: Notice, city: Area) -> None:
    """notify's own statement, for a notice already written."""
    _deliver(notice, User.objects.filter(recipients_q([city.path], [Role.GRID_WORKER])))


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    count = RECIPIENTS[scale]
    city = _workers(count, log)
    roles = [Role.GRID_WORKER]
    fanout = rolled_back_ms(lambda: notify([city], roles, "Second round at 08:00"), repeat)
    recipients = 0
    with transaction.atomic():
        recipients = notify([city], roles, "Count").receipts.count()
        transaction.set_rollback(True)
    empty = Notice.objects.create(title="Baseline")
    baseline = rolled_back_ms(lambda: _by_insert_select(empty, city), repeat)
    old = rolled_back_ms(lambda: _by_bulk_create(empty, city), repeat)
    sent = notify([city], roles, "Read by one")
    reader = User.objects.get(username="bench-gw-0")
    unread = median_ms(lambda: inbox.unread_count(reader), repeat)
    log(f"one notice to {recipients} grid workers; {sent.receipts.count()} receipts kept")
    return {
        "notice_recipients": recipients,
        "notice_fanout_ms": fanout,
        "baseline_fanout_ms": baseline,
        "notice_fanout_ratio": round(fanout / baseline, 2) if baseline else None,
        "bulk_create_fanout_ms": old,
        "notice_vs_bulk_create": round(old / fanout, 2) if fanout else None,
        "inbox_unread_ms": round(unread, 3),
    }
