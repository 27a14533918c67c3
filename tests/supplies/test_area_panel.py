"""Supplies short on the area page: the town officer sees what her depots lack."""

from __future__ import annotations

from django.urls import reverse

from epigrid.supplies import services
from tests.supplies.helpers import SuppliesTestCase


class AreaSuppliesPanelTests(SuppliesTestCase):
    def page(self, user: object, area: object) -> str:
        url = reverse("areas:detail", args=[area.pk])  # type: ignore[attr-defined]
        return self.client_for(user).get(url).content.decode()  # type: ignore[arg-type]

    def panel(self, user: object, area: object) -> str:
        body = self.page(user, area)
        start = body.index('id="area-supplies"')
        return body[start:body.index("</section>", start)]

    def test_it_names_the_short_items_and_what_requests_wait_for(self) -> None:
        w = self.world
        self.stock(100, item=self.disinfectant)  # warns below 5 days
        services.issue(w.warehouse_a, self.disinfectant, 70, by=self.ma, party="Village A1")
        self.stock(500)
        self.ask(40)
        panel = self.panel(w.alice, w.town_a)
        assert "Disinfectant 500 ml" in panel and "3.0 days of supply" in panel
        assert "Requests still waiting: N95 mask 40 pcs" in panel
        assert "N95 mask</li>" not in panel  # 500 held, none used: not short
        assert f'href="{reverse("supplies:stock", args=[w.town_a.pk])}"' in panel

    def test_it_is_not_shown_where_nothing_is_held_or_asked(self) -> None:
        self.stock(10, warehouse=self.world.warehouse_b)
        assert 'id="area-supplies"' not in self.page(self.world.alice, self.world.town_a)

    def test_it_is_not_shown_to_a_grid_worker(self) -> None:
        self.stock(10)
        self.ask(10)
        assert 'id="area-supplies"' not in self.page(self.world.li, self.world.grid_a1_1)
        assert 'id="area-supplies"' in self.page(self.world.alice, self.world.village_a1)
