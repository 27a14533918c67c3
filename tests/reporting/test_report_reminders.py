"""Reminders 催报: the officers of the towns and villages still missing the day's report are
told before the cutoff and at it; the beat schedule runs them at 15:00 and 16:00."""

from __future__ import annotations

from celery import current_app
from celery.schedules import crontab
from django.test import override_settings

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.core.access import Role
from epigrid.reporting import tasks
from epigrid.reporting.report_reminders import remind_missing
from epigrid.reporting.report_services import save_report
from tests.base import PASSWORD, BaseTestCase
from tests.reporting.report_helpers import TODAY, after_cutoff, before_cutoff


class ReminderTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.xu = create_user(username="xu", password=PASSWORD, role=Role.AREA_OFFICER,
                             home_area=w.village_a1)
        cls.ma = create_user(username="ma", password=PASSWORD, role=Role.AREA_OFFICER,
                             home_area=w.village_b1)
        save_report(w.village_a1, TODAY(), by=cls.xu, situation="Done", submit=True,
                    at=before_cutoff(TODAY()))
        save_report(w.town_b, TODAY(), by=w.bob, situation="Done", submit=True,
                    at=before_cutoff(TODAY()))

    def receivers(self, notice: Notice) -> set[str]:
        return set(Receipt.objects.filter(notice=notice).values_list("user__username",
                                                                     flat=True))

    def test_it_reminds_the_officers_of_the_missing_areas_before_the_cutoff(self) -> None:
        reminded = remind_missing(TODAY(), at=before_cutoff(TODAY(), minutes=60))
        self.assertEqual((reminded.villages, reminded.towns, reminded.notices), (2, 1, 2))
        villages, towns = Notice.objects.order_by("pk")
        self.assertIn("due at 16:00", villages.title)
        # Villages A2 and B1 are missing: Ma of village B1 is told (nobody works at A2 itself);
        # Xu's village A1 has reported, and the towns' officers live above the villages.
        self.assertEqual(self.receivers(villages), {"ma"})
        # Town A is missing: its own officer, not Xu of its village A1 (notify(exact=True)).
        self.assertEqual(self.receivers(towns), {"alice"})
        self.assertNotIn("Village", villages.body + towns.body)  # no area is named
        self.assertEqual(villages.link, "/reporting/reports/")

    def test_it_words_the_reminder_for_a_chinese_officer_in_chinese(self) -> None:
        # The beat runs the task in the deployment's language; each officer reads their own.
        remind_missing(TODAY(), at=before_cutoff(TODAY(), minutes=60))
        villages = Notice.objects.order_by("pk").first()
        assert villages is not None
        title, _body = villages.wording["zh-hans"]
        self.assertEqual(title, f"{TODAY().isoformat()}日报：截止时间 16:00")
        client = self.client_for(self.ma)
        client.cookies["django_language"] = "zh-hans"
        self.assertContains(client.get("/alerts/"), title)

    def test_it_says_late_at_the_cutoff(self) -> None:
        remind_missing(TODAY(), at=after_cutoff(TODAY(), minutes=0))
        self.assertIn("missing after the cutoff", Notice.objects.first().title)

    def test_it_sends_nothing_when_everyone_has_reported(self) -> None:
        w = self.world
        for area in (w.town_a, w.village_a2, w.village_b1):
            save_report(area, TODAY(), by=w.command, situation="Done", submit=True)
        reminded = remind_missing(TODAY())
        self.assertEqual(reminded.notices, 0)
        self.assertFalse(Notice.objects.exists())

    def test_it_counts_a_draft_as_missing(self) -> None:
        w = self.world
        save_report(w.village_a2, TODAY(), by=w.alice, situation="draft")
        self.assertEqual(remind_missing(TODAY()).villages, 2)


class ScheduleTests(BaseTestCase):
    def test_it_schedules_the_reminders_and_the_proposals_around_the_cutoff(self) -> None:
        schedule = current_app.conf.beat_schedule
        self.assertEqual(schedule["reporting-remind-before-cutoff"]["schedule"],
                         crontab(hour=15, minute=0))
        self.assertEqual(schedule["reporting-remind-at-cutoff"]["schedule"],
                         crontab(hour=16, minute=0))
        self.assertEqual(schedule["reporting-propose-risk-levels"]["schedule"],
                         crontab(hour=16, minute=10))

    @override_settings(DAILY_CUTOFF=(0, 30))
    def test_it_wraps_around_midnight(self) -> None:
        self.assertEqual(tasks.cutoff_offset_schedule(-60), crontab(hour=23, minute=30))

    def test_it_runs_the_reminder_task(self) -> None:
        self.assertEqual(tasks.remind_reports.apply().get(), 5)  # 2 towns, 3 villages
