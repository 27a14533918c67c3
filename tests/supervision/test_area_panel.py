"""Supervision on the area page: the town officer sees her areas' tasks in hand, the longest
overdue, and the inspection findings still to rectify."""

from __future__ import annotations

from html import escape

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.areas.models import Area
from epigrid.supervision import inspections, services
from epigrid.supervision.area_panel import area_panel
from epigrid.supervision.models import Finding, Task
from tests.reporting.helpers import more_areas
from tests.supervision.helpers import SupervisionTestCase, days


def overdue(task: Task, by_days: int) -> Task:
    """The task as if it had been due `by_days` days ago (set_task refuses a past day)."""
    Task.objects.filter(pk=task.pk).update(due_on=days(-by_days))
    task.refresh_from_db()
    return task


class AreaSupervisionPanelTests(SupervisionTestCase):
    def page(self, user: object, area: Area) -> str:
        url = reverse("areas:detail", args=[area.pk])
        return self.client_for(user).get(url).content.decode()  # type: ignore[arg-type]

    def panel(self, user: object, area: Area) -> str:
        body = self.page(user, area)
        start = body.index('id="area-supervision"')
        return body[start:body.index("</section>", start)]

    def test_it_counts_the_tasks_in_hand_and_names_the_three_longest_overdue(self) -> None:
        w = self.world
        overdue(self.task(w.village_a1, title="Seal the wet market"), 8)
        overdue(self.task(w.town_a, title="Staff the night gate"), 5)
        overdue(self.task(w.village_a2, title="Count the stalls"), 2)
        overdue(self.task(w.village_a1, title="Disinfect the bus stop"), 1)
        self.task(w.village_a2, title="Post the notice")  # due in 3 days
        reported = overdue(self.task(w.village_a1, title="List the elderly"), 4)
        services.report_done(reported, by=w.alice, report="Listed: 31.")
        self.task(w.town_b, title="Close the Xihe market")
        panel = self.panel(w.alice, w.town_a)
        tasks = reverse("supervision:tasks")
        assert "6 tasks in hand" in panel  # the reported one waits on the desk: in hand
        assert escape(f"{tasks}?area={w.town_a.pk}&status=pending") in panel
        assert "4 overdue" in panel
        assert escape(f"{tasks}?area={w.town_a.pk}&status=overdue") in panel
        names = [panel.index(title) for title in ("Seal the wet market", "Staff the night gate",
                                                  "Count the stalls")]
        assert names == sorted(names)
        assert "8 days overdue" in panel and "Village A1" in panel
        assert "Disinfect the bus stop" not in panel and "List the elderly" not in panel
        assert "The 3 longest overdue are shown." in panel
        assert "Xihe" not in panel

    def test_it_counts_the_findings_to_rectify_and_those_past_their_day(self) -> None:
        w = self.world
        inspection = self.inspection(findings=3)
        first, second, _third = inspection.findings.order_by("id")
        Finding.objects.filter(pk=first.pk).update(rectify_by=days(-1))
        inspections.rectify(second, by=w.alice, rectification="Sheet put up.")
        panel = self.panel(w.alice, w.town_a)
        assert "2 inspection findings to rectify" in panel
        assert "1 past its day" in panel
        findings = reverse("supervision:findings")
        assert escape(f"{findings}?area={w.town_a.pk}&status=overdue") in panel
        assert "0 tasks in hand" in panel

    def test_it_is_left_out_where_nothing_is_in_hand_and_for_a_grid_worker(self) -> None:
        w = self.world
        self.task(w.town_b)
        assert 'id="area-supervision"' not in self.page(w.alice, w.town_a)
        self.task(w.grid_a1_1, title="Check the lane")
        assert 'id="area-supervision"' in self.page(w.alice, w.grid_a1_1)
        assert 'id="area-supervision"' not in self.page(w.li, w.grid_a1_1)
        assert 'id="area-supervision"' in self.page(self.guo, w.district)

    def test_it_takes_two_queries_whatever_the_tasks(self) -> None:
        w = self.world
        overdue(self.task(w.village_a1), 2)
        self.inspection()
        request = RequestFactory().get("/")
        request.user = type(w.alice).objects.select_related("home_area").get(pk=w.alice.pk)
        with self.assertNumQueries(2):
            area_panel(request, w.town_a)
        for n, village in enumerate(more_areas(w.town_a, 6)):
            overdue(self.task(village, title=f"Task {n}"), n + 1)
        self.inspection(findings=4)
        with self.assertNumQueries(2):
            html = area_panel(request, w.town_a)
        assert "7 tasks in hand" in html and "7 overdue" in html
        assert "5 inspection findings to rectify" in html

    def test_it_adds_one_query_to_the_area_page_and_one_more_when_tasks_are_overdue(
            self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        url = reverse("areas:detail", args=[w.town_a.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as before:
            client.get(url)  # nothing in hand: the counts only
        overdue(self.task(w.village_a1), 2)
        with CaptureQueriesContext(connection) as after:
            client.get(url)
        assert len(after) == len(before) + 1  # and the longest overdue
