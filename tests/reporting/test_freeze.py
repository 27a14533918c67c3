"""The day's figures freeze at the daily cutoff; "now" goes on following the records."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from epigrid.reporting import services, tasks
from epigrid.reporting.models import DailyFigures, FrozenDay
from tests.base import BaseTestCase
from tests.checkpoints.figure_helpers import at, passage, store
from tests.reporting.helpers import care_today, passages_today


def row(area_id: int, day: datetime.date) -> DailyFigures:
    return DailyFigures.objects.get(area_id=area_id, day=day)


class FreezeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        passages_today(cls.world)

    def test_it_keeps_the_frozen_figures_when_records_arrive_later(self) -> None:
        w, today = self.world, timezone.localdate()
        frozen = services.freeze_day(today)
        self.assertEqual(row(w.village_a1.pk, today).values["passages_in"], 4)
        store([passage(w.checkpoint_a, at(today, 1)), passage(w.checkpoint_a, at(today, 1, 5))])
        recount = services.recompute_day(today)
        self.assertTrue(recount.frozen)
        after = row(w.village_a1.pk, today)
        self.assertEqual(after.values["passages_in"], 4)  # as reported at the cutoff
        self.assertEqual(after.now["passages_in"], 6)  # as the records stand now
        self.assertEqual(row(w.district.pk, today).values["passages_in"], 5)
        # Freezing again changes nothing: the first freeze stands.
        self.assertEqual(services.freeze_day(today), frozen)
        self.assertEqual(row(w.village_a1.pk, today).values["passages_in"], 4)

    def test_it_recounts_an_unfrozen_day_in_full(self) -> None:
        w, today = self.world, timezone.localdate()
        services.recompute_day(today)
        store([passage(w.checkpoint_a, at(today, 1))])
        services.recompute_day(today)
        self.assertEqual(row(w.village_a1.pk, today).values["passages_in"], 5)
        self.assertEqual(row(w.village_a1.pk, today).now["passages_in"], 5)

    def test_it_refuses_to_count_or_freeze_a_future_day(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for action in (services.recompute_day, services.freeze_day):
            with self.subTest(action=action.__name__), self.assertRaises(ValidationError) as raised:
                action(tomorrow)
            self.assertIn("future", raised.exception.message_dict["day"][0])
        self.assertFalse(DailyFigures.objects.exists() or FrozenDay.objects.exists())

    @override_settings(DAILY_CUTOFF=(16, 0))
    def test_it_freezes_today_only_once_the_cutoff_has_passed(self) -> None:
        today = timezone.localdate()
        before = services.cutoff_at(today) - datetime.timedelta(minutes=1)
        self.assertEqual([f.day for f in services.freeze_due(before)],
                         [today - datetime.timedelta(days=1)])  # yesterday's, missed
        self.assertFalse(FrozenDay.objects.filter(day=today).exists())
        after = services.cutoff_at(today) + datetime.timedelta(minutes=1)
        self.assertEqual([f.day for f in services.freeze_due(after)], [today])
        self.assertEqual(services.freeze_due(after), [])  # nothing left to freeze

    @override_settings(DAILY_CUTOFF=(9, 30))
    def test_it_schedules_the_freeze_at_the_configured_cutoff(self) -> None:
        schedule = tasks.freeze_schedule()
        self.assertEqual((schedule.hour, schedule.minute), ({9}, {30}))
        self.assertEqual(services.cutoff_at(datetime.date(2020, 2, 10)).strftime("%H:%M"),
                         "09:30")
        from celery import current_app

        entries = current_app.conf.beat_schedule
        self.assertEqual(entries["reporting-refresh-today"]["task"],
                         "epigrid.reporting.refresh_figures")
        self.assertEqual(entries["reporting-freeze-at-cutoff"]["task"],
                         "epigrid.reporting.freeze_figures")

    def test_its_tasks_recount_today_and_freeze(self) -> None:
        today = timezone.localdate()
        self.assertEqual(tasks.refresh_figures(), DailyFigures.objects.filter(day=today).count())
        self.assertEqual(tasks.refresh_figures(today.isoformat()), 11)
        frozen = tasks.freeze_figures()
        self.assertIn((today - datetime.timedelta(days=1)).isoformat(), frozen)


class PastDayTests(BaseTestCase):
    """Beds and the waiting list keep no history: a past day keeps what was counted then."""

    def test_it_keeps_a_past_days_snapshot_figures(self) -> None:
        w = self.world
        care_today(w)
        today = timezone.localdate()
        yesterday = today - datetime.timedelta(days=1)
        DailyFigures.objects.create(area=w.town_a, area_path=w.town_a.path, day=yesterday,
                                    values={"free_beds_icu": 7}, now={"free_beds_icu": 7},
                                    computed_at=timezone.now())
        services.recompute_day(yesterday)
        town_a = row(w.town_a.pk, yesterday)
        # The cases were opened three days ago; the World's households and persons today.
        self.assertEqual(town_a.values, {"free_beds_icu": 7, "current_confirmed": 2,
                                         "total_confirmed": 2, "current_suspected": 1})
        self.assertNotIn("awaiting_admission", town_a.now)  # today's waiting list, not then
