"""The follow-ups due on the grid worker's round (cases.followup_round, the "round" panel): at
07:30 the people in home quarantine whose morning temperature is due; after noon an empty
morning shows as missed beside the evening then due."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from epigrid.cases import followup as f
from epigrid.cases import quarantine as q
from epigrid.cases.followup_round import PANEL_LIMIT, due_now
from epigrid.cases.models import Quarantine
from epigrid.core.access import Role
from tests.base import PASSWORD, BaseTestCase, create_user
from tests.cases.quarantine_helpers import (
    at,
    close_contact,
    days_ago,
    home_quarantine,
    placed_yesterday,
    room_of_site_b,
)

TODAY = reverse("registry:screening_today")



class DueNowTests(BaseTestCase):
    def due_at(self, hour: int, minute: int = 0) -> list[tuple[str, list[tuple[str, bool]]]]:
        day = days_ago(0)
        rows = f.home_today(self.world.li, day)
        return [(item.row.person.name, [(slot.slot, slot.missed) for slot in item.slots])
                for item in due_now(rows, day, at(day, hour, minute))]

    def entered_at(self, quarantine: Quarantine, hour: int) -> None:
        Quarantine.objects.filter(pk=quarantine.pk).update(created_at=at(days_ago(0), hour))

    def test_it_shows_the_morning_due_at_half_past_seven_and_not_the_evening(self) -> None:
        self.entered_at(home_quarantine(self.world, started=1), 9)
        assert self.due_at(7, 30) == [("Wang Jun", [("am", False)])]

    def test_it_shows_a_morning_recorded_nowhere_until_noon(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=1)
        f.record_follow_up(quarantine, day=days_ago(0), slot="am", temperature=Decimal("36.5"),
                           by=w.li)
        assert self.due_at(7, 30) == []
        assert self.due_at(11, 59) == []
        assert self.due_at(12, 0) == [("Wang Jun", [("pm", False)])]  # the morning's deadline

    def test_it_calls_the_morning_missed_from_noon_on(self) -> None:
        self.entered_at(home_quarantine(self.world, started=1), 8)
        assert self.due_at(11, 59) == [("Wang Jun", [("am", False)])]
        assert self.due_at(12, 0) == [("Wang Jun", [("am", True), ("pm", False)])]
        assert self.due_at(20, 0) == [("Wang Jun", [("am", True), ("pm", True)])]

    def test_it_misses_no_slot_that_ended_before_the_quarantine_began(self) -> None:
        self.entered_at(home_quarantine(self.world), 14)  # placed at 14:00: the morning was over
        assert self.due_at(15) == [("Wang Jun", [("pm", False)])]
        assert self.due_at(21) == [("Wang Jun", [("pm", True)])]

    def test_it_leaves_out_a_day_both_of_whose_slots_are_recorded(self) -> None:
        w = self.world
        quarantine = home_quarantine(w, started=1)
        for slot in ("am", "pm"):
            f.record_follow_up(quarantine, day=days_ago(0), slot=slot,
                               temperature=Decimal("36.5"), by=w.li)
        assert self.due_at(21) == []


class RoundPanelTests(BaseTestCase):
    def test_it_lists_the_workers_home_quarantines_on_her_round(self) -> None:
        w = self.world
        mine = placed_yesterday(home_quarantine(w, started=1))
        home_quarantine(w, w.person_b, started=1)  # Zhao Min, town B's
        q.start_quarantine(close_contact(w.person_a2), Quarantine.Kind.CENTRALIZED,
                           site=w.facility_b, room=room_of_site_b(w), starts_on=days_ago(0),
                           by=w.command)  # at a site: its staff follow her up
        body = self.client_for(w.li).get(TODAY).content.decode()
        assert 'id="followups-due"' in body and "1 person to follow up" in body
        follow_ups = reverse("cases:followup_today")
        assert f'href="{follow_ups}#quarantine-{mine.pk}">Wang Jun</a>' in body
        assert "Zhao Min" not in body and "Wang Lei" not in body
        # Whatever the hour CI runs at, a day without a record owes something: due or missed.
        assert "morning due by 12:00" in body or "morning missed" in body

    def test_it_says_by_when_in_chinese_without_reading_as_midnight(self) -> None:
        w = self.world
        placed_yesterday(home_quarantine(w, started=1))
        client = self.client_for(w.li)
        client.cookies["django_language"] = "zh-hans"
        body = client.get(TODAY).content.decode()
        # "上午 12:00" would read as midnight: the slot, then the time it is due by.
        assert "上午随访，12:00 前" in body or "上午漏访" in body
        assert "上午 12:00" not in body

    def test_it_shows_nothing_when_nobody_is_due_or_to_a_role_that_does_not_follow_up(
            self) -> None:
        w = self.world
        quarantine = placed_yesterday(home_quarantine(w, started=1))
        # Checkpoint staff of Wang Jun's village see his area, not his follow-ups.
        staff = create_user(username="gate_a1", password=PASSWORD, role=Role.CHECKPOINT_STAFF,
                            home_area=w.village_a1)
        assert 'id="followups-due"' not in self.client_for(staff).get(TODAY).content.decode()
        assert 'id="followups-due"' in self.client_for(w.li).get(TODAY).content.decode()
        for slot in ("am", "pm"):
            f.record_follow_up(quarantine, day=days_ago(0), slot=slot,
                               temperature=Decimal("36.5"), by=w.li)
        assert 'id="followups-due"' not in self.client_for(w.li).get(TODAY).content.decode()

    def test_it_counts_them_all_and_lists_the_first_few_in_a_fixed_number_of_queries(
            self) -> None:
        w = self.world
        placed_yesterday(home_quarantine(w, started=1))
        client = self.client_for(w.alice)
        client.get(TODAY)
        with self.assertNumQueries(7) as one:
            client.get(TODAY)
        placed_yesterday(home_quarantine(w, w.person_a2, started=1))
        with self.assertNumQueries(len(one.captured_queries)):
            body = client.get(TODAY).content.decode()
        assert "2 persons to follow up" in body
        assert f"The first {PANEL_LIMIT} are shown" not in body
