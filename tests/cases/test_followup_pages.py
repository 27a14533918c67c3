"""The follow-up round of the day: one form per person and slot, made for a phone."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from epigrid.cases import followup as f
from epigrid.cases import quarantine as q
from epigrid.cases.models import Case, FollowUp, Quarantine
from epigrid.cases.states import State
from epigrid.registry import services as registry
from tests.base import BaseTestCase
from tests.cases.quarantine_helpers import (
    close_contact,
    days_ago,
    home_quarantine,
    placed_yesterday,
    room_of_site_b,
)


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
        with self.assertNumQueries(8):  # session, user, area, count, rows, records, misses, sites
            response = client.get(reverse("cases:followup_today"))
        body = response.content.decode()
        assert "Wang Jun" in body and "Zhao Min" not in body
        assert f'id="done-{mine.pk}-am"' in body
        assert f'name="q{mine.pk}-pm-temperature"' in body
        assert f'name="q{mine.pk}-am-temperature"' not in body
        assert 'inputmode="decimal"' in body

    def test_it_keeps_itself_for_going_without_signal_until_its_day_ends(self) -> None:
        w = self.world
        home_quarantine(w)
        client = self.client_for(w.li)
        body = client.get(reverse("cases:followup_today")).content.decode()
        ends = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + \
            datetime.timedelta(days=1)
        assert (f'data-offline-worker="/cases/follow-ups/sw.js"\n'
                f'   data-offline-scope="/cases/follow-ups/today/" '
                f'data-offline-cache="epigrid-follow-ups-v1"\n'
                f'   data-offline-until="{ends.isoformat()}"') in body
        assert "offline-pages.js" in body
        script = client.get("/cases/follow-ups/sw.js")
        assert script["Content-Type"].startswith("text/javascript")
        assert script["Cache-Control"] == "no-cache"
        assert 'var CACHE = "epigrid-follow-ups-v1";' in script.content.decode()

    def test_it_renders_a_slots_form_once_and_gives_each_person_their_own_names(self) -> None:
        w = self.world
        quarantines = [placed_yesterday(home_quarantine(w, person))
                       for person in (w.person_a, w.person_a2, w.person_b)]
        response = self.client_for(w.command).get(reverse("cases:followup_today"))
        body = response.content.decode()
        due = {item["row"].quarantine.pk: item["row"].due for item in response.context["items"]}
        assert set(due) == {quarantine.pk for quarantine in quarantines}
        slots = {slot for owed in due.values() for slot in owed}
        assert slots
        rendered = [t.name for t in response.templates].count("cases/followup__slot_fields.html")
        assert rendered == len(slots)  # not once a person
        for pk, owed in due.items():
            for slot in owed:
                assert f'name="q{pk}-{slot}-temperature"' in body
                assert f'id="id_q{pk}-{slot}-symptoms_0"' in body
        assert "__prefix__" not in body

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
        form = response.context["refused"]
        assert f'name="q{quarantine.pk}-pm-temperature" value="43.1"' in response.content.decode()
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


@override_settings(PAGE_SIZE=2)
class TodayPagesTests(BaseTestCase):
    """A town's round has more people than one page: each is on one page, and back after saving."""

    def setUp(self) -> None:
        w = self.world
        fang = registry.create_person(grid=w.grid_a1_1, household=w.household_a, name="Wang Fang")
        self.quarantines = [home_quarantine(w, person) for person in (fang, w.person_a,
                                                                      w.person_a2)]

    def names(self, body: str) -> list[str]:
        return [name for name in ("Wang Fang", "Wang Jun", "Wang Lei") if name in body]

    def test_it_splits_the_round_into_pages_by_name(self) -> None:
        client = self.client_for(self.world.li)
        first = client.get(reverse("cases:followup_today")).content.decode()
        second = client.get(reverse("cases:followup_today") + "?page=2").content.decode()
        assert self.names(first) == ["Wang Fang", "Wang Jun"]
        assert self.names(second) == ["Wang Lei"]
        assert '<span id="count">3 persons</span>' in first
        assert "Page 2 of 2" in second and 'rel="prev"' in second and 'rel="next"' not in second

    def test_it_goes_back_to_the_page_after_saving(self) -> None:
        lei = self.quarantines[2]
        url = reverse("cases:followup_record", args=[lei.pk]) + "?page=2"
        response = self.client_for(self.world.li).post(url, slot_data(lei, "am", "36.6"))
        assert response.url == reverse("cases:followup_today") + "?page=2"
        assert FollowUp.objects.get().quarantine == lei

    def test_it_keeps_the_page_of_a_refused_form(self) -> None:
        lei = self.quarantines[2]
        url = reverse("cases:followup_record", args=[lei.pk]) + "?page=2"
        response = self.client_for(self.world.li).post(url, slot_data(lei, "am", "45"))
        assert response.status_code == 400
        body = response.content.decode()
        assert self.names(body) == ["Wang Lei"]
        record = reverse("cases:followup_record", args=[lei.pk])
        assert f'action="{record}?page=2"' in body
        assert "is not a body temperature: enter 34.0 to 43.0." in body

    def test_it_answers_the_last_page_for_a_page_past_the_end(self) -> None:
        body = self.client_for(self.world.li).get(
            reverse("cases:followup_today") + "?page=9").content.decode()
        assert self.names(body) == ["Wang Lei"]
