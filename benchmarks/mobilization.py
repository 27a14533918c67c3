"""`epigrid bench mobilization`: a district's people sent down 下沉 and the fund that looks after
them 慰问金.

DESIGN: the people list shows a town's people on duty today, by area then name, a page at a
time, with their area and team; the command counts who is on duty in each area on a day (one
GROUP BY); a fund's balance is the sum of its ledger, never a stored figure (`funds.balances`:
one GROUP BY for all funds); a payment is paid 发放 under the fund's lock, its balance read
first, so two desks paying at once never take it below 0.

Figures (each baseline measured in the same run, on the same rows):
- `people`, `on_duty`, `teams`, `funds`, `ledger_lines`, `payments`: the bench data;
- `people_list_ms`: the first page (PAGE rows) of a town's people on duty today, in the list's
  order (area, name), with their area and team, as the town's officer sees them
  (`Deployment.objects.restrict`); `people_list_python_ms`: every person the officer sees read,
  those on duty kept and sorted in Python, the page's areas and teams read after;
  `people_list_vs_python`: how many times faster the page's query is;
- `on_duty_count_ms`: the people on duty a week ago counted per area they were sent to, as the
  district's command sees them (one GROUP BY); `on_duty_count_python_ms`: every person's area
  and days read and counted in Python; `on_duty_count_vs_python`;
- `fund_balances_ms`: `funds.balances` of every fund; `fund_balances_python_ms`: every ledger
  line read and summed in Python; `fund_balances_vs_python`;
- `pay_ms`: `funds.pay` of PAY approved payments one after another (each locks its payment and
  its fund, reads the balance, writes the ledger line, the payment and its audit entry, and
  tells the applicant at the commit), rolled back; `pay_per_payment_ms`,
  `pay_queries_per_payment`; `pay_baseline_ms`: a bare loop creating each ledger line and
  updating each payment, no lock, no check, no audit entry, no notice; `pay_vs_baseline`.

Data: a bench district of its own (17 towns of 16 villages, the first town's officer, a
commander and a fund keeper at the district); its people spread over the towns and villages by
bulk_create, each in a team of their town, four in five on duty (arrived over the last 60
days), the rest gone back; five funds (the district's and four towns'), their payments (5% approved,
60% paid with their ledger lines, 20% awaiting approval, 15% rejected) and receipts making up
the ledger.
Scales: tiny (1,000 people, 10 teams, 2,000 ledger lines, 400 payments, 20 paid), district
(50,000, 500, 100,000, 20,000, 200 paid).
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from benchmarks.harness import BenchRefusedError, analyze, median_ms, rolled_back_ms
from benchmarks.registry import _bulk_area
from epigrid.accounts.models import User
from epigrid.alerts.models import Notice, Receipt
from epigrid.areas.models import Area, Level, path_segment
from epigrid.core.access import Role, ScopedUser
from epigrid.core.ids import allocate_ids
from epigrid.mobilization import funds
from epigrid.mobilization.models import (
    Approval,
    Deployment,
    EntryKind,
    Fund,
    FundEntry,
    Payment,
    PaymentKind,
    PaymentStatus,
    Team,
    TeamKind,
    on_duty_q,
)
from epigrid.registry import synthetic

DEFAULT_SCALE = "district"
SCALES = ("tiny", "district")
PEOPLE = {"tiny": 1_000, "district": 50_000}
TEAMS = {"tiny": 10, "district": 500}
LEDGER = {"tiny": 2_000, "district": 100_000}
PAYMENTS = {"tiny": 400, "district": 20_000}
PAY = {"tiny": 20, "district": 200}
FUNDS = 5
TOWNS, VILLAGES = 17, 16
PAGE = 50
DAYS = 60  # people arrived over the last sixty days
COUNTED_BACK = 7  # the on-duty count is of a week ago: some on duty then have left since
BATCH = 5_000
UNITS = ("区住建局", "区教育局", "区税务局", "区财政局", "区人社局", "区民政局", "区城管局")
# A payment's status by its number modulo 20: 5% approved, 60% paid, 20% submitted, 15% rejected.
STATUSES = ((PaymentStatus.APPROVED,) + (PaymentStatus.PAID,) * 12
            + (PaymentStatus.SUBMITTED,) * 4 + (PaymentStatus.REJECTED,) * 3)


class _Bench:
    """The bench district: its towns with their villages, and the people who act in it."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:6].upper()
        city = _bulk_area(None, Level.CITY, f"MOB{tag}", "Bench City")
        self.district = _bulk_area(city, Level.DISTRICT, f"MOB{tag}-D", "Bench District")
        self.towns: list[Area] = []
        self.areas: list[tuple[Area, int]] = []  # each town and village, with its town's index
        for number in range(TOWNS):
            town = _bulk_area(self.district, Level.TOWN, f"MOB{tag}-T{number:02d}",
                              f"Town {number}")
            villages = [Area(pk=pk, parent=town, level=Level.VILLAGE, path=town.path
                             + path_segment(pk), code=f"{town.code}-V{v:02d}", name=f"Village {v}")
                        for v, pk in enumerate(allocate_ids(Area, VILLAGES))]
            Area.objects.bulk_create(villages)
            self.towns.append(town)
            self.areas += [(area, number) for area in (town, *villages)]
        unusable = make_password(None)

        def user(name: str, role: Role, home: Area) -> User:
            return User.objects.create(username=f"bench-mob-{name}-{tag}", password=unusable,
                                       role=role, home_area=home)

        self.officer = user("officer", Role.AREA_OFFICER, self.towns[0])
        self.command = user("command", Role.COMMAND, self.district)
        self.keeper = user("keeper", Role.LOGISTICS, self.district)


