"""Funds 慰问金 and payments 慰问、补助 through the API: a fund opened by an approver's desk, money
received by its keeper, listed with balances summed in one query; its ledger read by the desk
only (404 to the areas applying, as a missing fund); a payment applied for by an area, approved
(twice above the fund's limit, never by its applicant) or rejected saying why, paid against a
voucher while the fund holds it, the balance going down by its amount; money as text with two
decimals; refusals naming the field with nothing written, 403 for the wrong role or desk, 404
for a fund or payment out of sight."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.test import Client

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Receipt
from epigrid.core.access import Role
from epigrid.mobilization import funds
from epigrid.mobilization.models import Fund, FundEntry, Payment, PaymentStatus
from tests.base import PASSWORD
from tests.mobilization.helpers import MobilizationTestCase

URL = "/api/mobilization"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name, `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


def inbox(user: Any) -> list[str]:
    return list(Receipt.objects.filter(user=user).order_by("pk")
                .values_list("notice__title", flat=True))


class FundTests(MobilizationTestCase):
    def test_it_opens_a_fund_at_the_approvers_desk(self) -> None:
        w = self.world
        response = post(self.client_for(w.command), f"{URL}/funds",
                        {"name": "Hardship Fund", "second_approval_over": 5000})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["name"], body["second_approval_over"], body["balance"],
                body["created_by"]) == (
            "Qingshan District", "Hardship Fund", "5000.00", "0.00", "zhou")
        assert Fund.objects.get(pk=body["id"]).area == w.district

    def test_it_refuses_to_open_one_for_the_wrong_role_or_a_bad_input(self) -> None:
        w = self.world
        for user in (w.alice, self.wu):
            assert post(self.client_for(user), f"{URL}/funds",
                        {"name": "Mine"}).status_code == 403
        zhou = self.client_for(w.command)
        self.fund(name="Hardship Fund")
        assert list(errors_of(post(zhou, f"{URL}/funds", {"name": "Hardship Fund"}))) == [
            "name"]
        assert list(errors_of(post(zhou, f"{URL}/funds", {
            "name": "Other", "second_approval_over": "-1"}))) == ["second_approval_over"]
        assert list(errors_of(post(zhou, f"{URL}/funds", {
            "name": "Other", "area": w.city.pk}))) == ["area"]
        assert Fund.objects.count() == 1

    def test_it_lists_funds_with_their_balances_as_text(self) -> None:
        w = self.world
        district = self.fund("50000")
        payment = self.payment(district, "2000")
        funds.approve(payment, by=w.command)
        funds.pay(payment, by=self.wu, voucher="P-001")
        town_a = self.fund("0", name="Dongcheng Fund", by=w.admin)
        Fund.objects.filter(pk=town_a.pk).update(area=w.town_a)
        funds.receive(town_a, by=w.admin, amount=Decimal("300.5"), counterpart="Donors")

        def rows(user: Any) -> list[tuple[str, str, str]]:
            return [(row["name"], row["area_name"], row["balance"]) for row in
                    self.client_for(user).get(f"{URL}/funds").json()["items"]]

        everything = [("Frontline Condolence Fund", "Qingshan District", "48000.00"),
                      ("Dongcheng Fund", "Dongcheng Town", "300.50")]
        assert rows(w.alice) == everything  # the district's fund too: she applies to it
        assert rows(w.command) == everything
        assert rows(w.bob) == everything[:1]
        assert rows(w.stranger) == []
        body = self.client_for(w.bob).get(f"{URL}/funds/{district.pk}").json()
        assert body["balance"] == "48000.00"
        for pk in (town_a.pk, 999_999):
            assert self.client_for(w.bob).get(f"{URL}/funds/{pk}").status_code == 404

    def test_it_sums_every_balance_in_one_query(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.fund(name="F0")
        # session, user, home area, a page of funds, their balances
        with self.assertNumQueries(5):
            assert len(client.get(f"{URL}/funds").json()["items"]) == 1
        for n in range(1, 8):
            self.fund(str(n * 100), name=f"F{n}")
        with self.assertNumQueries(5):
            balances = [row["balance"] for row in client.get(f"{URL}/funds").json()["items"]]
        assert balances == ["50000.00"] + [f"{n * 100}.00" for n in range(1, 8)]

    def test_it_shows_the_ledger_to_the_desk_only(self) -> None:
        w = self.world
        fund = self.fund("50000")
        funds.receive(fund, by=self.wu, amount=Decimal("1200"), counterpart="Red Cross")
        payment = self.payment(fund, "2000")
        funds.approve(payment, by=w.command)
        funds.pay(payment, by=self.wu, voucher="P-001")
        wu = self.client_for(self.wu)
        body = wu.get(f"{URL}/funds/{fund.pk}/ledger").json()
        assert [(row["kind"], row["amount"], row["counterpart"], row["voucher"],
                 row["payment_id"], row["recorded_by"]) for row in body["items"]] == [
            ("receipt", "50000.00", "District Finance Bureau", "R-001", None, "wu"),
            ("receipt", "1200.00", "Red Cross", "", None, "wu"),
            ("payment", "2000.00", "Family of Wang Qiang", "P-001", payment.pk, "wu")]
        first = wu.get(f"{URL}/funds/{fund.pk}/ledger", {"limit": 2}).json()
        rest = wu.get(f"{URL}/funds/{fund.pk}/ledger", {"after": first["next_after"]}).json()
        assert [row["amount"] for row in rest["items"]] == ["2000.00"]
        assert rest["next_after"] is None
        # Alice sees the fund (she applies to it), not who was paid what: as if it did not exist.
        alice = self.client_for(w.alice)
        assert alice.get(f"{URL}/funds/{fund.pk}").status_code == 200
        hidden = alice.get(f"{URL}/funds/{fund.pk}/ledger")
        assert (hidden.status_code, hidden.json()) == (404, {"detail": "Not found."})
        assert alice.get(f"{URL}/funds/999999/ledger").json() == {"detail": "Not found."}

    def test_it_records_money_received_by_the_keeper_only(self) -> None:
        w = self.world
        fund = self.fund("50000")
        wu = self.client_for(self.wu)
        response = post(wu, f"{URL}/funds/{fund.pk}/receipts",
                        {"amount": "800.5", "counterpart": "City Trade Union", "voucher": "R-2"})
        assert response.status_code == 201, response.json()
        assert (response.json()["kind"], response.json()["amount"]) == ("receipt", "800.50")
        assert wu.get(f"{URL}/funds/{fund.pk}").json()["balance"] == "50800.50"
        assert list(errors_of(post(wu, f"{URL}/funds/{fund.pk}/receipts",
                                   {"amount": "0", "counterpart": " "}))) == [
            "amount", "counterpart"]
        assert list(errors_of(post(wu, f"{URL}/funds/{fund.pk}/receipts",
                                   {"amount": "1.005", "counterpart": "x"}))) == ["amount"]
        town_keeper = create_user(username="sun", password=PASSWORD, role=Role.LOGISTICS,
                                  home_area=w.town_a)
        for user, why in ((w.alice, "Your role may not do this"),
                          (w.command, "Your role may not do this"),
                          (town_keeper, "Only the fund's desk")):
            response = post(self.client_for(user), f"{URL}/funds/{fund.pk}/receipts",
                            {"amount": "10", "counterpart": "x"})
            assert response.status_code == 403 and why in response.json()["detail"], user
        assert funds.balance(fund) == Decimal("50800.50")


class PaymentTests(MobilizationTestCase):
    def body(self, fund: Fund, **fields: Any) -> dict[str, Any]:
        return {"fund": fund.pk, "kind": "condolence", "beneficiary": "Family of Wang Qiang",
                "amount": "2000", "reason": "Fell ill on duty", **fields}

    def test_it_applies_approves_and_pays_the_balance_going_down(self) -> None:
        w = self.world
        fund = self.fund("50000")
        with self.captureOnCommitCallbacks(execute=True):
            applied = post(self.client_for(w.alice), f"{URL}/payments", self.body(fund))
        assert applied.status_code == 201, applied.json()
        body = applied.json()
        assert (body["area_name"], body["fund_name"], body["amount"], body["status"],
                body["approvals_needed"], body["applied_by"], body["approvals"],
                body["voucher"]) == (
            "Dongcheng Town", "Frontline Condolence Fund", "2000.00", "submitted", 1, "alice",
            [], None)
        assert [title.startswith("Payment to approve: Family of Wang Qiang")
                for title in inbox(w.command)] == [True]
        url = f"{URL}/payments/{body['id']}"
        approved = post(self.client_for(w.command), f"{url}/approve", {"note": "Agreed."})
        assert approved.status_code == 200, approved.json()
        assert approved.json()["status"] == "approved"
        assert [(a["by"], a["decision"], a["note"]) for a in approved.json()["approvals"]] == [
            ("zhou", "approve", "Agreed.")]
        wu = self.client_for(self.wu)
        paid = post(wu, f"{url}/pay", {"voucher": "P-0042"})
        assert paid.status_code == 200, paid.json()
        assert (paid.json()["status"], paid.json()["voucher"]) == ("paid", "P-0042")
        assert paid.json()["paid_at"] is not None
        assert wu.get(f"{URL}/funds/{fund.pk}").json()["balance"] == "48000.00"
        again = errors_of(post(wu, f"{url}/pay", {"voucher": "P-0043"}))
        assert list(again) == [""]
        assert funds.balance(fund) == Decimal("48000.00")

    def test_it_needs_two_approvers_above_the_limit_and_never_the_applicant(self) -> None:
        w = self.world
        fund = self.fund("50000", second_approval_over=Decimal("1000"))
        payment = self.payment(fund, "2000", by=w.command, area=w.district)
        url = f"{URL}/payments/{payment.pk}/approve"
        assert list(errors_of(post(self.client_for(w.command), url, {}))) == [""]
        qian = self.client_for(self.qian)
        first = post(qian, url, {}).json()
        assert (first["status"], first["approvals_needed"], len(first["approvals"])) == (
            "submitted", 2, 1)
        assert "already" in errors_of(post(qian, url, {}))[""]
        admin = post(self.client_for(w.admin), url, {}).json()
        assert (admin["status"], [a["by"] for a in admin["approvals"]]) == (
            "approved", ["qian", "admin"])

    def test_it_rejects_saying_why(self) -> None:
        w = self.world
        payment = self.payment(self.fund())
        zhou = self.client_for(w.command)
        url = f"{URL}/payments/{payment.pk}"
        assert list(errors_of(post(zhou, f"{url}/reject", {"note": " "}))) == ["note"]
        rejected = post(zhou, f"{url}/reject", {"note": "Paid by the union already."}).json()
        assert (rejected["status"], rejected["approvals"][0]["decision"]) == ("rejected",
                                                                              "reject")
        assert list(errors_of(post(zhou, f"{url}/approve", {}))) == [""]
        assert list(errors_of(post(self.client_for(self.wu), f"{url}/pay",
                                   {"voucher": "P-1"}))) == [""]

    def test_it_refuses_to_pay_more_than_the_fund_holds_or_without_a_voucher(self) -> None:
        w = self.world
        fund = self.fund("1000")
        payment = self.payment(fund, "2000")
        funds.approve(payment, by=w.command)
        wu = self.client_for(self.wu)
        url = f"{URL}/payments/{payment.pk}/pay"
        short = errors_of(post(wu, url, {"voucher": "P-1"}))
        assert list(short) == [""] and "1000.00" in short[""]
        small = self.payment(fund, "500")
        funds.approve(small, by=w.command)
        assert list(errors_of(post(wu, f"{URL}/payments/{small.pk}/pay", {"voucher": " "}))) == [
            "voucher"]
        assert not FundEntry.objects.filter(payment__isnull=False).exists()
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.APPROVED

    def test_it_refuses_the_wrong_role_with_403(self) -> None:
        w = self.world
        fund = self.fund()
        for user in (w.li, w.medic):
            assert post(self.client_for(user), f"{URL}/payments",
                        self.body(fund)).status_code == 403
        payment = self.payment(fund)
        url = f"{URL}/payments/{payment.pk}"
        for user in (w.alice, self.wu):
            for action in ("approve", "reject"):
                assert post(self.client_for(user), f"{url}/{action}",
                            {"note": "no"}).status_code == 403
        funds.approve(payment, by=w.command)
        for user in (w.alice, w.command):
            assert post(self.client_for(user), f"{url}/pay",
                        {"voucher": "P-1"}).status_code == 403
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.APPROVED

    def test_it_names_each_bad_input_and_writes_nothing(self) -> None:
        w = self.world
        fund = self.fund()
        alice = self.client_for(w.alice)
        assert list(errors_of(post(alice, f"{URL}/payments", self.body(
            fund, amount="100000.01")))) == ["amount"]
        assert list(errors_of(post(alice, f"{URL}/payments", self.body(
            fund, reason=" ", beneficiary="")))) == ["beneficiary", "reason"]
        assert list(errors_of(post(alice, f"{URL}/payments", self.body(
            fund, area=w.town_b.pk)))) == ["area"]
        zhao = self.deployment(w.village_b1, name="Zhao Gang", by=w.bob)
        assert list(errors_of(post(alice, f"{URL}/payments", self.body(
            fund, deployment=zhao.pk)))) == ["deployment"]
        west = funds.open_fund(w.town_b, by=w.admin, name="Xihe Fund")
        assert list(errors_of(post(alice, f"{URL}/payments", self.body(west)))) == ["fund"]
        assert list(errors_of(post(alice, f"{URL}/payments", self.body(
            fund, kind="bonus")))) == ["kind"]
        assert not Payment.objects.exists()

    def test_it_lists_payments_from_both_ends_latest_first_with_filters(self) -> None:
        w = self.world
        fund = self.fund()
        other = self.fund("0", name="Second Fund")
        a1 = self.payment(fund, "100")
        a2 = self.payment(other, "200")
        b1 = self.payment(fund, "300", by=w.bob, area=w.town_b)
        funds.approve(a1, by=w.command)

        def amounts(user: Any, **query: Any) -> list[str]:
            return [row["amount"] for row in
                    self.client_for(user).get(f"{URL}/payments", query).json()["items"]]

        assert amounts(self.wu) == ["300.00", "200.00", "100.00"]  # the fund's desk: both towns
        assert amounts(w.alice) == ["200.00", "100.00"]
        assert amounts(w.bob) == ["300.00"]
        assert amounts(w.stranger) == []
        assert amounts(self.wu, status="approved") == ["100.00"]
        assert amounts(self.wu, fund=other.pk) == ["200.00"]
        assert amounts(self.wu, area=w.town_b.pk) == ["300.00"]
        assert errors_of(self.client_for(w.bob).get(f"{URL}/payments", {"area": w.town_a.pk}))
        page = self.client_for(self.wu).get(f"{URL}/payments", {"limit": 2}).json()
        assert ([row["id"] for row in page["items"]], page["next_after"]) == (
            [b1.pk, a2.pk], a2.pk)
        for pk in (a1.pk, 999_999):
            assert self.client_for(w.bob).get(f"{URL}/payments/{pk}").status_code == 404
        assert self.client_for(w.bob).get(f"{URL}/payments/{b1.pk}").status_code == 200

    def test_it_keeps_its_queries_flat_however_many_payments(self) -> None:
        w = self.world
        client = self.client_for(self.wu)
        fund = self.fund()
        self.payment(fund)
        # session, user, home area, a page of payments (their fund, area and applicant joined)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/payments").json()["items"]) == 1
        for n in range(8):
            self.payment(fund, str(100 + n), by=(w.alice, w.bob)[n % 2],
                         area=(w.village_a1, w.town_b)[n % 2])
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/payments").json()["items"]) == 9
