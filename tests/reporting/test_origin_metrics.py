"""New confirmed cases by origin of infection 本土 / 输入 in the daily figures: the two metrics add
up to new_confirmed, roll up the tree, follow a later change of origin, and cost no query."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.cases import figure_lists, figures, services
from epigrid.cases.models import Case, Evidence, Origin
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.registry.models import Person
from epigrid.reporting import metrics
from epigrid.reporting import services as reporting
from epigrid.reporting.metrics import Rollup
from tests.base import BaseTestCase
from tests.cases.figure_helpers import early
from tests.reporting.test_counts import stored

CODES = ("new_confirmed", "new_local_confirmed", "new_imported_confirmed")


def confirmed(person: Person, day: datetime.date, origin: str = Origin.LOCAL,
              imported_from: str = "") -> Case:
    return services.open_case(person, State.CONFIRMED, reason="positive", at=early(day),
                              evidence=Evidence.TEST, origin=origin,
                              imported_from=imported_from)


def split(values: dict[str, int]) -> tuple[int, ...]:
    return tuple(values.get(code, 0) for code in CODES)


class RegistryTests(SimpleTestCase):
    def test_it_registers_both_as_case_flows_summed_up(self) -> None:
        found = metrics.by_code()
        for code, name in (("new_local_confirmed", "New local confirmed cases"),
                           ("new_imported_confirmed", "New imported confirmed cases")):
            with self.subTest(code=code):
                self.assertEqual((found[code].family, found[code].rollup, str(found[code].name)),
                                 ("cases", Rollup.SUM, name))
                officer = User(role=Role.AREA_OFFICER)
                self.assertIn(code, found[code].url(1, datetime.date(2020, 2, 1), officer) or "")


class OriginCountTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.today = timezone.localdate()
        # One local and one imported case confirmed on the same day in the same grid.
        self.local = confirmed(w.person_a, self.today)
        self.imported = confirmed(w.person_a2, self.today, Origin.IMPORTED, "Wuhan")

    def test_it_counts_one_local_and_one_imported_of_two_new_confirmed(self) -> None:
        w = self.world
        reporting.recompute_day(self.today)
        for area in (w.grid_a1_1, w.village_a1, w.town_a, w.district, w.city):
            with self.subTest(area=area.name):
                self.assertEqual(split(stored(area)), (2, 1, 1))
        self.assertEqual(split(stored(w.town_b)), (0, 0, 0))
        self.assertEqual(split(figures.area_figures(w.village_a1, self.today)), (2, 1, 1))

    def test_it_counts_an_imported_asymptomatic_infection_confirmed_later_as_imported(
            self) -> None:
        w = self.world
        yesterday = self.today - datetime.timedelta(days=1)
        carrier = services.open_case(w.visitor_a, State.ASYMPTOMATIC, reason="positive",
                                     at=early(yesterday), evidence=Evidence.TEST,
                                     origin=Origin.IMPORTED)
        services.transition(carrier, State.CONFIRMED, reason="symptoms", at=early(self.today),
                            evidence=Evidence.DIAGNOSIS)
        reporting.recompute_day(self.today)
        self.assertEqual(split(stored(w.village_a1)), (3, 1, 2))
        self.assertEqual(split(stored(w.grid_a1_2)), (1, 0, 1))

    def test_it_follows_a_later_change_of_origin_in_a_recount(self) -> None:
        w = self.world
        services.set_origin(self.imported, Origin.LOCAL, reason="infected at home after all")
        reporting.recompute_day(self.today)
        self.assertEqual(split(stored(w.village_a1)), (2, 2, 0))

    def test_it_lists_the_cases_behind_each_figure(self) -> None:
        path = self.world.village_a1.path
        self.assertEqual(list(figure_lists.records("new_imported_confirmed", path, self.today)),
                         [self.imported])
        self.assertEqual(list(figure_lists.records("new_local_confirmed", path, self.today)),
                         [self.local])

    def test_it_splits_in_the_same_queries(self) -> None:
        # One query per figure family: two for the cases (history, the day's moves), one for
        # the day's close contacts not quarantined, one for quarantines, two for follow-ups and
        # misses, one for tests; the origin adds none.
        with CaptureQueriesContext(connection) as captured:
            figures.leaf_vectors("", self.today)
        self.assertEqual(len(captured), 7)
