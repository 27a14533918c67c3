"""Computing the day's plan from the database, changing it, following it to admission."""

from __future__ import annotations

import datetime
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from epigrid.care import plans
from epigrid.care.models import AdmissionRequest, BedStock, Transfer, TransferPlan, Unplaced
from epigrid.care.plan_progress import take_snapshot
from epigrid.cases.models import Case
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.care.plan_helpers import TownA, beds, case, hours_ago, waiting


class PlanTestCase(BaseTestCase):
    town: TownA

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.town = TownA(cls.world)

    def plan(self) -> TransferPlan:
        return plans.compute_plan(self.world.town_a, self.world.medic, timezone.localdate())


class ComputeTests(PlanTestCase):
    def test_it_places_each_patient_in_the_nearest_bed_the_rules_allow(self) -> None:
        plan = self.plan()
        moves = {t.request_id: (t.facility_id, t.bed_type) for t in plan.transfers.all()}
        self.assertEqual(moves, {self.town.jun_waits.pk: (self.town.near.pk, "severe"),
                                 self.town.lei_waits.pk: (self.town.hotel.pk, "quarantine")})
        self.assertEqual((plan.patients, plan.placed, plan.status), (2, 2, "current"))
        jun = plan.transfers.get(request=self.town.jun_waits)
        self.assertAlmostEqual(jun.distance_km, 1.0, delta=0.05)
        self.assertEqual(jun.area_path, self.world.grid_a1_1.path)
        self.town.jun_waits.refresh_from_db()
        self.assertEqual(self.town.jun_waits.status, AdmissionRequest.Status.PLANNED)

    def test_it_lists_whom_it_cannot_place_and_why(self) -> None:
        critical = waiting(case(self.world.visitor_a, State.CONFIRMED, "critical"),
                           self.world.grid_a1_1, severity="critical")
        plan = self.plan()
        self.assertEqual(plan.placed, 2)
        gone = Unplaced.objects.get(plan=plan)
        self.assertEqual((gone.request_id, gone.reason), (critical.pk, "no capable bed at all"))
        critical.refresh_from_db()
        self.assertEqual(critical.status, AdmissionRequest.Status.WAITING)

    def test_a_new_plan_supersedes_the_current_one(self) -> None:
        first = self.plan()
        second = self.plan()
        first.refresh_from_db()
        self.assertEqual((first.status, second.status), ("superseded", "current"))
        self.assertEqual(plans.current_plan(self.world.town_a), second)
        self.assertEqual(second.placed, 2)  # the planned patients are planned again

    def test_it_refuses_a_plan_without_any_bed_figures(self) -> None:
        BedStock.objects.all().delete()
        with self.assertRaisesMessage(ValidationError, "There are no bed figures for Dongcheng"):
            self.plan()
        self.assertFalse(TransferPlan.objects.exists())

    def test_a_failed_plan_leaves_the_previous_plan_untouched(self) -> None:
        first = self.plan()
        with mock.patch.object(plans, "insert_rows", side_effect=RuntimeError("disk full")), \
                self.assertRaises(RuntimeError):
            self.plan()
        first.refresh_from_db()
        self.assertEqual(first.status, "current")
        self.assertEqual(TransferPlan.objects.count(), 1)
        self.assertEqual(first.transfers.count(), 2)

    def test_a_bed_held_by_a_transfer_on_its_way_is_not_planned_again(self) -> None:
        plan = self.plan()
        jun = plan.transfers.get(request=self.town.jun_waits)
        plans.set_transfer_status(jun, Transfer.Status.DISPATCHED, self.world.medic)
        # A second severe patient: the near bed is held by Jun's ambulance, so the far one.
        other = waiting(case(self.world.visitor_a, State.CONFIRMED, "severe"),
                        self.world.grid_a1_1)
        again = self.plan()
        self.assertEqual(again.transfers.get(request=other).facility_id, self.town.far.pk)
        self.assertFalse(again.transfers.filter(request=self.town.jun_waits).exists())

    def test_it_reads_and_writes_a_fixed_number_of_queries(self) -> None:
        self.plan()
        for person in (self.world.visitor_a, self.world.person_b):
            waiting(case(person, State.CONFIRMED, "severe"), self.world.grid_a1_1)
        # Reads: beds, beds on the way, requests, their places; writes: the lock, supersede, the
        # plan, the transfers (a COPY on PostgreSQL, unseen by the counter), two status
        # updates; the savepoint around them.
        with self.assertNumQueries(11 if connection.vendor == "postgresql" else 12):
            self.plan()


