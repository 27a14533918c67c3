"""A fever at a checkpoint: a referral, a fever case for a known person (or a link to the open
one), and notices to the destination village and the town's fever clinic after the commit."""

from __future__ import annotations

from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.cases.models import Case, Source
from epigrid.checkpoints.models import FeverReferral, Passage
from epigrid.checkpoints.passages import record_passage, record_passages
from epigrid.core.access import Role
from tests.base import ID_A, ID_B, PASSWORD, BaseTestCase
from tests.cases.case_helpers import open_case
from tests.checkpoints.passage_helpers import east_road_staff, item


class FeverTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.staff = east_road_staff(w)
        self.clinic_doctor = create_user(username="dr_ma", password=PASSWORD, role=Role.MEDICAL,
                                         home_area=w.town_a)
        self.village_officer = create_user(username="officer_a2", password=PASSWORD,
                                           role=Role.AREA_OFFICER, home_area=w.village_a2)

    def fever(self, **fields: object) -> Passage:
        with self.captureOnCommitCallbacks(execute=True):
            result = record_passage(self.staff, self.world.checkpoint_a,
                                    item(temperature="38.4", **fields))
        assert result.result == "stored", result.errors
        return Passage.objects.get(pk=result.id)

    def test_it_opens_a_fever_case_for_a_known_person_without_one(self) -> None:
        passage = self.fever(id_number=ID_A, name="Wang Jun")
        case = Case.objects.get(person=self.world.person_a, is_open=True)
        assert (case.state, case.source) == ("fever", Source.CHECKPOINT)
        referral = FeverReferral.objects.get(passage=passage)
        assert (referral.case, str(referral.temperature), referral.status, referral.area_path) \
            == (case, "38.4", "open", self.world.village_a1.path)
        assert passage.decision == "fever"

    def test_it_links_the_open_case_of_a_known_person(self) -> None:
        case = open_case(self.world.person_b, "close_contact", by=self.world.bob)
        passage = self.fever(id_number=ID_B)
        assert FeverReferral.objects.get(passage=passage).case == case
        assert Case.objects.filter(person=self.world.person_b).count() == 1
        assert Case.objects.get(pk=case.pk).state == "close_contact"

    def test_an_unknown_person_stays_an_unidentified_referral(self) -> None:
        passage = self.fever(name="Traveller")
        assert FeverReferral.objects.get(passage=passage).case is None
        assert not Case.objects.exists()

    def test_it_tells_the_destination_village_and_the_fever_clinic(self) -> None:
        w = self.world
        passage = self.fever(id_number=ID_A, destination_area_id=w.grid_a2_1.pk,
                             destination="Village A2")
        notices = list(Notice.objects.order_by("pk"))
        assert [(n.target_paths, n.roles) for n in notices] == [
            ([w.village_a2.path], ["area_officer", "grid_worker"]),
            ([w.facility_a.area.path], ["medical"])]
        assert "East Road Checkpoint" in notices[0].title and "38.4" in notices[0].title
        assert "420102********001X" in notices[0].body and ID_A not in notices[0].body
        case = Case.objects.get(person=w.person_a)
        assert notices[0].link == reverse("cases:case_detail", args=[case.pk])
        receivers = set(Receipt.objects.values_list("user__username", flat=True))
        assert receivers == {"officer_a2", "dr_ma"}
        assert passage.referral.case == case

    def test_the_notices_wait_for_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            record_passage(self.staff, self.world.checkpoint_a, item(temperature="39"))
        assert not Notice.objects.exists()
        assert len(callbacks) == 1

    def test_it_refers_every_fever_of_a_batch_and_counts_them(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            results = record_passages(self.staff, self.world.checkpoint_a, [
                item(temperature="37.3"), item(temperature="37.2"),
                item(decision="fever", temperature="37.0"), item(temperature="40.1")])
        assert [r.result for r in results] == ["stored"] * 4
        assert FeverReferral.objects.count() == 3
        assert Notice.objects.count() == 6
        resent = record_passage(self.staff, self.world.checkpoint_a, item(
            client_id=results[0].client_id, temperature="37.3"))
        assert resent.result == "duplicate" and FeverReferral.objects.count() == 3
