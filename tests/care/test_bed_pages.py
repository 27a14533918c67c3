"""The bed pages: an area's beds (stale flagged, totals, filters, a page's queries bounded), a
facility's short form with its refusals on the right box, the waiting list with the request
form from a case and its cancelling."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.areas.models import Facility
from epigrid.care import beds
from epigrid.care.models import AdmissionRequest, BedStock
from epigrid.cases import services
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.care.bed_helpers import hospital, hotel, hours_ago, open_case, stock


class BedAreaPageTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.hospital, self.hotel = hospital(w), hotel(w)
        stock(self.hospital, "icu", 10, 7, 1)
        stock(self.hospital, "general", 100, 60, 10, hours=9)
        stock(self.hotel, "quarantine", 200, 150)
        stock(w.facility_b, "quarantine", 80, 80)

    def test_it_lists_the_beds_of_an_area_with_totals_and_stale_flags(self) -> None:
        w = self.world
        response = self.client_for(w.medic).get(f"/care/beds/areas/{w.town_a.pk}/")
        assert response.status_code == 200
        rows = [(stock.facility.name, stock.bed_type, stock.available, stale)
                for stock, stale in response.context["rows"]]
        assert rows == [("Dongcheng People's Hospital", "icu", 2, False),
                        ("Dongcheng People's Hospital", "general", 30, True),
                        ("Dongcheng Quarantine Hotel", "quarantine", 50, False)]
        assert [(t.bed_type, t.available, t.stale) for t in response.context["totals"]] == [
            ("icu", 2, 0), ("general", 30, 1), ("quarantine", 50, 0)]
        assert "Xihe Quarantine Hotel" not in response.content.decode()
        assert b"badge stale" in response.content
        # The World's fever clinic has entered nothing yet: listed, linked to its form.
        assert [f.code for f in response.context["missing"]] == ["FA-A-001"]
        assert f'/care/beds/facilities/{w.facility_a.pk}/' in response.content.decode()

    def test_it_says_which_rule_flags_figures_stale(self) -> None:
        w = self.world
        url = f"/care/beds/areas/{w.town_a.pk}/"
        page = self.client_for(w.medic).get(url).content.decode()
        assert "Figures not updated for over 4 hours are flagged stale." in page
        due = timezone.localtime() - datetime.timedelta(minutes=30)
        stock(self.hotel, "isolation", 20, hours=1.4)  # given from an hour before the round
        stock(self.hotel, "general", 20, hours=1.6)  # given before that
        with override_settings(BEDS_UPDATE_TIMES=((due.hour, due.minute),)):
            response = self.client_for(w.medic).get(url)
        assert (f"Figures not updated for the {due:%H:%M} round are flagged stale."
                in response.content.decode())
        assert [(stock.bed_type, stale) for stock, stale in response.context["rows"]
                if stock.facility == self.hotel] == [
            ("quarantine", False), ("isolation", False), ("general", True)]

    def test_it_filters_by_kind_bed_type_staleness_and_free_beds(self) -> None:
        w = self.world
        client = self.client_for(w.medic)
        url = f"/care/beds/areas/{w.district.pk}/"

        def types(query: str) -> list[tuple[str, str]]:
            return [(s.facility.code, s.bed_type)
                    for s, _stale in client.get(url + query).context["rows"]]

        assert types("?kind=quarantine_site") == [("Q-DC-01", "quarantine"),
                                                  ("FA-B-001", "quarantine")]
        assert types("?bed_type=icu") == [("H-DC-01", "icu")]
        assert types("?stale=on") == [("H-DC-01", "general")]
        assert ("FA-B-001", "quarantine") not in types("?free=on")

    def test_it_reads_a_page_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        client = self.client_for(w.medic)
        url = f"/care/beds/areas/{w.district.pk}/"
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for n in range(8):
            stock(self.another_clinic(n), "general", 10)
        with CaptureQueriesContext(connection) as more:
            response = client.get(url)
        assert len(response.context["rows"]) == 12
        assert len(more) == len(few)

    def another_clinic(self, n: int) -> Facility:
        return Facility.objects.create(area=self.world.village_a2, code=f"X-{n}",
                                       name=f"Clinic {n}", kind=Facility.Kind.FEVER_CLINIC)

    def test_it_answers_another_town_s_area_as_missing(self) -> None:
        w = self.world
        assert self.client_for(w.bob).get(f"/care/beds/areas/{w.town_a.pk}/").status_code == 404
        assert self.client_for(w.medic).get("/care/beds/").status_code == 302


class FacilityFormTests(BaseTestCase):
    def setUp(self) -> None:
        self.hospital = hospital(self.world)
        self.icu = stock(self.hospital, "icu", 10, 2, hours=8)
        self.url = f"/care/beds/facilities/{self.hospital.pk}/"

    def form(self, **values: object) -> dict[str, object]:
        data: dict[str, object] = {"icu-total": 10, "icu-occupied": 2, "icu-reserved": 0}
        data.update({key.replace("__", "-"): value for key, value in values.items()})
        return data

    def test_it_shows_every_bed_type_on_one_form_with_today_s_figures(self) -> None:
        response = self.client_for(self.world.medic).get(self.url)
        assert response.status_code == 200
        html = response.content.decode()
        for name in ("icu-total", "severe-total", "general-total", "isolation-total",
                     "quarantine-reserved"):
            assert f'name="{name}"' in html
        assert 'value="10"' in html and 'inputmode="numeric"' in html
        assert response.context["stale"] is True

    def test_it_saves_the_types_filled_in_and_keeps_the_others_away(self) -> None:
        response = self.client_for(self.world.medic).post(self.url, self.form(
            icu__occupied=9, general__total=120, general__occupied=80))
        assert response.status_code == 302
        found = {s.bed_type: (s.total, s.occupied, s.reserved)
                 for s in BedStock.objects.filter(facility=self.hospital)}
        assert found == {"icu": (10, 9, 0), "general": (120, 80, 0)}
        self.icu.refresh_from_db()
        assert not beds.is_stale(self.icu)

    def test_it_puts_a_count_above_the_total_on_its_box(self) -> None:
        response = self.client_for(self.world.medic).post(self.url, self.form(
            icu__occupied=11, general__total=5, general__occupied=3, general__reserved=3))
        assert response.status_code == 400
        form = response.context["form"]
        assert "above the total" in form.errors["icu-occupied"][0]
        assert "above the total" in form.errors["general-reserved"][0]
        assert BedStock.objects.get(pk=self.icu.pk).occupied == 2
        assert not BedStock.objects.filter(bed_type="general").exists()

    def test_it_refuses_a_negative_count_and_a_missing_total(self) -> None:
        response = self.client_for(self.world.medic).post(self.url, self.form(
            icu__reserved=-1, severe__occupied=3))
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "negative" in errors["icu-reserved"][0]
        assert "total" in errors["severe-total"][0]
        response = self.client_for(self.world.medic).post(self.url, self.form(icu__total=""))
        assert "icu-total" in response.context["form"].errors

    def test_it_keeps_out_who_may_not_update_or_does_not_see_the_facility(self) -> None:
        w = self.world
        assert self.client_for(w.alice).get(self.url).status_code == 403
        assert self.client_for(w.bob).post(self.url, self.form(icu__total=99)).status_code == 404
        assert BedStock.objects.get(pk=self.icu.pk).total == 10


class AwaitingPagesTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.jun = open_case(w.person_a, State.CONFIRMED, "severe")
        self.min = open_case(w.person_b, State.SUSPECTED, "mild")

    def test_it_requests_a_bed_from_a_case_and_lists_the_patient(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        url = f"/care/beds/cases/{self.jun.pk}/request/"
        page = client.get(url)
        assert page.status_code == 200
        assert [a.pk for a in page.context["form"].fields["pickup_area"].queryset] == [
            w.grid_a1_1.pk, w.village_a1.pk, w.town_a.pk]
        response = client.post(url, {"pickup_area": w.village_a1.pk, "severity": "",
                                     "note": "oxygen"})
        assert response.status_code == 302
        made = AdmissionRequest.objects.get(case=self.jun)
        assert (made.pickup_area, made.severity) == (w.village_a1, "severe")
        listing = client.get("/care/beds/awaiting/")
        assert [r.pk for r, _h in listing.context["rows"]] == [made.pk]
        assert listing.context["figures"] == {"awaiting": 1, "over_24h": 0}

    def test_it_says_so_when_a_case_already_waits_or_needs_no_bed(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        url = f"/care/beds/cases/{self.jun.pk}/request/"
        client.post(url, {"pickup_area": w.grid_a1_1.pk})
        again = client.post(url, {"pickup_area": w.grid_a1_1.pk})
        assert again.status_code == 400
        assert "already waits" in str(again.context["form"].non_field_errors())
        assert AdmissionRequest.objects.count() == 1
        contact = open_case(w.person_a2, State.CLOSE_CONTACT)
        services.transition(contact, State.EXCLUDED, reason="not a contact")
        page = client.get(f"/care/beds/cases/{contact.pk}/request/")
        assert page.context["needs_bed"] is False
        refused = client.post(f"/care/beds/cases/{contact.pk}/request/",
                              {"pickup_area": w.grid_a1_1.pk})
        assert refused.status_code == 400
        assert "does not wait for a bed" in str(refused.context["form"].non_field_errors())

    def test_it_keeps_out_another_town_s_case_and_roles_that_may_not_ask(self) -> None:
        w = self.world
        assert self.client_for(w.bob).get(
            f"/care/beds/cases/{self.jun.pk}/request/").status_code == 404
        assert self.client_for(w.li).get(
            f"/care/beds/cases/{self.jun.pk}/request/").status_code == 403

    def test_it_filters_the_waiting_list_and_shows_the_admit_all_figure(self) -> None:
        w = self.world
        beds.request_admission(self.jun, None, "", w.medic, waiting_since=hours_ago(30))
        beds.request_admission(self.min, None, "", w.medic, waiting_since=hours_ago(3))
        client = self.client_for(w.medic)

        def names(query: str = "") -> list[str]:
            return [r.case.person.name
                    for r, _h in client.get("/care/beds/awaiting/" + query).context["rows"]]

        assert names() == ["Wang Jun", "Zhao Min"]
        assert names("?over_24h=on") == ["Wang Jun"]
        assert names("?severity=mild") == ["Zhao Min"]
        assert names("?category=confirmed") == ["Wang Jun"]
        assert names(f"?area={w.town_b.pk}") == ["Zhao Min"]
        page = client.get("/care/beds/awaiting/")
        assert page.context["figures"] == {"awaiting": 2, "over_24h": 1}
        assert b'id="over-24h-count">1<' in page.content

    def test_it_splits_the_waiting_by_category_and_severity_each_opening_its_list(
            self) -> None:
        w = self.world
        beds.request_admission(self.jun, None, "severe", w.medic)  # confirmed
        beds.request_admission(self.min, None, "", w.medic)  # suspected, mild, in town B
        suspect = open_case(w.visitor_a, State.SUSPECTED, "critical")
        beds.request_admission(suspect, None, "", w.medic)
        client = self.client_for(w.medic)
        page = client.get("/care/beds/awaiting/")
        shares = [(s.label, s.count, s.query) for s in page.context["shares"]]
        assert shares == [("confirmed", 1, "category=confirmed"),
                          ("suspected", 2, "category=suspected"),
                          ("severe", 1, "severity=severe"), ("critical", 1, "severity=critical")]
        for _label, count, query in shares:
            listed = client.get(f"/care/beds/awaiting/?{query}").context["rows"]
            assert len(listed) == count, query
        town = client.get(f"/care/beds/awaiting/?area={w.town_a.pk}")
        assert [(s.label, s.count) for s in town.context["shares"]][:2] == [
            ("confirmed", 1), ("suspected", 1)]
        assert f'href="?area={w.town_a.pk}&amp;category=confirmed"' in town.content.decode()

    def test_it_lists_the_waiting_in_bounded_queries(self) -> None:
        w = self.world
        client = self.client_for(w.medic)
        beds.request_admission(self.jun, None, "", w.medic)
        client.get("/care/beds/awaiting/")
        with CaptureQueriesContext(connection) as one:
            client.get("/care/beds/awaiting/")
        for person, state in ((w.person_a2, State.CLOSE_CONTACT), (w.visitor_a, State.SUSPECTED)):
            beds.request_admission(open_case(person, state), None, "", w.medic)
        beds.request_admission(self.min, None, "", w.medic)
        with CaptureQueriesContext(connection) as four:
            response = client.get("/care/beds/awaiting/")
        assert len(response.context["rows"]) == 4
        assert len(four) == len(one)

    def test_it_cancels_a_request_from_the_list(self) -> None:
        w = self.world
        made = beds.request_admission(self.jun, None, "", w.medic)
        assert self.client_for(w.bob).post(
            f"/care/beds/requests/{made.pk}/cancel/").status_code == 404
        response = self.client_for(w.alice).post(f"/care/beds/requests/{made.pk}/cancel/")
        assert response.status_code == 302
        made.refresh_from_db()
        assert made.status == AdmissionRequest.Status.CANCELLED
