"""Hours served 服务时长: in half hours, more than 0 and at most 24; on a day the project is
open and the volunteer registered, not in the future; once a day per project, at most 24 a
day across projects; by a recorder who sees both. A record typed wrongly is withdrawn, and the
audit log keeps it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from epigrid.core.audit import acting_as
from epigrid.core.models import AuditEntry
from epigrid.volunteers import services
from epigrid.volunteers.models import ServiceRecord
from tests.volunteers.helpers import VolunteersTestCase, days

HOURS_RULE = "Hours are more than 0 and at most 24, in half hours."


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


class RecordHoursTests(VolunteersTestCase):
    def test_it_records_the_hours_and_who_recorded_them(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        with acting_as(self.world.alice):
            record = self.hours(project, volunteer, " 3.5 ", note=" Rice to No. 14 ")
        record.refresh_from_db()
        assert (record.project, record.volunteer, record.served_on, record.hours) == (
            project, volunteer, days(-1), Decimal("3.5"))
        assert (record.note, record.recorded_by) == ("Rice to No. 14", self.world.alice)
        entry = AuditEntry.objects.get(action="create", model="volunteers.ServiceRecord",
                                       object_pk=str(record.pk))
        assert (entry.actor_name, entry.area_path) == ("alice", self.world.town_a.path)

    def test_it_takes_half_hours_from_half_an_hour_to_a_whole_day(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        for day, hours in ((-5, "0.5"), (-4, "24"), (-3, 7.5), (-2, Decimal("12.0"))):
            with self.subTest(hours=hours):
                record = self.hours(project, volunteer, hours, served_on=days(day))
                assert record.hours == Decimal(str(hours))

    def test_it_refuses_hours_that_are_no_half_hours_of_a_day(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        for hours in ("0", "-1", "24.5", "1.3", "abc", "", "NaN", "1E-999999999"):
            with self.subTest(hours=hours):
                errors = refusal(lambda hours=hours: self.hours(  # type: ignore[misc]
                    project, volunteer, hours))
                assert errors == {"hours": [HOURS_RULE]}
        assert not ServiceRecord.objects.exists()

    def test_it_refuses_a_day_before_the_volunteer_registered_or_after_they_left(self) -> None:
        project = self.project(starts_on=days(-7))
        volunteer = self.volunteer(registered_on=days(-5))
        services.leave(volunteer, by=self.world.alice, on=days(-3))
        for day in (days(-6), days(-2)):
            with self.subTest(day=day):
                errors = refusal(lambda day=day: self.hours(  # type: ignore[misc]
                    project, volunteer, served_on=day))
                assert errors == {"served_on": [f"Wang Fang was not registered on "
                                                f"{day.isoformat()}."]}
        # The first and the last day served count.
        assert self.hours(project, volunteer, served_on=days(-5)).served_on == days(-5)
        assert self.hours(project, volunteer, served_on=days(-3)).served_on == days(-3)

    def test_it_refuses_a_day_outside_the_project(self) -> None:
        project = self.project(starts_on=days(-7), ends_on=days(-4))
        volunteer = self.volunteer(registered_on=days(-10))
        for day in (days(-8), days(-3)):
            with self.subTest(day=day):
                errors = refusal(lambda day=day: self.hours(  # type: ignore[misc]
                    project, volunteer, served_on=day))
                assert errors == {"served_on": [f"The project is open from "
                                                f"{days(-7).isoformat()} to "
                                                f"{days(-4).isoformat()}."]}
        assert self.hours(project, volunteer, served_on=days(-7)).served_on == days(-7)
        assert self.hours(project, volunteer, served_on=days(-4)).served_on == days(-4)

    def test_a_project_without_an_end_says_so_when_it_has_not_started(self) -> None:
        project = self.project(starts_on=days(5))
        errors = refusal(lambda: self.hours(project, self.volunteer(), served_on=days(-1)))
        assert errors == {"served_on": [f"The project is open from {days(5).isoformat()} to "
                                        "no end set."]}

    def test_it_refuses_a_day_in_the_future(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        errors = refusal(lambda: self.hours(project, volunteer, served_on=days(1)))
        assert errors == {"served_on": [f"{days(1).isoformat()} is in the future."]}
        assert self.hours(project, volunteer, served_on=days(0)).served_on == days(0)

    def test_a_second_record_of_the_day_is_refused_naming_the_first(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        self.hours(project, volunteer, "3", served_on=days(-2))
        errors = refusal(lambda: self.hours(project, volunteer, "1", served_on=days(-2)))
        assert errors == {"served_on": [f"Wang Fang has 3.0 hours on this project on "
                                        f"{days(-2).isoformat()} already."]}
        # Another day, or another project the same day, is recorded.
        assert self.hours(project, volunteer, "1", served_on=days(-1)).hours == 1
        other = self.project(name="Checkpoint duty at the East Road")
        assert self.hours(other, volunteer, "1", served_on=days(-2)).hours == 1
        assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 3

    def test_a_day_holds_24_hours_across_projects(self) -> None:
        deliveries, checkpoint = self.project(), self.project(name="Checkpoint duty")
        volunteer = self.volunteer()
        self.hours(deliveries, volunteer, "20", served_on=days(-2))
        errors = refusal(lambda: self.hours(checkpoint, volunteer, "4.5", served_on=days(-2)))
        assert errors == {"hours": [f"Wang Fang has 20.0 hours on {days(-2).isoformat()} "
                                    "already: a day has 24."]}
        assert self.hours(checkpoint, volunteer, "4", served_on=days(-2)).hours == 4
        # The day is full; the day before is not.
        assert "hours" in refusal(lambda: self.hours(
            self.project(name="Publicity"), volunteer, "0.5", served_on=days(-2)))
        assert self.hours(checkpoint, volunteer, "24", served_on=days(-3)).hours == 24

    def test_another_volunteers_hours_do_not_count_against_the_day(self) -> None:
        project = self.project()
        self.hours(project, self.volunteer(), "24", served_on=days(-2))
        other = self.volunteer(name="Li Na")
        assert self.hours(project, other, "24", served_on=days(-2)).hours == 24

    def test_the_recorder_sees_the_project_and_the_volunteer(self) -> None:
        w = self.world
        project = self.project()  # of town A
        theirs = self.volunteer(w.village_b1, by=w.bob)
        errors = refusal(lambda: self.hours(project, theirs))  # by Alice, of town A
        assert errors == {"volunteer": ["Choose a volunteer of your own areas."]}
        errors = refusal(lambda: self.hours(project, self.volunteer(name="Li Na"), by=w.bob))
        assert errors == {"area": ["Choose an area of your own."],
                          "volunteer": ["Choose a volunteer of your own areas."]}
        # The district's command sees both: a volunteer of town B serves town A's project.
        assert self.hours(project, theirs, by=w.command).volunteer == theirs
        assert ServiceRecord.objects.count() == 1

    def test_it_names_every_wrong_field_at_once(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        errors = refusal(lambda: self.hours(project, volunteer, "0.3", served_on=days(3),
                                            by=self.world.bob))
        assert sorted(errors) == ["area", "hours", "served_on", "volunteer"]


class WithdrawHoursTests(VolunteersTestCase):
    def test_a_withdrawn_record_is_gone_but_the_audit_log_keeps_it(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        record = self.hours(project, volunteer, "3", served_on=days(-2))
        pk = record.pk
        with acting_as(self.world.alice):
            services.withdraw_hours(record, by=self.world.alice)
        assert not ServiceRecord.objects.filter(pk=pk).exists()
        entry = AuditEntry.objects.get(action="delete", model="volunteers.ServiceRecord",
                                       object_pk=str(pk))
        assert (entry.actor_name, entry.area_path) == ("alice", self.world.town_a.path)
        assert entry.changes["hours"] == ["3.0", None]
        assert entry.changes["served_on"] == [days(-2).isoformat(), None]
        assert entry.changes["volunteer_id"] == [volunteer.pk, None]

    def test_once_withdrawn_the_day_is_recorded_again(self) -> None:
        project, volunteer = self.project(), self.volunteer()
        services.withdraw_hours(self.hours(project, volunteer, "3", served_on=days(-2)),
                                by=self.world.alice)
        assert self.hours(project, volunteer, "24", served_on=days(-2)).hours == 24

    def test_only_one_who_sees_the_project_withdraws_its_hours(self) -> None:
        record = self.hours(self.project(), self.volunteer())
        errors = refusal(lambda: services.withdraw_hours(record, by=self.world.bob))
        assert errors == {"area": ["Choose an area of your own."]}
        assert ServiceRecord.objects.filter(pk=record.pk).exists()
