"""The mobilization family: people sent down on duty and arrived, counted in the area they were
sent to, and payments paid, counted in the area that applied for them; rolled up the tree (town A
holds its villages' people), a past day counted as the records stood then."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.mobilization import funds, services
from epigrid.mobilization.models import Deployment, Payment
from epigrid.reporting import metrics
from epigrid.reporting import services as reporting
from epigrid.reporting.families_mobilization import compute
from epigrid.reporting.models import DailyFigures
from tests.mobilization.helpers import MobilizationTestCase, days
from tests.reporting.helpers import more_areas

CODES = ("mobilization_on_duty", "mobilization_arrived", "mobilization_payments_paid")


def today() -> datetime.date:
    return timezone.localdate()


def stored(area: Area, day: datetime.date | None = None) -> dict[str, int]:
    values: dict[str, int] = DailyFigures.objects.get(area=area, day=day or today()).values
    return {code: n for code, n in values.items() if code.startswith("mobilization_")}


class MobilizationFamilyTests(MobilizationTestCase):
    def paid(self, payment: Payment, when: datetime.datetime | None = None) -> Payment:
        """Zhou approves the payment and Wu pays it (at `when`, if given)."""
        funds.approve(payment, by=self.world.command)
        funds.pay(payment, by=self.wu, voucher=f"P-{payment.pk}")
        if when is not None:
            Payment.objects.filter(pk=payment.pk).update(paid_at=when)
        payment.refresh_from_db()
        return payment

    def recorded_at(self, deployment: Deployment, when: datetime.datetime) -> None:
        Deployment.objects.filter(pk=deployment.pk).update(created_at=when)

    def test_it_counts_the_people_on_duty_and_arrived_where_they_were_sent(self) -> None:
        w = self.world
        self.deployment(w.village_a1)  # arrived three days ago, still there
        self.deployment(w.village_a1, name="Liu Fang", arrived_on=days(0), party_member=True)
        self.deployment(w.village_a2, name="Gao Yi", arrived_on=days(2))  # not yet
        self.deployment(w.town_b, name="Ma Lin", by=w.bob, arrived_on=days(0))
        leaves = compute(today(), timezone.now())
        self.assertEqual(leaves[w.village_a1.path], {"mobilization_on_duty": 2,
                                                     "mobilization_arrived": 1})
        self.assertEqual(leaves[w.town_b.path], {"mobilization_on_duty": 1,
                                                 "mobilization_arrived": 1})
        self.assertNotIn(w.village_a2.path, leaves)

    def test_it_counts_who_left_today_but_not_who_left_yesterday(self) -> None:
        w = self.world
        left_today = self.deployment(w.village_a1, name="Left Today")
        left_yesterday = self.deployment(w.village_a1, name="Left Yesterday")
        services.recall(left_today, by=w.alice, on=days(0))
        services.recall(left_yesterday, by=w.alice, on=days(-1))
        self.assertEqual(compute(today(), timezone.now())[w.village_a1.path],
                         {"mobilization_on_duty": 1})
        # Yesterday both were still there (the first day of leaving counts as on duty).
        self.assertEqual(compute(days(-1), timezone.now())[w.village_a1.path],
                         {"mobilization_on_duty": 2})

    def test_it_counts_the_payments_paid_on_the_day_in_the_applying_area(self) -> None:
        w = self.world
        fund = self.fund()  # the district's
        self.paid(self.payment(fund))  # town A, paid now
        self.paid(self.payment(fund, beneficiary="Family of Li Hua", area=w.village_a2))
        self.paid(self.payment(fund, beneficiary="Family of Zhao Gang"),
                  when=timezone.now() - datetime.timedelta(days=1))
        funds.approve(self.payment(fund, beneficiary="Family of Sun Bo"), by=w.command)  # unpaid
        self.payment(fund, beneficiary="Family of Hu Jie", area=w.town_b, by=w.bob)  # submitted
        leaves = compute(today(), timezone.now())
        self.assertEqual(leaves[w.town_a.path], {"mobilization_payments_paid": 1})
        self.assertEqual(leaves[w.village_a2.path], {"mobilization_payments_paid": 1})
        self.assertNotIn(w.town_b.path, leaves)
        self.assertNotIn(w.district.path, leaves)  # the fund's desk pays, the town applied
        self.assertEqual(compute(days(-1), timezone.now())[w.town_a.path],
                         {"mobilization_payments_paid": 1})

    def test_it_leaves_out_what_was_entered_after_the_count(self) -> None:
        w = self.world
        at = timezone.now() - datetime.timedelta(minutes=5)
        early = self.deployment(w.village_a1, arrived_on=days(0))
        self.deployment(w.village_a1, name="Entered Late", arrived_on=days(0))  # after `at`
        payment = self.paid(self.payment(self.fund()))  # paid after `at`
        self.recorded_at(early, at - datetime.timedelta(hours=1))
        self.assertEqual(dict(compute(today(), at)), {
            w.village_a1.path: {"mobilization_on_duty": 1, "mobilization_arrived": 1}})
        Payment.objects.filter(pk=payment.pk).update(paid_at=at - datetime.timedelta(minutes=1))
        if timezone.localdate(at - datetime.timedelta(minutes=1)) == today():  # not at midnight
            self.assertEqual(compute(today(), at)[w.town_a.path],
                             {"mobilization_payments_paid": 1})

    def test_it_rolls_the_figures_up_the_tree(self) -> None:
        w = self.world
        self.deployment(w.village_a1)
        self.deployment(w.village_a2, name="Liu Fang", arrived_on=days(0))
        self.deployment(w.town_a, name="Gao Yi", arrived_on=days(0))
        self.deployment(w.village_b1, name="Ma Lin", by=w.bob)
        self.paid(self.payment(self.fund(), area=w.village_a1))
        reporting.recompute_day(today())
        self.assertEqual(stored(w.village_a1), {"mobilization_on_duty": 1,
                                                "mobilization_payments_paid": 1})
        self.assertEqual(stored(w.town_a), {"mobilization_on_duty": 3,
                                            "mobilization_arrived": 2,
                                            "mobilization_payments_paid": 1})
        self.assertEqual(stored(w.town_b), {"mobilization_on_duty": 1})
        self.assertEqual(stored(w.district), {"mobilization_on_duty": 4,
                                              "mobilization_arrived": 2,
                                              "mobilization_payments_paid": 1})

    def test_it_keeps_a_past_days_on_duty_figure_and_counts_its_arrivals(self) -> None:
        w = self.world
        yesterday = days(-1)
        self.recorded_at(self.deployment(w.village_a1, arrived_on=yesterday),
                         timezone.now() - datetime.timedelta(days=1))
        reporting.recompute_day(yesterday)
        self.assertEqual(stored(w.town_a, yesterday), {"mobilization_arrived": 1})
        # On duty is a snapshot: today's only (a past day keeps what was stored for it).

    def test_it_counts_in_two_queries_whatever_the_areas(self) -> None:
        w = self.world
        self.deployment(w.village_a1)
        self.paid(self.payment(self.fund()))

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                compute(today(), timezone.now())
            return len(captured.captured_queries)

        self.assertEqual(queries(), 2)
        for n, village in enumerate(more_areas(w.town_a, 5)):
            self.deployment(village, name=f"Cadre {n}")
        self.assertEqual(queries(), 2)

    def test_it_links_each_figure_to_its_list(self) -> None:
        found = {code: metrics.get_metric(code) for code in CODES}
        people, payments = reverse("mobilization:deployments"), reverse("mobilization:payments")
        self.assertEqual([found[code].url(7, today(), self.world.command) for code in CODES], [
            f"{people}?area=7&status=on_duty", f"{people}?area=7&status=any",
            f"{payments}?area=7&status=paid"])
        self.assertEqual([found[code].family for code in CODES], ["mobilization"] * 3)
        self.assertEqual([found[code].snapshot for code in CODES], [True, False, False])
        self.assertEqual([f.key for f in metrics.families()][-3:-1],
                         ["supervision", "mobilization"])
