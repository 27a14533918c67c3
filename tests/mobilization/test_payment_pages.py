"""Payment pages 慰问、补助: the list (who sees what, filters, "awaiting my approval", partial
approvals, a flat query count) and applying with its refusals. A payment's page and its
actions: test_payment_actions.py."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.areas.models import Level
from epigrid.mobilization import funds, services
from epigrid.mobilization.models import (
    Fund,
    Payment,
    PaymentKind,
    PaymentStatus,
)
from tests.base import make_area
from tests.mobilization.helpers import MobilizationTestCase, days

LIST = reverse("mobilization:payments")
NEW = reverse("mobilization:payment_new")


def listed(body: str) -> list[int]:
    """The ids of the payments a page lists, in its order."""
    return [int(pk) for pk in re.findall(r'<tr id="payment-(\d+)"', body)]


def row(body: str, payment: Payment) -> str:
    found = re.search(rf'<tr id="payment-{payment.pk}".*?</tr>', body, re.S)
    assert found is not None, f"payment {payment.pk} is not listed"
    return found.group()


def url(name: str, payment: Payment) -> str:
    return reverse(f"mobilization:{name}", args=[payment.pk])


class PaymentListTests(MobilizationTestCase):
    def test_it_lists_the_payments_each_user_sees_newest_first(self) -> None:
        w = self.world
        fund = self.fund()
        first = self.payment(fund)
        bobs = self.payment(fund, "800", by=w.bob, area=w.town_b, beneficiary="Zhao Gang")
        second = self.payment(fund, "600", area=w.village_a1, beneficiary="Chen Ming")
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertEqual(listed(alice), [second.pk, first.pk])
        self.assertNotIn("Zhao Gang", alice)
        self.assertNotIn("Xihe", alice)
        figures = row(alice, first)
        for shown in ("Family of Wang Qiang", "condolence", "2000.00 yuan",
                      "Frontline Condolence Fund", "Dongcheng Town", "awaiting approval"):
            self.assertIn(shown, figures)
        self.assertIn("Village A1", row(alice, second))
        self.assertEqual(listed(self.client_for(w.bob).get(LIST).content.decode()), [bobs.pk])
        self.assertEqual(listed(self.client_for(w.command).get(LIST).content.decode()),
                         [second.pk, bobs.pk, first.pk])
        self.assertEqual(listed(self.client_for(w.stranger).get(LIST).content.decode()), [])

    def test_it_shows_pending_payments_unless_a_status_is_chosen(self) -> None:
        w = self.world
        fund = self.fund()
        submitted = self.payment(fund)
        approved = self.payment(fund, "100", beneficiary="A")
        funds.approve(approved, by=w.command)
        paid = self.payment(fund, "200", beneficiary="B")
        funds.approve(paid, by=w.command)
        funds.pay(paid, by=self.wu, voucher="P-1")
        rejected = self.payment(fund, "300", beneficiary="C")
        funds.reject(rejected, by=w.command, note="Not on duty")
        client = self.client_for(w.command)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [approved.pk, submitted.pk])
        self.assertEqual(ids("?status=submitted"), [submitted.pk])
        self.assertEqual(ids("?status=approved"), [approved.pk])
        self.assertEqual(ids("?status=paid"), [paid.pk])
        self.assertEqual(ids("?status=rejected"), [rejected.pk])
        self.assertEqual(ids("?status=any"), [rejected.pk, paid.pk, approved.pk, submitted.pk])

    def test_it_filters_by_fund_kind_area_and_words(self) -> None:
        w = self.world
        fund = self.fund()
        other = self.fund(name="Medical Team Subsidy Fund")
        condolence = self.payment(fund)
        subsidy = self.payment(other, "500", kind=PaymentKind.SUBSIDY, area=w.village_a1,
                               beneficiary="Chen Ming", reason="Family in hardship")
        bobs = self.payment(fund, "800", by=w.bob, area=w.town_b, beneficiary="Zhao Gang")
        client = self.client_for(w.command)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(f"?fund={fund.pk}"), [bobs.pk, condolence.pk])
        self.assertEqual(ids(f"?fund={other.pk}"), [subsidy.pk])
        self.assertEqual(ids("?kind=subsidy"), [subsidy.pk])
        self.assertEqual(ids(f"?area={w.town_a.pk}"), [subsidy.pk, condolence.pk])
        self.assertEqual(ids(f"?area={w.village_a1.pk}"), [subsidy.pk])
        self.assertEqual(ids("?q=hardship"), [subsidy.pk])  # the reason
        self.assertEqual(ids("?q=zhao"), [bobs.pk])  # the beneficiary

    def test_it_refuses_a_fund_or_an_area_filter_out_of_sight(self) -> None:
        w = self.world
        town_a = funds.open_fund(w.town_a, by=w.alice, name="Dongcheng Relief Fund")
        response = self.client_for(w.bob).get(LIST + f"?fund={town_a.pk}&area={w.town_a.pk}")
        errors = response.context["form"].errors
        self.assertEqual(errors["fund"], ["No such fund among the funds you may see."])
        self.assertEqual(errors["area"], ["No such area among the areas you may see."])
        self.assertNotIn("Dongcheng", response.content.decode())

    def test_it_lists_the_payments_awaiting_my_approval(self) -> None:
        w = self.world
        fund = self.fund(second_approval_over=Decimal("5000"))
        alices = self.payment(fund)
        zhous = self.payment(fund, "300", by=w.command, beneficiary="Li Hua")
        large = self.payment(fund, "8000", beneficiary="Family of Sun Wei")
        funds.approve(large, by=w.command)  # 1 of 2: Qian's to decide, not Zhou's
        decided = self.payment(fund, "100", beneficiary="Chen Ming")
        funds.approve(decided, by=self.qian)
        town_a = funds.open_fund(w.town_a, by=w.alice, name="Dongcheng Relief Fund")
        funds.receive(town_a, by=self.wu, amount=Decimal("100"), counterpart="Donors")
        below = self.payment(town_a, "50", area=w.village_a1, beneficiary="Wang Fang")

        def mine(user: Any) -> list[int]:
            return listed(self.client_for(user).get(LIST + "?mine=on").content.decode())

        self.assertEqual(mine(w.command), [below.pk, alices.pk])
        self.assertEqual(mine(self.qian), [below.pk, large.pk, zhous.pk, alices.pk])
        self.assertEqual(mine(w.alice), [])  # she may not approve
        self.assertEqual(mine(self.wu), [])
        self.assertEqual(mine(w.admin), [below.pk, large.pk, zhous.pk, alices.pk])

    def test_it_marks_a_payment_partly_approved(self) -> None:
        w = self.world
        fund = self.fund(second_approval_over=Decimal("5000"))
        large = self.payment(fund, "8000")
        small = self.payment(fund, "1000", beneficiary="Chen Ming")
        funds.approve(large, by=w.command)
        body = self.client_for(w.alice).get(LIST).content.decode()
        self.assertIn("1 of 2 approvals", row(body, large))
        self.assertNotIn("approvals", row(body, small))

    @override_settings(PAGE_SIZE=2)
    def test_it_shows_a_page_at_a_time(self) -> None:
        fund = self.fund()
        made = [self.payment(fund, "10", beneficiary=f"Person {n}") for n in range(3)]
        client = self.client_for(self.world.command)
        first = client.get(LIST).content.decode()
        self.assertEqual(listed(first), [made[2].pk, made[1].pk])
        self.assertIn("Page 1 of 2", first)
        self.assertEqual(listed(client.get(LIST + "?page=2").content.decode()), [made[0].pk])

    def test_it_keeps_its_queries_flat_however_many_payments(self) -> None:
        w = self.world
        fund = self.fund(second_approval_over=Decimal("500"))
        client = self.client_for(self.qian)
        self.payment(fund, "100")
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST + "?mine=on")
        for number in range(8):
            payment = self.payment(fund, "1000", beneficiary=f"Person {number}",
                                   area=w.village_a1 if number % 2 else w.town_a)
            funds.approve(payment, by=w.command)
        # Session, user, home area, the fund and area menus, the count, the page.
        self.assertLessEqual(len(few), 8, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST + "?mine=on")
        self.assertEqual(len(many.context["rows"]), 9)
        self.assertEqual(many.content.decode().count("1 of 2 approvals"), 8)


class ApplyPageTests(MobilizationTestCase):
    def form(self, fund: Fund, **fields: Any) -> dict[str, Any]:
        return {"fund": fund.pk, "area": self.world.town_a.pk, "kind": PaymentKind.CONDOLENCE,
                "beneficiary": "Family of Wang Qiang", "deployment": "", "amount": "2000",
                "reason": "Fell ill on duty at the checkpoint"} | fields

    def test_it_applies_for_a_payment(self) -> None:
        w = self.world
        fund = self.fund()
        response = self.client_for(w.alice).post(NEW, self.form(fund), follow=True)
        payment = Payment.objects.get()
        self.assertRedirects(response, url("payment", payment))
        self.assertEqual(
            (payment.fund, payment.area, payment.kind, payment.beneficiary, payment.amount,
             payment.status, payment.applied_by),
            (fund, w.town_a, PaymentKind.CONDOLENCE, "Family of Wang Qiang",
             Decimal("2000.00"), PaymentStatus.SUBMITTED, w.alice))
        self.assertIn("The payment is applied for; the fund&#x27;s approvers are told.",
                      response.content.decode())

    def test_it_preselects_the_fund_its_link_names(self) -> None:
        fund = self.fund()
        self.fund(name="Another Fund")
        body = self.client_for(self.world.alice).get(NEW + f"?fund={fund.pk}").content.decode()
        self.assertRegex(body, rf'<option value="{fund.pk}" selected>Frontline Condolence Fund')

    def test_it_pays_the_person_sent_down_when_no_one_else_is_named(self) -> None:
        person = self.deployment()
        response = self.client_for(self.world.alice).post(NEW, self.form(
            self.fund(), beneficiary="", deployment=person.pk))
        self.assertEqual(response.status_code, 302)
        payment = Payment.objects.get()
        self.assertEqual((payment.beneficiary, payment.deployment), ("Chen Ming", person))

    def test_it_offers_those_on_duty_or_back_within_30_days_and_takes_any_it_sees(
            self) -> None:
        w = self.world
        on_duty = self.deployment(name="Chen Ming")
        recent = self.deployment(name="Li Na", arrived_on=days(-60))
        services.recall(recent, by=w.alice, on=days(-30))
        gone = self.deployment(name="Zhao Gang", arrived_on=days(-90))
        services.recall(gone, by=w.alice, on=days(-31))
        client = self.client_for(w.alice)
        body = client.get(NEW).content.decode()
        options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+) \(Village A1\)', body)
        self.assertEqual([name for _pk, name in options], ["Chen Ming", "Li Na"])
        # Named by the person's page (its link), the one back long ago is offered, chosen.
        chosen = client.get(NEW + f"?deployment={gone.pk}").content.decode()
        self.assertRegex(chosen, rf'<option value="{gone.pk}" selected>Zhao Gang')
        self.assertIn(f'<option value="{on_duty.pk}">Chen Ming', chosen)
        response = client.post(NEW, self.form(self.fund(), beneficiary="",
                                              deployment=gone.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Payment.objects.get().deployment, gone)

    def test_the_persons_page_links_to_the_form_for_those_who_keep_them(self) -> None:
        w = self.world
        person = self.deployment()
        link = f'href="{NEW}?deployment={person.pk}"'
        page = reverse("mobilization:deployment", args=[person.pk])
        self.assertIn(link, self.client_for(w.alice).get(page).content.decode())
        self.assertNotIn(link, self.client_for(w.medic).get(page).content.decode())

    def test_it_refuses_bad_amounts_naming_the_field(self) -> None:
        fund = self.fund()
        client = self.client_for(self.world.alice)
        for amount, message in (
                ("0", "The amount must be more than 0."),
                ("-5", "The amount must be more than 0."),
                ("12.345", "The amount is in yuan and fen: two decimal places at most."),
                ("100000.01", "At most 100000 yuan."),
                ("", "This field is required."),
                ("abc", "Enter a number.")):
            with self.subTest(amount=amount):
                response = client.post(NEW, self.form(fund, amount=amount))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["form"].errors, {"amount": [message]})
        self.assertFalse(Payment.objects.exists())

    def test_it_refuses_a_missing_reason_and_beneficiary(self) -> None:
        response = self.client_for(self.world.alice).post(NEW, self.form(
            self.fund(), reason=" ", beneficiary=""))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors, {
            "beneficiary": ["Name the beneficiary."], "reason": ["Give the reason."]})
        self.assertFalse(Payment.objects.exists())

    def test_it_refuses_a_fund_of_another_district_or_town(self) -> None:
        w = self.world
        elsewhere = make_area(w.city, Level.DISTRICT, "420103000000", "Hongshan District")
        far = funds.open_fund(elsewhere, by=w.admin, name="Hongshan Fund")
        town_b = funds.open_fund(w.town_b, by=w.bob, name="Xihe Relief Fund")
        client = self.client_for(w.alice)
        for fund in (far, town_b):
            with self.subTest(fund=fund.name):
                response = client.post(NEW, self.form(fund))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["form"].errors["fund"],
                                 ["No such fund among the funds you may see."])
        self.assertFalse(Payment.objects.exists())

    def test_it_refuses_an_area_the_fund_does_not_pay(self) -> None:
        w = self.world
        town_a = funds.open_fund(w.town_a, by=w.alice, name="Dongcheng Relief Fund")
        response = self.client_for(w.command).post(NEW, self.form(town_a, area=w.town_b.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["area"],
                         ["Dongcheng Relief Fund pays the areas of Dongcheng Town."])

    def test_it_refuses_a_person_sent_down_to_another_town(self) -> None:
        w = self.world
        person = self.deployment()
        response = self.client_for(w.bob).post(NEW, self.form(
            self.fund(), area=w.town_b.pk, deployment=person.pk))
        self.assertEqual(response.context["form"].errors["deployment"],
                         ["No such person sent down among those of your areas."])
        self.assertNotIn("Chen Ming", response.content.decode())

    def test_it_is_for_those_who_mobilize(self) -> None:
        w = self.world
        fund = self.fund()
        for user in (w.li, w.stranger, self.wu, w.medic):
            with self.subTest(user=user.username):
                client = self.client_for(user)
                self.assertEqual(client.get(NEW).status_code, 403)
                self.assertEqual(client.post(NEW, self.form(fund)).status_code, 403)
        self.assertFalse(Payment.objects.exists())
