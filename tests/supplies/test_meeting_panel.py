"""Supplies short at the dispatch meeting (SCENARIOS 17:00): the items the area's warehouses
lack, today as it stands and a past day as its ledger stood at its end."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from epigrid.core.days import day_bounds
from epigrid.supplies import services
from tests.supplies.helpers import SuppliesTestCase


class MeetingSuppliesPanelTests(SuppliesTestCase):
    def panel(self, area: object, day: datetime.date | None = None) -> str:
        url = reverse("briefing:meeting", args=[area.pk])  # type: ignore[attr-defined]
        if day is not None:
            url += f"?day={day.isoformat()}"
        body = self.client_for(self.world.command).get(url).content.decode()
        start = body.index('id="meeting-supplies"')
        return body[start:body.index("</section>", start)]

    def test_it_lists_the_short_items_with_what_is_left_and_waited_for(self) -> None:
        w = self.world
        self.stock(100, item=self.disinfectant)  # warns below 5 days
        services.issue(w.warehouse_a, self.disinfectant, 70, by=self.ma, party="Village A1")
        self.stock(500)
        self.ask(40)
        panel = self.panel(w.district)
        assert "1 item of supplies short" in panel
        assert "Disinfectant 500 ml" in panel and "30 bottles" in panel and "3.0" in panel
        assert "N95 mask" not in panel

    def test_it_reads_a_past_day_as_its_ledger_stood_at_its_end(self) -> None:
        w = self.world
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        evening = day_bounds(yesterday)[1] - datetime.timedelta(hours=2)
        services.receive(w.warehouse_a, self.disinfectant, 100, by=self.ma,
                         at=evening - datetime.timedelta(days=3))
        services.issue(w.warehouse_a, self.disinfectant, 98, by=self.ma, party="Village A1",
                       at=evening)  # short yesterday evening
        services.receive(w.warehouse_a, self.disinfectant, 900, by=self.ma)  # restocked today
        assert "No item is short here." in self.panel(w.district)
        past = self.panel(w.district, yesterday)
        assert "1 item of supplies short" in past and "2 bottles" in past
        assert "as the ledger stood at the end of the day" in past

    def test_it_is_left_out_where_nothing_is_held_or_asked(self) -> None:
        url = reverse("briefing:meeting", args=[self.world.district.pk])
        body = self.client_for(self.world.command).get(url).content.decode()
        assert 'id="meeting-supplies"' not in body
