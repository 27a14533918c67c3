"""What the database itself holds, below the services (an admin edit, a script, a second desk
at the same moment):

- a phone is on one serving volunteer at a time; once left, it may be on another;
- a volunteer leaves on or after registering, a project ends on or after it starts;
- hours are more than 0 and at most 24, one record of a day per project and volunteer;
- two desks recording the same volunteer's day at once add up to at most 24 hours, and two
  desks registering the same phone at once register it once (PostgreSQL: the service's locks;
  SQLite writes one transaction at a time anyway).
"""

from __future__ import annotations

import datetime
import time
import unittest
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase

from epigrid.volunteers import services
from epigrid.volunteers.models import Project, ProjectKind, ServiceRecord, Volunteer
from tests.base import World
from tests.sessions import at_once
from tests.volunteers.helpers import VolunteersTestCase, days, new_phone

PAUSE_S = 0.5  # long enough for the other desk to reach the lock meanwhile


class VolunteerRowTests(VolunteersTestCase):
    def test_it_refuses_a_second_serving_row_for_a_phone(self) -> None:
        first = self.volunteer()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Volunteer.objects.create(area=self.world.village_b1, name="Wang Fang",
                                     phone=first.phone, registered_on=days(-1))
        assert Volunteer.objects.filter(phone=first.phone).count() == 1

    def test_it_takes_the_phone_again_once_the_first_row_has_left(self) -> None:
        first = self.volunteer()
        services.leave(first, by=self.world.alice, on=days(-1))
        again = Volunteer.objects.create(area=self.world.village_b1, name="Wang Fang",
                                         phone=first.phone, registered_on=days(0))
        assert Volunteer.objects.filter(phone=first.phone, left_on__isnull=True).get() == again
        # Two rows that both left may share it too: only the serving one is unique.
        Volunteer.objects.filter(pk=again.pk).update(left_on=days(0))
        Volunteer.objects.create(area=self.world.village_a2, name="Wang Fang",
                                 phone=first.phone, registered_on=days(0))

    def test_it_refuses_leaving_before_registering(self) -> None:
        volunteer = self.volunteer(registered_on=days(-10))
        with self.assertRaises(IntegrityError), transaction.atomic():
            Volunteer.objects.filter(pk=volunteer.pk).update(left_on=days(-11))
        Volunteer.objects.filter(pk=volunteer.pk).update(left_on=days(-10))  # the same day is
        volunteer.refresh_from_db()  # a day served
        assert volunteer.left_on == days(-10)


class ProjectRowTests(VolunteersTestCase):
    def test_it_refuses_an_end_before_the_start(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Project.objects.create(area=self.world.town_a, kind=ProjectKind.CARE,
                                   name="Backwards", starts_on=days(-3), ends_on=days(-4))
        assert Project.objects.create(area=self.world.town_a, kind=ProjectKind.CARE,
                                      name="One day", starts_on=days(-3),
                                      ends_on=days(-3)).ends_on == days(-3)

    def test_it_refuses_a_second_project_of_the_name_in_the_area(self) -> None:
        self.project()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Project.objects.create(area=self.world.town_a, kind=ProjectKind.CARE,
                                   name="Deliveries to the quarantined", starts_on=days(-1))


class ServiceRecordRowTests(VolunteersTestCase):
    def setUp(self) -> None:
        self.deliveries, self.volunteer_a = self.project(), self.volunteer()

    def write(self, hours: str, served_on: datetime.date | None = None) -> ServiceRecord:
        return ServiceRecord.objects.create(project=self.deliveries, volunteer=self.volunteer_a,
                                            served_on=served_on or days(-1),
                                            hours=Decimal(hours))

    def test_it_refuses_no_hours_and_more_than_a_day(self) -> None:
        for hours in ("0", "-1", "24.5", "99.9"):
            with self.subTest(hours=hours), self.assertRaises(IntegrityError), \
                    transaction.atomic():
                self.write(hours)
        assert not ServiceRecord.objects.exists()
        assert self.write("24").hours == 24
        assert self.write("0.5", days(-2)).hours == Decimal("0.5")

    def test_it_refuses_a_second_record_of_the_day(self) -> None:
        self.write("3")
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.write("1")
        assert ServiceRecord.objects.get().hours == 3


def slowed(check: Callable[..., Any]) -> Callable[..., Any]:
    """`check`, then a pause: a service slowed at its last check (`refuse`), after it read and
    before it writes, lets the other desk read the same state meanwhile unless a lock holds
    it off."""
    def slow(*args: Any, **kwargs: Any) -> Any:
        found = check(*args, **kwargs)
        time.sleep(PAUSE_S)
        return found
    return slow


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's locks")
class RecordAtOnceTests(TransactionTestCase):
    def test_two_desks_recording_the_same_day_do_not_exceed_24_hours(self) -> None:
        w = World()
        volunteer = services.register(w.village_a1, by=w.alice, name="Wang Fang",
                                      phone=new_phone(), registered_on=days(-10))
        deliveries, checkpoint = (
            services.open_project(area, by=by, kind=ProjectKind.DELIVERY, name=name,
                                  starts_on=days(-7))
            for area, by, name in ((w.town_a, w.alice, "Deliveries"),
                                   (w.district, w.command, "Checkpoint duty")))

        def record(project: Project, by: Any) -> Any:
            return services.record_hours(project, volunteer, by=by, served_on=days(-1),
                                         hours="20")

        with mock.patch.object(services, "refuse", slowed(services.refuse)):
            results = at_once(lambda: record(deliveries, w.alice),
                              lambda: record(checkpoint, w.command))
        recorded = [r for r in results if isinstance(r, ServiceRecord)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert (len(recorded), len(refused)) == (1, 1), results
        assert refused[0].message_dict == {"hours": [
            f"Wang Fang has 20.0 hours on {days(-1).isoformat()} already: a day has 24."]}
        assert [r.hours for r in ServiceRecord.objects.all()] == [Decimal("20.0")]


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's locks")
class RegisterAtOnceTests(TransactionTestCase):
    def test_two_desks_registering_the_same_phone_one_is_refused_naming_where(self) -> None:
        w = World()

        def register(area: Any, by: Any) -> Any:
            return services.register(area, by=by, name="Wang Fang", phone="13912340505",
                                     registered_on=days(0))

        with mock.patch.object(services, "refuse", slowed(services.refuse)):
            results = at_once(lambda: register(w.village_a1, w.alice),
                              lambda: register(w.village_b1, w.bob))
        registered = [r for r in results if isinstance(r, Volunteer)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert (len(registered), len(refused)) == (1, 1), results
        first = Volunteer.objects.select_related("area").get(phone="13912340505")
        assert refused[0].message_dict == {"phone": [
            f"Wang Fang, with this phone, is registered in {first.area.name} since "
            f"{days(0).isoformat()}."]}
