"""Talking points 发言提纲 written from hand-made figures: each rule, in English and in Chinese."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.briefing import talking
from epigrid.briefing.talking import Closure, OverdueProblem, Place, Situation

YESTERDAY = {"new_confirmed": 1, "new_close_contact": 4, "new_suspected": 2, "free_beds_icu": 2,
             "turned_back": 10}
TODAY = {"new_confirmed": 3, "new_close_contact": 9, "waiting_over_24h": 2, "turned_back": 11}
CHILDREN = [Place("Dongcheng Town", {"new_confirmed": 3, "new_close_contact": 5}),
            Place("Xihe Town", {"new_close_contact": 4})]


def district(**kwargs: object) -> Situation:
    return Situation(area=Place("Qingshan District", TODAY, YESTERDAY), children=CHILDREN,
                     **kwargs)  # type: ignore[arg-type]


class TalkingPointTests(SimpleTestCase):
    def test_it_speaks_of_the_biggest_increases_first_and_where_they_are(self) -> None:
        points = talking.talking_points(district())
        self.assertEqual(points[:3], [
            "New close contacts doubled to 9 (4 yesterday), mostly in Dongcheng Town (56%).",
            "New confirmed cases: 3, 2 more than yesterday, mostly in Dongcheng Town (100%).",
            "Waiting over 24 h: 2, 2 more than yesterday.",  # no child figures: no place
        ])
        self.assertNotIn("Persuaded to turn back", " ".join(points))  # 4th biggest rise

    def test_it_writes_the_same_points_in_chinese(self) -> None:
        with translation.override("zh-hans"):
            points = talking.talking_points(district())
        self.assertIn("新增确诊病例 3，比昨日多 2，集中在Dongcheng Town（100%）。", points)
        self.assertIn("新增密切接触者翻倍至 9（昨日 4），集中在Dongcheng Town（56%）。", points)

    def test_it_always_names_new_confirmed_cases_when_they_rose(self) -> None:
        yesterday = {"new_confirmed": 5, "fever_referrals": 0, "turned_back": 0,
                     "persons_abnormal_today": 0}
        today = {"new_confirmed": 6, "fever_referrals": 50, "turned_back": 40,
                 "persons_abnormal_today": 30}
        points = talking.increases(Situation(Place("D", today, yesterday)), _metrics())
        self.assertEqual(len(points), talking.MAX_INCREASES)
        self.assertTrue(points[-1].startswith("New confirmed cases: 6, 1 more"))
        self.assertEqual(points[0], "Fever referrals: 50, 50 more than yesterday.")

    def test_it_says_nothing_of_changes_without_yesterday(self) -> None:
        situation = Situation(Place("New District", TODAY, None), children=CHILDREN)
        points = talking.talking_points(situation)
        self.assertFalse([p for p in points if "yesterday" in p])
        # A rising threshold is news even on the first day; a falling one needs yesterday.
        self.assertEqual(points, [
            "Waiting over 24 h reached 2, at or above the alert level of 1."])

    def test_it_notes_a_case_figure_falling_to_zero(self) -> None:
        points = talking.fell_to_zero(district(), _metrics())
        self.assertEqual(points, ["New suspected cases fell to 0 (2 yesterday)."])

    def test_it_notes_thresholds_crossed_since_yesterday_only(self) -> None:
        points = talking.crossed(district(), _metrics())
        self.assertEqual(points, [
            "Waiting over 24 h reached 2, at or above the alert level of 1.",
            "Free ICU beds fell to 0, at or below the alert level of 0."])
        # Already above yesterday: not crossed again.
        again = Situation(Place("D", {"waiting_over_24h": 3}, {"waiting_over_24h": 2}))
        self.assertEqual(talking.crossed(again, _metrics()), [])
        with translation.override("zh-hans"):
            self.assertEqual(talking.crossed(district(), _metrics())[1],
                             "ICU 空床位降至 0，达到或低于警戒值 0。")

    def test_it_counts_the_overdue_problems_and_names_the_oldest(self) -> None:
        oldest = OverdueProblem("Masks run out", "Village A1", datetime.date(2020, 2, 1))
        self.assertEqual(talking.overdue(district(overdue=[oldest], overdue_count=4)), [
            "4 problems are overdue; the oldest, “Masks run out” (Village A1), was due on "
            "2020-02-01."])
        self.assertEqual(talking.overdue(district(overdue=[oldest])), [
            "1 problem is overdue: “Masks run out” (Village A1), due on 2020-02-01."])
        with translation.override("zh-hans"):
            self.assertEqual(talking.overdue(district(overdue=[oldest], overdue_count=4)), [
                "4 个问题逾期，最早的是“Masks run out”（Village A1），应于 2020-02-01 办结。"])

    def test_it_counts_the_problems_that_rose_to_the_area(self) -> None:
        self.assertEqual(talking.escalated(district(escalated=4)), [
            "4 open problems rose to Qingshan District from below."])
        self.assertEqual(talking.escalated(district(escalated=1)), [
            "1 open problem rose to Qingshan District from below."])
        self.assertEqual(talking.escalated(district()), [])
        with translation.override("zh-hans"):
            self.assertEqual(talking.escalated(district(escalated=4)), [
                "4 个未结问题已从下级升级至Qingshan District。"])

    def test_it_gives_the_closure_rate_when_something_was_due(self) -> None:
        self.assertEqual(talking.closure(district(closure=Closure(raised=23, due=27, closed=19))),
                         ["Problems: 23 raised today; 19 of the 27 due were closed (70%)."])
        self.assertEqual(talking.closure(district(closure=Closure(0, 0, 0))), [])

    def test_it_lists_the_areas_that_did_not_report_naming_five_at_most(self) -> None:
        names = [f"Village {n}" for n in range(1, 8)]
        self.assertEqual(talking.unreported(district(unreported=names)), [
            "7 areas have not reported: Village 1, Village 2, Village 3, Village 4, Village 5 "
            "and 2 more."])
        self.assertEqual(talking.unreported(district(unreported=[])), [])
        self.assertEqual(talking.unreported(district(unreported=None)), [])
        with translation.override("zh-hans"):
            self.assertEqual(talking.unreported(district(unreported=names[:2])),
                             ["2 个地区未报送日报：Village 1、Village 2。"])

    def test_it_says_nothing_when_nothing_changed(self) -> None:
        same = Situation(Place("D", YESTERDAY, YESTERDAY), children=CHILDREN)
        self.assertEqual(talking.talking_points(same), [])

    @settings(max_examples=60, deadline=None)
    @given(st.dictionaries(st.sampled_from(talking.WATCHED), st.integers(0, 1000)),
           st.dictionaries(st.sampled_from(talking.WATCHED), st.integers(0, 1000)))
    def test_it_only_reports_rises_and_never_more_than_the_maximum(
            self, yesterday: dict[str, int], today: dict[str, int]) -> None:
        situation = Situation(Place("D", today, yesterday))
        points = talking.increases(situation, _metrics())
        rose = [c for c in talking.WATCHED if today.get(c, 0) > yesterday.get(c, 0)]
        self.assertEqual(len(points), min(len(rose), talking.MAX_INCREASES))


class ContactsPlacedTests(SimpleTestCase):
    """应隔尽隔: "new close contacts doubled in town 6; all quarantined" (SCENARIOS.md, 17:00)."""

    def test_it_says_all_are_quarantined_right_after_their_rise(self) -> None:
        points = talking.talking_points(district())
        self.assertEqual(points[3], "All 9 new close contacts are quarantined.")
        with translation.override("zh-hans"):
            self.assertIn("新增密切接触者 9 人已全部隔离。", talking.talking_points(district()))

    def test_it_says_how_many_are_not_and_where_even_without_a_rise(self) -> None:
        today = {"new_close_contact": 4, "new_contacts_not_quarantined": 3}
        children = [Place("Dongcheng Town", {"new_close_contact": 1}),
                    Place("Xihe Town", {"new_close_contact": 3,
                                        "new_contacts_not_quarantined": 3})]
        situation = Situation(Place("D", today, YESTERDAY), children=children)
        self.assertEqual(talking.contacts_placed(situation, _metrics()), [
            "3 of the 4 new close contacts are not yet quarantined: Xihe Town."])
        with translation.override("zh-hans"):
            self.assertEqual(talking.contacts_placed(situation, _metrics()), [
                "新增密切接触者 4 人中 3 人尚未隔离：Xihe Town。"])

    def test_it_counts_one_without_naming_a_place_when_there_are_no_children(self) -> None:
        today = {"new_close_contact": 1, "new_contacts_not_quarantined": 1}
        situation = Situation(Place("Grid 1", today, {}))
        self.assertEqual(talking.contacts_placed(situation, _metrics()), [
            "The new close contact is not yet quarantined."])
        all_three = {"new_close_contact": 3, "new_contacts_not_quarantined": 3}
        every = Situation(Place("D", all_three, {}), children=[Place("Xihe Town", all_three)])
        self.assertEqual(talking.contacts_placed(every, _metrics()), [
            "None of the 3 new close contacts is quarantined yet: Xihe Town."])

    def test_it_counts_those_found_before_today_who_still_wait(self) -> None:
        today = {"new_close_contact": 4, "new_contacts_not_quarantined": 1,
                 "contacts_awaiting_quarantine": 3}
        situation = Situation(Place("D", today, {"new_close_contact": 4}))
        self.assertEqual(talking.contacts_placed(situation, _metrics()), [
            "1 of the 4 new close contacts is not yet quarantined.",
            "2 close contacts found before today still await quarantine."])
        with translation.override("zh-hans"):
            self.assertEqual(talking.contacts_placed(situation, _metrics())[1],
                             "此前发现的密切接触者中仍有 2 人待隔离。")
        waiting_only = Situation(Place("D", {"contacts_awaiting_quarantine": 1}, {}))
        self.assertEqual(talking.contacts_placed(waiting_only, _metrics()), [
            "1 close contact found before today still awaits quarantine."])

    def test_it_is_silent_without_a_rise_or_without_new_contacts(self) -> None:
        steady = Situation(Place("D", {"new_close_contact": 4}, {"new_close_contact": 4}))
        first_day = Situation(Place("D", {"new_close_contact": 4}, None))
        none = Situation(Place("D", {}, {"new_close_contact": 4}))
        for situation in (steady, first_day, none):
            self.assertEqual(talking.contacts_placed(situation, _metrics()), [])


def _metrics() -> dict[str, object]:
    from epigrid.reporting.metrics import by_code

    return by_code()  # type: ignore[return-value]
