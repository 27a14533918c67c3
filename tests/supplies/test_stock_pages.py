"""The stock page of an area: a row per item (held, used, per day, waited for, days of supply,
short rows marked), the category filter, the subtree's warehouses a page at a time, the trail
and the sub-areas, scoping, and a query count that does not grow with the ledger."""

from __future__ import annotations

import re
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse

from epigrid.areas.models import Warehouse
from epigrid.supplies import services
from epigrid.supplies.models import Category, Item
from tests.supplies.helpers import SuppliesTestCase


def stock_url(area: object) -> str:
    return reverse("supplies:stock", args=[area.pk])  # type: ignore[attr-defined]


def row_of(body: str, code: str) -> str:
    """The HTML of the stock row of the item `code`."""
    found = re.search(rf'<tr id="stock-{re.escape(code)}"[^>]*>.*?</tr>', body, re.S)
    assert found is not None, f"no row for {code}"
    return found.group(0)


def cells(row: str) -> list[str]:
    """The text of a row's number cells, tags and spaces dropped."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r'<td class="num[^"]*">(.*?)</td>', row, re.S)]


class StockPageTest(SuppliesTestCase):
    def test_it_shows_the_districts_stock_used_waited_for_and_days_of_supply(self) -> None:
        w = self.world
        self.stock(700)
        self.stock(300, warehouse=w.warehouse_b)
        services.issue(w.warehouse_a, self.n95, 140, by=self.ma, party="Fever clinic")
        self.ask(50)
        response = self.client_for(self.xu).get(stock_url(w.district))
        assert response.status_code == 200
        row = row_of(response.content.decode(), "n95")
        # 860 held, 140 issued this week (20 a day), 50 asked for: 43 days of supply.
        assert cells(row) == ["860 pcs", "140", "20.0", "50", "43.0"]
        assert 'class="short"' not in row
        by_code = {r.item.code: r for r in response.context["rows"]}
        assert (by_code["n95"].stock, by_code["n95"].days) == (860, Decimal("43.0"))

    def test_it_marks_a_row_short_below_the_items_warning(self) -> None:
        w = self.world
        self.stock(100, item=self.disinfectant)  # warns below 5 days
        services.issue(w.warehouse_a, self.disinfectant, 70, by=self.ma, party="Village A1")
        body = self.client_for(self.ma).get(stock_url(w.town_a)).content.decode()
        row = row_of(body, "disinfectant")
        assert row.startswith('<tr id="stock-disinfectant" class="short">')
        assert ">short<" in row
        assert cells(row)[-1] == "3.0"
        assert 'class="short"' not in row_of(body, "n95")
        assert '<span class="muted" id="short-count">1 item short</span>' in body
        # The depot's summary names it too, with its days at its own use.
        assert "Disinfectant 500 ml (3.0 days)" in body

    def test_it_marks_an_empty_item_short_while_requests_wait(self) -> None:
        self.ask(10)
        body = self.client_for(self.ma).get(stock_url(self.world.town_a)).content.decode()
        assert 'class="short"' in row_of(body, "n95")
        assert cells(row_of(body, "n95")) == ["0 pcs", "0", "0.0", "10", "—"]

    def test_it_filters_by_category(self) -> None:
        self.stock(10)
        self.stock(10, item=self.disinfectant)
        client = self.client_for(self.ma)
        url = stock_url(self.world.town_a)
        shown = client.get(url + "?category=disinfectant").context["rows"]
        assert [row.item.code for row in shown] == ["disinfectant"]
        summary = client.get(url + "?category=disinfectant").context["summaries"][0]
        assert [(item.code, held) for item, held in summary.held] == [("disinfectant", 10)]
        # An unknown category is an error on the filter, and every row is shown.
        response = client.get(url + "?category=bananas")
        assert response.status_code == 200
        assert "category" in response.context["form"].errors
        assert len(response.context["rows"]) == 3

    def test_it_leaves_out_an_item_no_longer_in_use_and_never_held(self) -> None:
        Item.objects.create(code="old-gown", name="Old gown", unit="pcs",
                            category=Category.PROTECTIVE, active=False)
        body = self.client_for(self.ma).get(stock_url(self.world.town_a)).content.decode()
        assert "Old gown" not in body

    def test_it_lists_the_warehouses_of_the_subtree_with_what_they_hold(self) -> None:
        w = self.world
        self.stock(700)
        self.stock(300, warehouse=w.warehouse_b)
        self.stock(40, item=self.surgical)
        client = self.client_for(self.xu)
        district = client.get(stock_url(w.district)).content.decode()
        assert "N95 mask 700 pcs" in district
        assert "Surgical mask 40 pcs" in district
        assert "N95 mask 300 pcs" in district
        assert reverse("supplies:warehouse", args=[w.warehouse_b.pk]) in district
        town_a = client.get(stock_url(w.town_a)).content.decode()
        assert "Dongcheng Depot" in town_a
        assert "Xihe Depot" not in town_a
        village = client.get(stock_url(w.village_a1)).content.decode()
        assert 'id="no-warehouse"' in village

    @override_settings(PAGE_SIZE=1)
    def test_it_pages_the_warehouses(self) -> None:
        client = self.client_for(self.xu)
        url = stock_url(self.world.district)
        first = client.get(url)
        assert [s.warehouse.code for s in first.context["summaries"]] == ["WH-A-001"]
        assert "Page 1 of 2" in first.content.decode()
        second = client.get(url + "?page=2")
        assert [s.warehouse.code for s in second.context["summaries"]] == ["WH-B-001"]

    def test_it_links_the_sub_areas_and_the_areas_above_in_sight(self) -> None:
        w = self.world
        xu_page = self.client_for(self.xu).get(stock_url(w.village_a1))
        assert [area.name for area in xu_page.context["trail"]] == [
            "Qingshan District", "Dongcheng Town", "Village A1"]
        body = xu_page.content.decode()
        assert f'<a href="{stock_url(w.town_a)}">Dongcheng Town</a>' in body
        assert f'<a href="{stock_url(w.grid_a1_1)}">Grid A1-1</a>' in body
        # Town A's desk does not see the district: its trail starts at its town.
        ma_page = self.client_for(self.ma).get(stock_url(w.village_a1))
        assert [area.name for area in ma_page.context["trail"]] == [
            "Dongcheng Town", "Village A1"]

    def test_it_answers_404_for_an_area_out_of_sight_or_missing(self) -> None:
        w = self.world
        assert self.client_for(self.ma).get(stock_url(w.town_b)).status_code == 404
        assert self.client_for(w.bob).get(stock_url(w.village_a1)).status_code == 404
        assert self.client_for(w.stranger).get(stock_url(w.town_a)).status_code == 404
        missing = reverse("supplies:stock", args=[999_999])
        assert self.client_for(w.admin).get(missing).status_code == 404

    def test_it_opens_at_the_users_home_area(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(reverse("supplies:index"))
        assert response.status_code == 302
        assert response["Location"] == stock_url(w.town_a)
        assert self.client_for(w.stranger).get(reverse("supplies:index")).status_code == 404

    def test_it_shows_the_page_to_every_role_that_sees_the_area(self) -> None:
        w = self.world
        self.stock(5)
        for user, area in ((w.alice, w.village_a1), (w.li, w.grid_a1_1), (w.medic, w.town_a),
                           (w.command, w.district), (w.admin, w.city)):
            response = self.client_for(user).get(stock_url(area))
            assert response.status_code == 200, user.username

    def test_it_reads_as_many_queries_whatever_the_ledger_items_and_warehouses(self) -> None:
        w = self.world
        self.stock(10)
        client = self.client_for(self.xu)
        url = stock_url(w.district)
        # Session, user, home area, area, trail; the rows (5); the warehouses (count, page)
        # and their summary (2); the sub-areas.
        with self.assertNumQueries(15):
            client.get(url)
        for n in range(6):
            item = Item.objects.create(code=f"extra-{n}", name=f"Extra {n}", unit="pcs",
                                       category=Category.OTHER)
            depot = Warehouse.objects.create(area=w.village_b1, code=f"WH-X-{n}",
                                             name=f"Extra depot {n}")
            self.stock(20, item=item, warehouse=depot)
            services.issue(depot, item, 3, by=self.xu, party="Gate")
            self.stock(10)
            self.ask(2, item=item, area=w.village_b1)
        with self.assertNumQueries(15):
            body = client.get(url).content.decode()
        assert "Extra depot 5" in body
