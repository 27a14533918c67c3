"""Projects 志愿服务项目: a kind and a name unique in their area, starting at most 30 days ahead,
ending (if they say) not before they start; closed once, not before the start, not in the
future, and serving up to the day they closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from epigrid.core.models import AuditEntry
from epigrid.volunteers import services
from epigrid.volunteers.models import Project, ProjectKind, ServiceRecord
from tests.volunteers.helpers import VolunteersTestCase, days


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


class OpenProjectTests(VolunteersTestCase):
    def test_it_opens_the_project_in_the_area_and_audits_it(self) -> None:
        project = self.project(kind=ProjectKind.CARE, name=" Calls to the elderly ",
                               description=" Twice a week ", ends_on=days(20),
                               volunteers_needed=4)
        project.refresh_from_db()
        assert (project.area, project.kind, project.name, project.description) == (
            self.world.town_a, ProjectKind.CARE, "Calls to the elderly", "Twice a week")
        assert (project.starts_on, project.ends_on, project.closed_on, project.last_day,
                project.volunteers_needed, project.created_by) == (
            days(-7), days(20), None, days(20), 4, self.world.alice)
        assert AuditEntry.objects.filter(action="create", model="volunteers.Project",
                                         object_pk=str(project.pk)).exists()

    def test_it_needs_a_kind_and_a_name(self) -> None:
        errors = refusal(lambda: self.project(kind="parade", name=" "))
        assert errors == {"kind": ["Choose the kind of project."],
                          "name": ["Name the project."]}

    def test_a_name_is_unique_in_its_area_only(self) -> None:
        self.project()
        errors = refusal(lambda: self.project(name=" Deliveries to the quarantined "))
        assert errors == {"name": ["Dongcheng Town has a project named Deliveries to the "
                                   "quarantined already."]}
        # Town B may run a project of the same name; so may a village of town A.
        assert self.project(self.world.town_b, by=self.world.bob).area == self.world.town_b
        assert self.project(self.world.village_a1).area == self.world.village_a1
        assert Project.objects.filter(name="Deliveries to the quarantined").count() == 3

    def test_it_starts_at_most_thirty_days_ahead(self) -> None:
        assert self.project(name="Next month", starts_on=days(30)).starts_on == days(30)
        errors = refusal(lambda: self.project(name="Next year", starts_on=days(31)))
        assert errors == {"starts_on": ["A project starts at most 30 days ahead."]}
        assert not Project.objects.filter(name="Next year").exists()

    def test_it_ends_on_or_after_the_day_it_starts(self) -> None:
        one_day = self.project(name="One day", starts_on=days(-3), ends_on=days(-3))
        assert (one_day.last_day, one_day.is_open(days(-3)), one_day.is_open(days(-2))) == (
            days(-3), True, False)
        errors = refusal(lambda: self.project(name="Backwards", starts_on=days(-3),
                                              ends_on=days(-4)))
        assert errors == {"ends_on": ["A project ends on or after the day it starts."]}

    def test_it_needs_no_negative_number_of_volunteers(self) -> None:
        errors = refusal(lambda: self.project(volunteers_needed=-1))
        assert errors == {"volunteers_needed": ["Say how many volunteers it needs, or 0."]}
        assert self.project(volunteers_needed=0).volunteers_needed == 0

    def test_it_is_opened_only_in_an_area_one_sees(self) -> None:
        errors = refusal(lambda: self.project(self.world.town_b))  # by Alice, of town A
        assert errors == {"area": ["Choose an area of your own."]}
        assert self.project(self.world.town_b, by=self.world.command).area == self.world.town_b


class CloseProjectTests(VolunteersTestCase):
    def test_it_records_the_closing_day_and_audits_it(self) -> None:
        project = self.project(starts_on=days(-7), ends_on=days(10))
        closed = services.close_project(project, by=self.world.alice, on=days(-2))
        project.refresh_from_db()
        assert closed.closed_on == project.closed_on == days(-2)
        assert project.last_day == days(-2)  # the earlier of its end and its closing
        entry = AuditEntry.objects.get(action="update", model="volunteers.Project",
                                       object_pk=str(project.pk))
        assert entry.changes == {"closed_on": [None, days(-2).isoformat()]}

    def test_it_closes_on_the_day_it_started_but_not_before(self) -> None:
        project = self.project(starts_on=days(-7))
        errors = refusal(lambda: services.close_project(project, by=self.world.alice,
                                                        on=days(-8)))
        assert errors == {"on": [f"The project starts on {days(-7).isoformat()}."]}
        closed = services.close_project(project, by=self.world.alice, on=days(-7))
        assert closed.closed_on == days(-7)

    def test_it_closes_today_but_not_tomorrow(self) -> None:
        project = self.project()
        errors = refusal(lambda: services.close_project(project, by=self.world.alice,
                                                        on=days(1)))
        assert errors == {"on": [f"{days(1).isoformat()} is in the future."]}
        assert services.close_project(project, by=self.world.alice, on=days(0)).closed_on == (
            days(0))

    def test_it_closes_once(self) -> None:
        project = self.project()
        services.close_project(project, by=self.world.alice, on=days(-3))
        errors = refusal(lambda: services.close_project(project, by=self.world.alice,
                                                        on=days(-1)))
        assert errors == {"__all__": [f"The project closed on {days(-3).isoformat()}."]}
        project.refresh_from_db()
        assert project.closed_on == days(-3)

    def test_only_one_who_sees_the_area_closes_it(self) -> None:
        project = self.project()
        errors = refusal(lambda: services.close_project(project, by=self.world.bob,
                                                        on=days(0)))
        assert errors == {"area": ["Choose an area of your own."]}

    def test_a_closed_project_takes_hours_up_to_its_closing_day_only(self) -> None:
        project = self.project(starts_on=days(-7))
        volunteer = self.volunteer()
        closed = services.close_project(project, by=self.world.alice, on=days(-3))
        assert self.hours(closed, volunteer, "2", served_on=days(-4)).hours == 2
        assert self.hours(closed, volunteer, "2", served_on=days(-3)).hours == 2
        errors = refusal(lambda: self.hours(closed, volunteer, "2", served_on=days(-2)))
        assert errors == {"served_on": [f"The project is open from {days(-7).isoformat()} to "
                                        f"{days(-3).isoformat()}."]}
        assert sorted(ServiceRecord.objects.values_list("served_on", flat=True)) == [
            days(-4), days(-3)]

    def test_it_closes_on_the_last_day_with_hours_but_not_before_it(self) -> None:
        project = self.project(starts_on=days(-7))
        self.hours(project, self.volunteer(), "2", served_on=days(-2))
        errors = refusal(lambda: services.close_project(project, by=self.world.alice,
                                                        on=days(-3)))
        assert errors == {"on": [f"Hours are recorded on {days(-2).isoformat()}, after that "
                                 "day: withdraw them first."]}
        assert services.close_project(project, by=self.world.alice, on=days(-2)).closed_on == (
            days(-2))
