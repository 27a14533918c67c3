"""Inspections 督导检查: findings recorded, rectified 整改 by the area, verified 销号."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from epigrid.alerts.models import Receipt
from epigrid.core.models import AuditEntry
from epigrid.supervision import access, inspections
from epigrid.supervision.models import FindingStatus, Severity
from tests.supervision.helpers import SupervisionTestCase, days


class RecordTest(SupervisionTestCase):
    def test_it_records_the_site_in_its_own_area_and_tells_the_town(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            inspection = self.inspection(area=w.district, findings=2)
        self.assertEqual((inspection.area, inspection.subject),
                         (w.town_a, "Dongcheng Fever Clinic"))
        self.assertEqual(inspection.findings.filter(status=FindingStatus.OPEN).count(), 2)
        notice = Receipt.objects.get().notice
        self.assertEqual((Receipt.objects.get().user, notice.title),
                         (w.alice, "Inspection of Dongcheng Fever Clinic: 2 to rectify"))

    def test_an_inspection_without_findings_tells_nobody(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.inspection(findings=0)
        self.assertFalse(Receipt.objects.exists())

    def test_it_inspects_an_area_itself_when_no_site_is_named(self) -> None:
        inspection = self.inspection(area=self.world.village_a1, facility=None,
                                     subject="Village A1 market street")
        self.assertEqual(inspection.area, self.world.village_a1)

    def test_it_refuses_a_site_of_another_area(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.inspection(facility=self.world.facility_b)
        self.assertEqual(refused.exception.message_dict["facility"],
                         ["Xihe Quarantine Hotel is not in Dongcheng Town."])

    def test_it_names_the_finding_and_field_in_error(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as refused:
            inspections.record_inspection(
                w.town_a, by=self.guo, inspected_on=days(1), inspectors=" ", facility=None,
                findings=[inspections.FindingInput("No masks at the door", days(2)),
                          inspections.FindingInput("", days(-1), "fatal")])
        self.assertEqual(set(refused.exception.message_dict),
                         {"subject", "inspectors", "inspected_on", "findings.1.description",
                          "findings.1.rectify_by", "findings.1.severity"})

    def test_the_day_to_rectify_by_may_be_the_day_inspected(self) -> None:
        inspection = inspections.record_inspection(
            self.world.town_a, by=self.guo, inspected_on=timezone.localdate(),
            inspectors="Guo", subject="Market", findings=[
                inspections.FindingInput("Stalls too close", days(0), Severity.GRAVE)])
        self.assertEqual(inspection.findings.get().rectify_by, days(0))


class RectifyTest(SupervisionTestCase):
    def test_it_goes_open_rectified_reopened_rectified_verified(self) -> None:
        w = self.world
        finding = self.inspection().findings.get()
        inspections.rectify(finding, by=w.alice, rectification="Sheet at the door")
        finding.refresh_from_db()
        self.assertEqual((finding.status, finding.rectified_by),
                         (FindingStatus.RECTIFIED, w.alice))
        with self.captureOnCommitCallbacks(execute=True):
            inspections.verify(finding, by=self.guo, accepted=False,
                               note="Nobody signs it", rectify_by=days(4))
        finding.refresh_from_db()
        self.assertEqual((finding.status, finding.rectify_by, finding.verify_note),
                         (FindingStatus.OPEN, days(4), "Nobody signs it"))
        self.assertEqual(finding.reopens, 1)
        first_reopen = finding.reopened_at
        assert first_reopen is not None
        self.assertLess(abs((timezone.now() - first_reopen).total_seconds()), 60)
        self.assertEqual(Receipt.objects.get().user, w.alice)
        inspections.rectify(finding, by=w.alice, rectification="A guard keeps the sheet")
        inspections.verify(finding, by=self.guo, accepted=False, note="The guard sleeps")
        finding.refresh_from_db()
        self.assertEqual(finding.reopens, 2)
        assert finding.reopened_at is not None
        self.assertGreater(finding.reopened_at, first_reopen)
        inspections.rectify(finding, by=w.alice, rectification="Two guards keep the sheet")
        inspections.verify(finding, by=self.guo, accepted=True)
        finding.refresh_from_db()
        self.assertEqual(finding.status, FindingStatus.VERIFIED)
        self.assertIsNotNone(finding.verified_at)
        # Verified, it keeps its history of reopens.
        self.assertEqual((finding.reopens, finding.reopened_at is not None), (2, True))
        self.assertEqual(AuditEntry.objects.filter(model="supervision.Finding", action="update",
                                                   changes__has_key="reopens").count(), 2)

    def test_it_refuses_out_of_turn_and_without_words(self) -> None:
        w = self.world
        finding = self.inspection().findings.get()
        with self.assertRaises(ValidationError) as refused:
            inspections.verify(finding, by=self.guo, accepted=True)
        self.assertEqual(list(refused.exception.message_dict), ["__all__"])
        with self.assertRaises(ValidationError) as refused:
            inspections.rectify(finding, by=w.alice, rectification="  ")
        self.assertEqual(list(refused.exception.message_dict), ["rectification"])
        inspections.rectify(finding, by=w.alice, rectification="Done")
        with self.assertRaises(ValidationError) as refused:
            inspections.verify(finding, by=self.guo, accepted=False, note="",
                               rectify_by=days(-1))
        self.assertEqual(set(refused.exception.message_dict), {"note", "rectify_by"})

    def test_the_area_rectifies_and_the_inspectors_verify(self) -> None:
        w = self.world
        finding = access.get_finding_for_user(w.alice, self.inspection().findings.get().pk)
        self.assertEqual([access.may_rectify(u, finding) for u in (w.alice, self.guo, w.li)],
                         [True, True, False])
        self.assertEqual([access.may_verify(u, finding) for u in (w.alice, self.guo)],
                         [False, True])

    def test_a_finding_added_later_is_told(self) -> None:
        inspection = self.inspection(findings=0)
        with self.captureOnCommitCallbacks(execute=True):
            inspections.add_finding(inspection, inspections.FindingInput(
                "Expired disinfectant", days(1)), by=self.guo)
        self.assertEqual(inspection.findings.count(), 1)
        self.assertEqual(Receipt.objects.get().notice.title,
                         "Inspection of Dongcheng Fever Clinic: 1 to rectify")
