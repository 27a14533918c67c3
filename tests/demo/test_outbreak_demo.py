"""The demo's outbreak at tiny scale: every case follows the state machine, rows agree."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.test import TestCase
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.cases import states
from epigrid.cases.models import (
    Case,
    CaseFigures,
    Exposure,
    FollowUp,
    LabTest,
    Origin,
    Quarantine,
    Source,
    Transition,
)
from epigrid.cases.states import State
from epigrid.demo.generator import generate
from epigrid.demo.outbreak_data import DAYS, IMPORTED_INDEX_CASES, Outbreak, Story
from epigrid.registry.models import Person
from epigrid.reporting.models import DailyFigures

SEED = 11


class TinyOutbreakDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.generated = generate("tiny", SEED, residents=True)
        cls.summary = cls.generated["outbreak"]

    def test_it_stores_the_figures_of_every_day_of_the_outbreak(self) -> None:
        # The demo runs no worker: the dashboard and the curve read what generate() stored.
        today = timezone.localdate()
        days = [today - datetime.timedelta(days=back) for back in range(DAYS, -1, -1)]
        root = Area.objects.get(parent=None)
        stored = dict(CaseFigures.objects.filter(area=root).values_list("day", "values"))
        assert sorted(stored) == days
        daily = DailyFigures.objects.filter(area=root).values_list("day", flat=True)
        assert sorted(daily) == days
        confirmed = Transition.objects.filter(
            to_state=State.CONFIRMED, at__date__gte=days[0]).values("case").distinct().count()
        assert sum(values.get("new_confirmed", 0) for values in stored.values()) == confirmed > 0
        assert self.generated["figures"]["days"] == DAYS + 1

    def test_it_tells_an_outbreak(self) -> None:
        self.assertGreater(self.summary["infected"], 1)
        self.assertEqual(Case.objects.count(), self.summary["cases"])
        self.assertGreater(Exposure.objects.count(), 0)
        self.assertTrue(Case.objects.filter(state__in=[State.CONFIRMED, State.ADMITTED,
                                                       State.RECOVERED]).exists())

    def test_it_moves_every_case_along_the_table(self) -> None:
        for case in Case.objects.prefetch_related("transitions"):
            steps = list(case.transitions.all())
            self.assertIn(steps[0].to_state, states.INITIAL)
            self.assertEqual(steps[0].from_state, "")
            for before, after in zip(steps, steps[1:], strict=False):
                self.assertEqual(after.from_state, before.to_state)
                self.assertTrue(states.allowed(before.to_state, after.to_state), case)
                self.assertLessEqual(before.at, after.at)
                if states.needs_evidence(before.to_state, after.to_state):
                    self.assertEqual(after.evidence, "test")
            self.assertEqual(case.state, steps[-1].to_state)
            self.assertEqual(case.is_open, case.state not in states.TERMINAL)

    def test_it_imports_a_few_index_cases_and_spreads_the_rest_locally(self) -> None:
        imported = list(Case.objects.filter(origin=Origin.IMPORTED))
        # And the grid worker's returnee (demo.round_data), whose household is in quarantine.
        self.assertEqual(self.summary["told"], 3)
        self.assertTrue(0 < len(imported) <= IMPORTED_INDEX_CASES["tiny"] + 1)
        self.assertTrue(all(case.imported_from for case in imported))
        self.assertGreater(Case.objects.filter(origin=Origin.LOCAL).count(), len(imported))
        self.assertFalse(Case.objects.filter(origin=Origin.LOCAL).exclude(
            imported_from="").exists())

    def test_it_gives_a_person_one_case_at_most(self) -> None:
        self.assertFalse(Case.objects.values("person").annotate(n=Count("id"))
                         .filter(n__gt=1).exists())

    def test_it_releases_only_with_two_negative_tests(self) -> None:
        for quarantine in Quarantine.objects.filter(outcome=Quarantine.Outcome.RELEASED):
            negatives = LabTest.objects.filter(person=quarantine.case.person,
                                               result=LabTest.Result.NEGATIVE).count()
            self.assertGreaterEqual(negatives, 2)

    def test_it_follows_up_open_quarantines_within_their_days(self) -> None:
        for follow_up in FollowUp.objects.select_related("quarantine"):
            self.assertGreaterEqual(follow_up.day, follow_up.quarantine.starts_on)
        self.assertEqual(Transition.objects.values("case").distinct().count(),
                         Case.objects.count())

    def test_it_exposes_a_contact_once_per_source(self) -> None:
        self.assertFalse(Exposure.objects.values("source", "contact").annotate(n=Count("id"))
                         .filter(n__gt=1).exists())

    def test_it_rules_out_the_fever_clinics_other_patients_on_negative_tests(self) -> None:
        ruled_out = Case.objects.filter(state=State.EXCLUDED, source=Source.CLINIC)
        self.assertTrue(ruled_out.exists())
        for case in ruled_out.prefetch_related("transitions"):
            moves = [step.to_state for step in case.transitions.all()]
            tests = LabTest.objects.filter(person=case.person)
            self.assertEqual(moves[0], State.FEVER)
            self.assertFalse(tests.exclude(result=LabTest.Result.NEGATIVE).exists())
            # A suspected patient is ruled out by two negative tests a day apart.
            self.assertEqual(tests.count(), 2 if State.SUSPECTED in moves else 1)
            excluded = case.transitions.get(to_state=State.EXCLUDED).at
            self.assertTrue(all(test.resulted_at <= excluded for test in tests))
            self.assertFalse(Exposure.objects.filter(source=case.person).exists())

    def test_it_has_fever_patients_in_the_last_two_weeks(self) -> None:
        root = Area.objects.get(parent=None)
        since = timezone.localdate() - datetime.timedelta(days=13)
        recent = CaseFigures.objects.filter(area=root, day__gte=since).values_list(
            "values", flat=True)
        self.assertGreater(sum(values.get("new_fever", 0) for values in recent), 0)

    def test_it_tells_nothing_that_has_not_happened_yet(self) -> None:
        now = timezone.now()
        self.assertFalse(Transition.objects.filter(at__gt=now).exists())
        self.assertFalse(LabTest.objects.filter(sampled_at__gt=now).exists())
        self.assertFalse(LabTest.objects.filter(resulted_at__gt=now).exists())

    def test_it_leaves_out_the_moves_planned_later_today(self) -> None:
        outbreak = Outbreak("tiny", SEED, Area.objects.get(parent=None))
        now = timezone.now()
        hour = datetime.timedelta(hours=1)
        story = outbreak.stories[1] = Story(Person.objects.first())  # type: ignore[arg-type]
        story.move(State.CLOSE_CONTACT, now - hour, "流调判定为密接")
        story.move(State.QUARANTINED, now + hour, "落实隔离")
        story.quarantine = (Quarantine.Kind.HOME, timezone.localdate())
        story.tests = [(now - hour, LabTest.Result.NEGATIVE), (now + hour,
                                                               LabTest.Result.NEGATIVE)]
        outbreak.up_to(now)
        self.assertEqual([move[0] for move in story.moves], [State.CLOSE_CONTACT])
        self.assertEqual(len(story.tests), 1)
        self.assertIsNone(story.quarantine)
