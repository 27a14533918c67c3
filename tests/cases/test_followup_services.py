"""Follow-ups: one per slot, sane temperatures, fever escalation, today's lists, missed slots."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from epigrid.alerts.models import Notice, Receipt
from epigrid.cases import followup as f
from epigrid.cases import quarantine as q
from epigrid.cases.models import Case, FollowUp, MissedFollowUp, Quarantine, Transition
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.quarantine_helpers import (
    asymptomatic,
    at,
    close_contact,
    days_ago,
    home_quarantine,
    room_of_site_b,
    village_officer,
)


class RecordTests(BaseTestCase):
    def record(self, quarantine: Quarantine, temperature: str, slot: str = "am",
               day: datetime.date | None = None, symptoms: str = "") -> f.Recorded:
        return f.record_follow_up(quarantine, day=day or days_ago(0), slot=slot,
                                  temperature=Decimal(temperature), symptoms=symptoms,
                                  by=self.world.li)

    def test_it_keeps_37_2_in_quarantine_and_escalates_37_3(self) -> None:
        w = self.world
        officer = village_officer(w)
        quarantine = home_quarantine(w)
        with self.captureOnCommitCallbacks(execute=True):
            normal = self.record(quarantine, "37.2")
        assert (normal.abnormal, normal.escalated) == (False, False)
        assert not Notice.objects.exists()
        with self.captureOnCommitCallbacks(execute=True):
            fever = self.record(quarantine, "37.3", slot="pm")
        assert (fever.abnormal, fever.escalated) == (True, True)
        quarantine.refresh_from_db()
        assert (quarantine.ended_on, quarantine.outcome) == (days_ago(0), "escalated")
        case = Case.objects.get(pk=quarantine.case_id)
        assert case.state == State.FEVER
        step = Transition.objects.filter(case=case).last()
        assert step is not None and step.evidence == "follow_up" and "37.3" in step.reason
        # The village's official and Li (grid A1-1) are told; Alice of the town is not.
        told = set(Receipt.objects.values_list("user__username", flat=True))
        assert told == {officer.username, w.li.username}
        assert Notice.objects.filter(title="Fever in quarantine: Wang Jun").count() == 2

    def test_it_escalates_on_a_symptom_without_fever(self) -> None:
        quarantine = home_quarantine(self.world)
        assert self.record(quarantine, "36.5", symptoms="cough").escalated
        with pytest.raises(ValidationError, match="ended on"):
            self.record(quarantine, "36.5", slot="pm")

    def test_it_refuses_33_9_and_43_1_but_takes_34_and_43(self) -> None:
        quarantine = home_quarantine(self.world, started=2)
        for wrong in ("33.9", "43.1"):
            with pytest.raises(ValidationError) as refused:
                self.record(quarantine, wrong)
            assert refused.value.message_dict == {"temperature": [
                f"{wrong} °C is not a body temperature: enter 34.0 to 43.0."]}
        assert self.record(quarantine, "34.0", day=days_ago(2)).follow_up.pk
        assert self.record(quarantine, "43.0", day=days_ago(1)).escalated

    def test_it_refuses_a_reading_no_thermometer_gives_without_failing(self) -> None:
        # Found by fuzzing the API: -1.8e308 overflowed the rounding to tenths (a 500).
        quarantine = home_quarantine(self.world, started=2)
        for wrong in ("-1.7976931348623155e+308", "1e30", "Infinity", "NaN"):
            with pytest.raises(ValidationError) as refused:
                self.record(quarantine, wrong)
            assert list(refused.value.message_dict) == ["temperature"], wrong

    def test_it_refuses_a_second_record_in_a_slot_and_a_future_day(self) -> None:
        quarantine = home_quarantine(self.world, started=1)
        self.record(quarantine, "36.6")
        with pytest.raises(ValidationError) as twice:
            self.record(quarantine, "36.7")
        assert twice.value.message_dict == {"slot": [
            f"The morning follow-up of {days_ago(0).isoformat()} is already recorded."]}
        with pytest.raises(ValidationError) as future:
            self.record(quarantine, "36.7", day=days_ago(-1))
        assert list(future.value.message_dict) == ["day"]
        with pytest.raises(ValidationError, match="started on"):
            self.record(quarantine, "36.7", day=days_ago(2))
        assert FollowUp.objects.count() == 1

    def test_it_keeps_an_asymptomatic_case_isolated_and_tells_the_site(self) -> None:
        w = self.world
        case = asymptomatic(w.person_b)
        quarantine = q.start_quarantine(case, Quarantine.Kind.CENTRALIZED, site=w.facility_b,
                                        room=room_of_site_b(w), starts_on=days_ago(0), by=w.bob)
        with self.captureOnCommitCallbacks(execute=True):
            fever = self.record(quarantine, "38.1")
        assert (fever.abnormal, fever.escalated) == (True, False)
        assert Case.objects.get(pk=case.pk).state == State.ASYMPTOMATIC
        site_notice = Notice.objects.get(title="Fever at Xihe Quarantine Hotel, room 101")
        assert site_notice.roles == ["medical"] and "Zhao" not in site_notice.body
        assert site_notice.target_paths == [w.town_b.path]


class TodayTests(BaseTestCase):
    def test_it_lists_the_grid_workers_home_quarantines_with_their_slots(self) -> None:
        w = self.world
        mine = home_quarantine(w)
        f.record_follow_up(mine, day=days_ago(0), slot="am", temperature=Decimal("36.4"),
                           by=w.li)
        home_quarantine(w, w.person_b)  # town B's
        q.start_quarantine(close_contact(w.person_a2), Quarantine.Kind.CENTRALIZED,
                           site=w.facility_b, room=room_of_site_b(w), starts_on=days_ago(0),
                           by=w.command)
        with self.assertNumQueries(3):
            rows = f.home_today(w.li, days_ago(0))
        assert [(row.person.name, row.due) for row in rows] == [("Wang Jun", ["pm"])]
        assert rows[0].records["am"] is not None
        assert f.home_today(w.bob, days_ago(0))[0].person.name == "Zhao Min"
        site_rows = f.today_rows(f.site_quarantines(w.command, w.facility_b), days_ago(0))
        assert [row.person.name for row in site_rows] == ["Wang Lei"]
        # Wang Lei is of town A:
        assert f.today_rows(f.site_quarantines(w.bob, w.facility_b), days_ago(0)) == []


class MissedTests(BaseTestCase):
    def quarantine_since(self, day: datetime.date, hour: int = 8) -> Quarantine:
        quarantine = home_quarantine(self.world, started=(days_ago(0) - day).days)
        Quarantine.objects.filter(pk=quarantine.pk).update(created_at=at(day, hour))
        return quarantine

    def flagged(self) -> list[tuple[datetime.date, str]]:
        return list(MissedFollowUp.objects.order_by("day", "slot").values_list("day", "slot"))

    def test_it_flags_a_slot_only_once_its_deadline_has_passed(self) -> None:
        day = days_ago(1)
        self.quarantine_since(day)
        assert f.flag_missed(at(day, 12, 0, 0)) == 0  # due by 12:00: not yet missed
        assert f.flag_missed(at(day, 12, 0, 1)) == 1
        assert f.flag_missed(at(day, 20, 0, 0)) == 0
        assert f.flag_missed(at(day, 20, 0, 1)) == 1
        assert f.flag_missed(at(day, 21)) == 0  # already flagged
        assert self.flagged() == [(day, "am"), (day, "pm")]

    def test_it_skips_recorded_slots_and_a_morning_before_the_quarantine(self) -> None:
        w, day = self.world, days_ago(1)
        quarantine = self.quarantine_since(day, hour=15)  # placed after the morning's deadline
        f.record_follow_up(quarantine, day=day, slot="pm", temperature=Decimal("36.5"), by=w.li)
        assert f.flag_missed(at(days_ago(0), 12, 30)) == 1
        assert self.flagged() == [(days_ago(0), "am")]

    def test_it_marks_a_late_record_as_caught_up(self) -> None:
        w, day = self.world, days_ago(1)
        quarantine = self.quarantine_since(day)
        f.flag_missed(at(day, 13))
        f.record_follow_up(quarantine, day=day, slot="am", temperature=Decimal("36.5"), by=w.li)
        miss = MissedFollowUp.objects.get()
        assert miss.caught_up_at is not None
        assert f.escalate_missed() == 0  # caught up before anyone was told

    def test_it_tells_each_village_once(self) -> None:
        w, day = self.world, days_ago(1)
        officer = village_officer(w)
        self.quarantine_since(day)
        other = home_quarantine(w, w.person_b, started=1)
        Quarantine.objects.filter(pk=other.pk).update(created_at=at(day, 7))
        f.flag_missed(at(day, 20, 30))
        with self.captureOnCommitCallbacks(execute=True):
            assert f.escalate_missed() == 2  # village A1 and village B1
        with self.captureOnCommitCallbacks(execute=True):
            assert f.escalate_missed() == 0
        notice = Notice.objects.get(target_paths=[w.village_a1.path])
        assert notice.title == "2 follow-ups missed"
        assert notice.body == (f"Wang Jun: {day.isoformat()} morning\n"
                               f"Wang Jun: {day.isoformat()} evening")
        # Read in Chinese by a Chinese officer, whatever language the task ran in.
        title, body = notice.wording["zh-hans"]
        assert title == "漏随访 2 次"
        assert body.startswith(f"Wang Jun：{day.isoformat()} ")
        assert list(Receipt.objects.filter(notice=notice).values_list("user", flat=True)) == [
            officer.pk]
        assert Notice.objects.count() == 2
        assert not MissedFollowUp.objects.filter(escalated_at__isnull=True).exists()

    def test_it_runs_as_a_task(self) -> None:
        from epigrid.cases.tasks import check_missed_follow_ups

        self.quarantine_since(days_ago(2))
        result = check_missed_follow_ups.delay().get(timeout=30)
        assert result["flagged"] >= 4 and result["notices"] == 1
