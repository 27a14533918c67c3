"""应隔尽隔: the day's new close contacts not quarantined by its end, counted and listed alike
(the "all quarantined" of the 17:00 talking points, SCENARIOS.md)."""

from __future__ import annotations

from typing import ClassVar

from epigrid.cases import figure_lists, figures, services
from epigrid.cases import quarantine as q
from epigrid.cases.models import Evidence, Quarantine
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.figure_helpers import Outbreak, noon, outbreak
from tests.cases.quarantine_helpers import close_contact, days_ago

CODE = "new_contacts_not_quarantined"


class OutbreakContactsTests(BaseTestCase):
    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.story = outbreak(cls.world)

    def test_it_counts_a_contact_placed_only_the_next_day_on_the_day_found(self) -> None:
        s, w = self.story, self.world
        # d0: Wang Lei (placed on d1) is counted; Feng Bo (placed on d0) is not.
        assert figures.area_figures(w.town_a, s.d0)[CODE] == 1
        assert figures.area_figures(w.town_a, s.d0)["new_close_contact"] == 2
        names = [case.person.name for case in figure_lists.records(CODE, w.town_a.path, s.d0)]
        assert names == ["Wang Lei"]
        # d1: nobody new; d2: Zhou Yan, placed in a site the same day.
        assert figures.area_figures(w.town_a, s.d1)[CODE] == 0
        assert figures.area_figures(w.town_a, s.d2)["new_close_contact"] == 1
        assert figures.area_figures(w.town_a, s.d2)[CODE] == 0

    def test_it_counts_the_contacts_still_waiting_in_the_close_contact_state(self) -> None:
        s, w = self.story, self.world
        waiting = "contacts_awaiting_quarantine"
        # d0: Wang Lei waits (placed on d1); d2 and d3: Zhou Yan, never moved on from the state.
        assert [figures.area_figures(w.town_a, day)[waiting]
                for day in (s.d0, s.d1, s.d2, s.d3)] == [1, 0, 1, 1]
        names = [case.person.name for case in figure_lists.records(waiting, w.town_a.path, s.d3)]
        assert names == ["Zhou Yan"]

    def test_it_stores_the_same_figure_as_it_counts_live(self) -> None:
        figures.recompute(self.story.d0)
        stored, _children = figures.figures_for(self.world.district, self.story.d0)
        assert stored[CODE] == 1


class TodayContactsTests(BaseTestCase):
    def test_it_clears_once_the_contact_is_quarantined(self) -> None:
        w = self.world
        case = close_contact(w.person_a)
        assert figures.area_figures(w.town_a, days_ago(0))[CODE] == 1
        q.start_quarantine(case, Quarantine.Kind.HOME, starts_on=days_ago(0), by=w.alice)
        assert figures.area_figures(w.town_a, days_ago(0))[CODE] == 0

    def test_it_leaves_out_a_contact_ruled_out_or_fallen_ill_the_same_day(self) -> None:
        w = self.world
        ruled_out = close_contact(w.person_a)
        services.transition(ruled_out, State.EXCLUDED, reason="not a contact", at=None,
                            evidence=Evidence.TEST)
        ill = close_contact(w.person_a2)
        services.transition(ill, State.FEVER, reason="37.9", at=None, evidence=Evidence.TEST)
        found = figures.area_figures(w.town_a, days_ago(0))
        assert (found["new_close_contact"], found[CODE]) == (2, 0)
        assert not figure_lists.records(CODE, w.town_a.path, days_ago(0)).exists()

    def test_it_keeps_counting_a_contact_found_earlier_until_quarantined(self) -> None:
        w = self.world
        case = services.open_case(w.person_a, State.CLOSE_CONTACT, reason="met a case",
                                  at=noon(days_ago(2)))
        today = figures.area_figures(w.town_a, days_ago(0))
        assert (today["new_contacts_not_quarantined"], today["contacts_awaiting_quarantine"]) == (
            0, 1)
        q.start_quarantine(case, Quarantine.Kind.HOME, starts_on=days_ago(0), by=w.alice)
        assert figures.area_figures(w.town_a, days_ago(0))["contacts_awaiting_quarantine"] == 0
        assert figures.area_figures(w.town_a, days_ago(1))["contacts_awaiting_quarantine"] == 1

    def test_it_counts_town_b_apart(self) -> None:
        w = self.world
        close_contact(w.person_b)
        assert figures.area_figures(w.town_a, days_ago(0))[CODE] == 0
        assert figures.area_figures(w.town_b, days_ago(0))[CODE] == 1
