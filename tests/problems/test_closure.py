"""The daily closure rate 日清日结, counted by hand on one day D of village A1, its town, the
district and a quiet village.

    problem  raised    history (local time)                       on D counts as
    p1       D-2       open all along                             open at start
    p2       D-1       closed D 10:00                             open at start, closed
    p3       D 09:00   closed D 15:00                             raised, closed
    p4       D 11:00   open                                       raised
    p5       D-3       closed D-1                                 (closed all day: not counted)
    p6       D-1       closed D 10:00, reopened D 12:00           open at start
    p7       D-2       closed D-1, reopened D 08:00, closed D 16  (closed at the start)
    p8       D+1       -                                          (not yet raised)
    p9       D-1       closed D 09:00, reopened 10:00, closed 11  open at start, closed once
    p10      D 09:00   in village B1 (town B), open               raised (district only)
    p11      D-1       closed D 23:59                             open at start, closed
    p12      D-1       closed D+1 00:00                           open at start

Village A1 and town A: open at start p1 p2 p6 p9 p11 p12 = 6, raised p3 p4 = 2, closed p2 p3
p9 p11 = 4: rate 4 / 8 = 0.5. The district adds p10: 4 / 9. Village A2: nothing to close.
"""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from epigrid.areas.models import Area
from epigrid.problems import services
from epigrid.problems.closure import closure_rates
from epigrid.problems.models import Problem
from tests.base import BaseTestCase, World
from tests.problems.helpers import at, days, raise_in, today

D = today() - days(10)


def history(problem: Problem, by: object, *steps: tuple[str, datetime.datetime]) -> None:
    for step, moment in steps:
        if step == "close":
            services.close(problem, by=by, note="done", now=moment)
        else:
            services.reopen(problem, by=by, note="again", now=moment)


def day_d(w: World) -> None:
    a1, alice = w.village_a1, w.alice

    def raised(day: datetime.date, hour: int = 9, area: Area = a1) -> Problem:
        return raise_in(area, alice, now=at(day, hour), due_in=1)

    raised(D - days(2))                                                       # p1
    history(raised(D - days(1)), alice, ("close", at(D, 10)))                 # p2
    history(raised(D, 9), alice, ("close", at(D, 15)))                        # p3
    raised(D, 11)                                                             # p4
    history(raised(D - days(3)), alice, ("close", at(D - days(1), 12)))       # p5
    history(raised(D - days(1)), alice, ("close", at(D, 10)), ("reopen", at(D, 12)))  # p6
    history(raised(D - days(2)), alice, ("close", at(D - days(1), 12)),       # p7
            ("reopen", at(D, 8)), ("close", at(D, 16)))
    raised(D + days(1))                                                       # p8
    history(raised(D - days(1)), alice, ("close", at(D, 9)), ("reopen", at(D, 10)),  # p9
            ("close", at(D, 11)))
    raise_in(w.village_b1, w.bob, now=at(D, 9))                               # p10
    history(raised(D - days(1)), alice, ("close", at(D, 23, 59)))             # p11
    history(raised(D - days(1)), alice,                                       # p12
            ("close", at(D + days(1), 0)))


class ClosureRateTests(BaseTestCase):
    def test_it_counts_the_day_as_counted_by_hand(self) -> None:
        w = self.world
        day_d(w)
        rates = closure_rates([w.district, w.town_a, w.village_a1, w.village_a2], D)
        figures = [(r.area.name, r.open_at_start, r.raised, r.closed, r.rate) for r in rates]
        assert figures == [
            ("Qingshan District", 6, 3, 4, 4 / 9),
            ("Dongcheng Town", 6, 2, 4, 0.5),
            ("Village A1", 6, 2, 4, 0.5),
            ("Village A2", 0, 0, 0, None),
        ]
        assert [r.percent for r in rates] == ["44%", "50%", "50%", "—"]

    def test_it_counts_the_next_day_from_what_was_left(self) -> None:
        w = self.world
        day_d(w)
        (rate,) = closure_rates([w.village_a1], D + days(1))
        # Open at D+1's start: p1 p4 p6 p12 and p8 is raised; p12 closes at 00:00.
        assert (rate.open_at_start, rate.raised, rate.closed) == (4, 1, 1)

    def test_it_answers_in_two_queries_for_any_number_of_areas(self) -> None:
        w = self.world
        day_d(w)
        areas = [w.district, w.town_a, w.town_b, w.village_a1, w.village_a2, w.village_b1]
        with self.assertNumQueries(2):
            closure_rates(areas, D)
        assert closure_rates([], D) == []


class ClosureRateApiTests(BaseTestCase):
    def test_it_gives_the_rates_of_an_area_and_its_children(self) -> None:
        w = self.world
        day_d(w)
        url = "/api/problems/closure-rates"
        body = self.client_for(w.alice).get(url, {"day": D.isoformat()}).json()
        assert [(row["area_name"], row["open_at_start"], row["raised"], row["closed"],
                 row["rate"]) for row in body] == [
            ("Dongcheng Town", 6, 2, 4, 0.5), ("Village A1", 6, 2, 4, 0.5),
            ("Village A2", 0, 0, 0, None)]
        command = self.client_for(w.command).get(url, {"day": D.isoformat(),
                                                       "area": w.town_b.pk}).json()
        assert [(row["area_name"], row["raised"]) for row in command] == [
            ("Xihe Town", 1), ("Village B1", 1)]

    def test_it_refuses_an_area_outside_the_users_scope(self) -> None:
        w = self.world
        response = self.client_for(w.bob).get("/api/problems/closure-rates",
                                              {"area": w.town_a.pk})
        assert response.status_code == 422
        detail = response.json()["detail"][0]
        assert detail["loc"] == ["query", "area"] and "among the areas you may see" in detail[
            "msg"]
        assert self.client_for(w.stranger).get("/api/problems/closure-rates").json() == []


class ClosureRateProperties(HypothesisTestCase):
    """Whatever the histories, a day's closed never exceed what was to close, and an area's
    figures are the sums of its children's (every problem is raised in a village here)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.booleans(), st.integers(-2, 1), st.integers(0, 23),
                              st.lists(st.integers(1, 40), max_size=4)), max_size=6))
    def test_it_never_closes_more_than_was_due(
            self, plans: list[tuple[bool, int, int, list[int]]]) -> None:
        w = self.world
        for in_a1, day_offset, hour, gaps in plans:
            start = at(D + days(day_offset), hour)
            problem = raise_in(w.village_a1 if in_a1 else w.village_a2, w.alice, now=start)
            moment = start
            for n, gap in enumerate(gaps):
                moment += datetime.timedelta(hours=gap)
                history(problem, w.alice, ("close" if n % 2 == 0 else "reopen", moment))
        town, a1, a2 = closure_rates([w.town_a, w.village_a1, w.village_a2], D)
        for rate in (town, a1, a2):
            assert 0 <= rate.closed <= rate.due
        assert town.open_at_start == a1.open_at_start + a2.open_at_start
        assert (town.raised, town.closed) == (a1.raised + a2.raised, a1.closed + a2.closed)
