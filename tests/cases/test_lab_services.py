"""Recording lab results: each rule of a sample, matching, the positive workflow, the queue."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from epigrid.alerts.models import Notice, Receipt
from epigrid.cases import labs, services
from epigrid.cases.models import Case, Evidence, LabTest, Source, Transition
from epigrid.cases.states import State
from epigrid.registry import services as registry
from tests.base import BaseTestCase
from tests.cases.lab_helpers import (
    ID_A,
    ID_A2,
    ID_BAD_CHECK,
    ID_NOBODY,
    hours_ago,
    record,
    town_lab,
)

R = LabTest.Result
M = LabTest.Match


class RecordResultTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)

    def test_it_matches_a_result_to_the_one_person_with_the_id(self) -> None:
        recorded = record(self.lab, self.world.medic)
        test = recorded.test
        self.assertEqual(recorded.outcome, "created")
        self.assertEqual((test.person, test.match), (self.world.person_a, M.MATCHED))
        self.assertEqual(test.area_path, self.world.person_a.area_path)
        self.assertEqual(test.id_number_masked, "420102********001X")
        self.assertNotIn(ID_A, test.id_number_enc)
        self.assertEqual(test.id_number_hash, self.world.person_a.id_number_hash)

    def test_it_queues_a_result_of_nobody_in_the_labs_area(self) -> None:
        test = record(self.lab, self.world.medic, id_number=ID_NOBODY).test
        self.assertEqual((test.person, test.match), (None, M.UNMATCHED))
        self.assertEqual(test.area_path, self.world.town_a.path)

    def test_it_queues_a_result_whose_id_two_persons_share(self) -> None:
        registry.create_person(grid=self.world.grid_b1_1, name="Wang Jun", id_number=ID_A)
        test = record(self.lab, self.world.medic).test
        self.assertEqual(test.match, M.UNMATCHED)

    def test_it_matches_only_persons_of_the_users_area(self) -> None:
        test = record(self.lab, self.world.alice, id_number="420102194506070036").test
        self.assertEqual(test.match, M.UNMATCHED)  # Zhao Min lives in town B

    def test_it_stores_a_resend_once(self) -> None:
        first = record(self.lab, self.world.medic)
        again = record(self.lab, self.world.medic)
        self.assertEqual(again.outcome, "unchanged")
        self.assertEqual(again.test.pk, first.test.pk)
        self.assertEqual(LabTest.objects.count(), 1)

    def test_it_refuses_another_final_result_for_a_sample(self) -> None:
        record(self.lab, self.world.medic, result=R.NEGATIVE)
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, result=R.POSITIVE)
        self.assertEqual(caught.exception.message_dict["result"],
                         ["Sample S-0001 already has the result negative."])
        self.assertEqual(LabTest.objects.get().result, R.NEGATIVE)

    def test_it_refuses_other_details_for_a_final_result(self) -> None:
        record(self.lab, self.world.medic, result=R.NEGATIVE)
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, result=R.NEGATIVE, sampled=11)
        self.assertIn("already has its final result", caught.exception.message_dict[
            "sample_id"][0])

    def test_it_updates_a_pending_result_with_its_final_one(self) -> None:
        pending = record(self.lab, self.world.medic, result=R.PENDING, resulted=None)
        self.assertIsNone(pending.test.resulted_at)
        final = record(self.lab, self.world.medic, result=R.NEGATIVE)
        self.assertEqual(final.outcome, "updated")
        self.assertEqual(LabTest.objects.get().result, R.NEGATIVE)

    def test_it_refuses_a_result_before_its_sample(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, sampled=2, resulted=5)
        self.assertEqual(caught.exception.message_dict["resulted_at"],
                         ["The result time lies before the sample time."])

    def test_it_refuses_times_in_the_future(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, sampled=-1, resulted=-2)
        errors = caught.exception.message_dict
        self.assertEqual(errors["sampled_at"], ["The sample time lies in the future."])
        self.assertEqual(errors["resulted_at"], ["The result time lies in the future."])

    def test_it_accepts_a_result_stamped_within_the_clock_skew(self) -> None:
        recorded = record(self.lab, self.world.medic, sampled=1, resulted=-0.05)
        self.assertEqual(recorded.outcome, "created")

    def test_it_refuses_a_final_result_without_its_time(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, resulted=None)
        self.assertIn("resulted_at", caught.exception.message_dict)

    def test_it_refuses_an_id_with_a_wrong_check_character(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, id_number=ID_BAD_CHECK)
        self.assertIn("check character", caught.exception.message_dict["id_number"][0])
        self.assertFalse(LabTest.objects.exists())

    def test_it_refuses_an_unknown_result_and_an_empty_sample_id(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, result="maybe")
        self.assertIn("result", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            record(self.lab, self.world.medic, sample_id="  ")
        self.assertIn("sample_id", caught.exception.message_dict)


class PositiveWorkflowTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)

    def test_it_confirms_a_suspected_case_and_tells_the_town_and_the_district(self) -> None:
        w = self.world
        case = services.open_case(w.person_a, State.SUSPECTED, reason="fever and cough",
                                  at=hours_ago(20))
        with self.captureOnCommitCallbacks(execute=True):
            recorded = record(self.lab, w.medic, result=R.POSITIVE)
        case.refresh_from_db()
        self.assertEqual(case.state, State.CONFIRMED)
        self.assertEqual(recorded.case, case)
        step = Transition.objects.filter(case=case).latest("pk")
        self.assertEqual((step.from_state, step.to_state, step.evidence, step.lab_test),
                         (State.SUSPECTED, State.CONFIRMED, Evidence.TEST, recorded.test))
        self.assertEqual(step.at, recorded.test.resulted_at)
        notices = Notice.objects.order_by("pk")
        self.assertEqual(notices.count(), 2)
        self.assertIn("Village A1", notices[0].title)
        readers = set(Receipt.objects.values_list("user__username", flat=True))
        self.assertEqual(readers, {"alice", "zhou", "dr_he"})
        self.assertIn("Wang Jun", notices[0].body)
        self.assertIn(f"/cases/{case.pk}/", notices[0].link)

    def test_it_opens_an_asymptomatic_case_for_a_person_without_one(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            recorded = record(self.lab, w.medic, id_number=ID_A2, result=R.POSITIVE)
        case = Case.objects.get(person=w.person_a2)
        self.assertEqual((case.state, case.source), (State.ASYMPTOMATIC, Source.LAB))
        self.assertEqual(recorded.case, case)
        self.assertEqual(Transition.objects.get(case=case).lab_test, recorded.test)
        self.assertEqual(Notice.objects.count(), 2)

    def test_it_keeps_a_confirmed_case_and_still_tells(self) -> None:
        w = self.world
        case = services.open_case(w.person_a, State.CONFIRMED, reason="clinic",
                                  evidence=Evidence.DIAGNOSIS,
                                  at=hours_ago(30))
        with self.captureOnCommitCallbacks(execute=True):
            record(self.lab, w.medic, result=R.POSITIVE)
        self.assertEqual(Transition.objects.filter(case=case).count(), 1)
        self.assertEqual(Notice.objects.count(), 2)

    def test_it_moves_the_case_once_for_a_resent_positive(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            record(self.lab, w.medic, result=R.POSITIVE)
            record(self.lab, w.medic, result=R.POSITIVE)
        self.assertEqual(Case.objects.filter(person=w.person_a).count(), 1)
        self.assertEqual(Notice.objects.count(), 2)

    def test_it_runs_the_workflow_when_a_pending_sample_turns_positive(self) -> None:
        w = self.world
        record(self.lab, w.medic, result=R.PENDING, resulted=None)
        self.assertFalse(Case.objects.exists())
        record(self.lab, w.medic, result=R.POSITIVE)
        self.assertEqual(Case.objects.get().state, State.ASYMPTOMATIC)

    def test_it_tells_nobody_before_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            record(self.lab, self.world.medic, result=R.POSITIVE)
        self.assertEqual(len(callbacks), 1)
        self.assertFalse(Notice.objects.exists())


class QueueTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)

    def test_it_resolves_a_positive_to_a_person_and_runs_the_workflow(self) -> None:
        w = self.world
        test = record(self.lab, w.medic, id_number=ID_NOBODY, result=R.POSITIVE).test
        self.assertFalse(Case.objects.exists())
        with self.captureOnCommitCallbacks(execute=True):
            recorded = labs.assign_person(test, w.person_a2, by=w.medic, note="typo in the ID")
        test.refresh_from_db()
        self.assertEqual((test.match, test.person, test.resolved_by), (M.RESOLVED,
                                                                      w.person_a2, w.medic))
        self.assertIsNotNone(test.resolved_at)
        self.assertEqual(test.area_path, w.person_a2.area_path)
        self.assertEqual(recorded.case, Case.objects.get(person=w.person_a2))
        self.assertEqual(Notice.objects.count(), 2)

    def test_it_discards_with_a_note_only(self) -> None:
        test = record(self.lab, self.world.medic, id_number=ID_NOBODY).test
        with self.assertRaises(ValidationError) as caught:
            labs.discard(test, by=self.world.medic, note=" ")
        self.assertIn("note", caught.exception.message_dict)
        labs.discard(test, by=self.world.medic, note="sample of a visitor, sent home")
        test.refresh_from_db()
        self.assertEqual((test.match, test.resolved_by), (M.DISCARDED, self.world.medic))

    def test_it_refuses_to_resolve_a_matched_or_discarded_result(self) -> None:
        test = record(self.lab, self.world.medic).test
        with self.assertRaisesMessage(ValidationError, "not waiting for a person"):
            labs.assign_person(test, self.world.person_a2, by=self.world.medic)
        queued = record(self.lab, self.world.medic, sample_id="S-2",
                        id_number=ID_NOBODY).test
        labs.discard(queued, by=self.world.medic, note="duplicate tube")
        with self.assertRaisesMessage(ValidationError, "not waiting for a person"):
            labs.discard(queued, by=self.world.medic, note="again")


class LabTests(BaseTestCase):
    def test_it_refuses_a_second_lab_with_the_same_code(self) -> None:
        town_lab(self.world)
        with self.assertRaises(ValidationError) as caught:
            labs.save_lab(code="LAB-A", name="Other", area=self.world.town_b, daily_capacity=1)
        self.assertIn("code", caught.exception.message_dict)

    def test_it_changes_a_labs_capacity(self) -> None:
        lab = town_lab(self.world)
        labs.save_lab(code="LAB-A", name="Dongcheng Hospital Lab", area=self.world.town_a,
                      daily_capacity=2500, lab=lab)
        lab.refresh_from_db()
        self.assertEqual(lab.daily_capacity, 2500)
