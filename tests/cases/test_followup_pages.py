"""The follow-up round of the day: one form per person and slot, made for a phone."""

from __future__ import annotations

from django.urls import reverse

from epigrid.cases import followup as f
from epigrid.cases import quarantine as q
from epigrid.cases.models import Case, FollowUp, Quarantine
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.quarantine_helpers import close_contact, days_ago, home_quarantine, room_of_site_b


def slot_data(quarantine: Quarantine, slot: str, temperature: str,
              **extra: str) -> dict[str, str]:
    prefix = f"q{quarantine.pk}-{slot}"
    data = {"slot": slot, f"{prefix}-day": days_ago(0).isoformat(), f"{prefix}-slot": slot,
            f"{prefix}-temperature": temperature}
    return data | {f"{prefix}-{name}": value for name, value in extra.items()}


class TodayPageTests(BaseTestCase):
    def test_it_shows_li_her_grids_people_with_a_form_per_open_slot(self) -> None:
        w = self.world
        mine = home_quarantine(w)
        home_quarantine(w, w.person_b)
        f.record_follow_up(mine, day=days_ago(0), slot="am", temperature=f.Decimal("36.4"),
                           by=w.li)
        client = self.client_for(w.li)
        with self.assertNumQueries(7):  # session, user, area, rows, records, misses, sites
            response = client.get(reverse("cases:followup_today"))
        body = response.content.decode()
        assert "Wang Jun" in body and "Zhao Min" not in body
        assert f'id="done-{mine.pk}-am"' in body
        assert f'name="q{mine.pk}-pm-temperature"' in body
        assert f'name="q{mine.pk}-am-temperature"' not in body
        assert 'inputmode="decimal"' in body

    def test_it_records_a_slot_and_refuses_a_second_one(self) -> None:
        w = self.world
        quarantine = home_quarantine(w)
        url = reverse("cases:followup_record", args=[quarantine.pk])
        client = self.client_for(w.li)
        assert client.post(url, slot_data(quarantine, "am", "36.6")).status_code == 302
        assert FollowUp.objects.get().recorded_by == w.li
        again = client.post(url, slot_data(quarantine, "am", "36.8"))
        assert again.status_code == 400
        assert f"The morning follow-up of {days_ago(0).isoformat()} is already recorded." in (
            again.content.decode())

    def test_it_says_which_field_is_wrong(self) -> None:
        w = self.world
        quarantine = home_quarantine(w)
        response = self.client_for(w.li).post(
            reverse("cases:followup_record", args=[quarantine.pk]),
            slot_data(quarantine, "pm", "43.1"))
        assert response.status_code == 400
        form = response.context["items"][0]["forms"]["pm"]
        assert form.errors == {"temperature": [
            "43.1 °C is not a body temperature: enter 34.0 to 43.0."]}

    def test_it_escalates_a_cough_and_tells_the_worker(self) -> None:
        w = self.world
        quarantine = home_quarantine(w)
        response = self.client_for(w.li).post(
            reverse("cases:followup_record", args=[quarantine.pk]),
            slot_data(quarantine, "am", "36.9", symptoms="cough"), follow=True)
        assert "has a fever: the case is now" in response.content.decode()
        assert FollowUp.objects.get().symptoms == "cough"
        assert Case.objects.get(pk=quarantine.case_id).state == State.FEVER

    def test_it_shows_a_site_its_people_and_keeps_town_b_out(self) -> None:
        w = self.world
        quarantine = q.start_quarantine(close_contact(w.person_a), Quarantine.Kind.CENTRALIZED,
                                        site=w.facility_b, room=room_of_site_b(w),
                                        starts_on=days_ago(0), by=w.command)
        url = reverse("cases:followup_today") + f"?site={w.facility_b.pk}"
        assert "Wang Jun" in self.client_for(w.medic).get(url).content.decode()
        assert "Wang Jun" not in self.client_for(w.bob).get(url).content.decode()
        record = reverse("cases:followup_record", args=[quarantine.pk])
        assert self.client_for(w.bob).post(record, slot_data(
            quarantine, "am", "36.5")).status_code == 404
        assert self.client_for(w.alice).get(url).status_code == 404  # a site of town B
        assert not FollowUp.objects.exists()
