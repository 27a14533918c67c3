"""Request pages: raising a request (areas of one's own subtree only), the desk's list (the
serving order, filters, what was issued, overdue ones, a flat query count), a request's page,
issuing against it and cancelling it."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import Kind, Movement, Recipient, RequestStatus, SupplyRequest
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase

LIST = reverse("supplies:requests")
NEW = reverse("supplies:request_new")


def listed(body: str) -> list[int]:
    """The ids of the requests a list shows, in its order."""
    return [int(pk) for pk in re.findall(r'<tr id="request-(\d+)"', body)]


def url(name: str, request: SupplyRequest) -> str:
    return reverse(f"supplies:{name}", args=[request.pk])


class RaiseRequestPageTests(SuppliesTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        return {"area": self.world.village_a1.pk, "item": self.n95.pk, "quantity": "500",
                "recipient": Recipient.MEDICAL, "needed_by": tomorrow.isoformat(),
                "reason": "Fever clinic staff"} | fields

    def test_it_raises_a_request_for_an_area_of_the_officers_own(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(NEW, self.form(), follow=True)
        request = SupplyRequest.objects.get()
        self.assertRedirects(response, url("request", request))
        self.assertEqual((request.area, request.item, request.quantity, request.requested_by,
                          request.status),
                         (w.village_a1, self.n95, 500, w.alice, RequestStatus.OPEN))
        self.assertIn("The request of Village A1 is sent to the logistics desks.",
                      response.content.decode())

    def test_it_refuses_an_area_of_another_town_as_unknown(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(NEW, self.form(area=w.village_b1.pk))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertNotIn("Village B1", response.content.decode())
        self.assertFalse(SupplyRequest.objects.exists())

    def test_it_refuses_bad_quantities_and_a_day_past(self) -> None:
        client = self.client_for(self.world.alice)
        for quantity, message in (("abc", "Give a whole number of units, such as 200."),
                                  ("0", "Give a quantity above zero."),
                                  ("-3", "Give a quantity above zero.")):
            with self.subTest(quantity):
                errors = client.post(NEW, self.form(quantity=quantity)).context["form"].errors
                self.assertEqual(errors["quantity"], [message])
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        errors = client.post(NEW, self.form(needed_by=yesterday.isoformat())).context[
            "form"].errors
        self.assertIn("is in the past", errors["needed_by"][0])
        self.assertFalse(SupplyRequest.objects.exists())

    def test_it_lets_only_those_who_may_request_in(self) -> None:
        w = self.world
        self.assertEqual(self.client_for(w.li).get(NEW).status_code, 403)
        self.assertEqual(self.client_for(w.li).post(NEW, self.form()).status_code, 403)
        body = self.client_for(w.alice).get(NEW + f"?area={w.grid_a1_1.pk}").content.decode()
        self.assertIn("Grid A1-1", body)  # a grid linked to is offered
        self.assertNotIn("Village B1", body)
        self.assertFalse(SupplyRequest.objects.exists())


class RequestListTests(SuppliesTestCase):
    def test_it_lists_waiting_requests_in_the_order_they_are_served(self) -> None:
        w = self.world
        residents = self.ask(10, recipient=Recipient.RESIDENTS, needed_in=1)
        medical_later = self.ask(10, recipient=Recipient.MEDICAL, needed_in=3)
        medical_soon = self.ask(10, recipient=Recipient.MEDICAL, needed_in=2)
        quarantine = self.ask(10, recipient=Recipient.QUARANTINE, needed_in=1)
        medical_soon_too = self.ask(10, recipient=Recipient.MEDICAL, needed_in=2)
        filled = self.ask(5)
        self.stock(5)
        services.issue(w.warehouse_a, self.n95, 5, by=self.ma, request=filled)
        town_b = self.ask(10, area=w.village_b1, needed_in=5)  # medical, but later
        order = [medical_soon.pk, medical_soon_too.pk, medical_later.pk, quarantine.pk,
                 residents.pk]
        self.assertEqual(listed(self.client_for(self.ma).get(LIST).content.decode()), order)
        self.assertEqual(listed(self.client_for(self.xu).get(LIST).content.decode()),
                         [*order[:3], town_b.pk, *order[3:]])
        # Any status: the waiting ones first, then the rest newest first.
        everything = self.client_for(self.ma).get(LIST + "?status=any").content.decode()
        self.assertEqual(listed(everything), [*order, filled.pk])

    def test_it_shows_what_was_issued_and_what_is_late(self) -> None:
        w = self.world
        self.stock(100)
        partly = self.ask(60)
        services.issue(w.warehouse_a, self.n95, 25, by=self.ma, request=partly)
        late = self.ask(8, recipient=Recipient.RESIDENTS)
        SupplyRequest.objects.filter(pk=late.pk).update(
            needed_by=timezone.localdate() - datetime.timedelta(days=2))
        response = self.client_for(self.ma).get(LIST)
        rows = {row.request.pk: row for row in response.context["rows"]}
        self.assertEqual((rows[partly.pk].issued, rows[partly.pk].waiting,
                          rows[partly.pk].overdue), (25, 35, False))
        self.assertEqual((rows[late.pk].issued, rows[late.pk].waiting, rows[late.pk].overdue),
                         (0, 8, True))
        row = re.search(rf'<tr id="request-{late.pk}" class="overdue">.*?</tr>',
                        response.content.decode(), re.S)
        assert row is not None
        self.assertIn("overdue", row.group())

    def test_it_filters_by_status_item_recipient_and_area(self) -> None:
        w = self.world
        masks = self.ask(10)
        wipes = self.ask(10, item=self.disinfectant, recipient=Recipient.RESIDENTS)
        village_a2 = self.ask(10, area=w.village_a2, recipient=Recipient.FRONTLINE)
        cancelled = self.ask(10)
        services.cancel_request(cancelled, by=w.alice, note="found elsewhere")
        client = self.client_for(self.ma)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [masks.pk, village_a2.pk, wipes.pk])
        self.assertEqual(ids("?status=cancelled"), [cancelled.pk])
        self.assertEqual(ids(f"?item={self.disinfectant.pk}"), [wipes.pk])
        self.assertEqual(ids("?recipient=frontline"), [village_a2.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}"), [village_a2.pk])
        self.assertEqual(ids(f"?area={w.village_a1.pk}&status=any"),
                         [masks.pk, wipes.pk, cancelled.pk])

    def test_it_keeps_its_queries_flat_however_many_requests(self) -> None:
        w = self.world
        client = self.client_for(self.xu)
        self.ask(10)
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        self.stock(100)
        for number in range(6):
            request = self.ask(10 + number, area=w.village_a2, item=self.n95)
            services.issue(w.warehouse_a, self.n95, 2, by=self.ma, request=request)
            self.ask(5, area=w.village_b1, item=self.surgical, recipient=Recipient.RESIDENTS)
        # Session, user, home area, the area menu, the item menu, the count, the page.
        self.assertLessEqual(len(few), 7, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["rows"]), 13)
        self.assertEqual(sorted(row.issued for row in many.context["rows"]), [0] * 7 + [2] * 6)


class RequestDetailTests(SuppliesTestCase):
    def test_it_shows_the_request_its_issues_and_what_still_waits(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(60)
        services.issue(w.warehouse_a, self.n95, 25, by=self.ma, request=request, note="van 3")
        response = self.client_for(w.alice).get(url("request", request))
        body = response.content.decode()
        self.assertIn('<dd id="issued">25 pcs</dd>', body)
        self.assertIn('<dd id="waiting">35 pcs</dd>', body)
        self.assertIn("van 3", body)
        self.assertIsNone(response.context["issue_form"])  # an officer issues nothing
        self.assertIsNotNone(response.context["cancel_form"])  # but may withdraw her own

    def test_it_offers_the_desk_the_warehouses_that_serve_the_area(self) -> None:
        w = self.world
        self.stock(40)
        self.stock(7, warehouse=w.warehouse_b)
        request = self.ask(10)
        form = self.client_for(self.xu).get(url("request", request)).context["issue_form"]
        self.assertEqual([str(label) for _pk, label in form.fields["warehouse"].choices][1:],
                         ["Dongcheng Depot (holds 40 pcs)"])
        self.assertEqual(form.initial["quantity"], 10)
        town_b = self.ask(10, area=w.village_b1)
        form = self.client_for(self.xu).get(url("request", town_b)).context["issue_form"]
        self.assertEqual([str(label) for _pk, label in form.fields["warehouse"].choices][1:],
                         ["Xihe Depot (holds 7 pcs)"])

    def test_it_hides_another_towns_request(self) -> None:
        request = self.ask(10)
        self.assertEqual(self.client_for(self.world.bob).get(url("request", request))
                         .status_code, 404)
        self.assertEqual(self.client_for(self.world.bob).post(url("request_cancel", request), {
            "note": "not ours"}).status_code, 404)


class IssueAndCancelTests(SuppliesTestCase):
    def test_it_issues_against_the_request_from_the_desks_warehouse(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(30)
        client = self.client_for(self.ma)
        response = client.post(url("request_issue", request), {
            "warehouse": w.warehouse_a.pk, "quantity": "20", "note": "van 3"}, follow=True)
        self.assertRedirects(response, url("request", request))
        self.assertIn("20 pcs of N95 mask issued from Dongcheng Depot.",
                      response.content.decode())
        request.refresh_from_db()
        self.assertEqual((request.status, services.issued_to(request)),
                         (RequestStatus.PARTLY, 20))
        self.assertEqual(balance(w.warehouse_a, self.n95), 80)

    def test_it_refuses_more_than_the_request_waits_for(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(30)
        services.issue(w.warehouse_a, self.n95, 20, by=self.ma, request=request)
        response = self.client_for(self.ma).post(url("request_issue", request), {
            "warehouse": w.warehouse_a.pk, "quantity": "11"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["issue_form"].errors["quantity"],
                         ["The request waits for 10 pcs only."])
        self.assertIn("The request waits for 10 pcs only.", response.content.decode())
        self.assertEqual(balance(w.warehouse_a, self.n95), 80)

    def test_it_refuses_a_warehouse_that_does_not_serve_the_area(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(10, area=w.village_b1)
        response = self.client_for(self.xu).post(url("request_issue", request), {
            "warehouse": w.warehouse_a.pk, "quantity": "5"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("warehouse", response.context["issue_form"].errors)
        self.assertFalse(Movement.objects.filter(kind=Kind.ISSUE).exists())

    def test_it_lets_only_the_logistics_desks_issue(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(10)
        response = self.client_for(w.alice).post(url("request_issue", request), {
            "warehouse": w.warehouse_a.pk, "quantity": "5"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(balance(w.warehouse_a, self.n95), 100)

    def test_it_cancels_with_a_note_only(self) -> None:
        w = self.world
        request = self.ask(10)
        client = self.client_for(w.alice)
        refused = client.post(url("request_cancel", request), {"note": "  "})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.context["cancel_form"].errors["note"],
                         ["Say why the request is cancelled."])
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.OPEN)
        done = client.post(url("request_cancel", request), {"note": "got them from the city"})
        self.assertRedirects(done, url("request", request))
        request.refresh_from_db()
        self.assertEqual((request.status, request.cancel_note),
                         (RequestStatus.CANCELLED, "got them from the city"))
        again = client.post(url("request_cancel", request), {"note": "twice"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("The request is cancelled already.", again.content.decode())

    def test_it_lets_the_requester_or_a_desk_cancel_and_no_one_else(self) -> None:
        w = self.world
        request = self.ask(10)
        # Li's sight is her grid: village A1's request is not in it.
        self.assertEqual(self.client_for(w.li).post(url("request_cancel", request), {
            "note": "mine"}).status_code, 404)
        # Dr He sees it and may request supplies, but did not raise it and keeps no stock.
        self.assertEqual(self.client_for(w.medic).post(url("request_cancel", request), {
            "note": "not needed"}).status_code, 403)
        self.assertEqual(self.client_for(self.ma).post(url("request_cancel", request), {
            "note": "sent by the city directly"}).status_code, 302)
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.CANCELLED)
