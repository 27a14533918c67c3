"""Donations through the API: recorded at a warehouse (MANAGE_SUPPLIES), each line booked into its
stock; a refused line named by its index with nothing written; listed by key, the latest first,
searched by donor; 404 for a warehouse or donation out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.supplies import services
from epigrid.supplies.models import Donation, Movement
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase

URL = "/api/supplies/donations"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    return {".".join(map(str, detail["loc"][1:])): detail["msg"]
            for detail in response.json()["detail"]}


class RecordTests(SuppliesTestCase):
    def body(self, *lines: tuple[Any, int], **fields: Any) -> dict[str, Any]:
        lines = lines or ((self.n95, 500), (self.disinfectant, 40))
        return {"warehouse": self.world.warehouse_a.pk, "donor": "Jinhe Textile Co.",
                "donor_kind": "enterprise", "contact": "Mr Liu",
                "lines": [{"item": item.pk if hasattr(item, "pk") else item,
                           "quantity": quantity} for item, quantity in lines], **fields}

    def test_it_books_each_line_into_the_warehouses_stock(self) -> None:
        w = self.world
        response = post(self.client_for(self.ma), URL, self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["donor"], body["warehouse_name"], body["recorded_by"]) == (
            "Jinhe Textile Co.", "Dongcheng Depot", "ma")
        assert [(line["item_code"], line["quantity"]) for line in body["lines"]] == [
            ("n95", 500), ("disinfectant", 40)]
        assert (balance(w.warehouse_a, self.n95), balance(w.warehouse_a, self.disinfectant)) == (
            500, 40)

    def test_it_names_the_bad_line_by_its_index_and_writes_nothing(self) -> None:
        self.surgical.active = False
        self.surgical.save()
        client = self.client_for(self.ma)
        retired = post(client, URL, self.body((self.n95, 10), (self.surgical, 5)))
        assert retired.status_code == 422
        assert errors_of(retired) == {"lines.1": "Surgical mask is no longer in use."}
        twice = post(client, URL, self.body((self.n95, 10), (self.n95, 5)))
        assert errors_of(twice) == {
            "lines.1": "N95 mask is listed twice: give its total once."}
        unknown = post(client, URL, self.body((self.n95, 10), (999_999, 5)))
        assert errors_of(unknown) == {"lines.1": "No item 999999 in the catalogue."}
        zero = post(client, URL, self.body((self.n95, 10), (self.n95, 0)))
        assert zero.status_code == 422 and list(errors_of(zero)) == [
            "payload.lines.1.quantity"]
        empty = post(client, URL, self.body(donor=" ") | {"lines": []})
        assert set(errors_of(empty)) == {"donor", "lines"}
        assert not Donation.objects.exists() and not Movement.objects.exists()

    def test_it_needs_the_capability_and_a_warehouse_in_sight(self) -> None:
        w = self.world
        assert post(self.client_for(w.alice), URL, self.body()).status_code == 403
        assert post(self.client_for(w.bob), URL, self.body()).status_code == 404
        theirs = self.body(warehouse=w.warehouse_b.pk)
        assert post(self.client_for(self.ma), URL, theirs).status_code == 404
        assert not Donation.objects.exists()


class ListTests(SuppliesTestCase):
    def give(self, donor: str, kind: str = "enterprise", warehouse: Any = None) -> Donation:
        return services.record_donation(
            warehouse or self.world.warehouse_a, by=self.ma, donor=donor, donor_kind=kind,
            lines=[(self.n95, 100), (self.surgical, 50)])

    def test_it_pages_the_latest_first_and_searches_the_donor(self) -> None:
        w = self.world
        first, second = self.give("Jinhe Textile Co."), self.give("Red Cross", "organization")
        third = self.give("Wang Fang", "individual")
        self.give("Xihe Traders", warehouse=w.warehouse_b)
        client = self.client_for(w.alice)
        page = client.get(URL, {"limit": 2}).json()
        assert [row["id"] for row in page["items"]] == [third.pk, second.pk]
        rest = client.get(URL, {"limit": 2, "after": page["next_after"]}).json()
        assert [row["id"] for row in rest["items"]] == [first.pk] and rest["next_after"] is None
        assert [row["donor"] for row in client.get(URL, {"q": "cross"}).json()["items"]] == [
            "Red Cross"]
        assert [row["donor"] for row in client.get(URL, {"donor_kind": "individual"}).json()[
            "items"]] == ["Wang Fang"]
        district = self.client_for(self.xu).get(URL, {"warehouse": w.warehouse_b.pk}).json()
        assert [row["donor"] for row in district["items"]] == ["Xihe Traders"]

    def test_it_keeps_its_queries_flat_however_many_donations(self) -> None:
        client = self.client_for(self.xu)
        self.give("First")
        # session, user, home area, a page of donations (with warehouse and recorder)
        with self.assertNumQueries(4):
            client.get(URL)
        for n in range(5):
            self.give(f"Donor {n}", warehouse=(self.world.warehouse_a,
                                               self.world.warehouse_b)[n % 2])
        with self.assertNumQueries(4):
            assert len(client.get(URL).json()["items"]) == 6

    def test_it_shows_a_donation_with_its_lines_to_those_who_see_its_warehouse(self) -> None:
        w = self.world
        donation = self.give("Red Cross", "organization")
        body = self.client_for(w.alice).get(f"{URL}/{donation.pk}").json()
        assert (body["donor_kind"], body["warehouse_id"]) == ("organization", w.warehouse_a.pk)
        assert [(line["item_name"], line["unit"], line["quantity"])
                for line in body["lines"]] == [("N95 mask", "pcs", 100),
                                                ("Surgical mask", "pcs", 50)]
        assert self.client_for(w.bob).get(f"{URL}/{donation.pk}").status_code == 404
        assert self.client_for(w.bob).get(URL).json()["items"] == []
