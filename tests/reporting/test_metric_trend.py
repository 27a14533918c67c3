"""What a figure's change means (reporting.metrics.Rise): the colour of every change shown."""

from __future__ import annotations

from django.test import SimpleTestCase

from epigrid.reporting.metrics import Rise, all_metrics, by_code


class MetricTrendTests(SimpleTestCase):
    def trend(self, code: str, change: int | None) -> str:
        return by_code()[code].trend(change)

    def test_it_calls_more_cases_and_waits_worse_and_fewer_better(self) -> None:
        for code in ("new_confirmed", "current_suspected", "persons_abnormal_today",
                     "waiting_over_24h", "follow_ups_missed", "fever_referrals"):
            with self.subTest(code=code):
                self.assertEqual(self.trend(code, 3), "worse")
                self.assertEqual(self.trend(code, -3), "better")

    def test_it_calls_more_visits_admissions_and_free_beds_better(self) -> None:
        for code in ("households_visited_today", "persons_screened_today", "admitted_today",
                     "free_beds_icu", "tests_done", "released_today"):
            with self.subTest(code=code):
                self.assertEqual(self.trend(code, 1), "better")
                self.assertEqual(self.trend(code, -1), "worse")

    def test_it_leaves_plain_counts_uncoloured(self) -> None:
        for code in ("persons_registered", "passages_in", "vehicles", "turned_back",
                     "in_home_quarantine", "follow_ups_due"):
            with self.subTest(code=code):
                self.assertEqual((self.trend(code, 40), self.trend(code, -40)), ("", ""))

    def test_it_says_nothing_of_no_change_or_an_unknown_one(self) -> None:
        self.assertEqual((self.trend("new_confirmed", 0), self.trend("new_confirmed", None)),
                         ("", ""))

    def test_it_gives_every_metric_a_meaning_the_api_lists(self) -> None:
        for metric in all_metrics():
            with self.subTest(code=metric.code):
                self.assertIsInstance(metric.rise, Rise)
                self.assertEqual(metric.as_dict()["rise"], metric.rise.value)
