"""`epigrid bench mobilization` at tiny scale: the CI smoke test of the mobilization benchmark,
and its baselines answering what the measured queries answer."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import cast

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from benchmarks import mobilization
from epigrid.accounts.models import User
from epigrid.alerts.models import Notice
from epigrid.areas.models import Area, Level
from epigrid.core.access import ScopedUser
from epigrid.mobilization import funds
from epigrid.mobilization.models import (
    Deployment,
    EntryKind,
    Fund,
    FundEntry,
    Payment,
    PaymentStatus,
    Team,
    on_duty_q,
)

TIMINGS = ("people_list_ms", "people_list_python_ms", "on_duty_count_ms",
           "on_duty_count_python_ms", "fund_balances_ms", "fund_balances_python_ms", "pay_ms",
           "pay_baseline_ms", "pay_per_payment_ms")


class MobilizationBenchTests(TestCase):
    def test_it_measures_a_district_of_people_and_funds_and_rolls_the_payments_back(
            self) -> None:
        lines: list[str] = []
        figures = mobilization.run("tiny", 2, log=lines.append)
        people, today = mobilization.PEOPLE["tiny"], timezone.localdate()
        assert (figures["people"], Deployment.objects.count()) == (people, people)
        assert figures["on_duty"] == Deployment.objects.filter(on_duty_q(today)).count() == (
            people * 4 // 5)
        assert (Team.objects.count(), Fund.objects.count()) == (mobilization.TEAMS["tiny"], 5)
        assert figures["ledger_lines"] == FundEntry.objects.count() == mobilization.LEDGER["tiny"]
        assert set(Payment.objects.values_list("status", flat=True)) == set(PaymentStatus.values)
        for name in TIMINGS:
            assert figures[name] > 0, name
        assert figures["paid"] == mobilization.PAY["tiny"]
        assert figures["pay_queries_per_payment"] > 2
        # The timed payments and their notices were rolled back: nothing more was paid.
        assert Payment.objects.filter(status=PaymentStatus.APPROVED).count() == 20
        assert FundEntry.objects.filter(kind=EntryKind.PAYMENT).count() == Payment.objects.filter(
            status=PaymentStatus.PAID).count()
        assert not Notice.objects.exists()
        assert Area.objects.filter(level=Level.VILLAGE).count() == (
            mobilization.TOWNS * mobilization.VILLAGES)
        assert (f"{people} people sent down (800 on duty) in 10 teams over 289 towns and "
                "villages, 5 funds with 2000 ledger lines and 400 payments") in lines

    def test_its_baselines_answer_what_the_queries_answer(self) -> None:
        mobilization.run("tiny", 1, log=lambda line: None)
        today = timezone.localdate()
        found = User.objects.get(username__startswith="bench-mob-officer")  # the first town's
        officer, town = cast(ScopedUser, found), Area.objects.get(users=found)
        page = mobilization._page(officer, today)
        assert len(page) == mobilization.PAGE
        assert {row[0] for row in page} == {row[0] for row in
                                            mobilization._page_python(officer, today)}
        assert all(Deployment.objects.get(pk=row[0]).area.path.startswith(
            town.path) for row in page)
        command = cast(ScopedUser, User.objects.get(username__startswith="bench-mob-command"))
        day = today - datetime.timedelta(days=mobilization.COUNTED_BACK)
        counted = mobilization._on_duty(command, day)
        assert counted == mobilization._on_duty_python(command, day)
        then = Deployment.objects.filter(on_duty_q(day))
        assert sum(counted.values()) == then.count() and then.filter(left_on__lt=today).exists()
        ids = list(Fund.objects.values_list("pk", flat=True))
        balances = funds.balances(ids)
        assert balances == mobilization._balances_python(ids)
        assert all(balance > 0 for balance in balances.values())

    def test_it_prints_one_json_line_and_leaves_nothing_behind(self) -> None:
        out = StringIO()
        call_command("bench", "mobilization", "--scale", "tiny", "--repeat", "1", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert (result["bench"], result["figures"]["people"]) == ("mobilization", 1_000)
        assert {"people_list_vs_python", "on_duty_count_vs_python", "fund_balances_vs_python",
                "pay_vs_baseline"} <= set(result["figures"])
        assert (Deployment.objects.count(), Payment.objects.count(), Area.objects.count()) == (
            0, 0, 0)
