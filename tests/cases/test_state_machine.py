"""The case state machine: every allowed move works, every other move is refused with a reason."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from epigrid.cases import services, states
from epigrid.cases.models import Case, Evidence, Transition
from epigrid.cases.states import State
from tests.base import BaseTestCase


class StateTableTests(BaseTestCase):
    def test_it_closes_cases_only_in_terminal_states(self) -> None:
        self.assertEqual(states.TERMINAL, {State.RELEASED, State.EXCLUDED, State.RECOVERED,
                                           State.DIED})
        for state in State:
            self.assertIn(state, states.TRANSITIONS)

    def test_it_counts_every_open_state_in_a_category(self) -> None:
        for state in State:
            if state not in states.TERMINAL:
                self.assertIn(state, states.CATEGORY_OF)

    def test_it_enters_the_close_contacts_only_as_a_close_contact_and_never_goes_back(
            self) -> None:
        # cases.figures counts those awaiting quarantine as the category's entries less the
        # moves out of the "close contact" state: this is what makes that exact.
        inside = {s for s, category in states.CATEGORY_OF.items()
                  if category == states.Category.CLOSE_CONTACT}
        for source, targets in states.TRANSITIONS.items():
            for target in targets & inside:
                if source not in inside:
                    self.assertEqual(target, State.CLOSE_CONTACT, (source, target))
            self.assertNotIn(State.CLOSE_CONTACT, targets)
        self.assertEqual(states.INITIAL & inside, {State.CLOSE_CONTACT})

    def test_it_never_leaves_a_terminal_state(self) -> None:
        for current in states.TERMINAL:
            self.assertFalse(any(states.allowed(current, target) for target in State))

    def test_it_takes_a_positive_result_only_along_allowed_moves(self) -> None:
        for current, target in states.ON_POSITIVE.items():
            self.assertTrue(states.allowed(current, target))
        self.assertIn(states.POSITIVE_NEW_CASE, states.INITIAL)


class OpenCaseTests(BaseTestCase):
    def test_it_opens_a_case_with_its_first_transition(self) -> None:
        case = services.open_case(self.world.person_a, State.FEVER, by=self.world.li,
                                  reason="38.2 at follow-up")
        self.assertTrue(case.is_open)
        self.assertEqual(case.area_path, self.world.person_a.area_path)
        step = Transition.objects.get(case=case)
        self.assertEqual((step.from_state, step.to_state, step.by), ("", State.FEVER,
                                                                     self.world.li))

    def test_it_refuses_a_second_open_case(self) -> None:
        services.open_case(self.world.person_a, State.FEVER, reason="fever")
        with self.assertRaisesMessage(ValidationError, "already has an open case"):
            services.open_case(self.world.person_a, State.CLOSE_CONTACT, reason="contact")

    def test_it_refuses_to_start_in_a_later_state(self) -> None:
        with self.assertRaisesMessage(ValidationError, "cannot start as “in quarantine”"):
            services.open_case(self.world.person_a, State.QUARANTINED, reason="x")

    def test_it_asks_for_evidence_to_open_a_confirmed_case(self) -> None:
        with self.assertRaisesMessage(ValidationError, "without a test result or a diagnosis"):
            services.open_case(self.world.person_a, State.CONFIRMED, reason="x")
        case = services.open_case(self.world.person_a, State.CONFIRMED, reason="x",
                                  evidence=Evidence.DIAGNOSIS)
        self.assertEqual(case.state, State.CONFIRMED)

    def test_it_refuses_an_onset_in_the_future(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with self.assertRaisesMessage(ValidationError, "onset date cannot be in the future"):
            services.open_case(self.world.person_a, State.FEVER, reason="x",
                               onset_date=tomorrow)


class TransitionTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = services.open_case(self.world.person_a, State.FEVER, reason="fever",
                                       at=timezone.now() - datetime.timedelta(hours=2))

    def test_it_moves_fever_to_suspected_to_confirmed(self) -> None:
        services.transition(self.case, State.SUSPECTED, reason="CT shows lesions")
        services.transition(self.case, State.CONFIRMED, reason="positive",
                            evidence=Evidence.TEST)
        self.case.refresh_from_db()
        self.assertEqual(self.case.state, State.CONFIRMED)
        self.assertEqual(list(self.case.transitions.values_list("to_state", flat=True)),
                         [State.FEVER, State.SUSPECTED, State.CONFIRMED])

    def test_it_refuses_a_move_the_table_does_not_have(self) -> None:
        with self.assertRaisesMessage(ValidationError,
                                      "cannot go from “fever, not ruled out” to “recovered”"):
            services.transition(self.case, State.RECOVERED, reason="x")

    def test_it_asks_for_evidence_to_confirm(self) -> None:
        with self.assertRaisesMessage(ValidationError, "needs a test result or a diagnosis"):
            services.transition(self.case, State.CONFIRMED, reason="looks like it")

    def test_it_asks_for_evidence_for_every_move_into_an_infection(self) -> None:
        for _current, target in states.NEEDS_EVIDENCE:
            self.assertIn(target, {State.CONFIRMED, State.ASYMPTOMATIC, State.RELEASED,
                                   State.EXCLUDED})
        self.assertIn((State.QUARANTINED, State.ASYMPTOMATIC), states.NEEDS_EVIDENCE)
        self.assertNotIn((State.CLOSE_CONTACT, State.EXCLUDED), states.NEEDS_EVIDENCE)

    def test_it_refuses_a_move_dated_before_the_current_state(self) -> None:
        with self.assertRaisesMessage(ValidationError, "cannot be dated before"):
            services.transition(self.case, State.SUSPECTED, reason="x",
                                at=timezone.now() - datetime.timedelta(days=1))

    def test_it_closes_the_case_and_lets_a_new_one_open(self) -> None:
        services.transition(self.case, State.EXCLUDED, reason="negative twice",
                            evidence=Evidence.TEST)
        self.case.refresh_from_db()
        self.assertFalse(self.case.is_open)
        again = services.open_case(self.world.person_a, State.CLOSE_CONTACT, reason="contact")
        self.assertEqual(Case.objects.filter(person=self.world.person_a).count(), 2)
        self.assertTrue(again.is_open)