def _people(bench: _Bench, count: int, teams: int, today: datetime.date) -> None:
    """Each in a team of their town; four in five on duty, the fifth gone back already."""
    kinds = TeamKind.values
    made = Team.objects.bulk_create([Team(
        area=bench.towns[n % TOWNS], kind=kinds[n % len(kinds)], name=f"Team {n}",
        batch=n // len(kinds) + 1 if kinds[n % len(kinds)] == TeamKind.MEDICAL else None,
        formed_on=today - datetime.timedelta(days=DAYS), created_by=bench.command)
        for n in range(teams)], batch_size=BATCH)
    by_town: dict[int, list[Team]] = defaultdict(list)
    for made_team in made:
        by_town[bench.towns.index(made_team.area)].append(made_team)
    rng, led, rows = random.Random(7), set[int](), list[Deployment]()
    for n in range(count):
        area, town = bench.areas[n % len(bench.areas)]
        team = by_town[town][n % len(by_town[town])] if by_town[town] else None
        arrived = today - datetime.timedelta(days=n % DAYS)
        left = None
        if n % 5 == 4:  # gone back over the last two weeks, after 5 to 34 days
            left = today - datetime.timedelta(days=1 + n % 14)
            arrived = left - datetime.timedelta(days=5 + n % 30)
        leader = team is not None and team.pk not in led
        if leader and team is not None:
            led.add(team.pk)
        rows.append(Deployment(
            area=area, team=team, name=synthetic.name(rng), unit=UNITS[n % len(UNITS)],
            post="科员", phone=f"139{n:08d}", party_member=n % 5 < 3, leader=leader,
            arrived_on=arrived, left_on=left, created_by=bench.officer))
    Deployment.objects.bulk_create(rows, batch_size=BATCH)


