"""A warehouse's ledger through the API: receipts, issues, transfers and counts recorded through
the services, refusals naming the field with nothing written, 403 without MANAGE_SUPPLIES, 404
for a warehouse out of sight, and the ledger listed by key, the latest first."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import Movement, RequestStatus
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase

URL = "/api/supplies"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    return {str(detail["loc"][-1]): detail["msg"] for detail in response.json()["detail"]}


class RecordTests(SuppliesTestCase):
    def url(self, warehouse: Any = None) -> str:
        return f"{URL}/warehouses/{(warehouse or self.world.warehouse_a).pk}/movements"

    def test_it_records_a_receipt_and_an_issue_into_the_stock(self) -> None:
        w = self.world
        client = self.client_for(self.ma)
        received = post(client, self.url(), {"kind": "receipt", "item": self.n95.pk,
                                             "quantity": 100, "party": "City reserve"})
        assert received.status_code == 201, received.json()
        [line] = received.json()
        assert (line["kind"], line["quantity"], line["party"], line["item_code"],
                line["warehouse_name"], line["recorded_by"]) == (
            "receipt", 100, "City reserve", "n95", "Dongcheng Depot", "ma")
        issued = post(client, self.url(), {"kind": "issue", "item": self.n95.pk,
                                           "quantity": 30, "party": "Fever clinic"})
        assert issued.status_code == 201 and issued.json()[0]["quantity"] == -30
        assert balance(w.warehouse_a, self.n95) == 70

    def test_it_refuses_to_issue_more_than_held_naming_quantity(self) -> None:
        self.stock(20)
        refused = post(self.client_for(self.ma), self.url(),
                       {"kind": "issue", "item": self.n95.pk, "quantity": 21, "party": "Clinic"})
        assert refused.status_code == 422
        assert errors_of(refused) == {
            "quantity": "Dongcheng Depot holds only 20 pcs of N95 mask."}
        assert Movement.objects.count() == 1  # the receipt only

    def test_it_issues_against_a_request_and_settles_it(self) -> None:
        self.stock(100)
        request = self.ask(40)
        issued = post(self.client_for(self.ma), self.url(), {
            "kind": "issue", "item": self.n95.pk, "quantity": 15, "request": request.pk})
        assert issued.status_code == 201
        assert (issued.json()[0]["request_id"], issued.json()[0]["party"]) == (
            request.pk, "Village A1")
        request.refresh_from_db()
        assert request.status == RequestStatus.PARTLY
        too_much = post(self.client_for(self.ma), self.url(), {
            "kind": "issue", "item": self.n95.pk, "quantity": 26, "request": request.pk})
        assert errors_of(too_much) == {"quantity": "The request waits for 25 pcs only."}
        unseen = self.ask(5, area=self.world.village_b1)
        outside = post(self.client_for(self.ma), self.url(), {
            "kind": "issue", "item": self.n95.pk, "quantity": 1, "request": unseen.pk})
        assert errors_of(outside) == {
            "request": f"No request {unseen.pk} among those you may see."}

    def test_it_transfers_with_a_line_on_each_side(self) -> None:
        w = self.world
        self.stock(50)
        client = self.client_for(self.xu)
        moved = post(client, self.url(), {"kind": "transfer", "item": self.n95.pk,
                                          "quantity": 20, "target_warehouse": w.warehouse_b.pk})
        assert moved.status_code == 201
        out, into = moved.json()
        assert (out["quantity"], out["party"], into["quantity"], into["party"]) == (
            -20, "Xihe Depot", 20, "Dongcheng Depot")
        assert (out["counterpart_id"], into["counterpart_id"]) == (into["id"], out["id"])
        assert (balance(w.warehouse_a, self.n95), balance(w.warehouse_b, self.n95)) == (30, 20)
        # Ma (town A) cannot see town B's depot: as missing as a warehouse that is not there.
        blind = post(self.client_for(self.ma), self.url(), {
            "kind": "transfer", "item": self.n95.pk, "quantity": 1,
            "target_warehouse": w.warehouse_b.pk})
        assert errors_of(blind) == {
            "target_warehouse": f"No warehouse {w.warehouse_b.pk} among those you may see."}
        itself = post(client, self.url(), {"kind": "transfer", "item": self.n95.pk,
                                           "quantity": 1, "target_warehouse": w.warehouse_a.pk})
        assert list(errors_of(itself)) == ["target_warehouse"]
        assert Movement.objects.count() == 3

    def test_it_books_a_count_and_writes_nothing_when_it_agrees(self) -> None:
        w = self.world
        self.stock(50)
        client = self.client_for(self.ma)
        counted = post(client, self.url(), {"kind": "adjustment", "item": self.n95.pk,
                                            "counted": 47, "note": "3 torn"})
        assert counted.status_code == 201 and counted.json()[0]["quantity"] == -3
        agrees = post(client, self.url(), {"kind": "adjustment", "item": self.n95.pk,
                                           "counted": 47, "note": "recount"})
        assert (agrees.status_code, agrees.json()) == (200, [])
        no_note = post(client, self.url(), {"kind": "adjustment", "item": self.n95.pk,
                                            "counted": 40})
        assert no_note.status_code == 422 and list(errors_of(no_note)) == ["note"]
        assert balance(w.warehouse_a, self.n95) == 47

    def test_it_names_what_a_kind_needs_or_does_not_take(self) -> None:
        client = self.client_for(self.ma)
        bare = post(client, self.url(), {"kind": "transfer", "item": self.n95.pk})
        assert set(errors_of(bare)) == {"quantity", "target_warehouse"}
        mixed = post(client, self.url(), {"kind": "receipt", "item": self.n95.pk,
                                          "quantity": 5, "counted": 5, "request": 1})
        assert set(errors_of(mixed)) == {"counted", "request"}
        count = post(client, self.url(), {"kind": "adjustment", "item": self.n95.pk,
                                          "quantity": 5, "note": "x"})
        assert set(errors_of(count)) == {"quantity", "counted"}
        unknown = post(client, self.url(), {"kind": "receipt", "item": 999_999, "quantity": 5,
                                            "party": "City"})
        assert errors_of(unknown) == {"item": "No item 999999 in the catalogue."}
        for quantity in (0, 2**31, 2**64):
            bad = post(client, self.url(), {"kind": "receipt", "item": self.n95.pk,
                                            "quantity": quantity})
            assert bad.status_code == 422 and list(errors_of(bad)) == ["quantity"], quantity
        later = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
        future = post(client, self.url(), {"kind": "receipt", "item": self.n95.pk,
                                           "quantity": 5, "at": later})
        assert list(errors_of(future)) == ["at"]
        assert not Movement.objects.exists()

    def test_it_refuses_an_officer_and_hides_the_warehouse_from_another_town(self) -> None:
        w = self.world
        receipt = {"kind": "receipt", "item": self.n95.pk, "quantity": 5, "party": "City"}
        assert post(self.client_for(w.alice), self.url(), receipt).status_code == 403
        assert post(self.client_for(w.bob), self.url(), receipt).status_code == 404
        assert self.client_for(w.bob).get(self.url()).status_code == 404
        assert post(self.client_for(self.ma), self.url(w.warehouse_b), receipt).status_code == 404
        assert not Movement.objects.exists()


class LedgerTests(SuppliesTestCase):
    def url(self) -> str:
        return f"{URL}/warehouses/{self.world.warehouse_a.pk}/movements"

    def test_it_pages_the_ledger_by_key_every_line_once_the_latest_first(self) -> None:
        w = self.world
        for n in range(7):
            self.stock(n + 1)
        services.issue(w.warehouse_a, self.n95, 2, by=self.ma, party="Clinic")
        expected = list(Movement.objects.filter(warehouse=w.warehouse_a)
                        .order_by("-pk").values_list("pk", flat=True))
        client = self.client_for(w.alice)  # an officer of the town reads the ledger
        seen: list[int] = []
        after: int | None = None
        while True:
            query: dict[str, Any] = {"limit": 3} | ({"after": after} if after else {})
            page = client.get(self.url(), query).json()
            seen += [row["id"] for row in page["items"]]
            after = page["next_after"]
            if after is None:
                break
        assert seen == expected and len(seen) == 8
        assert self.client_for(w.bob).get(self.url()).status_code == 404

    def test_it_filters_by_item_and_kind(self) -> None:
        w = self.world
        self.stock(10)
        self.stock(5, item=self.disinfectant)
        services.issue(w.warehouse_a, self.n95, 4, by=self.ma, party="Clinic")
        client = self.client_for(self.ma)
        issues = client.get(self.url(), {"kind": "issue"}).json()["items"]
        assert [(row["item_code"], row["quantity"]) for row in issues] == [("n95", -4)]
        cleaning = client.get(self.url(), {"item": self.disinfectant.pk}).json()["items"]
        assert [(row["kind"], row["quantity"]) for row in cleaning] == [("receipt", 5)]

    def test_it_keeps_its_queries_flat_however_long_the_ledger(self) -> None:
        client = self.client_for(self.ma)
        self.stock(1)
        # session, user, home area, warehouse, lines (with their item and recorder)
        with self.assertNumQueries(5):
            client.get(self.url())
        for n in range(10):
            self.stock(n + 1, item=(self.n95, self.surgical, self.disinfectant)[n % 3])
        with self.assertNumQueries(5):
            assert len(client.get(self.url()).json()["items"]) == 11
