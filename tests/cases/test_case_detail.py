"""A case's page: its person (masked), state, history; the change of state; opening a case from
the person's page; and the person's page listing their cases."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from epigrid.cases import services, states
from epigrid.cases.case_forms import TransitionForm
from epigrid.cases.models import Case, Evidence, Source, Transition
from epigrid.cases.states import State
from tests.base import ID_A, BaseTestCase
from tests.cases.case_helpers import open_case, town_a_case, town_b_case


def detail(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def move(case: Case) -> str:
    return reverse("cases:case_transition", args=[case.pk])


def local(at: datetime.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


class CaseDetailTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = town_a_case(self.world)
        services.transition(self.case, State.SUSPECTED, by=self.world.medic,
                            reason="CT shows ground-glass opacities",
                            evidence=Evidence.DIAGNOSIS, evidence_note="Dr He, ward 3")

    def test_it_shows_the_person_masked_the_state_and_the_whole_history(self) -> None:
        response = self.client_for(self.world.alice).get(detail(self.case))
        body = response.content.decode()
        assert "420102********001X" in body and ID_A not in body
        assert "13800138000" not in body
        assert [(s.from_state, s.to_state) for s in response.context["history"]] == [
            ("", State.FEVER), (State.FEVER, State.SUSPECTED)]
        assert "fever, not ruled out → suspected" in body
        assert "CT shows ground-glass opacities" in body and "Dr He, ward 3" in body
        assert "dr_he" in body and "alice" in body  # who recorded each step

    def test_it_offers_only_the_moves_the_table_allows(self) -> None:
        form = self.client_for(self.world.alice).get(detail(self.case)).context["form"]
        assert {value for value, _label in form.fields["state"].choices} == {
            State.CONFIRMED, State.ASYMPTOMATIC, State.EXCLUDED}

    def test_the_form_offers_exactly_the_tables_moves_from_every_state(self) -> None:
        for state in State:
            field = TransitionForm(case=Case(state=state)).fields["state"]
            offered = field.choices  # type: ignore[attr-defined]
            assert {value for value, _label in offered} == states.TRANSITIONS[state], state

    def test_it_offers_no_form_to_a_grid_worker_nor_on_a_closed_case(self) -> None:
        assert self.client_for(self.world.li).get(detail(self.case)).context["form"] is None
        services.transition(self.case, State.EXCLUDED, reason="two negatives",
                            evidence=Evidence.TEST)
        response = self.client_for(self.world.alice).get(detail(self.case))
        assert response.context["form"] is None and "closed" in response.content.decode()

    def test_it_answers_town_b_as_for_a_missing_case(self) -> None:
        client = self.client_for(self.world.bob)
        assert client.get(detail(self.case)).status_code == 404
        assert client.get(reverse("cases:case_detail", args=[999_999])).status_code == 404
        assert self.client_for(self.world.command).get(detail(self.case)).status_code == 200


class TransitionPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = town_a_case(self.world)

    def post(self, data: dict[str, Any], user: Any = None) -> Any:
        return self.client_for(user or self.world.alice).post(move(self.case), data)

    def errors(self, response: Any) -> dict[str, list[str]]:
        assert response.status_code == 400
        self.case.refresh_from_db()
        assert self.case.state == State.FEVER  # nothing was written
        return dict(response.context["form"].errors)

    def test_it_moves_the_case_and_records_who_why_and_on_what_evidence(self) -> None:
        at = timezone.now() - datetime.timedelta(minutes=30)
        response = self.post({"state": "confirmed", "at": local(at), "reason": "PCR positive",
                              "evidence": "test", "evidence_note": "Qingshan lab S-0042"})
        assert response.status_code == 302 and response["Location"] == detail(self.case)
        self.case.refresh_from_db()
        assert (self.case.state, self.case.is_open) == (State.CONFIRMED, True)
        step = Transition.objects.filter(case=self.case).last()
        assert step is not None
        assert (step.from_state, step.to_state, step.by, step.evidence, step.evidence_note) == (
            State.FEVER, State.CONFIRMED, self.world.alice, Evidence.TEST, "Qingshan lab S-0042")
        assert local(step.at) == local(at)

    def test_it_dates_a_change_without_a_time_now(self) -> None:
        before = timezone.now()
        assert self.post({"state": "suspected", "reason": "CT"}).status_code == 302
        self.case.refresh_from_db()
        assert self.case.state_since >= before

    def test_it_names_both_states_of_a_move_the_table_does_not_have(self) -> None:
        errors = self.errors(self.post({"state": "recovered", "reason": "went home"}))
        assert errors["state"] == [
            "A case cannot go from “fever, not ruled out” to “recovered”."]

    def test_it_refuses_a_state_that_does_not_exist(self) -> None:
        errors = self.errors(self.post({"state": "cured", "reason": "x"}))
        assert "state" in errors

    def test_it_asks_why(self) -> None:
        errors = self.errors(self.post({"state": "suspected", "reason": ""}))
        assert errors["reason"] == ["Say why."]

    def test_it_refuses_a_change_dated_in_the_future(self) -> None:
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        errors = self.errors(self.post({"state": "suspected", "reason": "CT",
                                        "at": local(tomorrow)}))
        assert errors["at"] == ["A change of state cannot be dated in the future."]

    def test_it_refuses_a_change_dated_before_the_current_state(self) -> None:
        errors = self.errors(self.post({"state": "suspected", "reason": "CT",
                                        "at": local(timezone.now() - datetime.timedelta(days=2))}))
        assert "cannot be dated before" in errors["at"][0]

    def test_it_asks_for_a_test_or_a_diagnosis_to_confirm(self) -> None:
        errors = self.errors(self.post({"state": "confirmed", "reason": "looks like it",
                                        "evidence": "follow_up"}))
        assert errors["evidence"] == [
            "Going from “fever, not ruled out” to “confirmed” needs a test result or a "
            "diagnosis."]

    def test_it_shows_the_errors_next_to_their_fields(self) -> None:
        body = self.post({"state": "confirmed", "reason": ""}).content.decode()
        assert "Say why." in body and 'class="field has-error"' in body

    def test_it_refuses_a_grid_worker_and_hides_the_case_from_town_b(self) -> None:
        data = {"state": "suspected", "reason": "CT"}
        assert self.post(data, self.world.li).status_code == 403
        assert self.post(data, self.world.bob).status_code == 404
        self.case.refresh_from_db()
        assert self.case.state == State.FEVER

    def test_it_lets_dr_he_of_the_district_move_a_case_of_town_a(self) -> None:
        assert self.post({"state": "suspected", "reason": "CT"}, self.world.medic
                         ).status_code == 302


class OpenCasePageTests(BaseTestCase):
    def url(self, person: Any = None) -> str:
        return reverse("cases:case_open", args=[(person or self.world.person_a2).pk])

    def post(self, data: dict[str, Any], user: Any = None, person: Any = None) -> Any:
        return self.client_for(user or self.world.alice).post(self.url(person), data)

    def test_it_opens_a_case_and_goes_to_it(self) -> None:
        onset = timezone.localdate() - datetime.timedelta(days=3)
        response = self.post({"state": "fever", "source": "screening", "severity": "mild",
                              "onset_date": onset.isoformat(), "reason": "38.4 at the door"})
        case = Case.objects.get(person=self.world.person_a2)
        assert response["Location"] == detail(case)
        assert (case.state, case.source, case.severity, case.onset_date) == (
            State.FEVER, Source.SCREENING, "mild", onset)
        assert case.transitions.get().by == self.world.alice

    def test_it_offers_only_the_initial_states(self) -> None:
        form = self.client_for(self.world.alice).get(self.url()).context["form"]
        assert {value for value, _label in form.fields["state"].choices} == states.INITIAL

    def test_it_refuses_an_onset_in_the_future_and_a_missing_reason(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = self.post({"state": "fever", "source": "screening",
                              "onset_date": tomorrow.isoformat(), "reason": ""})
        assert response.status_code == 400
        assert response.context["form"].errors["reason"] == ["Say why."]
        response = self.post({"state": "fever", "source": "screening",
                              "onset_date": tomorrow.isoformat(), "reason": "fever"})
        assert response.context["form"].errors["onset_date"] == [
            "The onset date cannot be in the future."]
        assert not Case.objects.filter(person=self.world.person_a2).exists()

    def test_it_asks_for_evidence_to_open_a_confirmed_case(self) -> None:
        response = self.post({"state": "confirmed", "source": "lab", "reason": "positive"})
        assert response.status_code == 400 and "evidence" in response.context["form"].errors
        response = self.post({"state": "confirmed", "source": "lab", "reason": "positive",
                              "evidence": "test", "evidence_note": "S-77"})
        assert response.status_code == 302

    def test_it_refuses_a_second_open_case_and_links_the_first(self) -> None:
        first = open_case(self.world.person_a2)
        response = self.post({"state": "close_contact", "source": "tracing", "reason": "x"})
        assert response.status_code == 400
        assert "Wang Lei already has an open case." in response.content.decode()
        assert response.context["open_case"] == first

    def test_it_refuses_a_grid_worker_and_hides_town_a_from_bob(self) -> None:
        data = {"state": "fever", "source": "screening", "reason": "fever"}
        assert self.post(data, self.world.li).status_code == 403
        assert self.post(data, self.world.bob).status_code == 404
        assert self.client_for(self.world.bob).get(self.url()).status_code == 404
        assert not Case.objects.exists()


class PersonPageCasesTests(BaseTestCase):
    def page(self, user: Any = None, person: Any = None) -> str:
        person = person or self.world.person_a
        return self.client_for(user or self.world.alice).get(
            reverse("registry:person_detail", args=[person.pk])).content.decode()

    def test_it_shows_the_open_case_the_past_ones_and_no_open_link(self) -> None:
        old = open_case(self.world.person_a, State.SUSPECTED, hours=30)
        services.transition(old, State.EXCLUDED, reason="negative", evidence=Evidence.TEST,
                            at=timezone.now() - datetime.timedelta(hours=20))
        current = town_a_case(self.world)
        body = self.page()
        assert detail(current) in body and detail(old) in body
        assert 'id="open-case"' in body and "excluded" in body
        assert reverse("cases:case_open", args=[self.world.person_a.pk]) not in body

    def test_it_offers_to_open_a_case_only_to_roles_that_may(self) -> None:
        link = reverse("cases:case_open", args=[self.world.person_a.pk])
        assert link in self.page()
        assert "No case." in self.page(self.world.li)
        assert link not in self.page(self.world.li)

    def test_it_shows_town_b_its_own_persons_cases_only(self) -> None:
        case = town_b_case(self.world)
        body = self.page(self.world.bob, self.world.person_b)
        assert detail(case) in body and "close contact" in body
