"""Fund pages 慰问金、补助资金: the list (who sees which fund, balances and waiting payments, a
flat query count), opening a fund and its refusals, a fund's page (the ledger for its desk only,
the payments the viewer sees) and recording money received: who may, and refusals on fields."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.mobilization import funds
from epigrid.mobilization.models import Fund, FundEntry
from tests.base import PASSWORD
from tests.mobilization.helpers import MobilizationTestCase

LIST = reverse("mobilization:funds")
NEW = reverse("mobilization:fund_new")
BALANCE = r'<dd id="balance">.*?</dd>'
PAGE_IN, PAGE_OUT = r'id="page-in">.*?</td>', r'id="page-out">.*?</td>'


def listed(body: str, kind: str = "fund") -> list[int]:
    """The ids of the rows of `kind` a page shows, in its order."""
    return [int(pk) for pk in re.findall(rf'<tr id="{kind}-(\d+)"', body)]


def row(body: str, kind: str, pk: int) -> str:
    found = re.search(rf'<tr id="{kind}-{pk}".*?</tr>', body, re.S)
    assert found is not None, f"{kind} {pk} is not listed"
    return found.group()


def part(body: str, pattern: str) -> str:
    """The piece of a page matching `pattern` (a figure's cell)."""
    found = re.search(pattern, body, re.S)
    assert found is not None, f"nothing matches {pattern}"
    return found.group()


def url(name: str, fund: Fund) -> str:
    return reverse(f"mobilization:{name}", args=[fund.pk])


class FundListTests(MobilizationTestCase):
    def test_it_lists_the_funds_each_user_sees_with_their_balances(self) -> None:
        w = self.world
        district = self.fund("50000")
        town_a = funds.open_fund(w.town_a, by=w.alice, name="Dongcheng Relief Fund")
        funds.receive(town_a, by=self.wu, amount=Decimal("3000.50"), counterpart="Donors")
        town_b = funds.open_fund(w.town_b, by=w.bob, name="Xihe Relief Fund")
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertEqual(listed(alice), [district.pk, town_a.pk])
        self.assertIn("50000.00 yuan", row(alice, "fund", district.pk))
        self.assertIn("Qingshan District", row(alice, "fund", district.pk))
        self.assertIn("3000.50 yuan", row(alice, "fund", town_a.pk))
        self.assertNotIn("Xihe", alice)
        bob = self.client_for(w.bob).get(LIST).content.decode()
        self.assertEqual(listed(bob), [district.pk, town_b.pk])
        self.assertIn("0.00 yuan", row(bob, "fund", town_b.pk))
        self.assertNotIn("Dongcheng", bob)
        zhou = self.client_for(w.command).get(LIST).content.decode()
        self.assertEqual(listed(zhou), [district.pk, town_a.pk, town_b.pk])
        self.assertEqual(listed(self.client_for(w.stranger).get(LIST).content.decode()), [])

    def test_it_counts_the_payments_waiting_on_an_approver_and_on_the_keeper(self) -> None:
        w = self.world
        fund = self.fund("50000")
        self.payment(fund)  # Alice's, awaiting approval
        approved = self.payment(fund, "1000", beneficiary="Chen Ming")
        funds.approve(approved, by=w.command)
        paid = self.payment(fund, "500", beneficiary="Li Hua")
        funds.approve(paid, by=w.command)
        funds.pay(paid, by=self.wu, voucher="P-001")
        self.payment(fund, "800", by=w.bob, area=w.town_b, beneficiary="Zhao Gang")

        def counts(user: Any) -> tuple[int, int]:
            found = self.client_for(user).get(LIST).context["rows"][0]
            return found.to_approve, found.to_pay

        self.assertEqual(counts(w.command), (2, 1))  # the desk waits on both towns
        self.assertEqual(counts(w.alice), (1, 1))  # an officer counts her own areas'
        self.assertEqual(counts(w.bob), (1, 0))
        body = self.client_for(w.command).get(LIST).content.decode()
        self.assertIn(f'?fund={fund.pk}&amp;status=submitted">2</a>', row(body, "fund", fund.pk))
        funds_row = self.client_for(w.command).get(LIST).context["rows"][0]
        self.assertEqual(funds_row.balance, Decimal("49500.00"))

    def test_it_offers_to_open_a_fund_to_approvers_only(self) -> None:
        w = self.world
        self.assertIn(f'href="{NEW}"', self.client_for(w.command).get(LIST).content.decode())
        self.assertNotIn(f'href="{NEW}"', self.client_for(w.alice).get(LIST).content.decode())
        self.assertNotIn(f'href="{NEW}"', self.client_for(self.wu).get(LIST).content.decode())

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        made = [self.fund("0", name=f"Fund {n}") for n in range(3)]
        client = self.client_for(self.world.command)
        first = client.get(LIST).content.decode()
        self.assertEqual(listed(first), [made[0].pk, made[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?page=2").content.decode()), [made[2].pk])

    def test_it_keeps_its_queries_flat_however_many_funds(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.payment(self.fund("1000", name="Fund 0"))
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(1, 6):
            fund = self.fund("2000", name=f"Fund {number}")
            approved = self.payment(fund, "100")
            funds.approve(approved, by=w.command)
            self.payment(fund, "200")
        # Session, user, home area, the count, the page, the balances, the waiting payments.
        self.assertLessEqual(len(few), 7, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["rows"]), 6)
        self.assertEqual([(r.to_approve, r.to_pay) for r in many.context["rows"]][-1], (1, 1))


class OpenFundPageTests(MobilizationTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.district.pk, "name": "Frontline Condolence Fund",
                "second_approval_over": "5000"} | fields

    def test_it_opens_a_fund_kept_by_a_desk_of_ones_own(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(NEW, self.form(), follow=True)
        fund = Fund.objects.get()
        self.assertRedirects(response, url("fund", fund))
        self.assertEqual((fund.area, fund.name, fund.second_approval_over, fund.created_by),
                         (w.district, "Frontline Condolence Fund", Decimal("5000.00"),
                          w.command))
        body = response.content.decode()
        self.assertIn("Frontline Condolence Fund is opened, kept by Qingshan District.", body)
        self.assertIn("Two approvers above 5000.00 yuan", body)
        self.assertIn("0.00 yuan", body)

    def test_it_opens_a_fund_one_approval_pays_from(self) -> None:
        response = self.client_for(self.world.command).post(
            NEW, self.form(second_approval_over=""), follow=True)
        self.assertIsNone(Fund.objects.get().second_approval_over)
        self.assertIn("One approver for any amount", response.content.decode())

    def test_it_refuses_a_name_taken_an_empty_one_and_a_limit_below_zero(self) -> None:
        self.fund("0")
        client = self.client_for(self.world.command)
        taken = client.post(NEW, self.form(second_approval_over="-1"))
        self.assertEqual(taken.status_code, 400)
        self.assertEqual(taken.context["form"].errors, {
            "name": ["Qingshan District keeps a fund named Frontline Condolence Fund already."],
            "second_approval_over": ["The limit cannot be below 0."]})
        empty = client.post(NEW, self.form(name="  "))
        self.assertEqual(empty.context["form"].errors["name"], ["Name the fund."])
        self.assertEqual(Fund.objects.count(), 1)

    def test_it_refuses_an_area_outside_the_desks_subtree(self) -> None:
        w = self.world
        desk_b = create_user(username="xu", password=PASSWORD, role=Role.COMMAND,
                             home_area=w.town_b)
        response = self.client_for(desk_b).post(NEW, self.form(area=w.town_a.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Dongcheng", response.content.decode())
        self.assertFalse(Fund.objects.exists())

    def test_it_is_for_approvers_only(self) -> None:
        w = self.world
        for user in (w.alice, self.wu, w.li, w.stranger):
            with self.subTest(user=user.username):
                client = self.client_for(user)
                self.assertEqual(client.get(NEW).status_code, 403)
                self.assertEqual(client.post(NEW, self.form()).status_code, 403)
        self.assertFalse(Fund.objects.exists())


class FundPageTests(MobilizationTestCase):
    def test_it_shows_the_desk_its_ledger_newest_first(self) -> None:
        w = self.world
        fund = self.fund("50000")
        funds.receive(fund, by=self.wu, amount=Decimal("2000"), counterpart="City Red Cross",
                      voucher="R-002")
        payment = self.payment(fund, "1500")
        funds.approve(payment, by=w.command)
        paid = funds.pay(payment, by=self.wu, voucher="P-001")
        response = self.client_for(w.command).get(url("fund", fund))
        body = response.content.decode()
        entries = list(FundEntry.objects.order_by("id"))
        self.assertEqual(listed(body, "entry"), [paid.pk, entries[1].pk, entries[0].pk])
        self.assertIn("50500.00 yuan", part(body, BALANCE))
        self.assertIn("52000.00 yuan", part(body, PAGE_IN))
        self.assertIn("1500.00 yuan", part(body, PAGE_OUT))
        self.assertIn("Family of Wang Qiang", row(body, "entry", paid.pk))
        self.assertIn("P-001", row(body, "entry", paid.pk))
        self.assertEqual(listed(body, "payment"), [payment.pk])

    def test_it_shows_a_town_officer_the_balance_and_own_payments_not_the_ledger(self) -> None:
        w = self.world
        fund = self.fund("50000")
        alices = self.payment(fund)
        bobs = self.payment(fund, "800", by=w.bob, area=w.town_b, beneficiary="Zhao Gang")
        response = self.client_for(w.bob).get(url("fund", fund))
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["ledger"])
        body = response.content.decode()
        self.assertIn("Frontline Condolence Fund", body)
        self.assertIn("50000.00 yuan", body)
        self.assertNotIn('id="ledger"', body)
        self.assertNotIn("District Finance Bureau", body)  # the ledger's counterpart
        self.assertEqual(listed(body, "payment"), [bobs.pk])
        self.assertNotIn("Wang Qiang", body)
        self.assertNotIn("Dongcheng", body)
        self.assertIn(f'{reverse("mobilization:payment_new")}?fund={fund.pk}', body)
        alice = self.client_for(w.alice).get(url("fund", fund)).content.decode()
        self.assertEqual(listed(alice, "payment"), [alices.pk])

    def test_it_answers_a_fund_of_another_town_as_one_missing(self) -> None:
        w = self.world
        town_a = funds.open_fund(w.town_a, by=w.alice, name="Dongcheng Relief Fund")
        client = self.client_for(w.bob)
        self.assertEqual(client.get(url("fund", town_a)).status_code, 404)
        self.assertEqual(client.get(reverse("mobilization:fund", args=[town_a.pk + 99]))
                         .status_code, 404)
        self.assertEqual(client.post(url("fund_receive", town_a), {
            "amount": "10", "counterpart": "Donors"}).status_code, 404)
        self.assertEqual(self.client_for(w.stranger).get(url("fund", town_a)).status_code, 404)

    def test_it_offers_the_receive_form_to_the_keeper_only(self) -> None:
        w = self.world
        fund = self.fund("0")
        self.assertIn('id="receive-form"',
                      self.client_for(self.wu).get(url("fund", fund)).content.decode())
        for user in (w.command, w.alice):
            with self.subTest(user=user.username):
                self.assertNotIn('id="receive-form"',
                                 self.client_for(user).get(url("fund", fund)).content.decode())
        # The keeper applies for nothing; an officer does.
        self.assertNotIn('id="apply"',
                         self.client_for(self.wu).get(url("fund", fund)).content.decode())

    def test_it_records_money_received(self) -> None:
        fund = self.fund("50000")
        response = self.client_for(self.wu).post(url("fund_receive", fund), {
            "amount": "2000", "counterpart": "City Red Cross", "voucher": "R-002",
            "note": "Donation"}, follow=True)
        self.assertRedirects(response, url("fund", fund))
        body = response.content.decode()
        self.assertIn("2000.00 yuan received from City Red Cross.", body)
        self.assertEqual(funds.balance(fund), Decimal("52000.00"))
        entry = FundEntry.objects.latest("id")
        self.assertEqual((entry.counterpart, entry.voucher, entry.note, entry.recorded_by),
                         ("City Red Cross", "R-002", "Donation", self.wu))
        self.assertIn("52000.00 yuan", body)

    def test_it_refuses_money_without_an_amount_or_a_source(self) -> None:
        fund = self.fund("1000")
        client = self.client_for(self.wu)
        for amount, message in (("0", "The amount must be more than 0."),
                                ("-5", "The amount must be more than 0."),
                                ("12.345", "The amount is in yuan and fen: two decimal places "
                                           "at most.")):
            with self.subTest(amount=amount):
                response = client.post(url("fund_receive", fund),
                                       {"amount": amount, "counterpart": " "})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["receive_form"].errors, {
                    "amount": [message], "counterpart": ["Say where the money came from."]})
        missing = client.post(url("fund_receive", fund), {"counterpart": "Donors"})
        self.assertIn("amount", missing.context["receive_form"].errors)
        self.assertEqual(funds.balance(fund), Decimal("1000.00"))

    def test_it_lets_no_one_but_the_keeper_record_money(self) -> None:
        w = self.world
        fund = self.fund("1000")
        for user in (w.command, w.alice, w.bob):
            with self.subTest(user=user.username):
                response = self.client_for(user).post(url("fund_receive", fund), {
                    "amount": "10", "counterpart": "Donors"})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(funds.balance(fund), Decimal("1000.00"))

    @override_settings(PAGE_SIZE=2)
    def test_it_pages_the_ledger(self) -> None:
        fund = self.fund("100")
        for amount in ("200", "300"):
            funds.receive(fund, by=self.wu, amount=Decimal(amount), counterpart="Donors")
        client = self.client_for(self.wu)
        first = client.get(url("fund", fund)).content.decode()
        entries = list(FundEntry.objects.order_by("-id"))
        self.assertEqual(listed(first, "entry"), [entries[0].pk, entries[1].pk])
        self.assertIn("500.00 yuan", part(first, PAGE_IN))
        second = client.get(url("fund", fund) + "?page=2").content.decode()
        self.assertEqual(listed(second, "entry"), [entries[2].pk])
        self.assertIn("600.00 yuan", part(second, BALANCE))

    def test_it_keeps_its_queries_flat_however_long_the_ledger(self) -> None:
        w = self.world
        fund = self.fund("50000")
        client = self.client_for(w.command)
        client.get(url("fund", fund))  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(url("fund", fund))
        for number in range(6):
            payment = self.payment(fund, "100", beneficiary=f"Person {number}")
            funds.approve(payment, by=w.command)
            funds.pay(payment, by=self.wu, voucher=f"P-{number}")
        # Session, user, the fund, its balance, the ledger's count and page, the payments.
        self.assertLessEqual(len(few), 8, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(url("fund", fund))
        self.assertEqual(len(many.context["ledger"]["entries"]), 7)
        self.assertEqual(len(many.context["rows"]), 6)
