"""The bed services: a facility's figures with their rules (no negative count, nothing above
the total, only a facility the user sees, only a role that updates beds), staleness at its
boundary, area totals in one query, and the waiting list (who may wait, once)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from epigrid.accounts.services import create_user
from epigrid.care import beds
from epigrid.care.models import AdmissionRequest, BedStock, Transfer, TransferPlan
from epigrid.cases import services as case_services
from epigrid.cases.models import Evidence
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.care.bed_helpers import hospital, hotel, hours_ago, open_case, stock


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


class BedUpdateTests(BaseTestCase):
    def setUp(self) -> None:
        self.hospital = hospital(self.world)

    def update(self, total: int, occupied: int = 0, reserved: int = 0, user: object = None,
               bed_type: str = "icu") -> BedStock:
        return beds.update_beds(self.hospital, bed_type, total, occupied, reserved,
                                user or self.world.medic)

    def test_it_creates_then_updates_a_facility_s_figures_with_who_and_when(self) -> None:
        first = self.update(20, 12, 3)
        assert (first.total, first.occupied, first.reserved, first.available) == (20, 12, 3, 5)
        assert first.updated_by == self.world.medic
        later = self.update(22, 20, 2, user=self.world.command)
        assert later.pk == first.pk and later.available == 0
        assert later.updated_by == self.world.command
        log = AuditEntry.objects.filter(model="care.BedStock", object_pk=str(first.pk))
        assert [e.action for e in log.order_by("id")] == ["create", "update"]
        assert log.order_by("id").last().changes["occupied"] == [12, 20]  # type: ignore[union-attr]

    def test_it_refuses_a_count_above_the_total_naming_the_field(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.update(10, 11)
        assert "above the total" in errors_of(caught.exception)["occupied"][0]
        with self.assertRaises(ValidationError) as caught:
            self.update(10, 8, 3)
        assert "above the total" in errors_of(caught.exception)["reserved"][0]
        assert not BedStock.objects.exists()

    def test_it_takes_a_full_facility_exactly_at_the_total(self) -> None:
        assert self.update(10, 7, 3).available == 0

    def test_it_refuses_a_negative_count(self) -> None:
        for counts, field in (((-1, 0, 0), "total"), ((5, -2, 0), "occupied"),
                              ((5, 0, -1), "reserved")):
            with self.subTest(counts=counts), self.assertRaises(ValidationError) as caught:
                self.update(*counts)
            assert "negative" in errors_of(caught.exception)[field][0]

    def test_it_refuses_an_unknown_bed_type(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.update(5, bed_type="sofa")
        assert "bed_type" in errors_of(caught.exception)

    def test_it_refuses_a_facility_the_user_does_not_manage_as_missing(self) -> None:
        medic_b = create_user(username="medic_b", password="x-long-password-1", role=Role.MEDICAL,
                              home_area=self.world.town_b)
        with self.assertRaises(Http404):
            self.update(5, user=medic_b)
        assert not BedStock.objects.exists()

    def test_it_refuses_a_role_without_the_capability(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.update(5, user=self.world.alice)

    def test_it_saves_a_whole_facility_or_nothing(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            beds.update_facility_beds(self.hospital, {"icu": (10, 2, 0), "general": (5, 6, 0)},
                                      self.world.medic)
        assert list(errors_of(caught.exception)) == ["general-occupied"]
        assert not BedStock.objects.exists()
        saved = beds.update_facility_beds(self.hospital, {"icu": (10, 2, 0),
                                                          "general": (50, 6, 4)},
                                          self.world.medic)
        assert sorted((s.bed_type, s.available) for s in saved) == [("general", 40),
                                                                     ("icu", 8)]

    def test_it_makes_stale_figures_fresh_when_they_are_confirmed(self) -> None:
        old = stock(self.hospital, "icu", 10, 2, hours=6)
        assert beds.is_stale(old)
        again = self.update(10, 2)
        assert again.pk == old.pk and not beds.is_stale(again)


@given(total=st.integers(-3, 40), occupied=st.integers(-3, 40), reserved=st.integers(-3, 40))
def test_it_accepts_exactly_the_counts_the_database_accepts(total: int, occupied: int,
                                                            reserved: int) -> None:
    """The validator agrees with the DB check: none negative, occupied <= total - reserved."""
    errors = beds.check_counts(total, occupied, reserved)
    valid = min(total, occupied, reserved) >= 0 and occupied + reserved <= total
    assert (not errors) == valid
    if not valid:
        assert set(errors) <= {"total", "occupied", "reserved"}


def test_it_refuses_what_is_not_a_whole_number() -> None:
    assert beds.check_counts("5", 1, 0) == {"total": ["Enter a whole number."]}
    assert "occupied" in beds.check_counts(5, True, 0)


class StaleAndTotalsTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.hospital, self.hotel = hospital(w), hotel(w)

    @override_settings(BEDS_STALE_HOURS=4)
    def test_it_flags_figures_older_than_the_stale_hours_and_not_at_the_boundary(self) -> None:
        now = timezone.now()
        row = stock(self.hospital, "icu", 5)
        row.updated_at = now - datetime.timedelta(hours=4)
        assert not beds.is_stale(row, now)
        row.updated_at = now - datetime.timedelta(hours=4, seconds=1)
        assert beds.is_stale(row, now)

    @override_settings(BEDS_STALE_HOURS=1)
    def test_it_reads_the_stale_hours_from_the_settings(self) -> None:
        assert beds.is_stale(stock(self.hospital, "icu", 5, hours=1.5))

    def at(self, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
        return datetime.datetime(2020, 2, day, hour, minute, second,
                                 tzinfo=timezone.get_current_timezone())

    @override_settings(BEDS_UPDATE_TIMES=((12, 0),), BEDS_STALE_HOURS=4)
    def test_with_set_update_times_it_flags_who_missed_the_last_round_from_an_hour_before(
            self) -> None:
        row = stock(self.hospital, "icu", 5)
        noon = self.at(10, 12)
        assert beds.stale_before(noon) == self.at(10, 11)
        row.updated_at = self.at(10, 11)
        assert not beds.is_stale(row, self.at(10, 13))
        row.updated_at = self.at(10, 10, 59, 59)
        assert beds.is_stale(row, self.at(10, 13))
        # Before noon, yesterday's round is the last: figures of 11:30 yesterday still hold,
        # 23 hours old, where the 4 hours alone would flag them.
        row.updated_at = self.at(9, 11, 30)
        assert beds.stale_before(self.at(10, 11, 59)) == self.at(9, 11)
        assert not beds.is_stale(row, self.at(10, 11, 59))
        assert beds.is_stale(row, noon)

    @override_settings(BEDS_UPDATE_TIMES=((8, 0), (20, 0)))
    def test_it_takes_the_last_set_time_across_midnight(self) -> None:
        assert beds.last_update_time(self.at(10, 3)) == self.at(9, 20)
        assert beds.last_update_time(self.at(10, 8)) == self.at(10, 8)
        assert beds.last_update_time(self.at(10, 19, 59)) == self.at(10, 8)
        assert beds.stale_before(self.at(10, 3)) == self.at(9, 19)

    def test_without_set_times_the_hours_alone_decide(self) -> None:
        assert beds.last_update_time(self.at(10, 13)) is None

    def test_it_sums_an_area_by_bed_type_in_one_query(self) -> None:
        w = self.world
        stock(self.hospital, "icu", 10, 7, 1)
        stock(self.hospital, "general", 100, 60, 10, hours=5)
        stock(self.hotel, "quarantine", 200, 150)
        stock(w.facility_b, "quarantine", 80, 80)
        with self.assertNumQueries(1):
            found = beds.area_totals(BedStock.objects.restrict(w.command).within(w.town_a.path))
        assert [(t.bed_type, t.facilities, t.total, t.occupied, t.reserved, t.available, t.stale)
                for t in found] == [("icu", 1, 10, 7, 1, 2, 0), ("general", 1, 100, 60, 10, 30, 1),
                                    ("quarantine", 1, 200, 150, 0, 50, 0)]
        district = beds.area_totals(BedStock.objects.restrict(w.command))
        assert [(t.bed_type, t.facilities, t.available) for t in district][-1] == (
            "quarantine", 2, 50)
        bob_sees = beds.area_totals(BedStock.objects.restrict(w.bob))
        assert [(t.bed_type, t.total) for t in bob_sees] == [("quarantine", 80)]


class RequestTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.jun = open_case(w.person_a, State.CONFIRMED, "severe")

    def test_it_puts_a_case_on_the_waiting_list_from_its_grid_with_its_severity(self) -> None:
        made = beds.request_admission(self.jun, None, "", self.world.alice, "needs oxygen")
        assert made.status == AdmissionRequest.Status.WAITING
        assert made.pickup_area == self.world.grid_a1_1 and made.severity == "severe"
        assert made.area_path == self.jun.area_path and made.note == "needs oxygen"
        assert abs((timezone.now() - made.waiting_since).total_seconds()) < 5

    def test_it_refuses_a_second_pending_request_for_a_case(self) -> None:
        beds.request_admission(self.jun, None, "", self.world.medic)
        with self.assertRaises(ValidationError) as caught:
            beds.request_admission(self.jun, None, "critical", self.world.medic)
        assert "already waits for a bed" in caught.exception.messages[0]
        assert AdmissionRequest.objects.count() == 1

    def test_it_takes_a_new_request_once_the_old_one_is_cancelled(self) -> None:
        first = beds.request_admission(self.jun, None, "", self.world.medic)
        beds.cancel_request(first, self.world.medic)
        first.refresh_from_db()
        assert first.status == AdmissionRequest.Status.CANCELLED
        second = beds.request_admission(self.jun, None, "critical", self.world.medic)
        assert second.severity == "critical"
        with self.assertRaises(ValidationError):
            beds.cancel_request(first, self.world.medic)  # already cancelled

    def test_it_refuses_a_closed_case_or_one_that_needs_no_bed(self) -> None:
        w = self.world
        case_services.transition(self.jun, State.ADMITTED, reason="in hospital")
        with self.assertRaises(ValidationError) as caught:
            beds.request_admission(self.jun, None, "", w.medic)
        assert "does not wait for a bed" in caught.exception.messages[0]
        fever = open_case(w.visitor_a, State.FEVER)
        case_services.transition(fever, State.EXCLUDED, reason="negative",
                                 evidence=Evidence.TEST)
        with self.assertRaises(ValidationError):
            beds.request_admission(fever, None, "", w.medic)
        assert not AdmissionRequest.objects.exists()

    def test_it_takes_close_contacts_and_suspected_cases(self) -> None:
        w = self.world
        contact = open_case(w.person_a2, State.CLOSE_CONTACT)
        assert beds.request_admission(contact, None, "", w.alice).pk
        suspected = open_case(w.visitor_a, State.SUSPECTED)
        assert beds.request_admission(suspected, w.village_a1, "mild", w.alice).pickup_area == \
            w.village_a1

    def test_it_refuses_a_case_of_another_town_as_missing_and_a_role_that_may_not(self) -> None:
        with self.assertRaises(Http404):
            beds.request_admission(self.jun, None, "", self.world.bob)
        with self.assertRaises(PermissionDenied):
            beds.request_admission(self.jun, None, "", self.world.stranger)
        with self.assertRaises(PermissionDenied):
            beds.request_admission(self.jun, None, "", self.world.li)

    def test_it_refuses_a_pick_up_area_out_of_sight_and_a_wait_in_the_future(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as caught:
            beds.request_admission(self.jun, w.town_b, "", w.alice)
        assert "pickup_area" in caught.exception.message_dict
        with self.assertRaises(ValidationError) as caught:
            beds.request_admission(self.jun, None, "", w.alice,
                                   waiting_since=timezone.now() + datetime.timedelta(hours=1))
        assert "waiting_since" in caught.exception.message_dict

    def test_it_refuses_to_cancel_a_patient_on_the_way(self) -> None:
        w = self.world
        made = beds.request_admission(self.jun, None, "", w.medic)
        where = hospital(w)
        plan = TransferPlan.objects.create(area=w.district, area_path=w.district.path,
                                           day=timezone.localdate())
        Transfer.objects.create(plan=plan, request=made, area_path=made.area_path,
                                facility=where, bed_type="severe", distance_km=3,
                                status=Transfer.Status.DISPATCHED, status_at=timezone.now())
        with self.assertRaises(ValidationError) as caught:
            beds.cancel_request(made, w.medic)
        assert "on the way" in caught.exception.messages[0]


class AwaitingTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.jun = open_case(w.person_a, State.CONFIRMED, "severe")
        self.lei = open_case(w.person_a2, State.CLOSE_CONTACT)
        self.min = open_case(w.person_b, State.SUSPECTED, "mild")
        self.jun_waits = beds.request_admission(self.jun, None, "", w.medic,
                                                waiting_since=hours_ago(30))
        self.lei_waits = beds.request_admission(self.lei, None, "", w.medic,
                                                waiting_since=hours_ago(2))
        self.min_waits = beds.request_admission(self.min, None, "", w.medic,
                                                waiting_since=hours_ago(50))

    def names(self, user: object, **filters: object) -> list[str]:
        rows = beds.awaiting(user, beds.AwaitingFilters(**filters))  # type: ignore[arg-type]
        return [r.case.person.name for r in rows]

    def test_it_lists_the_longest_wait_first_within_the_user_s_area(self) -> None:
        w = self.world
        assert self.names(w.medic) == ["Zhao Min", "Wang Jun", "Wang Lei"]
        assert self.names(w.alice) == ["Wang Jun", "Wang Lei"]
        assert self.names(w.bob) == ["Zhao Min"]
        assert self.names(w.stranger) == []

    def test_it_filters_by_severity_category_area_and_long_waits(self) -> None:
        w = self.world
        assert self.names(w.medic, severity="severe") == ["Wang Jun"]
        assert self.names(w.medic, category="close_contact") == ["Wang Lei"]
        assert self.names(w.medic, area=w.town_b) == ["Zhao Min"]
        assert self.names(w.medic, over_24h=True) == ["Zhao Min", "Wang Jun"]

    def test_it_counts_the_admit_all_figure_at_its_boundary(self) -> None:
        w = self.world
        now = timezone.now()
        self.lei_waits.waiting_since = now - datetime.timedelta(hours=24)
        self.lei_waits.save(update_fields=["waiting_since"])
        with self.assertNumQueries(1):
            found = beds.awaiting_figures(w.medic, None, now)
        assert found == {"awaiting": 3, "over_24h": 3}
        later = now - datetime.timedelta(seconds=1)  # a second earlier: 23:59:59 waited
        assert beds.awaiting_figures(w.medic, None, later)["over_24h"] == 2
        assert beds.awaiting_figures(w.alice, None, now) == {"awaiting": 2, "over_24h": 2}

    def test_it_drops_cancelled_patients_and_those_on_their_way(self) -> None:
        w = self.world
        beds.cancel_request(self.lei_waits, w.medic)
        plan = TransferPlan.objects.create(area=w.district, area_path=w.district.path,
                                           day=timezone.localdate())
        Transfer.objects.create(plan=plan, request=self.min_waits,
                                area_path=self.min_waits.area_path, facility=w.facility_b,
                                bed_type="isolation", distance_km=2,
                                status=Transfer.Status.ARRIVED, status_at=timezone.now())
        assert self.names(w.medic) == ["Wang Jun"]
        assert beds.awaiting_figures(w.medic, None) == {"awaiting": 1, "over_24h": 1}