class OverrideTests(PlanTestCase):
    def test_it_sends_a_patient_elsewhere_with_a_reason(self) -> None:
        jun = self.plan().transfers.get(request=self.town.jun_waits)
        moved = plans.override_transfer(jun, self.town.far, "severe", "family nearby",
                                        self.world.medic)
        self.assertEqual((moved.facility_id, moved.override_reason, moved.overridden_by),
                         (self.town.far.pk, "family nearby", self.world.medic))
        self.assertAlmostEqual(moved.distance_km, 20.0, delta=0.1)

    def test_it_refuses_a_bed_the_rules_forbid_a_full_one_or_no_reason(self) -> None:
        jun = self.plan().transfers.get(request=self.town.jun_waits)
        cases = [(self.town.hotel, "quarantine", "why", "may not take this patient"),
                 (self.town.far, "general", "why", "may not take this patient"),
                 (self.town.far, "severe", "  ", "Say why"),
                 (self.town.near, "severe", "why", "no free bed")]
        BedStock.objects.filter(pk=self.town.near_severe.pk).update(occupied=1)
        for facility, bed, reason, message in cases:
            with self.subTest(bed=bed, facility=facility.code), \
                    self.assertRaisesMessage(ValidationError, message):
                plans.override_transfer(jun, facility, bed, reason, self.world.medic)

    def test_it_refuses_a_facility_outside_the_plan_area(self) -> None:
        jun = self.plan().transfers.get(request=self.town.jun_waits)
        beds(self.world.facility_b, "quarantine", 5)
        with self.assertRaisesMessage(ValidationError, "not an active facility of the plan"):
            plans.override_transfer(jun, self.world.facility_b, "quarantine", "x",
                                    self.world.medic)


class StatusTests(PlanTestCase):
    def test_admission_takes_a_bed_and_admits_the_confirmed_case(self) -> None:
        jun = self.plan().transfers.get(request=self.town.jun_waits)
        for status in ("dispatched", "arrived", "admitted"):
            plans.set_transfer_status(jun, status, self.world.medic)
        self.town.near_severe.refresh_from_db()
        self.assertEqual((self.town.near_severe.occupied, self.town.near_severe.available), (1, 0))
        self.assertEqual(Case.objects.get(pk=self.town.jun.pk).state, State.ADMITTED)
        self.assertEqual(AdmissionRequest.objects.get(pk=self.town.jun_waits.pk).status,
                         "admitted")

    def test_a_close_contact_is_admitted_without_a_change_of_state(self) -> None:
        lei = self.plan().transfers.get(request=self.town.lei_waits)
        plans.set_transfer_status(lei, "admitted", self.world.medic)
        self.assertEqual(Case.objects.get(pk=self.town.lei.pk).state, State.CLOSE_CONTACT)

    def test_admission_is_refused_when_no_bed_is_free(self) -> None:
        jun = self.plan().transfers.get(request=self.town.jun_waits)
        BedStock.objects.filter(pk=self.town.near_severe.pk).update(occupied=1)
        with self.assertRaisesMessage(ValidationError, "has no free severe ward bed"):
            plans.set_transfer_status(jun, "admitted", self.world.medic)
        self.assertEqual(Case.objects.get(pk=self.town.jun.pk).state, State.CONFIRMED)

    def test_a_failed_transfer_puts_the_patient_back_in_the_queue(self) -> None:
        jun = self.plan().transfers.get(request=self.town.jun_waits)
        plans.set_transfer_status(jun, "failed", self.world.medic)
        self.assertEqual(AdmissionRequest.objects.get(pk=self.town.jun_waits.pk).status,
                         "waiting")

    def test_it_refuses_a_step_back_a_date_ahead_and_a_superseded_plan(self) -> None:
        jun = self.plan().transfers.get(request=self.town.jun_waits)
        plans.set_transfer_status(jun, "dispatched", self.world.medic)
        with self.assertRaisesMessage(ValidationError, "cannot go from “dispatched” to "
                                                       "“planned”"):
            plans.set_transfer_status(jun, "planned", self.world.medic)
        with self.assertRaisesMessage(ValidationError, "cannot be dated in the future"):
            plans.set_transfer_status(jun, "arrived", self.world.medic, hours_ago(-1))
        with self.assertRaisesMessage(ValidationError, "before the transfer's last"):
            plans.set_transfer_status(jun, "arrived", self.world.medic, hours_ago(1))
        lei = TransferPlan.objects.get().transfers.get(request=self.town.lei_waits)
        self.plan()
        with self.assertRaisesMessage(ValidationError, "superseded"):
            plans.set_transfer_status(lei, "dispatched", self.world.medic)


class SnapshotTests(PlanTestCase):
    def test_it_counts_awaiting_on_the_way_admitted_and_waiting_over_a_day(self) -> None:
        waiting(case(self.world.visitor_a, State.SUSPECTED), self.world.grid_a1_1, hours=30)
        plan = self.plan()
        jun = plan.transfers.get(request=self.town.jun_waits)
        lei = plan.transfers.get(request=self.town.lei_waits)
        plans.set_transfer_status(jun, "dispatched", self.world.medic)
        plans.set_transfer_status(lei, "admitted", self.world.medic)
        taken = {s.area_id: s for s in take_snapshot(self.world.district, timezone.now())}
        self.assertEqual(set(taken), {self.world.district.pk, self.world.town_a.pk,
                                      self.world.town_b.pk})
        a = taken[self.world.town_a.pk]
        self.assertEqual((a.awaiting, a.dispatched, a.admitted, a.waiting_over_24h),
                         (1, 1, 1, 1))
        b = taken[self.world.town_b.pk]
        self.assertEqual((b.awaiting, b.dispatched, b.admitted), (0, 0, 0))
        # The beat takes it from the top (a city): its district is stored as well as its towns.
        from_city = take_snapshot(self.world.city, timezone.now() + datetime.timedelta(seconds=1))
        self.assertEqual([s.area_id for s in from_city], [
            self.world.city.pk, self.world.district.pk, self.world.town_a.pk,
            self.world.town_b.pk])
        self.assertEqual(from_city[1].dispatched, taken[self.world.district.pk].dispatched)
