"""Supervision at the dispatch meeting (17:00): the tasks overdue and the five longest, the tasks
completed on the day, the findings past their day; a past day as things stood at its end."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.core.days import local_moment
from epigrid.supervision import inspections, services
from epigrid.supervision.meeting_panel import meeting_supervision
from epigrid.supervision.models import Finding, Task
from tests.reporting.helpers import more_areas
from tests.supervision.helpers import SupervisionTestCase, days


def overdue(task: Task, by_days: int, set_days_ago: int = 0) -> Task:
    """The task as if due `by_days` days ago (and set `set_days_ago` days before today)."""
    fields: dict[str, object] = {"due_on": days(-by_days)}
    if set_days_ago:
        fields["created_at"] = timezone.now() - datetime.timedelta(days=set_days_ago)
    Task.objects.filter(pk=task.pk).update(**fields)
    task.refresh_from_db()
    return task


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


class MeetingSupervisionPanelTests(SupervisionTestCase):
    def page(self, area: Area, day: datetime.date | None = None, user: object = None) -> str:
        url = reverse("briefing:meeting", args=[area.pk])
        if day is not None:
            url += f"?day={day.isoformat()}"
        client = self.client_for(user or self.world.command)  # type: ignore[arg-type]
        return client.get(url).content.decode()

    def panel(self, area: Area, day: datetime.date | None = None) -> str:
        body = self.page(area, day)
        start = body.index('id="meeting-supervision"')
        return body[start:body.index("</section>", start)]

    def complete(self, task: Task) -> Task:
        reported = services.report_done(task, by=self.world.alice, report="Done.")
        return services.accept(reported, by=self.guo)

    def test_it_lists_the_five_longest_overdue_the_days_completed_and_late_findings(
            self) -> None:
        w = self.world
        for n, area in enumerate((w.village_a1, w.village_a2, w.town_a, w.village_b1,
                                  w.town_b, w.grid_a1_1)):
            overdue(self.task(area, title=f"Overdue {n + 1}"), by_days=10 - n)
        self.complete(self.task(w.village_a2, title="Done today"))
        self.task(w.village_a1, title="Not yet due")
        late = self.inspection(findings=2).findings.order_by("id").first()
        assert late is not None
        Finding.objects.filter(pk=late.pk).update(rectify_by=days(-1))
        panel = self.panel(w.district)
        assert "6 supervised tasks overdue" in panel
        rows = panel.split("<tr>")[2:]
        assert len(rows) == 5
        assert "Village A1" in rows[0] and "Overdue 1" in rows[0] and ">10</td>" in rows[0]
        assert "Xihe Town" in rows[4] and "Overdue 5" in rows[4] and ">6</td>" in rows[4]
        assert "Overdue 6" not in panel and "Not yet due" not in panel
        assert "The 5 longest overdue are shown." in panel
        assert "1 task completed on the day." in panel
        assert "1 inspection finding not rectified by its day." in panel
        assert (f"{reverse('supervision:tasks')}?area={w.district.pk}&amp;status=overdue"
                in panel)

    def test_it_counts_only_the_meetings_area(self) -> None:
        w = self.world
        overdue(self.task(w.village_a1, title="Seal the market"), by_days=3)
        overdue(self.task(w.village_b1, title="Staff the West Gate"), by_days=2)
        panel = self.panel(w.town_b)
        assert "1 supervised task overdue" in panel and "Staff the West Gate" in panel
        assert "Seal the market" not in panel

    def test_it_reads_a_past_day_as_things_stood_at_its_end(self) -> None:
        w = self.world
        day = yesterday()
        # Due three days ago, in hand all yesterday, completed today.
        self.complete(overdue(self.task(w.village_a1, title="Seal the market"), 3, 4))
        # Completed yesterday afternoon.
        done = self.complete(overdue(self.task(w.village_a2, title="Count the stalls"), 5, 6))
        Task.objects.filter(pk=done.pk).update(reported_at=local_moment(day, datetime.time(14)),
                                               closed_at=local_moment(day, datetime.time(15)))
        # Set today, already past its day: not there yesterday.
        overdue(self.task(w.town_a, title="Staff the gate"), 2)
        # A finding due two days ago, rectified only today.
        finding = self.inspection(findings=1).findings.get()
        Finding.objects.filter(pk=finding.pk).update(
            rectify_by=days(-2), created_at=timezone.now() - datetime.timedelta(days=3))
        inspections.rectify(finding, by=w.alice, rectification="Sheet put up.")
        past = self.panel(w.district, day)
        assert "1 supervised task overdue" in past
        assert "Seal the market" in past and ">2</td>" in past  # yesterday less 3 days ago
        assert "Count the stalls" not in past and "Staff the gate" not in past
        assert "1 task completed on the day." in past
        assert "1 inspection finding not rectified by its day." in past
        assert "As the records stood at the end of the day" in past
        now = self.panel(w.district)
        assert "1 supervised task overdue" in now and "Staff the gate" in now
        assert "1 task completed on the day." in now  # Seal the market
        assert "0 inspection findings not rectified by their day." in now

    def test_it_is_left_out_where_nothing_is_overdue_or_done_and_for_a_grid_worker(
            self) -> None:
        w = self.world
        self.task(w.village_a1)
        assert 'id="meeting-supervision"' not in self.page(w.district)
        overdue(self.task(w.grid_a1_1, title="Check the lane"), 1)
        assert 'id="meeting-supervision"' in self.page(w.grid_a1_1, user=w.alice)
        assert 'id="meeting-supervision"' not in self.page(w.grid_a1_1, user=w.li)

    def test_it_takes_two_queries_today_and_for_a_past_day_whatever_the_tasks(self) -> None:
        w = self.world
        request = RequestFactory().get("/")
        request.user = type(w.command).objects.select_related("home_area").get(pk=w.command.pk)
        overdue(self.task(w.village_a1), 3, 4)
        for day in (timezone.localdate(), yesterday()):
            with self.assertNumQueries(2):
                meeting_supervision(request, SimpleNamespace(area=w.district, day=day))
        for n, village in enumerate(more_areas(w.town_b, 7)):
            overdue(self.task(village, title=f"Task {n}"), n + 2, n + 3)
        for day in (timezone.localdate(), yesterday()):
            with self.assertNumQueries(2):
                html = meeting_supervision(request, SimpleNamespace(area=w.district, day=day))
            assert html is not None and "8 supervised tasks overdue" in html
