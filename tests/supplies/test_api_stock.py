"""The supplies API's catalogue and stock figures: an area's and a warehouse's stock, use over
the last week, days of supply, what requests wait for; 404 for a warehouse or area out of sight,
403 changing the catalogue without MANAGE_SUPPLIES, 422 naming the field."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.supplies import services
from epigrid.supplies.models import Item
from tests.supplies.helpers import SuppliesTestCase

URL = "/api/supplies"


def post(client: Client, url: str, data: dict[str, Any], method: str = "post") -> Any:
    return client.generic(method.upper(), url, data=json.dumps(data),
                          content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    return {str(detail["loc"][-1]): detail["msg"] for detail in response.json()["detail"]}


def row_of(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(row for row in body["items"] if row["item_code"] == code)


class StockTests(SuppliesTestCase):
    def test_it_sums_receipts_and_issues_into_the_figures_of_a_warehouse(self) -> None:
        w = self.world
        self.stock(100)
        services.issue(w.warehouse_a, self.n95, 30, by=self.ma, party="Fever clinic")
        self.ask(50)
        body = self.client_for(self.ma).get(f"{URL}/warehouses/{w.warehouse_a.pk}/stock").json()
        assert (body["warehouse_name"], body["area_name"]) == ("Dongcheng Depot",
                                                               "Dongcheng Town")
        n95 = row_of(body, "n95")
        assert (n95["stock"], n95["used_7d"], n95["per_day"], n95["waiting"],
                n95["days_of_supply"], n95["short"]) == (70, 30, 4.3, 50, 16.3, False)
        unused = row_of(body, "surgical-mask")
        assert (unused["stock"], unused["used_7d"], unused["days_of_supply"],
                unused["short"]) == (0, 0, None, False)

    def test_it_counts_an_areas_warehouses_and_defaults_to_the_home_area(self) -> None:
        w = self.world
        self.stock(100)
        self.stock(40, warehouse=w.warehouse_b)
        services.issue(w.warehouse_b, self.n95, 35, by=self.xu, party="West Gate")
        district = self.client_for(self.xu).get(f"{URL}/stock").json()
        assert district["area_name"] == "Qingshan District"
        assert (row_of(district, "n95")["stock"], row_of(district, "n95")["used_7d"]) == (105, 35)
        town_b = self.client_for(self.xu).get(f"{URL}/stock", {"area": w.town_b.pk}).json()
        n95 = row_of(town_b, "n95")
        # 5 left at 5 a day: one day of supply, below the item's three.
        assert (n95["stock"], n95["per_day"], n95["days_of_supply"], n95["short"]) == (
            5, 5.0, 1.0, True)
        town_a = self.client_for(self.ma).get(f"{URL}/stock").json()
        assert (town_a["area_name"], row_of(town_a, "n95")["stock"]) == ("Dongcheng Town", 100)

    def test_it_answers_404_for_a_warehouse_or_area_out_of_sight(self) -> None:
        w = self.world
        bob = self.client_for(w.bob)
        assert bob.get(f"{URL}/warehouses/{w.warehouse_a.pk}/stock").status_code == 404
        assert bob.get(f"{URL}/warehouses/999999/stock").status_code == 404
        assert bob.get(f"{URL}/stock", {"area": w.town_a.pk}).status_code == 404
        assert self.client_for(w.stranger).get(f"{URL}/stock").json() == {
            "area_id": None, "area_name": None, "items": []}

    def test_it_keeps_its_queries_flat_however_many_items_and_movements(self) -> None:
        w = self.world
        client = self.client_for(self.ma)
        url = f"{URL}/warehouses/{w.warehouse_a.pk}/stock"
        self.stock(10)
        # session, user, home area, warehouse; the stock: four sums and the items
        with self.assertNumQueries(9) as first:
            client.get(url)
        for n in range(5):
            item = Item.objects.create(code=f"kit-{n}", name=f"Kit {n}", unit="boxes",
                                       category="testing")
            self.stock(10 + n, item=item)
            services.issue(w.warehouse_a, item, 1, by=self.ma, party="Lab")
            self.ask(2, item=item)
        with self.assertNumQueries(len(first.captured_queries)):
            body = client.get(url).json()
        assert len(body["items"]) == 8
        with self.assertNumQueries(8):  # the area's figures: no warehouse to look up
            client.get(f"{URL}/stock")


class CatalogueTests(SuppliesTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"code": "gown", "name": "Isolation gown", "unit": "pcs",
                "category": "protective", **fields}

    def test_it_lists_the_catalogue_by_key_with_filters(self) -> None:
        client = self.client_for(self.world.alice)
        with self.assertNumQueries(3):  # session, user, rows
            first = client.get(f"{URL}/items", {"limit": 2}).json()
        assert [row["code"] for row in first["items"]] == ["n95", "surgical-mask"]
        rest = client.get(f"{URL}/items", {"limit": 2, "after": first["next_after"]}).json()
        assert [row["code"] for row in rest["items"]] == ["disinfectant"]
        assert rest["next_after"] is None
        masks = client.get(f"{URL}/items", {"category": "masks", "q": "N95"}).json()
        assert [row["code"] for row in masks["items"]] == ["n95"]
        assert masks["items"][0]["priority"] == 1

    def test_it_adds_and_changes_items_for_the_logistics_desk(self) -> None:
        client = self.client_for(self.ma)
        made = post(client, f"{URL}/items", self.body(priority=1, alert_days=5))
        assert made.status_code == 201, made.json()
        assert (made.json()["code"], made.json()["priority"], made.json()["active"]) == (
            "gown", 1, True)
        changed = post(client, f"{URL}/items/{made.json()['id']}",
                       {"name": "Gown, isolation", "active": False}, "patch")
        assert (changed.json()["name"], changed.json()["active"],
                changed.json()["alert_days"]) == ("Gown, isolation", False, 5)
        assert Item.objects.get(code="gown").name == "Gown, isolation"

    def test_it_refuses_a_taken_code_and_bad_values_naming_the_field(self) -> None:
        client = self.client_for(self.ma)
        taken = post(client, f"{URL}/items", self.body(code="n95"))
        assert taken.status_code == 422
        assert errors_of(taken) == {"code": "The code n95 is taken by N95 mask: choose another."}
        renamed = post(client, f"{URL}/items/{self.surgical.pk}", {"code": "n95"}, "patch")
        assert renamed.status_code == 422 and list(errors_of(renamed)) == ["code"]
        slug = post(client, f"{URL}/items", self.body(code="not a slug"))
        assert slug.status_code == 422 and list(errors_of(slug)) == ["code"]
        nulled = post(client, f"{URL}/items/{self.n95.pk}", {"name": None}, "patch")
        assert nulled.status_code == 422 and list(errors_of(nulled)) == ["name"]
        for days in (366, 2**64):
            huge = post(client, f"{URL}/items/{self.n95.pk}", {"alert_days": days}, "patch")
            assert huge.status_code == 422 and list(errors_of(huge)) == ["alert_days"], days
        shouting = post(client, f"{URL}/items", self.body(code="N95"))  # one code, any case
        assert shouting.status_code == 422 and list(errors_of(shouting)) == ["code"]
        assert Item.objects.count() == 3
        assert Item.objects.get(pk=self.surgical.pk).code == "surgical-mask"

    def test_it_needs_the_capability_to_change_the_catalogue(self) -> None:
        alice = self.client_for(self.world.alice)
        assert post(alice, f"{URL}/items", self.body()).status_code == 403
        assert post(alice, f"{URL}/items/{self.n95.pk}", {"name": "x"}, "patch").status_code == 403
        assert post(self.client_for(self.ma), f"{URL}/items/999999", {"name": "x"},
                    "patch").status_code == 404
        assert Item.objects.get(pk=self.n95.pk).name == "N95 mask"
