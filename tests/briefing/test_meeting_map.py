"""The map of risk levels on the dispatch meeting page (SCENARIOS 17:00): the area's sub-areas
coloured by their risk level, drawn by the dashboard (a panel: briefing may not import it)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any
from unittest.mock import patch

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.areas.services import change_risk_level
from epigrid.core import panels
from tests.base import BaseTestCase
from tests.dashboards.helpers import BOUNDARY_A1
from tests.reporting.helpers import more_areas


def page_url(area_id: int, day: datetime.date | None = None) -> str:
    return reverse("briefing:meeting", args=(area_id,)) + (f"?day={day.isoformat()}"
                                                           if day else "")


def map_data(content: bytes) -> dict[str, Any]:
    found = content.decode().split('<script id="dashboard-data" type="application/json">')[1]
    data: dict[str, Any] = json.loads(found.split("</script>", 1)[0])["map"]
    return data


class MeetingMapTests(BaseTestCase):
    def test_it_colours_the_district_towns_by_their_risk_level(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.town_a.pk).update(risk_level="high", latitude=Decimal("30.6"),
                                                   longitude=Decimal("114.3"))
        Area.objects.filter(pk=w.town_b.pk).update(risk_level="medium",
                                                   latitude=Decimal("30.5"),
                                                   longitude=Decimal("114.2"))
        response = self.client_for(w.command).get(page_url(w.district.pk))
        data = map_data(response.content)
        self.assertEqual((data["by"], data["mode"]), ("risk", "points"))
        areas = {a["name"]: (a["risk"], a["colour"]) for a in data["areas"]}
        self.assertEqual(areas, {"Dongcheng Town": ("high", "#c62828"),
                                 "Xihe Town": ("medium", "#f9a825")})
        self.assertContains(response, 'id="map-chart"')
        self.assertContains(response, '<span class="badge risk-high">high</span>', html=True)

    def test_it_draws_the_boundaries_of_a_towns_villages_for_its_officer(self) -> None:
        w = self.world
        Area.objects.filter(pk=w.village_a1.pk).update(risk_level="high", boundary=BOUNDARY_A1)
        response = self.client_for(w.alice).get(page_url(w.town_a.pk))
        data = map_data(response.content)
        self.assertEqual(data["mode"], "regions")
        self.assertEqual(data["unplaced"], ["Village A2"])
        self.assertEqual([a["name"] for a in data["areas"]],
                         ["Village A1", "Village A2"])  # her town's villages only

    def test_it_lists_the_risk_levels_when_no_sub_area_has_a_place(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(page_url(w.town_a.pk))
        self.assertContains(response, 'id="no-map"')
        self.assertNotContains(response, 'id="map-chart"')
        self.assertContains(response, f'<tr data-area="{w.village_a1.pk}">')

    def test_it_colours_a_past_meeting_by_the_levels_of_its_day(self) -> None:
        w = self.world
        today = timezone.localdate()
        yesterday = today - datetime.timedelta(days=1)
        change_risk_level(w.town_a, "high", reason="cluster", changed_by=w.command,
                          effective_on=today)
        client = self.client_for(w.command)
        before = map_data(client.get(page_url(w.district.pk, yesterday)).content)
        self.assertEqual({a["name"]: a["risk"] for a in before["areas"]},
                         {"Dongcheng Town": "low", "Xihe Town": "low"})
        now = map_data(client.get(page_url(w.district.pk)).content)
        self.assertEqual({a["name"]: a["risk"] for a in now["areas"]},
                         {"Dongcheng Town": "high", "Xihe Town": "low"})

    def test_it_shows_no_map_for_an_area_without_sub_areas(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(page_url(w.grid_a1_1.pk))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="risk-map"')

    def test_it_reads_the_map_in_two_queries_whatever_the_sub_areas(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(page_url(w.district.pk))

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                client.get(page_url(w.district.pk))
            return len(captured.captured_queries)

        every = queries()  # the map and the other apps' panels
        only_map = [panel for panel in panels._PANELS["meeting"]
                    if panel.__name__ == "meeting_map"]
        with patch.dict(panels._PANELS, {"meeting": []}):
            without = queries()
        with patch.dict(panels._PANELS, {"meeting": only_map}):
            with_map = queries()
        self.assertEqual(with_map - without, 2)
        past = page_url(w.district.pk, timezone.localdate() - datetime.timedelta(days=1))
        with CaptureQueriesContext(connection) as captured:
            client.get(past)
        past_queries = len(captured.captured_queries)
        more_areas(w.district, 5)
        Area.objects.filter(parent=w.district).update(latitude=Decimal("30.6"),
                                                      longitude=Decimal("114.3"))
        self.assertEqual(queries(), every)
        with CaptureQueriesContext(connection) as captured:
            client.get(past)  # the levels of the day: one query more, whatever the sub-areas
        self.assertEqual(len(captured.captured_queries), past_queries)
