"""The volunteers family: volunteers serving and who served, counted in the area they registered
in, and hours served, counted in the area of the project; rolled up the tree (town A holds its
villages' hours), a past day counted as the records stood then."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.reporting import metrics
from epigrid.reporting import services as reporting
from epigrid.reporting.families_volunteers import compute
from epigrid.reporting.models import DailyFigures
from epigrid.volunteers import services
from epigrid.volunteers.models import Project, ServiceRecord, Volunteer
from tests.reporting.helpers import more_areas
from tests.volunteers.helpers import VolunteersTestCase, days

CODES = ("volunteers_serving", "volunteers_served", "volunteers_hours")


def today() -> datetime.date:
    return timezone.localdate()


def stored(area: Area, day: datetime.date | None = None) -> dict[str, int]:
    values: dict[str, int] = DailyFigures.objects.get(area=area, day=day or today()).values
    return {code: n for code, n in values.items() if code.startswith("volunteers_")}


class VolunteersFamilyTests(VolunteersTestCase):
    def in_b1(self, name: str) -> tuple[Project, Volunteer]:
        """Bob's project of village B1 and a volunteer of it (alice sees only town A)."""
        w = self.world
        return (self.project(w.village_b1, name="Xihe deliveries", by=w.bob),
                self.volunteer(w.village_b1, name=name, by=w.bob))

    def test_it_counts_who_registered_today_and_who_left_today_but_not_yesterday(self) -> None:
        w = self.world
        self.volunteer()  # ten days ago, still serving
        self.volunteer(name="New Today", registered_on=days(0))
        services.leave(self.volunteer(name="Left Today"), by=w.alice, on=days(0))
        services.leave(self.volunteer(name="Left Yesterday"), by=w.alice, on=days(-1))
        self.volunteer(w.village_a2, name="Gao Yi")
        leaves = compute(today(), timezone.now())
        self.assertEqual(leaves[w.village_a1.path], {"volunteers_serving": 3})
        self.assertEqual(leaves[w.village_a2.path], {"volunteers_serving": 1})
        # Yesterday the newcomer was not yet there, and who left yesterday still was (as was
        # who left today): Wang Fang, Left Today, Left Yesterday.
        self.assertEqual(compute(days(-1), timezone.now())[w.village_a1.path],
                         {"volunteers_serving": 3})

    def test_it_counts_who_served_once_where_they_registered(self) -> None:
        w = self.world
        deliveries, care = self.project(), self.project(w.village_a2, name="Care for the elderly")
        wang = self.volunteer()
        self.hours(deliveries, wang, "2", served_on=days(0))
        self.hours(care, wang, "1.5", served_on=days(0))  # once, however many projects
        self.hours(deliveries, self.volunteer(name="Liu Fang"), "3")  # yesterday
        leaves = compute(today(), timezone.now())
        self.assertEqual(leaves[w.village_a1.path], {"volunteers_serving": 2,
                                                     "volunteers_served": 1})
        self.assertEqual(compute(days(-1), timezone.now())[w.village_a1.path],
                         {"volunteers_serving": 2, "volunteers_served": 1})

    def test_it_counts_who_served_on_the_day_they_left(self) -> None:
        w = self.world
        wang = self.volunteer()
        self.hours(self.project(), wang, "4", served_on=days(-3))
        services.leave(wang, by=w.alice, on=days(-3))
        self.assertEqual(compute(days(-3), timezone.now())[w.village_a1.path],
                         {"volunteers_serving": 1, "volunteers_served": 1})
        self.assertNotIn(w.village_a1.path, compute(today(), timezone.now()))

    def test_it_sums_the_days_hours_in_the_projects_area(self) -> None:
        w = self.world
        deliveries, care = self.project(), self.project(w.village_a2, name="Care for the elderly")
        wang, liu = self.volunteer(), self.volunteer(name="Liu Fang")
        self.hours(deliveries, wang, "2.5", served_on=days(0))
        self.hours(deliveries, liu, "1.5", served_on=days(0))
        self.hours(care, wang, "3", served_on=days(0))
        self.hours(care, liu, "8", served_on=days(-1))  # another day
        leaves = compute(today(), timezone.now())
        self.assertEqual(leaves[w.town_a.path], {"volunteers_hours": 4})
        self.assertEqual(leaves[w.village_a2.path], {"volunteers_hours": 3})
        self.assertEqual(leaves[w.village_a1.path], {"volunteers_serving": 2,
                                                     "volunteers_served": 2})
        self.assertEqual(compute(days(-1), timezone.now())[w.village_a2.path],
                         {"volunteers_hours": 8})

    def test_it_carries_half_hours_so_that_the_sums_up_the_tree_stay_right(self) -> None:
        w = self.world
        wang = self.volunteer()
        self.hours(self.project(w.village_a1, name="A1 help"), wang, "0.5", served_on=days(0))
        self.hours(self.project(w.village_a2, name="A2 help"), wang, "0.5", served_on=days(0))
        project, zhao = self.in_b1("Zhao Min")
        self.hours(project, zhao, "0.5", served_on=days(0), by=w.bob)
        reporting.recompute_day(today())
        hours = {area.name: stored(area).get("volunteers_hours", 0) for area in (
            w.village_a1, w.village_a2, w.village_b1, w.town_a, w.town_b, w.district)}
        # Half an hour each: the villages read 1, 0, 1 (the hour below or above), town A its
        # one hour, town B its half hour to the hour above, the district its 1.5 to 2.
        self.assertEqual(hours, {"Village A1": 1, "Village A2": 0, "Village B1": 1,
                                 "Dongcheng Town": 1, "Xihe Town": 1, "Qingshan District": 2})

    def test_it_rolls_the_figures_up_the_tree(self) -> None:
        w = self.world
        deliveries, care = self.project(), self.project(w.village_a1, name="Care for the elderly")
        wang, liu = self.volunteer(), self.volunteer(w.village_a2, name="Liu Fang")
        self.hours(deliveries, wang, "2", served_on=days(0))
        self.hours(care, liu, "3.5", served_on=days(0))
        self.hours(care, wang, "1.5", served_on=days(0))
        project, zhao = self.in_b1("Zhao Min")
        self.hours(project, zhao, "6", served_on=days(0), by=w.bob)
        self.hours(project, zhao, "5", served_on=days(-1), by=w.bob)  # not today's
        reporting.recompute_day(today())
        self.assertEqual(stored(w.village_a1), {"volunteers_serving": 1, "volunteers_served": 1,
                                                "volunteers_hours": 5})
        self.assertEqual(stored(w.town_a), {"volunteers_serving": 2, "volunteers_served": 2,
                                            "volunteers_hours": 7})
        self.assertEqual(stored(w.town_b), {"volunteers_serving": 1, "volunteers_served": 1,
                                            "volunteers_hours": 6})
        self.assertEqual(stored(w.district), {"volunteers_serving": 3, "volunteers_served": 3,
                                              "volunteers_hours": 13})

    def test_it_keeps_a_past_days_serving_figure_and_counts_its_hours(self) -> None:
        w = self.world
        yesterday = days(-1)
        self.hours(self.project(), self.volunteer(), "2.5", served_on=yesterday)
        reporting.recompute_day(yesterday)
        self.assertEqual(stored(w.town_a, yesterday), {"volunteers_served": 1,
                                                       "volunteers_hours": 3})
        # Serving is a snapshot: today's only (a past day keeps what was stored for it).

    def test_it_leaves_out_what_was_entered_after_the_count(self) -> None:
        w = self.world
        at = timezone.now() - datetime.timedelta(minutes=5)
        early, late = self.volunteer(), self.volunteer(name="Entered Late")
        project = self.project()
        self.hours(project, early, "2")  # yesterday, entered after `at`
        Volunteer.objects.filter(pk=early.pk).update(created_at=at - datetime.timedelta(hours=1))
        self.assertEqual(dict(compute(days(-1), at)), {
            w.village_a1.path: {"volunteers_serving": 1}})
        ServiceRecord.objects.filter(volunteer=early).update(
            created_at=at - datetime.timedelta(minutes=1))
        self.hours(project, late, "3")  # entered after `at`
        self.assertEqual(dict(compute(days(-1), at)), {
            w.village_a1.path: {"volunteers_serving": 1, "volunteers_served": 1},
            w.town_a.path: {"volunteers_hours": 2}})

    def test_it_counts_in_two_queries_whatever_the_areas(self) -> None:
        project, wang = self.project(), self.volunteer()
        self.hours(project, wang, "2", served_on=days(0))

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                compute(today(), timezone.now())
            return len(captured.captured_queries)

        self.assertEqual(queries(), 2)
        for n, village in enumerate(more_areas(self.world.town_a, 5)):
            helped = self.volunteer(village, name=f"Helper {n}")
            self.hours(self.project(village, name=f"Help {n}"), helped, "1", served_on=days(0))
        self.assertEqual(queries(), 2)

    def test_it_links_each_figure_to_its_list(self) -> None:
        found = {code: metrics.get_metric(code) for code in CODES}
        people, projects = reverse("volunteers:volunteers"), reverse("volunteers:projects")
        self.assertEqual([found[code].url(7, today(), self.world.command) for code in CODES], [
            f"{people}?area=7&status=serving", f"{people}?area=7&status=any",
            f"{projects}?area=7&status=any"])
        self.assertEqual([found[code].family for code in CODES], ["volunteers"] * 3)
        self.assertEqual([found[code].snapshot for code in CODES], [True, False, False])
        self.assertEqual([str(found[code].unit) for code in CODES],
                         ["persons", "persons", "hours"])
        self.assertEqual([f.key for f in metrics.families()][-2:],
                         ["mobilization", "volunteers"])

    def test_its_links_open_the_lists_behind_the_figures(self) -> None:
        w = self.world
        wang, left = self.volunteer(), self.volunteer(w.village_a2, name="Left Since")
        project = self.project(w.village_a1, name="A1 help", ends_on=days(-2))
        self.hours(project, left, "2", served_on=days(-3))
        services.leave(left, by=w.alice, on=days(-2))
        self.project(w.village_b1, name="Xihe deliveries", by=w.bob)  # not town A's
        client = self.client_for(w.alice)

        def opened(code: str) -> list[str]:
            url = metrics.get_metric(code).url(w.town_a.pk, days(-3), w.alice)
            assert url is not None  # the lists need no capability: everyone gets the links
            response = client.get(url)
            self.assertEqual(response.context["form"].errors, {})
            rows = (response.context["projects"] if "projects" in response.context
                    else [row.volunteer for row in response.context["rows"]])
            return [str(row) for row in rows]

        self.assertEqual(opened("volunteers_serving"), [wang.name])  # today's
        self.assertEqual(opened("volunteers_served"), [wang.name, left.name])
        self.assertEqual(opened("volunteers_hours"), [project.name])  # ended since
