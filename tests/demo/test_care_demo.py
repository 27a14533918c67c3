"""The demo's transfer desk: beds entered a little before now, one clinic stale, and the open
cases that need a bed waiting for one, the first two for over a day."""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.areas.models import Facility
from epigrid.care import beds
from epigrid.care.models import AdmissionRequest, BedStock, BedType, ProgressSnapshot
from epigrid.cases.models import Case, Transition
from epigrid.cases.states import State
from epigrid.demo.care_data import write_care
from tests.base import BaseTestCase
from tests.care.bed_helpers import open_case


class DemoCareTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.hospital = Facility.objects.create(
            area=w.town_a, code="H-1", name="Designated Hospital",
            kind=Facility.Kind.DESIGNATED_HOSPITAL)
        self.now = timezone.now()
        self.old = open_case(w.person_a, State.CONFIRMED, "severe")  # 72 hours ago
        self.new = open_case(w.person_a2, State.SUSPECTED)
        recently = self.now - datetime.timedelta(hours=2)  # opened two hours ago
        Case.objects.filter(pk=self.new.pk).update(state_since=recently)
        Transition.objects.filter(case=self.new).update(at=recently)
        self.new.refresh_from_db()
        open_case(w.person_b, State.CLOSE_CONTACT)  # waits for a quarantine room, not a bed

    def test_it_enters_the_beds_of_hospitals_clinics_and_sites_one_clinic_stale(self) -> None:
        written = write_care(self.world.city, 7, now=self.now)
        stocks = list(BedStock.objects.select_related("facility"))
        # The hospital's 3 types, the clinic's isolation rooms, the site's quarantine rooms.
        assert len(stocks) == written["bed_stocks"] == 5
        assert {s.facility_id: s.bed_type for s in stocks if s.facility != self.hospital} == {
            self.world.facility_a.pk: BedType.ISOLATION,
            self.world.facility_b.pk: BedType.QUARANTINE}
        assert {s.bed_type for s in stocks if s.facility == self.hospital} == {
            BedType.ICU, BedType.SEVERE, BedType.GENERAL}
        assert all(0 <= s.occupied <= s.total - s.reserved for s in stocks)
        stale = [s.facility for s in stocks if beds.is_stale(s, self.now)]
        assert stale == [self.world.facility_a]  # one fever clinic
        assert written["stale_facilities"] == 1

    def test_it_puts_the_open_cases_needing_a_bed_on_the_waiting_list(self) -> None:
        written = write_care(self.world.city, 7, now=self.now)
        waiting = {r.case_id: r for r in AdmissionRequest.objects.all()}
        assert set(waiting) == {self.old.pk, self.new.pk} and written["awaiting_admission"] == 2
        longest = waiting[self.old.pk]
        assert longest.waiting_since < self.now - datetime.timedelta(hours=24)
        assert longest.severity == "severe" and longest.pickup_area_id == self.old.grid_id
        # Second in line for a long wait, but a wait never starts before its case was opened.
        assert waiting[self.new.pk].waiting_since == self.new.state_since
        assert all(r.status == AdmissionRequest.Status.WAITING for r in waiting.values())

    def test_it_stores_the_transfer_progress_as_the_beat_would(self) -> None:
        written = write_care(self.world.city, 7, now=self.now)
        stored = {s.area_id: s for s in ProgressSnapshot.objects.filter(at=self.now)}
        w = self.world
        assert set(stored) == {w.city.pk, w.district.pk, w.town_a.pk, w.town_b.pk}
        assert written["progress_snapshots"] == 4
        assert (stored[w.district.pk].awaiting, stored[w.town_a.pk].awaiting) == (2, 2)