def _funds(bench: _Bench, lines: int, count: int, now: datetime.datetime) -> list[Fund]:
    """Five funds; their payments, the paid ones' ledger lines, receipts making up the rest."""
    made = Fund.objects.bulk_create([Fund(
        area=area, name=f"Fund {n}", created_by=bench.command,
        second_approval_over=Decimal(5000) if n == 0 else None)
        for n, area in enumerate([bench.district, *bench.towns[:FUNDS - 1]])])
    kinds = PaymentKind.values
    payments = Payment.objects.bulk_create([Payment(
        fund=made[n % FUNDS], area=made[n % FUNDS].area, kind=kinds[n % len(kinds)],
        beneficiary=f"Beneficiary {n}", amount=Decimal(500 + n % 20 * 100), reason="bench",
        status=STATUSES[n % len(STATUSES)], applied_by=bench.officer,
        applied_at=now - datetime.timedelta(hours=n % (DAYS * 24)))
        for n in range(count)], batch_size=BATCH)
    paid = [payment for payment in payments if payment.status == PaymentStatus.PAID]
    entries = [FundEntry(fund=payment.fund, kind=EntryKind.PAYMENT, amount=payment.amount,
                         at=payment.applied_at + datetime.timedelta(hours=6),
                         counterpart=payment.beneficiary, voucher=f"FK{payment.pk}",
                         payment=payment, recorded_by=bench.keeper) for payment in paid]
    entries += [FundEntry(fund=made[n % FUNDS], kind=EntryKind.RECEIPT,
                          amount=Decimal(500 + n % 10 * 100), counterpart="爱心捐款",
                          at=now - datetime.timedelta(hours=n % (DAYS * 24)),
                          recorded_by=bench.keeper)
                for n in range(max(0, lines - len(entries)))]
    running: dict[int, Decimal] = {}
    for entry in sorted(entries, key=lambda e: e.at):  # each line carries the balance after it
        sign = 1 if entry.kind == EntryKind.RECEIPT else -1
        entry.balance = running[entry.fund.pk] = (running.get(entry.fund.pk, Decimal(0))
                                                  + sign * entry.amount)
    FundEntry.objects.bulk_create(sorted(entries, key=lambda e: e.at), batch_size=BATCH)
    return made


def _page(user: ScopedUser, today: datetime.date) -> list[tuple[Any, ...]]:
    rows = (Deployment.objects.restrict(user).filter(on_duty_q(today))
            .select_related("area", "team__area")[:PAGE])  # in the model's order: area, name
    return [(person.pk, person.name, person.area.name, person.team.name if person.team else "")
            for person in rows]


def _page_python(user: ScopedUser, today: datetime.date) -> list[tuple[Any, ...]]:
    rows = Deployment.objects.restrict(user).order_by().values_list(
        "pk", "name", "area__path", "arrived_on", "left_on", "area_id", "team_id").iterator(
        chunk_size=10_000)
    page = sorted((row for row in rows if row[3] <= today and (row[4] is None
                                                              or row[4] >= today)),
                  key=lambda row: (row[2], row[1], row[0]))[:PAGE]
    areas = dict(Area.objects.filter(pk__in={row[5] for row in page}).values_list("pk", "name"))
    teams = dict(Team.objects.filter(pk__in={row[6] for row in page}).values_list("pk", "name"))
    return [(row[0], row[1], areas[row[5]], teams.get(row[6], "")) for row in page]


def _on_duty(user: ScopedUser, day: datetime.date) -> dict[int, int]:
    return dict(Deployment.objects.restrict(user).filter(on_duty_q(day)).order_by()
                .values("area_id").annotate(n=Count("id")).values_list("area_id", "n"))


def _on_duty_python(user: ScopedUser, day: datetime.date) -> dict[int, int]:
    counts: Counter[int] = Counter()
    for area, arrived, left in Deployment.objects.restrict(user).order_by().values_list(
            "area_id", "arrived_on", "left_on").iterator(chunk_size=10_000):
        if arrived <= day and (left is None or left >= day):
            counts[area] += 1
    return dict(counts)


def _balances_python(fund_ids: list[int]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for fund, kind, amount in FundEntry.objects.filter(fund_id__in=fund_ids).order_by() \
            .values_list("fund_id", "kind", "amount").iterator(chunk_size=10_000):
        totals[fund] += amount if kind == EntryKind.RECEIPT else -amount
    return dict(totals)


def _with_notices(action: Callable[[], Any]) -> Callable[[], Any]:
    """`action`, then the work it left for the commit (the notices), as a commit would run it."""
    def run() -> Any:
        start = len(connection.run_on_commit)
        result = action()
        for entry in connection.run_on_commit[start:]:  # (savepoints, callback, robust)
            entry[1]()
        return result
    return run


def _pay_by_hand(payments: list[Payment], keeper: User) -> None:
    """The baseline: each payment's line created and its row updated, and nothing else."""
    now = timezone.now()
    for payment in payments:
        FundEntry.objects.create(fund_id=payment.fund_id, kind=EntryKind.PAYMENT,
                                 amount=payment.amount, balance=Decimal(0), at=now,
                                 counterpart=payment.beneficiary,
                                 voucher=f"B{payment.pk}", payment=payment, recorded_by=keeper)
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PAID, paid_at=now)


