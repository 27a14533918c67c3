"""Shared set-up of the volunteers tests: a volunteer registered in village A1, a project of
town A, hours served."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.areas.models import Area
from epigrid.core.access import Role
from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import HoursClaim, Project, ProjectKind, ServiceRecord, Volunteer
from tests.base import PASSWORD, BaseTestCase, refusal  # noqa: F401 - the tests import it here

_phones = itertools.count(13700000001)


def days(n: int) -> datetime.date:
    """The local day `n` days from today (negative: before)."""
    return timezone.localdate() + datetime.timedelta(days=n)


def new_phone() -> str:
    """A mobile number no other volunteer of the test holds."""
    return str(next(_phones))


class VolunteersTestCase(BaseTestCase):
    """The world (alice keeps town A's volunteers, bob town B's, li is a grid worker of A1)."""

    def volunteer(self, area: Area | None = None, name: str = "Wang Fang",
                  **fields: Any) -> Volunteer:
        """Alice registers a volunteer in village A1 (or `area`) ten days ago."""
        values: dict[str, Any] = {"phone": new_phone(), "registered_on": days(-10),
                                  "skills": "driving"}
        values.update(fields)
        by = values.pop("by", self.world.alice)
        return services.register(area or self.world.village_a1, by=by, name=name, **values)

    def project(self, area: Area | None = None, name: str = "Deliveries to the quarantined",
                **fields: Any) -> Project:
        """Alice opens a delivery project of town A (or `area`) seven days ago."""
        values: dict[str, Any] = {"kind": ProjectKind.DELIVERY, "starts_on": days(-7),
                                  "volunteers_needed": 10}
        values.update(fields)
        by = values.pop("by", self.world.alice)
        return services.open_project(area or self.world.town_a, by=by, name=name, **values)

    def hours(self, project: Project, volunteer: Volunteer, hours: str = "3",
              served_on: datetime.date | None = None, **fields: Any) -> ServiceRecord:
        """Alice records `hours` the volunteer served the project yesterday (or `served_on`)."""
        by = fields.pop("by", self.world.alice)
        return services.record_hours(project, volunteer, by=by, hours=hours,
                                     served_on=served_on or days(-1), **fields)


_usernames = itertools.count(1)


def volunteer_user(area: Area | None, phone: str | None = None, **fields: Any) -> User:
    """An account of the volunteer role (Fang Wang unless named) living in `area`, with a
    mobile number of their own (or `phone`, "" for none)."""
    values: dict[str, Any] = {"first_name": "Fang", "last_name": "Wang",
                              "username": f"volunteer{next(_usernames)}"}
    values.update(fields)
    return create_user(password=PASSWORD, role=Role.VOLUNTEER, home_area=area,
                       phone=new_phone() if phone is None else phone, **values)


def enrolled(user: User, **fields: Any) -> Volunteer:
    """The volunteer `user` becomes by enrolling (self_service.enrol)."""
    return self_service.enrol(user, **fields)


_names = itertools.count(1)


def waiting_claim(world: Any, project: Project, hours: str = "3",
                  sent_days_ago: int = 0) -> HoursClaim:
    """A volunteer of village A1 (or of the project's village) with an account signs up to the
    project and claims `hours` of yesterday, `sent_days_ago` days ago."""
    area = project.area if project.area.level >= world.village_a1.level else world.village_a1
    phone = new_phone()
    services.register(area, by=world.command, name=f"Volunteer {next(_names)}", phone=phone,
                      registered_on=days(-20))
    user = volunteer_user(area, phone=phone)
    volunteer = enrolled(user)
    self_service.sign_up(project, volunteer, by=user)
    claim = self_service.claim_hours(project, volunteer, by=user, served_on=days(-1),
                                     hours=hours)
    if sent_days_ago:
        HoursClaim.objects.filter(pk=claim.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=sent_days_ago))
    return claim
