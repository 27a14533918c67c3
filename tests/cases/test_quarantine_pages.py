"""Quarantine pages: the list and its filters, a quarantine, start, release, extend, rooms."""

from __future__ import annotations

import datetime

from django.urls import reverse

from epigrid.cases import quarantine as q
from epigrid.cases.models import Case, LabTest, Quarantine, QuarantineRoom
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.quarantine_helpers import (
    at,
    close_contact,
    days_ago,
    home_quarantine,
    lab_result,
    room_of_site_b,
)


class ListTests(BaseTestCase):
    def test_it_lists_the_quarantines_of_the_users_area_with_a_bounded_query_count(self) -> None:
        w = self.world
        home_quarantine(w, started=13)
        home_quarantine(w, w.visitor_a)
        home_quarantine(w, w.person_b)
        client = self.client_for(w.alice)
        # Session, user, the site menu, messages... and one query for the rows, however many.
        with self.assertNumQueries(6):
            client.get(reverse("cases:quarantine_list"))
        home_quarantine(w, w.person_a2)
        with self.assertNumQueries(6):
            response = client.get(reverse("cases:quarantine_list"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Wang Jun" in body and "Sun Li" in body and "Zhao Min" not in body
        assert "Grid A1-1" in body

    def test_it_filters_by_due_to_end_area_and_kind(self) -> None:
        w = self.world
        home_quarantine(w, started=13)  # ends tomorrow
        home_quarantine(w, w.visitor_a)
        client = self.client_for(w.command)
        due = client.get(reverse("cases:quarantine_list") + "?due=on").content.decode()
        assert "Wang Jun" in due and "Sun Li" not in due
        grid = client.get(reverse("cases:quarantine_list")
                          + f"?area={w.grid_a1_2.pk}").content.decode()
        assert "Sun Li" in grid and "Wang Jun" not in grid
        centralized = client.get(reverse("cases:quarantine_list") + "?kind=centralized")
        assert "No quarantine found." in centralized.content.decode()

    def test_it_finds_nothing_for_an_area_outside_scope(self) -> None:
        w = self.world
        home_quarantine(w)
        response = self.client_for(w.bob).get(reverse("cases:quarantine_list")
                                              + f"?area={w.town_a.pk}")
        assert "Wang Jun" not in response.content.decode()
        assert "No such area among the areas you may see." in response.content.decode()


class DetailTests(BaseTestCase):
    def test_it_shows_dates_and_hides_town_a_from_town_b(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=2)
        url = reverse("cases:quarantine_detail", args=[quarantine.pk])
        body = self.client_for(w.li).get(url).content.decode()
        assert quarantine.planned_end.isoformat() in body
        assert "Release from quarantine" not in body  # Li may follow up, not release
        assert self.client_for(w.bob).get(url).status_code == 404
        assert "Release from quarantine" in self.client_for(w.alice).get(url).content.decode()


class StartTests(BaseTestCase):
    def test_it_starts_a_home_quarantine_from_a_case(self) -> None:
        w = self.world
        case = close_contact(w.person_a)
        url = reverse("cases:quarantine_start", args=[case.pk])
        assert self.client_for(w.alice).get(url).status_code == 200
        response = self.client_for(w.alice).post(url, {
            "kind": "home", "starts_on": days_ago(0).isoformat()})
        quarantine = Quarantine.objects.get()
        assert response["Location"] == reverse("cases:quarantine_detail", args=[quarantine.pk])
        assert Case.objects.get(pk=case.pk).state == State.QUARANTINED

    def test_it_shows_a_full_room_on_the_room_field(self) -> None:
        w = self.world
        room = room_of_site_b(w)
        q.start_quarantine(close_contact(w.person_b), Quarantine.Kind.CENTRALIZED,
                           site=w.facility_b, room=room, starts_on=days_ago(0), by=w.command)
        case = close_contact(w.person_a)
        response = self.client_for(w.command).post(
            reverse("cases:quarantine_start", args=[case.pk]),
            {"kind": "centralized", "starts_on": days_ago(0).isoformat(),
             "site": w.facility_b.pk, "room": room.pk})
        assert response.status_code == 400
        assert response.context["form"].errors == {"room": ["Room 101 is full (1 places)."]}

    def test_it_refuses_a_grid_worker_and_town_b(self) -> None:
        w = self.world
        case = close_contact(w.person_a)
        url = reverse("cases:quarantine_start", args=[case.pk])
        data = {"kind": "home", "starts_on": days_ago(0).isoformat()}
        assert self.client_for(w.li).post(url, data).status_code == 403
        assert self.client_for(w.bob).post(url, data).status_code == 404
        assert not Quarantine.objects.exists()


class ReleaseAndExtendTests(BaseTestCase):
    def test_it_releases_and_says_why_not_first(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=14)
        url = reverse("cases:quarantine_release", args=[quarantine.pk])
        client = self.client_for(w.alice)
        refused = client.post(url, {"on": days_ago(0).isoformat()})
        assert refused.status_code == 400
        assert "Release needs 2 negative tests" in refused.content.decode()
        for hours in (9, 10):
            lab_result(w, w.person_a, LabTest.Result.NEGATIVE, at(days_ago(1), hours))
        assert client.post(url, {"on": days_ago(0).isoformat()}).status_code == 302
        assert Quarantine.objects.get(pk=quarantine.pk).outcome == "released"

    def test_it_extends_after_a_new_exposure(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=3)
        response = self.client_for(w.alice).post(
            reverse("cases:quarantine_extend", args=[quarantine.pk]),
            {"exposure_date": days_ago(1).isoformat(), "reason": "wife tested positive"})
        assert response.status_code == 302
        quarantine.refresh_from_db()
        assert quarantine.planned_end == days_ago(1) + datetime.timedelta(days=14)
        refused = self.client_for(w.alice).post(
            reverse("cases:quarantine_extend", args=[quarantine.pk]),
            {"exposure_date": days_ago(-1).isoformat(), "reason": "x"})
        assert refused.context["extend_form"].errors == {
            "exposure_date": ["An exposure cannot be in the future."]}


class RoomTests(BaseTestCase):
    def test_it_adds_rooms_and_counts_places(self) -> None:
        w = self.world
        url = reverse("cases:quarantine_site_rooms", args=[w.facility_b.pk])
        client = self.client_for(w.bob)
        assert client.post(url, {"number": "201", "capacity": "2"}).status_code == 302
        doubled = client.post(url, {"number": "201", "capacity": "1"})
        assert doubled.context["form"].errors == {
            "number": ["Xihe Quarantine Hotel already has a room 201."]}
        q.start_quarantine(close_contact(w.person_a), Quarantine.Kind.CENTRALIZED,
                           site=w.facility_b, room=QuarantineRoom.objects.get(),
                           starts_on=days_ago(0), by=w.command)
        body = client.get(url).content.decode()
        assert "1 of 2 places taken" in body
        assert "Wang Jun" not in body and "1 more person from outside your area." in body
        assert "Wang Jun" in self.client_for(w.command).get(url).content.decode()

    def test_it_edits_a_room_and_refuses_other_facilities(self) -> None:
        w = self.world
        room = room_of_site_b(w, capacity=2)
        edit = reverse("cases:quarantine_room_edit", args=[room.pk])
        self.client_for(w.bob).post(edit, {"capacity": "4", "active": "on"})
        assert QuarantineRoom.objects.get().capacity == 4
        assert self.client_for(w.alice).post(edit, {"capacity": "1"}).status_code == 404
        assert self.client_for(w.command).get(reverse(
            "cases:quarantine_site_rooms", args=[w.facility_a.pk])).status_code == 404
