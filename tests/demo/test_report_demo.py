"""The demo's daily reports: every town and village on the days before today, today's as the
roll-up finds them (written by now, less the villages still missing)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.areas.models import Level
from epigrid.demo.report_data import DAYS, write_reports
from epigrid.reporting.models import DailyReport, ReportStatus
from epigrid.reporting.services import cutoff_at
from tests.base import BaseTestCase


class DemoReportTests(BaseTestCase):
    def test_it_reports_every_day_before_today_and_today_up_to_now(self) -> None:
        w = self.world
        now = cutoff_at(timezone.localdate()) + datetime.timedelta(hours=1)  # 17:00
        today = timezone.localdate(now)
        written = write_reports(w.city, 7, now=now, missing_today=1)
        areas = {w.town_a, w.town_b, w.village_a1, w.village_a2, w.village_b1}
        for back in range(1, DAYS + 1):
            day = today - datetime.timedelta(days=back)
            assert {r.area for r in DailyReport.objects.filter(day=day)} == areas
        todays = list(DailyReport.objects.filter(day=today))
        assert len(todays) == written["today"] and 2 <= len(todays) <= 4
        missing = areas - {r.area for r in todays}
        assert any(area.level == Level.VILLAGE for area in missing)  # one not written yet
        for report in DailyReport.objects.all():
            assert report.status == ReportStatus.SUBMITTED and report.situation
            assert report.submitted_at is not None and report.submitted_at <= now
            assert report.late == (report.submitted_at > cutoff_at(report.day))
        assert written["reports"] == DailyReport.objects.count() == 5 * DAYS + len(todays)

    def test_it_writes_nothing_after_now_when_the_demo_starts_after_midnight(self) -> None:
        now = cutoff_at(timezone.localdate()) - datetime.timedelta(hours=15)  # 01:00
        write_reports(self.world.city, 7, now=now)
        assert not DailyReport.objects.filter(submitted_at__gt=now).exists()
        yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
        assert DailyReport.objects.filter(day=yesterday).count() == 5

    def test_it_writes_none_of_today_before_the_rounds_begin(self) -> None:
        now = cutoff_at(timezone.localdate()) - datetime.timedelta(hours=8)  # 08:00
        write_reports(self.world.city, 7, now=now)
        assert not DailyReport.objects.filter(day=timezone.localdate(now)).exists()