def _counted(action: Callable[[], Any]) -> tuple[Any, int]:
    """What `action` answers and the statements it ran (savepoints too), rolled back."""
    statements = 0

    def counting(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(*args)

    with transaction.atomic(), connection.execute_wrapper(counting):
        answer = action()
        transaction.set_rollback(True)
    return answer, statements


def _ratio(slow: float, fast: float) -> float | None:
    return round(slow / fast, 2) if fast else None


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    if (Deployment.objects.exists() or Fund.objects.exists()) and not reuse:
        raise BenchRefusedError("The database has people sent down or funds: the bench would "
                                "count them in. Use a database without any, or run it with "
                                "--reuse to measure alongside them.")
    now = timezone.now()
    today = timezone.localdate(now)
    bench = _Bench()
    _people(bench, PEOPLE[scale], TEAMS[scale], today)
    made = _funds(bench, LEDGER[scale], PAYMENTS[scale], now)
    analyze(Area, User, Team, Deployment, Fund, FundEntry, Payment, Approval, Notice, Receipt)
    officer, command = cast(ScopedUser, bench.officer), cast(ScopedUser, bench.command)
    mine = Deployment.objects.filter(area__path__startswith=bench.district.path)
    on_duty = mine.filter(on_duty_q(today)).count()
    log(f"{PEOPLE[scale]} people sent down ({on_duty} on duty) in {TEAMS[scale]} teams over "
        f"{len(bench.areas)} towns and villages, {FUNDS} funds with {LEDGER[scale]} ledger "
        f"lines and {PAYMENTS[scale]} payments")
    fund_ids = [fund.pk for fund in made]
    approved = list(Payment.objects.filter(fund__in=made, status=PaymentStatus.APPROVED)
                    .order_by("pk")[:PAY[scale]])
    day = today - datetime.timedelta(days=COUNTED_BACK)
    people_list = median_ms(lambda: _page(officer, today), repeat)
    people_python = median_ms(lambda: _page_python(officer, today), repeat)
    count = median_ms(lambda: _on_duty(command, day), repeat)
    count_python = median_ms(lambda: _on_duty_python(command, day), repeat)
    balances = median_ms(lambda: funds.balances(fund_ids), repeat)
    balances_python = median_ms(lambda: _balances_python(fund_ids), repeat)
    pay = _with_notices(lambda: [funds.pay(payment, by=bench.keeper, voucher=f"FK{payment.pk}")
                                 for payment in approved])
    _paid, queries = _counted(pay)
    pay_ms = rolled_back_ms(pay, repeat)
    baseline_ms = rolled_back_ms(lambda: _pay_by_hand(approved, bench.keeper), repeat)
    per_payment = len(approved) or 1
    return {
        "people": PEOPLE[scale], "on_duty": on_duty, "teams": TEAMS[scale], "funds": FUNDS,
        "ledger_lines": FundEntry.objects.filter(fund__in=made).count(),
        "payments": PAYMENTS[scale],
        "people_list_ms": people_list,
        "people_list_python_ms": people_python,
        "people_list_vs_python": _ratio(people_python, people_list),
        "on_duty_count_ms": count,
        "on_duty_count_python_ms": count_python,
        "on_duty_count_vs_python": _ratio(count_python, count),
        "fund_balances_ms": balances,
        "fund_balances_python_ms": balances_python,
        "fund_balances_vs_python": _ratio(balances_python, balances),
        "paid": len(approved),
        "pay_ms": pay_ms,
        "pay_per_payment_ms": round(pay_ms / per_payment, 3),
        "pay_queries_per_payment": round(queries / per_payment, 1),
        "pay_baseline_ms": baseline_ms,
        "pay_vs_baseline": _ratio(pay_ms, baseline_ms),
    }
