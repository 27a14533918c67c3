"""`epigrid bench volunteers` at tiny scale: the CI smoke test of the volunteers benchmark, and
its baselines answering what the measured queries answer."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO
from typing import cast

from django.core.management import call_command
from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone

from benchmarks import volunteers as bench
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.core.access import ScopedUser
from epigrid.volunteers.models import Project, ServiceRecord, Volunteer
from tests.base import make_area

TIMINGS = ("volunteers_list_ms", "volunteers_list_python_ms", "volunteers_list_joined_ms",
           "volunteers_list_district_ms", "volunteers_list_district_python_ms",
           "volunteers_list_district_joined_ms", "hours_by_area_ms", "hours_by_area_python_ms",
           "record_hours_ms", "record_hours_per_record_ms", "record_baseline_ms",
           "projects_list_district_ms", "projects_list_district_joined_ms")


def bench_user(kind: str) -> ScopedUser:
    return cast(ScopedUser, User.objects.get(username__startswith=f"bench-vol-{kind}"))


class VolunteersBenchTests(TestCase):
    def test_it_measures_a_district_of_volunteers_and_rolls_the_recorded_hours_back(
            self) -> None:
        lines: list[str] = []
        figures = bench.run("tiny", 2, log=lines.append)
        volunteers, records = bench.VOLUNTEERS["tiny"], bench.RECORDS["tiny"]
        assert (figures["volunteers"], Volunteer.objects.count()) == (volunteers, volunteers)
        assert figures["serving"] == Volunteer.objects.filter(left_on__isnull=True).count() == (
            volunteers * 9 // 10)
        assert figures["projects"] == Project.objects.count() == bench.PROJECTS["tiny"]
        for name in TIMINGS:
            assert figures[name] > 0, name
        # The page's rows and its count, as the Paginator asks them: no query per row.
        assert figures["volunteers_list_queries"] == figures[
            "volunteers_list_district_queries"] == 2
        day = timezone.localdate() - datetime.timedelta(days=bench.SUMMED_BACK)
        on_the_day = ServiceRecord.objects.filter(served_on=day)
        assert figures["hours_on_the_day"] == float(
            on_the_day.aggregate(total=Sum("hours"))["total"])
        assert figures["hours_by_area_areas"] == on_the_day.values(
            "project__area").distinct().count() > 1
        assert figures["recorded"] == bench.RECORD["tiny"]
        # A lock, the day's record, the day's hours, the row, its audit entry, savepoints.
        assert 5 <= figures["record_hours_queries_per_record"] <= 10
        # The timed records were rolled back: none of today, the bench's records alone.
        assert figures["records"] == ServiceRecord.objects.count() == records
        assert not ServiceRecord.objects.filter(served_on=timezone.localdate()).exists()
        assert Area.objects.filter(level=Level.VILLAGE).count() == bench.TOWNS * bench.VILLAGES
        assert (f"{volunteers} volunteers (900 serving) over 272 villages, 20 projects, "
                f"{records} records over the last 5 weeks") in lines

    def test_its_data_keeps_the_rules_of_the_service(self) -> None:
        bench.run("tiny", 1, log=lambda line: None)
        records = ServiceRecord.objects.select_related("project__area", "volunteer__area")
        for record in records:
            volunteer, project = record.volunteer, record.project
            assert volunteer.is_active(record.served_on), record
            assert project.is_open(record.served_on), record
            assert volunteer.area.path.startswith(project.area.path), record
        # Each volunteer served on distinct days: one record a day, never above 24 hours.
        assert not ServiceRecord.objects.values("volunteer", "served_on").annotate(
            n=Sum("hours")).filter(n__gt=8).exists()

    def test_its_baselines_answer_what_the_queries_answer(self) -> None:
        bench.run("tiny", 1, log=lambda line: None)
        officer, command = bench_user("officer"), bench_user("command")
        town = Area.objects.get(users=cast(User, officer))
        page = bench._page(officer)
        assert len(page) == bench.PAGE
        assert page == bench._page_python(officer)
        assert all(Volunteer.objects.get(pk=row[0]).area.path.startswith(town.path)
                   for row in page)
        assert sum(row[3] for row in page) > 0
        assert bench._page(command) == bench._page_python(command) == bench._page(
            command, bench._joined)
        assert page == bench._page(officer, bench._joined)
        projects = bench._projects_page(command)
        assert projects == bench._projects_page(command, joined=True)
        assert len(projects) == min(bench.PAGE, bench.PROJECTS["tiny"])
        assert sum(row[1] for row in projects) > 0 and sum(row[2] for row in projects) > 0
        day = timezone.localdate() - datetime.timedelta(days=bench.SUMMED_BACK)
        now = timezone.now()
        hours = bench._hours_by_area(day, now)
        assert hours == bench._hours_by_area_python(day, now)
        assert len(hours) > 1  # the towns' projects and the district's
        assert not bench._hours_by_area(day, now - datetime.timedelta(hours=1))
        assert sum(hours.values(), Decimal(0)) == ServiceRecord.objects.filter(
            served_on=day).aggregate(total=Sum("hours"))["total"] > 0

    def test_it_prints_one_json_line_and_leaves_nothing_behind(self) -> None:
        out = StringIO()
        call_command("bench", "volunteers", "--scale", "tiny", "--repeat", "1", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert (result["bench"], result["figures"]["volunteers"]) == ("volunteers", 1_000)
        assert {"volunteers_list_vs_python", "volunteers_list_district_vs_python",
                "hours_by_area_vs_python", "record_hours_vs_baseline"} <= set(result["figures"])
        assert (Volunteer.objects.count(), ServiceRecord.objects.count(),
                Area.objects.count()) == (0, 0, 0)

    def test_it_refuses_a_database_with_volunteers(self) -> None:
        city = make_area(None, Level.CITY, "420100000000", "Jinhe City")
        Volunteer.objects.create(area=city, name="Wang Fang", phone="13700000001",
                                 registered_on=timezone.localdate())
        with self.assertRaisesRegex(bench.BenchRefusedError, "--reuse"):
            bench.run("tiny", 1, log=lambda line: None)
