"""The checkpoint figure pages and API: an area's figures with its chart data, children and
busiest checkpoints; a checkpoint's days and hours with drill-downs; bad periods refused by name;
town B sees nothing of town A; the pages cost a fixed number of queries."""

from __future__ import annotations

import datetime
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.areas.models import Checkpoint
from tests.checkpoints.figure_helpers import at, passage, store
from tests.checkpoints.test_figure_counts import FigureWorld


class FigurePageTests(FigureWorld):
    def test_it_shows_a_towns_figures_with_its_chart_children_and_busiest(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(
            reverse("checkpoints:figure_area", args=[w.town_a.pk]),
            {"day": self.day.isoformat(), "days": "2"})
        body = response.content.decode()
        assert response.status_code == 200
        chart = response.context["chart"]
        assert len(chart["hours"]) == 48 and sum(chart["passages_in"]) == 4
        assert 'id="hours-data"' in body and "<script>" not in body.replace(
            '<script src=', '')
        assert "Village A1" in body and "North Bridge Checkpoint" in body
        assert [cp.code for cp, _c, _l in response.context["busiest"]] == ["CP-A-001",
                                                                          "CP-A-002"]
        assert "West Gate" not in body

    def test_it_shows_a_checkpoints_days_and_hours(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(
            reverse("checkpoints:figure_checkpoint", args=[w.checkpoint_a.pk]),
            {"day": self.day.isoformat(), "days": "1"})
        assert response.status_code == 200
        hours = {hour.hour: counts for hour, counts, _links in response.context["last_day"]}
        assert len(hours) == 24 and hours[8].passages == 2 and hours[23].fevers == 1
        links = response.context["last_day"][9][2]
        if links["all"] is not None:  # the passage list exists: drill down to its rows
            assert f"checkpoint={w.checkpoint_a.pk}" in links["all"]
            assert f"day={self.day.isoformat()}&hour=9" in links["all"]
            assert links["turned_back"].endswith("decision=turned_back")

    def test_it_refuses_a_bad_period_by_name_and_shows_the_week(self) -> None:
        w = self.world
        url = reverse("checkpoints:figure_area", args=[w.town_a.pk])
        response = self.client_for(w.alice).get(url, {"day": "yesterday", "days": "7"})
        assert response.status_code == 200
        assert "YYYY-MM-DD" in response.content.decode()
        assert response.context["period"].days == 7
        api = self.client_for(w.alice).get(f"/api/passage-figures/areas/{w.town_a.pk}",
                                           {"days": "32"})
        assert api.status_code == 422
        assert api.json()["detail"][0]["loc"] == ["query", "days"]

    def test_it_answers_the_same_figures_by_api(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        found = client.get(f"/api/passage-figures/areas/{w.district.pk}",
                           {"day": self.day.isoformat(), "days": "1"}).json()
        assert found["total"]["passages"] == 6 and found["total"]["persons"] == 9
        assert len(found["hours"]) == 24 and len(found["days"]) == 1
        assert {c["area_name"]: c["figures"]["passages"] for c in found["children"]} == {
            "Dongcheng Town": 5, "Xihe Town": 1}
        busiest = client.get(f"/api/passage-figures/areas/{w.district.pk}/busiest",
                             {"day": self.day.isoformat(), "limit": "1"}).json()
        assert [(b["checkpoint_name"], b["figures"]["passages"]) for b in busiest] == [
            ("East Road Checkpoint", 4)]
        one = client.get(f"/api/passage-figures/checkpoints/{w.checkpoint_a.pk}",
                         {"day": self.day.isoformat(), "days": "1"}).json()
        assert one["total"]["turned_back"] == 1

    def test_it_shows_town_b_nothing_of_town_a(self) -> None:
        w = self.world
        bob = self.client_for(w.bob)
        assert bob.get(reverse("checkpoints:figure_area", args=[w.town_a.pk])).status_code \
            == 404
        assert bob.get(reverse("checkpoints:figure_checkpoint",
                               args=[w.checkpoint_a.pk])).status_code == 404
        assert bob.get(f"/api/passage-figures/checkpoints/{w.checkpoint_a.pk}").status_code \
            == 404
        own = bob.get(f"/api/passage-figures/areas/{w.town_b.pk}",
                      {"day": self.day.isoformat()}).json()
        assert own["total"]["passages"] == 1
        index = self.client_for(w.alice).get(reverse("checkpoints:figure_index"))
        assert index["Location"] == reverse("checkpoints:figure_area", args=[w.town_a.pk])
        assert self.client_for(w.stranger).get(
            reverse("checkpoints:figure_index")).status_code == 404

    def test_it_costs_the_same_queries_however_many_checkpoints(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        url = reverse("checkpoints:figure_area", args=[w.district.pk])
        with CaptureQueriesContext(connection) as before:
            client.get(url)
        extra = [Checkpoint.objects.create(area=w.village_b1, code=f"CP-Y-{n}", name=f"Y {n}",
                                           kind=Checkpoint.Kind.ROAD) for n in range(12)]
        store([passage(cp, at(self.today, 0, 30)) for cp in extra])
        with self.assertNumQueries(len(before.captured_queries)):
            response = client.get(url)
        assert response.context["total"].passages == 19
        assert len(json.loads(json.dumps(response.context["chart"]))["hours"]) == 7 * 24

    def test_it_reads_an_hour_row_per_checkpoint_and_hour_not_passages(self) -> None:
        w = self.world
        with CaptureQueriesContext(connection) as captured:
            self.client_for(w.command).get(
                reverse("checkpoints:figure_checkpoint", args=[w.checkpoint_a.pk]))
        assert not any('"checkpoints_passage"' in q["sql"] for q in captured.captured_queries)


def test_it_keeps_a_period_of_whole_days() -> None:
    from epigrid.checkpoints.periods import Period

    period = Period(datetime.date(2020, 2, 1), datetime.date(2020, 2, 7))
    assert period.days == 7 and (period.end - period.start) == datetime.timedelta(days=7)
