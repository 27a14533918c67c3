"""Checkpoint figures 卡口数据 are read from the hour rows, exact on a small world, and roll up.

Yesterday at town A's East Road checkpoint: a walker in at 08:10, a car of three out at 08:40, a
walker turned back at 09:05 and a fever at 23:59; a walker referred to quarantine at village A2's
checkpoint at 08:30; a van of two into town B at 08:00; and a walker at East Road at 00:00 today.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.areas.models import Checkpoint
from epigrid.checkpoints import figures
from epigrid.checkpoints.figures import Counts
from epigrid.checkpoints.models import Decision, Direction, Passage, PassageHour
from epigrid.checkpoints.periods import Period
from tests.base import BaseTestCase
from tests.checkpoints.figure_helpers import at, passage, store

VEHICLE = Passage.Kind.VEHICLE


class FigureWorld(BaseTestCase):
    today: datetime.date
    day: datetime.date
    checkpoint_a2: Checkpoint

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.today = timezone.localdate()
        cls.day = cls.today - datetime.timedelta(days=1)
        cls.checkpoint_a2 = Checkpoint.objects.create(
            area=w.village_a2, code="CP-A-002", name="North Bridge Checkpoint",
            kind=Checkpoint.Kind.ROAD)
        d = cls.day
        store([
            passage(w.checkpoint_a, at(d, 8, 10)),
            passage(w.checkpoint_a, at(d, 8, 40), direction=Direction.OUT, kind=VEHICLE,
                    passengers=3),
            passage(w.checkpoint_a, at(d, 9, 5), decision=Decision.TURNED_BACK),
            passage(w.checkpoint_a, at(d, 23, 59), decision=Decision.FEVER),
            passage(cls.checkpoint_a2, at(d, 8, 30), decision=Decision.QUARANTINE),
            passage(w.checkpoint_b, at(d, 8, 0), kind=VEHICLE, passengers=2),
            passage(w.checkpoint_a, at(cls.today, 0, 0)),
        ])


class FigureCountTests(FigureWorld):
    def test_it_counts_a_towns_day_exactly(self) -> None:
        w = self.world
        found = figures.area_figures(w.alice, w.town_a, Period(self.day, self.day))
        assert found["total"] == Counts(passages_in=4, passages_out=1, vehicles=1, persons=7,
                                        turned_back=1, referred=1, fevers=1)
        assert found["total"].passages == 5

    def test_it_counts_each_hour_with_zeros_between(self) -> None:
        w = self.world
        hours = dict(figures.area_figures(w.alice, w.town_a, Period(self.day, self.day))["hours"])
        assert len(hours) == 24
        assert hours[at(self.day, 8)] == Counts(passages_in=2, passages_out=1, vehicles=1,
                                                persons=5, referred=1)
        assert hours[at(self.day, 9)].turned_back == 1
        assert hours[at(self.day, 23)].fevers == 1
        assert hours[at(self.day, 12)] == Counts()

    def test_it_puts_the_last_minute_in_its_day_and_midnight_in_the_next(self) -> None:
        w = self.world
        days = dict(figures.area_figures(w.alice, w.town_a, Period(self.day, self.today))["days"])
        assert days[self.day].passages == 5
        assert days[self.day].fevers == 1  # 23:59
        assert days[self.today].passages == 1  # 00:00

    def test_it_rolls_children_up_to_the_parent(self) -> None:
        w = self.world
        period = Period(self.day, self.today)
        district = figures.area_figures(w.command, w.district, period)
        children = dict(district["children"])
        assert children[w.town_a].passages == 6
        assert children[w.town_b] == Counts(passages_in=1, vehicles=1, persons=2)
        assert figures.total_of(children.values()) == district["total"]
        town = dict(figures.area_figures(w.alice, w.town_a, period)["children"])
        assert town[w.village_a1].passages == 5
        assert town[w.village_a2].referred == 1
        assert figures.total_of(town.values()) == children[w.town_a]
        assert figures.total_of(c for _d, c in district["days"]) == district["total"]
        assert figures.total_of(c for _h, c in district["hours"]) == district["total"]

    def test_it_names_the_busiest_checkpoints_of_a_day(self) -> None:
        w = self.world
        ranked = [(cp.code, c.passages) for cp, c in figures.busiest(w.command, w.district,
                                                                     self.day)]
        assert ranked[0] == ("CP-A-001", 4)
        assert sorted(ranked[1:]) == [("CP-A-002", 1), ("CP-B-001", 1)]
        assert [cp.code for cp, _c in figures.busiest(w.command, w.district, self.day, 1)] == [
            "CP-A-001"]
        assert figures.busiest(w.command, w.district, self.day - datetime.timedelta(days=1)) == []

    def test_it_counts_one_checkpoint_alone(self) -> None:
        w = self.world
        found = figures.checkpoint_figures(w.alice, self.checkpoint_a2,
                                           Period(self.day, self.day))
        assert found["total"] == Counts(passages_in=1, persons=1, referred=1)

    def test_it_reads_only_hour_rows_never_passages(self) -> None:
        w = self.world
        with CaptureQueriesContext(connection) as captured:
            figures.area_figures(w.command, w.district, Period(self.day, self.today))
            figures.busiest(w.command, w.district, self.day)
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        assert len(captured.captured_queries) == 5  # hours, children, children's sums, busiest x2
        assert "checkpoints_passagehour" in sql
        assert '"checkpoints_passage"' not in sql and "checkpoints_passage " not in sql

    def test_it_costs_the_same_queries_for_more_checkpoints(self) -> None:
        w = self.world
        period = Period(self.day, self.today)
        with CaptureQueriesContext(connection) as before:
            figures.area_figures(w.command, w.district, period)
        extra = [Checkpoint.objects.create(area=w.village_b1, code=f"CP-X-{n}", name=f"X {n}",
                                           kind=Checkpoint.Kind.ROAD) for n in range(5)]
        store([passage(cp, at(self.day, 10)) for cp in extra])
        with self.assertNumQueries(len(before.captured_queries)):
            found = figures.area_figures(w.command, w.district, period)
        assert found["total"].passages == 12

    def test_it_shows_town_b_nothing_of_town_a(self) -> None:
        w = self.world
        period = Period(self.day, self.today)
        assert figures.area_figures(w.bob, w.town_b, period)["total"].passages == 1
        # Even asked for the district, bob's rows stop at his own town.
        assert figures.area_figures(w.bob, w.district, period)["total"].passages == 1
        assert [cp.code for cp, _c in figures.busiest(w.bob, w.district, self.day)] == [
            "CP-B-001"]
        assert figures.checkpoint_figures(w.bob, w.checkpoint_a, period)["total"] == Counts()

    def test_it_adds_to_existing_hours_rather_than_replacing_them(self) -> None:
        w = self.world
        store([passage(w.checkpoint_a, at(self.day, 8, 55), direction=Direction.OUT)])
        row = PassageHour.objects.get(checkpoint=w.checkpoint_a, hour=at(self.day, 8))
        assert (row.passages_in, row.passages_out) == (1, 2)
        assert PassageHour.objects.filter(checkpoint=w.checkpoint_a).count() == 4
