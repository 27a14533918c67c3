"""Volunteers 志愿者: registered once while serving, in an area one sees, on a day not in the
future; leaving 退出 once, not before registering, not in the future."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from epigrid.core.audit import acting_as
from epigrid.core.models import AuditEntry
from epigrid.volunteers import services
from epigrid.volunteers.models import Volunteer
from tests.volunteers.helpers import VolunteersTestCase, days, new_phone


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


class RegisterTests(VolunteersTestCase):
    def test_it_registers_the_volunteer_with_the_phone_as_eleven_digits(self) -> None:
        with acting_as(self.world.alice):
            volunteer = self.volunteer(name=" Wang Fang ", phone="+86 139 1234 5601",
                                       skills=" Driving, Hubei dialect ", party_member=True)
        volunteer.refresh_from_db()
        assert (volunteer.area, volunteer.name, volunteer.phone, volunteer.skills) == (
            self.world.village_a1, "Wang Fang", "13912345601", "Driving, Hubei dialect")
        assert (volunteer.party_member, volunteer.registered_on, volunteer.left_on,
                volunteer.created_by) == (True, days(-10), None, self.world.alice)
        entry = AuditEntry.objects.get(action="create", model="volunteers.Volunteer",
                                       object_pk=str(volunteer.pk))
        assert (entry.actor_name, entry.area_path) == ("alice", self.world.village_a1.path)

    def test_it_reads_the_country_code_in_each_of_its_spellings(self) -> None:
        for raw, stored in (("+8613912345602", "13912345602"), ("008613912345603", "13912345603"),
                            ("8613912345604", "13912345604"), ("139 1234-5605", "13912345605")):
            with self.subTest(raw=raw):
                assert self.volunteer(phone=raw).phone == stored

    def test_it_refuses_a_phone_that_is_no_mainland_mobile(self) -> None:
        for phone in ("12345", "027-8888 6666", "1381234567", "+1 415 555 0100", ""):
            with self.subTest(phone=phone):
                errors = refusal(lambda phone=phone: self.volunteer(  # type: ignore[misc]
                    phone=phone))
                assert errors == {"phone": ["A mobile number has 11 digits and starts with 13 "
                                            "to 19, like 138 0013 8000."]}
        assert not Volunteer.objects.exists()

    def test_it_needs_a_name(self) -> None:
        errors = refusal(lambda: self.volunteer(name="  "))
        assert errors == {"name": ["Name the volunteer."]}

    def test_a_phone_serving_elsewhere_is_refused_naming_the_area_and_day(self) -> None:
        phone = new_phone()
        self.volunteer(phone=phone, registered_on=days(-10))
        # Bob, in town B, learns where the phone serves, written the other way.
        errors = refusal(lambda: self.volunteer(self.world.village_b1, by=self.world.bob,
                                                name="W. Fang", phone=f"+86{phone}"))
        assert errors == {"phone": [f"Wang Fang, with this phone, is registered in Village A1 "
                                    f"since {days(-10).isoformat()}."]}
        # The same area again is the same volunteer twice: refused too.
        assert "phone" in refusal(lambda: self.volunteer(phone=phone))
        assert Volunteer.objects.filter(phone=phone).count() == 1

    def test_once_the_first_left_the_phone_registers_again(self) -> None:
        phone = new_phone()
        first = self.volunteer(phone=phone, registered_on=days(-10))
        services.leave(first, by=self.world.alice, on=days(-2))
        again = self.volunteer(self.world.village_b1, by=self.world.bob, phone=phone,
                               registered_on=days(-1))
        assert (again.area, again.left_on) == (self.world.village_b1, None)
        assert Volunteer.objects.filter(phone=phone).count() == 2

    def test_it_registers_today_but_not_tomorrow(self) -> None:
        assert self.volunteer(registered_on=days(0)).registered_on == days(0)
        errors = refusal(lambda: self.volunteer(registered_on=days(1)))
        assert errors == {"registered_on": [f"{days(1).isoformat()} is in the future."]}

    def test_it_is_registered_only_in_an_area_one_sees(self) -> None:
        errors = refusal(lambda: self.volunteer(self.world.village_b1))  # by Alice, of town A
        assert errors == {"area": ["Choose an area of your own."]}
        # Li, a grid worker, sees his grid only, not the village above it.
        assert refusal(lambda: self.volunteer(by=self.world.li)) == {
            "area": ["Choose an area of your own."]}
        assert self.volunteer(self.world.village_b1, by=self.world.command).area == (
            self.world.village_b1)
        assert self.volunteer(self.world.village_b1, by=None).area == self.world.village_b1

    def test_it_names_every_wrong_field_at_once(self) -> None:
        errors = refusal(lambda: self.volunteer(self.world.village_b1, name="", phone="1",
                                                registered_on=days(2)))
        assert sorted(errors) == ["area", "name", "phone", "registered_on"]


class LeaveTests(VolunteersTestCase):
    def test_it_records_the_day_the_volunteer_left_and_audits_it(self) -> None:
        volunteer = self.volunteer(registered_on=days(-10))
        with acting_as(self.world.alice):
            left = services.leave(volunteer, by=self.world.alice, on=days(-3))
        volunteer.refresh_from_db()
        assert left.left_on == volunteer.left_on == days(-3)
        assert not volunteer.is_active(days(-2))
        assert volunteer.is_active(days(-3))
        entry = AuditEntry.objects.get(action="update", model="volunteers.Volunteer",
                                       object_pk=str(volunteer.pk))
        assert entry.changes == {"left_on": [None, days(-3).isoformat()]}

    def test_it_leaves_on_the_day_it_registered_but_not_before(self) -> None:
        volunteer = self.volunteer(registered_on=days(-10))
        errors = refusal(lambda: services.leave(volunteer, by=self.world.alice, on=days(-11)))
        assert errors == {"on": [f"Wang Fang registered on {days(-10).isoformat()}."]}
        assert services.leave(volunteer, by=self.world.alice, on=days(-10)).left_on == days(-10)

    def test_it_leaves_today_but_not_tomorrow(self) -> None:
        volunteer = self.volunteer()
        errors = refusal(lambda: services.leave(volunteer, by=self.world.alice, on=days(1)))
        assert errors == {"on": [f"{days(1).isoformat()} is in the future."]}
        volunteer.refresh_from_db()
        assert volunteer.left_on is None
        assert services.leave(volunteer, by=self.world.alice, on=days(0)).left_on == days(0)

    def test_it_leaves_once(self) -> None:
        volunteer = self.volunteer()
        services.leave(volunteer, by=self.world.alice, on=days(-2))
        # The object held by the page is stale: the service reads the row again.
        errors = refusal(lambda: services.leave(volunteer, by=self.world.alice, on=days(-1)))
        assert errors == {"__all__": [f"Wang Fang left on {days(-2).isoformat()}."]}
        volunteer.refresh_from_db()
        assert volunteer.left_on == days(-2)

    def test_only_one_who_sees_the_area_records_the_leaving(self) -> None:
        volunteer = self.volunteer()
        errors = refusal(lambda: services.leave(volunteer, by=self.world.bob, on=days(0)))
        assert errors == {"area": ["Choose an area of your own."]}
        volunteer.refresh_from_db()
        assert volunteer.left_on is None

    def test_it_leaves_on_the_last_day_with_hours_but_not_before_it(self) -> None:
        volunteer = self.volunteer()
        project = self.project()
        self.hours(project, volunteer, "2", served_on=days(-4))
        self.hours(project, volunteer, "3", served_on=days(-2))
        errors = refusal(lambda: services.leave(volunteer, by=self.world.alice, on=days(-3)))
        assert errors == {"on": [f"Hours are recorded on {days(-2).isoformat()}, after that "
                                 "day: withdraw them first."]}
        assert services.leave(volunteer, by=self.world.alice, on=days(-2)).left_on == days(-2)
