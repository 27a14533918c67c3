"""Reading the roster: who is on duty at the boundary instants, the gaps of the coming week to the
minute, the week grid, and hours per person cut at the period's edges; scoped to the reader."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from epigrid.checkpoints import duty, duty_queries
from epigrid.checkpoints.duty_queries import Window, gaps_in
from epigrid.checkpoints.models import DutyShift
from epigrid.checkpoints.periods import Period
from tests.base import BaseTestCase, World
from tests.checkpoints.duty_helpers import at, later, staff_the_world

H = datetime.timedelta(hours=1)
T0 = datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC)


class GapArithmeticTests(BaseTestCase):
    def test_it_finds_the_holes_between_overlapping_and_touching_shifts(self) -> None:
        shifts = [(T0 + 2 * H, T0 + 5 * H), (T0 + 4 * H, T0 + 6 * H), (T0 + 6 * H, T0 + 8 * H),
                  (T0 + 10 * H, T0 + 30 * H)]
        assert gaps_in(shifts, T0, T0 + 24 * H) == [
            Window(T0, T0 + 2 * H), Window(T0 + 8 * H, T0 + 10 * H)]
        assert gaps_in([], T0, T0 + H) == [Window(T0, T0 + H)]
        assert gaps_in([(T0 - H, T0 + 2 * H)], T0, T0 + H) == []


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 24)), max_size=12))
def test_it_covers_every_minute_exactly_once_by_shifts_or_gaps(raw: list[tuple[int, int]]) -> None:
    minute = datetime.timedelta(minutes=1)
    shifts = [(T0 + start * 10 * minute, T0 + (start * 10 + length * 60) * minute)
              for start, length in raw]
    end = T0 + 168 * H
    gaps = gaps_in(shifts, T0, end)
    covered = sum((min(hi, end) - max(lo, T0) for lo, hi in merged(shifts, end)),
                  datetime.timedelta())
    assert covered + sum((g.end - g.start for g in gaps), datetime.timedelta()) == end - T0
    for gap in gaps:
        assert gap.start < gap.end
        assert not any(lo < gap.end and hi > gap.start for lo, hi in shifts)


def merged(shifts: list[tuple[datetime.datetime, datetime.datetime]],
           end: datetime.datetime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    out: list[list[datetime.datetime]] = []
    for lo, hi in sorted(s for s in shifts if s[0] < end):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


class RosterTests(BaseTestCase):
    """Tomorrow at East Road: Ma 08:00-16:00, Niu 16:00-24:00, nobody 00:00-08:00; Qin stands
    at West Gate 00:00-24:00 (town B)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.people = staff_the_world(w)
        cls.day = later(days=1).date()
        d = cls.day
        cls.ma = duty.create_shift(w.alice, w.checkpoint_a, cls.people["ma"], at(d, 8),
                                   at(d, 16))
        cls.niu = duty.create_shift(w.alice, w.checkpoint_a, cls.people["niu"], at(d, 16),
                                    at(d, 16) + 8 * H)
        duty.create_shift(w.bob, w.checkpoint_b, cls.people["qin"], at(d, 0), at(d, 0) + 24 * H)

    def test_it_puts_someone_on_duty_from_the_first_instant_to_just_before_the_end(
            self) -> None:
        w = self.world
        d = self.day

        def names(when: datetime.datetime) -> list[str]:
            return [s.user.username for s in duty_queries.on_duty(w.alice, w.checkpoint_a, when)
                    if s.user is not None]

        assert names(at(d, 8) - datetime.timedelta(microseconds=1)) == []
        assert names(at(d, 8)) == ["ma"]
        assert names(at(d, 15, 59)) == ["ma"]
        assert names(at(d, 16)) == ["niu"]  # Ma is off at 16:00 sharp
        assert names(at(d, 16) + 8 * H) == []

    def test_it_lists_an_areas_checkpoints_with_who_is_on_duty_and_their_phone(self) -> None:
        w = self.world
        rows, more = duty_queries.area_on_duty(w.command, w.district, at(self.day, 9))
        found = {row.checkpoint.code: [(s.user.username, s.user.phone) for s in row.shifts
                                       if s.user is not None] for row in rows}
        assert found == {"CP-A-001": [("ma", "13700000001")],
                         "CP-B-001": [("qin", "13700000003")]}
        assert more == ""
        assert duty_queries.unstaffed_count(w.command, w.district, at(self.day, 9)) == 0
        assert duty_queries.unstaffed_count(w.command, w.district, at(self.day, 7)) == 1
        rows, _more = duty_queries.area_on_duty(w.command, w.district, at(self.day, 7),
                                                unstaffed_only=True)
        assert [row.checkpoint.code for row in rows] == ["CP-A-001"]

    def test_it_pages_an_areas_checkpoints_by_code_in_two_queries(self) -> None:
        w = self.world
        with self.assertNumQueries(2):
            rows, after = duty_queries.area_on_duty(w.command, w.district, at(self.day, 9),
                                                    limit=1)
        assert [r.checkpoint.code for r in rows] == ["CP-A-001"] and after == "CP-A-001"
        rows, after = duty_queries.area_on_duty(w.command, w.district, at(self.day, 9),
                                                after=after, limit=1)
        assert [r.checkpoint.code for r in rows] == ["CP-B-001"] and after == ""

    def test_it_flags_the_gaps_of_the_coming_week_exactly(self) -> None:
        w = self.world
        start = at(self.day, 0)
        gaps = duty_queries.checkpoint_gaps(w.alice, w.checkpoint_a, start)
        assert gaps == [Window(start, at(self.day, 8)),
                        Window(at(self.day, 16) + 8 * H, start + 7 * 24 * H)]
        assert duty_queries.checkpoint_gaps(w.bob, w.checkpoint_b, start) == [
            Window(start + 24 * H, start + 7 * 24 * H)]
        # From 08:00 the first hole is gone; from 16:00 + 8 h everything ahead is a hole.
        assert duty_queries.checkpoint_gaps(w.alice, w.checkpoint_a, at(self.day, 8))[0].start \
            == at(self.day, 16) + 8 * H

    def test_it_lists_the_checkpoints_of_an_area_with_gaps_in_two_queries(self) -> None:
        w = self.world
        with self.assertNumQueries(2):
            found = duty_queries.area_gaps(w.command, w.district, at(self.day, 8),
                                           horizon=20 * H)
        midnight = at(self.day, 0) + 24 * H
        assert [(cp.code, gaps) for cp, gaps in found] == [
            ("CP-A-001", [Window(midnight, midnight + 4 * H)]),
            ("CP-B-001", [Window(midnight, midnight + 4 * H)])]
        assert duty_queries.area_gaps(w.command, w.district, at(self.day, 8),
                                      horizon=16 * H) == []  # all covered to midnight
        assert [cp for cp, _g in duty_queries.area_gaps(w.bob, w.district, at(self.day, 8),
                                                        horizon=20 * H)] == [w.checkpoint_b]

    def test_it_does_not_count_a_shift_whose_person_is_gone(self) -> None:
        w = self.world
        DutyShift.objects.filter(pk=self.ma.pk).update(user=None)
        gaps = duty_queries.checkpoint_gaps(w.alice, w.checkpoint_a, at(self.day, 0))
        assert gaps[0] == Window(at(self.day, 0), at(self.day, 16))

    def test_it_draws_the_week_grid_with_names_and_gaps(self) -> None:
        w = self.world
        days, shifts = duty_queries.roster(w.alice, w.checkpoint_a, Period(self.day, self.day))
        cells = days[0][1]
        assert len(days) == 1 and len(cells) == 24
        assert cells[7].gap and cells[7].names == []
        assert not cells[8].gap and cells[8].names == ["Hua Ma"]
        assert cells[16].names == ["niu"] and not cells[23].gap
        assert [s.pk for s in shifts] == [self.ma.pk, self.niu.pk]

    def test_it_counts_hours_per_person_cut_at_the_periods_edges(self) -> None:
        w = self.world
        period = Period(self.day, self.day)  # Niu's shift runs to midnight exactly
        rows = {r.user.username: (r.hours, r.shifts)
                for r in duty_queries.hours_per_person(w.command, w.district, period)}
        assert rows == {"ma": (8.0, 1), "niu": (8.0, 1), "qin": (24.0, 1)}
        duty.create_shift(w.alice, w.checkpoint_a, self.people["ma"], at(self.day, 22),
                          at(self.day, 22) + 10 * H)
        with self.assertNumQueries(2):
            rows_list = duty_queries.hours_per_person(w.alice, w.town_a, period)
        rows = {r.user.username: (r.hours, r.shifts) for r in rows_list}
        assert rows == {"ma": (10.0, 2), "niu": (8.0, 1)}  # 2 h of the night shift fall today
        two_days = Period(self.day, self.day + datetime.timedelta(days=1))
        assert {r.user.username: r.hours for r in duty_queries.hours_per_person(
            w.alice, w.town_a, two_days)} == {"ma": 18.0, "niu": 8.0}

    def test_it_shows_town_b_nothing_of_town_a(self) -> None:
        w = self.world
        assert duty_queries.on_duty(w.bob, w.checkpoint_a, at(self.day, 9)) == []
        rows, _more = duty_queries.area_on_duty(w.bob, w.district, at(self.day, 9))
        assert [row.checkpoint.code for row in rows] == ["CP-B-001"]
        assert {r.user.username for r in duty_queries.hours_per_person(
            w.bob, w.district, Period(self.day, self.day))} == {"qin"}
        assert duty_queries.roster(w.bob, w.checkpoint_a, Period(self.day, self.day))[1] == []


class GapsFoundByTheDatabase(HypothesisTestCase):
    """Whatever the shifts, the checkpoints the database says have a gap are those gaps_in()
    finds one at, on both databases (the window function against the walk)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()
        cls.people = staff_the_world(cls.world)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.booleans(), st.integers(-30, 200), st.integers(1, 48)),
                    max_size=10))
    def test_it_agrees_with_the_walk(self, raw: list[tuple[bool, int, int]]) -> None:
        w = self.world
        DutyShift.objects.all().delete()
        start, end = T0, T0 + 72 * H
        for east, begin, length in raw:  # made as rows: the rules of duty.create_shift aside
            DutyShift.objects.create(
                checkpoint=w.checkpoint_a if east else w.checkpoint_b,
                user=self.people["ma" if east else "qin"],
                starts_at=T0 + begin * H / 2, ends_at=T0 + (begin + length) * H / 2)
        walked = {cp.code for cp, gaps in duty_queries.gaps_of(
            w.command, duty_queries.checkpoints_of(w.command, w.district), start, end) if gaps}
        told = {cp.code for cp in duty_queries.with_gaps(w.command, w.district, start, end)}
        assert told == walked
