"""The demo's supplies 物资保障: a catalogue, the district reserve and each town's depot with a
week of receipts, donations and issues, and the villages' requests: most served by the town's
allocation, a dozen waiting this morning, and N95 masks running short at the district (days of
supply under three), so that the stock page has something to warn about.

Written through the supplies' services at the moments they happened; the demo has no logistics
desk at generation time, so nobody is named as having recorded them."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area, Level, Warehouse
from epigrid.supplies import allocation, services
from epigrid.supplies.models import Category, Donor, Item, Priority, Recipient, SupplyRequest
from epigrid.supplies.stock import balance

DAYS = 7
# code, name, unit, category, priority, warn below days, opening stock per town depot, used a day
CATALOGUE = (
    ("n95", "N95口罩", "只", Category.MASKS, Priority.SCARCE, 3, 2_100, 150),
    ("surgical-mask", "医用外科口罩", "只", Category.MASKS, Priority.ESSENTIAL, 3, 8_400, 600),
    ("protective-suit", "医用防护服", "套", Category.PROTECTIVE, Priority.SCARCE, 3, 420, 30),
    ("goggles", "护目镜", "个", Category.PROTECTIVE, Priority.SCARCE, 3, 200, 8),
    ("gloves", "医用手套", "副", Category.PROTECTIVE, Priority.ESSENTIAL, 3, 3_000, 200),
    ("disinfectant-84", "84消毒液（500毫升）", "瓶", Category.DISINFECTANT, Priority.ESSENTIAL, 5,
     900, 60),
    ("alcohol-75", "75%酒精（500毫升）", "瓶", Category.DISINFECTANT, Priority.ESSENTIAL, 5,
     600, 40),
    ("thermometer", "红外额温枪", "把", Category.TESTING, Priority.ESSENTIAL, 3, 80, 3),
    ("swab-kit", "核酸采样管", "支", Category.TESTING, Priority.ESSENTIAL, 3, 2_000, 120),
    ("rice", "大米（10公斤）", "袋", Category.LIVING, Priority.GENERAL, 3, 400, 25),
    ("cooking-oil", "食用油（5升）", "桶", Category.LIVING, Priority.GENERAL, 3, 200, 10),
)
DONORS = (
    ("金禾纺织有限公司", Donor.ENTERPRISE, "郭经理 027-8888 1234", "n95", 2_000),
    ("市红十字会", Donor.ORGANIZATION, "", "protective-suit", 500),
    ("鑫达粮油批发市场", Donor.ENTERPRISE, "张老板", "rice", 300),
    ("爱心人士王女士", Donor.INDIVIDUAL, "", "surgical-mask", 5_000),
    ("青年志愿者协会", Donor.ORGANIZATION, "", "disinfectant-84", 400),
)
RECIPIENTS = (Recipient.MEDICAL, Recipient.QUARANTINE, Recipient.FRONTLINE,
              Recipient.FRONTLINE, Recipient.RESIDENTS)
REQUESTS_PER_DAY = 8
WAITING_TODAY = 12


def _moment(day: datetime.date, hour: int, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))
                               + datetime.timedelta(minutes=rng.randrange(60)))


def catalogue() -> dict[str, Item]:
    items = {}
    for code, name, unit, category, priority, alert, _stock, _use in CATALOGUE:
        items[code], _ = Item.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "category": category,
                                 "priority": priority, "alert_days": alert})
    return items


def write_supplies(root: Area, seed: int, now: datetime.datetime | None = None
                   ) -> dict[str, Any]:
    """The week of supplies under `root`; how many of each record."""
    rng, now = random.Random(seed), now or timezone.now()
    today = timezone.localdate(now)
    items = catalogue()
    depots = list(Warehouse.objects.filter(area__path__startswith=root.path)
                  .select_related("area").order_by("area__path", "code"))
    if not depots:
        return {"items": len(items)}
    reserve = next((w for w in depots if w.area.level < Level.TOWN), depots[0])
    towns = [w for w in depots if w.pk != reserve.pk]
    opening = _moment(today - datetime.timedelta(days=DAYS), 8, rng)
    movements = 0
    for code, *_head, stock, use in CATALOGUE:
        # Each town depot gets about two weeks' use; the reserve keeps as much for itself, but
        # of N95 masks only two days' more than its week used: they run short this morning.
        own = use * 3 * (DAYS + 2) if code == "n95" else stock
        services.receive(reserve, items[code], stock * len(towns) + own, by=None,
                         party="市防控指挥部物资组", at=opening)
        for depot in towns:
            services.transfer(reserve, depot, items[code], stock, by=None, at=opening)
        movements += 1 + 2 * len(towns)
    serving = towns or [reserve]
    donations = _donations(serving, items, today, rng)
    movements += _daily_issues(reserve, towns, items, today, now, rng)
    requests = _requests(serving, items, today, rng)
    return {"items": len(items), "warehouses": len(depots), "movements": movements,
            "donations": donations, **requests}


def _donations(towns: list[Warehouse], items: dict[str, Item], today: datetime.date,
               rng: random.Random) -> int:
    for number, (donor, kind, contact, code, quantity) in enumerate(DONORS):
        day = today - datetime.timedelta(days=DAYS - 1 - number)
        services.record_donation(rng.choice(towns), by=None, donor=donor, donor_kind=kind,
                                 contact=contact, lines=[(items[code], quantity)],
                                 received_at=_moment(day, 10, rng))
    return len(DONORS)


def _daily_issues(reserve: Warehouse, towns: list[Warehouse], items: dict[str, Item],
                  today: datetime.date, now: datetime.datetime, rng: random.Random) -> int:
    """Each day, each depot issues about its daily use to its front line (the reserve: to the
    designated hospitals)."""
    written = 0
    for back in range(DAYS, 0, -1):
        day = today - datetime.timedelta(days=back)
        for code, *_head, _stock, use in CATALOGUE:
            for depot in [reserve, *towns]:
                daily = use * 3 if depot is reserve and code == "n95" else use
                quantity = max(1, int(daily * rng.uniform(0.7, 1.3)))
                at = _moment(day, 9, rng)
                if at >= now or quantity > balance(depot, items[code]):
                    continue
                party = "定点医院" if depot is reserve else "各村（社区）防控点"
                services.issue(depot, items[code], quantity, by=None, party=party, at=at)
                written += 1
    return written


def _requests(towns: list[Warehouse], items: dict[str, Item], today: datetime.date,
              rng: random.Random) -> dict[str, int]:
    """The villages' requests: the older ones served by their town's allocation, today's
    waiting for this morning's."""
    raised = allocated = 0
    for depot in towns:
        villages = list(Area.objects.filter(parent=depot.area).order_by("path")) or [depot.area]
        for _request in range(REQUESTS_PER_DAY):
            code, *_rest, use = rng.choice(CATALOGUE)
            request = services.raise_request(
                rng.choice(villages), by=None, item=items[code],
                quantity=max(1, int(use * rng.uniform(0.1, 0.4))),
                recipient=rng.choice(RECIPIENTS),
                needed_by=today + datetime.timedelta(days=rng.choice((0, 1, 1, 2))),
                reason="本周防控用量")
            # Raised on a day of the week gone by (the service stamps the moment it runs).
            day = today - datetime.timedelta(days=rng.randrange(1, DAYS))
            SupplyRequest.objects.filter(pk=request.pk).update(created_at=_moment(day, 10, rng))
            raised += 1
        for code in {code for code, *_rest in CATALOGUE}:
            allocated += len(allocation.allocate(depot, items[code], by=None))
    waiting = 0
    for _request in range(WAITING_TODAY):
        depot = rng.choice(towns)
        villages = list(Area.objects.filter(parent=depot.area).order_by("path")) or [depot.area]
        code = rng.choice(("n95", "protective-suit", "disinfectant-84", "rice"))
        services.raise_request(
            rng.choice(villages), by=None, item=items[code], quantity=rng.choice((50, 100, 200)),
            recipient=rng.choice(RECIPIENTS), needed_by=today + datetime.timedelta(days=1),
            reason="明日防控用量")
        waiting += 1
    return {"requests": raised + waiting, "requests_served": allocated,
            "requests_waiting": waiting}
