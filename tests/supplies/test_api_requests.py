"""Requests and allocation through the API: an area asks (REQUEST_SUPPLIES, its own subtree),
the list shows those waiting in the order allocation serves them, a request shows what was
issued against it, its requester or a logistics desk cancels it; a warehouse's proposal and the
allocation issued, medical staff first."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import Recipient, RequestStatus, SupplyRequest
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase

URL = "/api/supplies/requests"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    return {str(detail["loc"][-1]): detail["msg"] for detail in response.json()["detail"]}


def day(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


class RaiseTests(SuppliesTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.village_a1.pk, "item": self.n95.pk, "quantity": 200,
                "recipient": "medical", "needed_by": day(2), "reason": "Fever clinic", **fields}

    def test_it_lets_an_officer_ask_for_a_village_of_her_town(self) -> None:
        response = post(self.client_for(self.world.alice), URL, self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["item_code"], body["quantity"], body["issued"],
                body["waiting"], body["status"], body["requested_by"], body["issues"]) == (
            "Village A1", "n95", 200, 0, 200, "open", "alice", [])

    def test_it_refuses_an_area_out_of_sight_as_missing(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        assert post(alice, URL, self.body(area=w.village_b1.pk)).status_code == 404
        assert post(alice, URL, self.body(area=999_999)).status_code == 404
        assert not SupplyRequest.objects.exists()

    def test_it_names_each_bad_input_and_needs_the_capability(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        past = post(alice, URL, self.body(needed_by=day(-1)))
        assert past.status_code == 422 and list(errors_of(past)) == ["needed_by"]
        unknown = post(alice, URL, self.body(item=999_999))
        assert errors_of(unknown) == {"item": "No item 999999 in the catalogue."}
        for quantity in (0, 2**40, 2**70):
            bad = post(alice, URL, self.body(quantity=quantity))
            assert bad.status_code == 422 and list(errors_of(bad)) == ["quantity"], quantity
        assert list(errors_of(post(alice, URL, self.body(recipient="tourists")))) == [
            "recipient"]
        grid = self.body(area=w.grid_a1_1.pk)  # a grid worker sees their grid, may not ask
        assert post(self.client_for(w.li), URL, grid).status_code == 403
        assert not SupplyRequest.objects.exists()


class ListTests(SuppliesTestCase):
    def test_it_lists_those_waiting_in_allocation_order_then_the_rest(self) -> None:
        w = self.world
        residents = self.ask(10, recipient=Recipient.RESIDENTS)
        later = self.ask(10, needed_in=5)
        medical = self.ask(10)
        frontline = self.ask(10, recipient=Recipient.FRONTLINE, area=w.village_a2)
        done = self.ask(5)
        self.stock(100)
        services.issue(w.warehouse_a, self.n95, 5, by=self.ma, request=done)
        cancelled = self.ask(3)
        services.cancel_request(cancelled, by=w.alice, note="found some")
        services.issue(w.warehouse_a, self.n95, 4, by=self.ma, request=residents)
        self.ask(1, area=w.village_b1)  # town B's: not Alice's to see
        client = self.client_for(w.alice)
        # session, user, home area, a page of requests (with their area, item, issued)
        with self.assertNumQueries(4):
            body = client.get(URL).json()
        assert [row["id"] for row in body["items"]] == [
            medical.pk, later.pk, frontline.pk, residents.pk, cancelled.pk, done.pk]
        first = body["items"][3]
        assert (first["issued"], first["waiting"], first["status"]) == (4, 6, "partly")
        assert (body["items"][5]["issued"], body["items"][5]["waiting"]) == (5, 0)
        paged = client.get(URL, {"limit": 4, "page": 2}).json()
        assert [row["id"] for row in paged["items"]] == [cancelled.pk, done.pk]
        assert paged["next_page"] is None
        waiting = client.get(URL, {"waiting": True, "area": w.village_a2.pk}).json()
        assert [row["id"] for row in waiting["items"]] == [frontline.pk]
        assert [row["id"] for row in client.get(URL, {"status": "filled"}).json()[
            "items"]] == [done.pk]
        assert client.get(URL, {"item": self.surgical.pk}).json()["items"] == []
        refused = self.client_for(w.bob).get(URL, {"area": w.town_a.pk})
        assert refused.status_code == 422 and list(errors_of(refused)) == ["area"]

    def test_it_keeps_its_queries_flat_however_many_requests(self) -> None:
        w = self.world
        self.stock(100)
        for n in range(6):
            request = self.ask(n + 2, item=(self.n95, self.surgical)[n % 2],
                               area=(w.village_a1, w.village_a2)[n % 2])
            if request.item_id == self.n95.pk:
                services.issue(w.warehouse_a, self.n95, 1, by=self.ma, request=request)
        client = self.client_for(self.xu)
        with self.assertNumQueries(4):
            assert len(client.get(URL).json()["items"]) == 6


class DetailTests(SuppliesTestCase):
    def test_it_shows_what_was_issued_and_hides_it_from_another_town(self) -> None:
        w = self.world
        self.stock(100)
        request = self.ask(50)
        services.issue(w.warehouse_a, self.n95, 20, by=self.ma, request=request)
        body = self.client_for(w.alice).get(f"{URL}/{request.pk}").json()
        assert (body["issued"], body["waiting"], body["status"]) == (20, 30, "partly")
        assert [(issue["warehouse_name"], issue["quantity"], issue["recorded_by"])
                for issue in body["issues"]] == [("Dongcheng Depot", 20, "ma")]
        assert self.client_for(w.bob).get(f"{URL}/{request.pk}").status_code == 404
        assert self.client_for(w.bob).get(f"{URL}/999999").status_code == 404

    def test_it_lets_the_requester_or_a_logistics_desk_cancel(self) -> None:
        w = self.world
        mine, theirs = self.ask(5), self.ask(6)
        assert post(self.client_for(w.medic), f"{URL}/{mine.pk}/cancel",
                    {"note": "x"}).status_code == 403  # may ask, but it is not theirs
        assert post(self.client_for(w.bob), f"{URL}/{mine.pk}/cancel",
                    {"note": "x"}).status_code == 404
        no_note = post(self.client_for(w.alice), f"{URL}/{mine.pk}/cancel", {"note": " "})
        assert no_note.status_code == 422 and list(errors_of(no_note)) == ["note"]
        cancelled = post(self.client_for(w.alice), f"{URL}/{mine.pk}/cancel",
                         {"note": "found some"}).json()
        assert (cancelled["status"], cancelled["cancel_note"], cancelled["waiting"]) == (
            "cancelled", "found some", 0)
        again = post(self.client_for(w.alice), f"{URL}/{mine.pk}/cancel", {"note": "again"})
        assert again.status_code == 422 and list(errors_of(again)) == ["status"]
        by_desk = post(self.client_for(self.ma), f"{URL}/{theirs.pk}/cancel", {"note": "dup"})
        assert by_desk.json()["status"] == "cancelled"


class AllocationTests(SuppliesTestCase):
    def url(self, item: Any = None) -> str:
        return (f"/api/supplies/warehouses/{self.world.warehouse_a.pk}/allocation/"
                f"{(item or self.n95).pk}")

    def test_it_proposes_then_issues_medical_staff_before_residents(self) -> None:
        w = self.world
        residents = self.ask(60, recipient=Recipient.RESIDENTS)
        medical = self.ask(50, area=w.village_a2)
        self.stock(80)
        proposal = self.client_for(w.alice).get(self.url()).json()
        assert (proposal["warehouse_name"], proposal["item_code"], proposal["stock"]) == (
            "Dongcheng Depot", "n95", 80)
        assert [(s["request_id"], s["area_name"], s["recipient"], s["waiting"], s["quantity"])
                for s in proposal["shares"]] == [
            (medical.pk, "Village A2", "medical", 50, 50),
            (residents.pk, "Village A1", "residents", 60, 30)]
        assert post(self.client_for(w.alice), self.url(), {}).status_code == 403
        issued = post(self.client_for(self.ma), self.url(), {"note": "round 1"})
        assert issued.status_code == 200, issued.json()
        assert [(s["request_id"], s["quantity"]) for s in issued.json()["shares"]] == [
            (medical.pk, 50), (residents.pk, 30)]
        assert issued.json()["stock"] == 0 == balance(w.warehouse_a, self.n95)
        medical.refresh_from_db()
        residents.refresh_from_db()
        assert (medical.status, residents.status) == (RequestStatus.FILLED, RequestStatus.PARTLY)
        nothing_left = post(self.client_for(self.ma), self.url(), {})
        assert nothing_left.json()["shares"] == []

    def test_it_hides_another_towns_warehouse_and_a_missing_item(self) -> None:
        w = self.world
        self.ask(5)
        self.stock(10)
        bob = self.client_for(w.bob)
        assert bob.get(self.url()).status_code == 404
        assert post(bob, self.url(), {}).status_code == 404
        missing = f"/api/supplies/warehouses/{w.warehouse_a.pk}/allocation/999999"
        assert self.client_for(self.ma).get(missing).status_code == 404
        assert balance(w.warehouse_a, self.n95) == 10
