"""The transfer dashboard: free beds by type and by facility, the current plan against its
execution (transfers by status), the admit-all figure, and the map's points, all scoped and in a
fixed number of queries."""

from __future__ import annotations

import datetime
import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.care import beds, dashboard
from epigrid.care.models import Transfer, TransferPlan
from epigrid.care.plan_progress import take_snapshot
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.care.bed_helpers import hospital, hotel, hours_ago, open_case, stock


class DashboardTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.hospital, self.hotel = hospital(w), hotel(w)
        stock(self.hospital, "icu", 10, 7, 1)
        stock(self.hospital, "severe", 20, 20, hours=6)
        stock(self.hotel, "quarantine", 200, 150)
        stock(w.facility_b, "quarantine", 80, 20)
        jun = open_case(w.person_a, State.CONFIRMED, "severe")
        lei = open_case(w.person_a2, State.CLOSE_CONTACT)
        zhao = open_case(w.person_b, State.CLOSE_CONTACT)
        self.jun = beds.request_admission(jun, None, "", w.medic, waiting_since=hours_ago(30))
        self.lei = beds.request_admission(lei, None, "", w.medic, waiting_since=hours_ago(3))
        self.zhao = beds.request_admission(zhao, None, "", w.medic, waiting_since=hours_ago(40))
        old = TransferPlan.objects.create(area=w.district, area_path=w.district.path,
                                          day=timezone.localdate(),
                                          status=TransferPlan.Status.SUPERSEDED)
        self.plan = TransferPlan.objects.create(area=w.district, area_path=w.district.path,
                                                day=timezone.localdate())
        for plan, request, status, where in (
                (old, self.lei, Transfer.Status.FAILED, self.hotel),
                (self.plan, self.lei, Transfer.Status.ADMITTED, self.hotel),
                (self.plan, self.jun, Transfer.Status.PLANNED, self.hospital),
                (self.plan, self.zhao, Transfer.Status.DISPATCHED, w.facility_b)):
            Transfer.objects.create(plan=plan, request=request, area_path=request.area_path,
                                    facility=where, bed_type="quarantine", distance_km=2,
                                    status=status, status_at=timezone.now())

    def test_it_shows_the_plan_against_its_execution_and_the_admit_all_figure(self) -> None:
        w = self.world
        found = dashboard.dashboard(w.medic, w.district)
        assert found["plan"] == self.plan
        assert found["execution"] == {"planned": 1, "dispatched": 1, "arrived": 0,
                                      "admitted": 1, "failed": 0}
        assert found["in_plan"] == 3 and found["admitted_share"] == 33
        # Zhao Min is on the way: no longer waiting; Wang Jun waits 30 h, Wang Lei 3 h.
        assert found["waiting"] == {"awaiting": 2, "over_24h": 1}
        assert [(t.bed_type, t.available) for t in found["totals"]] == [
            ("icu", 2), ("severe", 0), ("quarantine", 110)]

    def test_it_reads_a_town_through_the_district_s_plan_showing_only_the_town(self) -> None:
        w = self.world
        found = dashboard.dashboard(w.alice, w.town_a)
        assert found["plan"] == self.plan
        assert found["execution"]["dispatched"] == 0 and found["in_plan"] == 2
        assert [f.name for f in found["facilities"]] == ["Dongcheng Quarantine Hotel",
                                                         "Dongcheng People's Hospital"]
        assert dashboard.dashboard(w.bob, w.town_b)["execution"]["dispatched"] == 1

    def test_it_maps_the_facilities_coloured_by_free_beds(self) -> None:
        w = self.world
        found = dashboard.dashboard(w.medic, w.district)
        hospital_row = next(f for f in found["facilities"] if f.name.endswith("Hospital"))
        assert (hospital_row.total, hospital_row.available, hospital_row.stale) == (30, 2, True)
        points = dashboard.map_data(found["facilities"])["points"]
        # The Xihe hotel has no position: it is in the table, not on the map.
        assert sorted(p[4] for p in points) == ["Dongcheng People's Hospital",
                                                "Dongcheng Quarantine Hotel"]
        assert [114.29, 30.61, 50, 200, "Dongcheng Quarantine Hotel", False] in points

    def test_it_serves_the_page_with_its_data_for_the_map_and_no_inline_script(self) -> None:
        w = self.world
        client = self.client_for(w.medic)
        url = f"/care/dashboard/{w.district.pk}/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="over-24h">1<' in html
        assert "vendor/echarts-6.1.0.min.js" in html and "care/dashboard.js" in html
        found = re.search(r'<script id="facility-map-data" type="application/json">(.*?)</script>',
                          html)
        assert found is not None
        data = json.loads(found.group(1))
        assert len(data["points"]) == 2
        assert "<script>" not in html
        assert len(queries) <= 16
        assert self.client_for(w.bob).get(url).status_code == 404
        assert client.get("/care/dashboard/").status_code == 302

    def test_it_says_so_when_the_area_has_no_plan(self) -> None:
        w = self.world
        TransferPlan.objects.all().update(status=TransferPlan.Status.SUPERSEDED)
        response = self.client_for(w.medic).get(f"/care/dashboard/{w.town_a.pk}/")
        assert response.context["plan"] is None
        assert b'id="no-plan"' in response.content

    def test_it_shows_the_progress_stored_through_the_day_to_those_of_the_area(self) -> None:
        w = self.world
        taken = timezone.localtime()
        now = taken + datetime.timedelta(seconds=1)
        take_snapshot(w.district, taken.replace(hour=0, minute=0) - datetime.timedelta(hours=1))
        take_snapshot(w.district, taken)
        found = dashboard.dashboard(w.medic, w.district, now)["snapshots"]
        # Yesterday's is left out; today's: Wang Jun (30 h) and Wang Lei waiting, Zhao on the
        # way, Lei's earlier transfer admitted.
        assert [(s.at, s.awaiting, s.dispatched, s.admitted, s.waiting_over_24h)
                for s in found] == [(taken, 2, 1, 1, 1)]
        html = self.client_for(w.medic).get(f"/care/dashboard/{w.district.pk}/") \
            .content.decode()
        assert f'<th scope="row">{taken:%H:%M}</th>' in html
        # Town A's officer reads her town's stored row, never the district's.
        assert [s.area_id for s in dashboard.dashboard(w.alice, w.town_a, now)["snapshots"]] \
            == [w.town_a.pk]
        assert dashboard.dashboard(w.alice, w.district, now)["snapshots"] == []
