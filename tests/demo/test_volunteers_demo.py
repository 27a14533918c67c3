"""The demo's volunteers: projects of the first towns and of the district (two closed, one not
begun), about 400 volunteers of the villages with unique mobiles (thirty left), and about 3,000
days of service, each within every rule of the volunteers' services."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.areas.models import Level
from epigrid.core.identity import parse_mobile
from epigrid.demo import volunteers_texts as texts
from epigrid.demo.volunteers_data import RecordSheet, write_volunteers
from epigrid.volunteers import services
from epigrid.volunteers.models import Project, ProjectKind, ServiceRecord, Volunteer
from tests.base import BaseTestCase
from tests.volunteers.helpers import VolunteersTestCase, days

SEED = 5


class DemoVolunteersTests(BaseTestCase):
    written: dict[str, Any]
    seconds: float
    statements: int

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        started = time.process_time()  # the CPU's time: a busy machine does not fail it
        with CaptureQueriesContext(connection) as captured:
            cls.written = write_volunteers(cls.world.city, SEED)
        cls.seconds = time.process_time() - started
        cls.statements = len(captured.captured_queries)

    def test_it_opens_the_towns_projects_and_the_districts_two_closed_one_ahead(self) -> None:
        w, today = self.world, timezone.localdate()
        # The world has two towns: three projects each, the first town's door-to-door round,
        # and the district's four.
        assert self.written["projects"] == Project.objects.count() == 2 * 3 + 1 + 4
        town_a = set(Project.objects.filter(area=w.town_a).values_list("name", flat=True))
        assert town_a == {"Dongcheng Town卡口值守志愿服务", "Dongcheng Town隔离户物资代购配送",
                          "Dongcheng Town独居老人关爱", "Dongcheng Town入户排查协助"}
        assert set(Project.objects.filter(area=w.district).values_list("name", flat=True)) == {
            "心理疏导热线", "防疫宣传", "爱心车队接送医护人员", "复工复产志愿服务"}
        assert set(Project.objects.values_list("kind", flat=True)) == set(ProjectKind.values)
        closed = Project.objects.filter(closed_on__isnull=False).order_by("closed_on")
        assert [(p.name, p.closed_on) for p in closed] == [
            ("Dongcheng Town入户排查协助", today - datetime.timedelta(days=12)),
            ("爱心车队接送医护人员", today - datetime.timedelta(days=3))]
        ahead = Project.objects.get(starts_on__gt=today)
        assert ahead.name == "复工复产志愿服务" and not ahead.records.exists()

    def test_it_registers_the_villages_volunteers_with_unique_mobiles_some_left(self) -> None:
        today = timezone.localdate()
        volunteers = Volunteer.objects.all()
        assert self.written["volunteers"] == volunteers.count() == texts.VOLUNTEERS
        assert set(volunteers.values_list("area__level", flat=True)) == {Level.VILLAGE}
        phones = list(volunteers.values_list("phone", flat=True))
        assert len(set(phones)) == len(phones)
        assert all(parse_mobile(phone) == phone for phone in phones)
        left = volunteers.filter(left_on__isnull=False)
        assert left.count() == texts.LEFT == texts.VOLUNTEERS - self.written["serving"]
        for volunteer in left:
            assert volunteer.registered_on + datetime.timedelta(days=5) <= volunteer.left_on
            assert volunteer.left_on < today, volunteer
        registered = [v.registered_on for v in volunteers]
        assert min(registered) >= today - datetime.timedelta(days=texts.REGISTERED_BACK[0])
        assert max(registered) <= today
        assert 0.25 <= volunteers.filter(party_member=True).count() / texts.VOLUNTEERS <= 0.45
        assert volunteers.filter(skills="心理咨询师").exists()

    def test_it_records_about_three_thousand_days_of_service_within_every_rule(self) -> None:
        today = timezone.localdate()
        records = ServiceRecord.objects.select_related("project__area", "volunteer__area")
        assert self.written["records"] == records.count()
        assert 2_500 <= records.count() <= 3_500, records.count()
        a_day: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
        for record in records:
            project, volunteer, day = record.project, record.volunteer, record.served_on
            assert project.is_open(day) and volunteer.is_active(day) and day <= today, record
            assert record.hours % Decimal("0.5") == 0 and 0 < record.hours <= 8, record
            # A town's project is served by its own villages' volunteers.
            assert volunteer.area.path.startswith(project.area.path), record
            a_day[volunteer.pk, day] += record.hours
        assert max(a_day.values()) <= 24
        total = records.aggregate(total=Sum("hours"))["total"]
        assert Decimal(str(self.written["hours"])) == total
        # Served over the last four weeks, by most volunteers, on every open project.
        days = set(records.values_list("served_on", flat=True))
        assert min(days) <= today - datetime.timedelta(days=25)
        assert records.values("volunteer").distinct().count() >= 0.8 * texts.VOLUNTEERS
        begun = Project.objects.filter(starts_on__lte=today)
        assert set(records.values_list("project", flat=True)) == set(
            begun.values_list("pk", flat=True))
        assert records.exclude(note="").count() >= 0.2 * records.count()

    def test_it_has_each_area_keep_its_own(self) -> None:
        w = self.world
        # The towns' officers keep theirs (the demo logins: officer1 in town A, officer2 in
        # town B); the command the district's.
        keepers = set(ServiceRecord.objects.values_list("project__area", "recorded_by__username"))
        assert keepers == {(w.town_a.pk, "officer1"), (w.town_b.pk, "officer2"),
                           (w.district.pk, "command")}
        by_village = set(Volunteer.objects.values_list("area__parent", "created_by__username"))
        assert by_village == {(w.town_a.pk, "officer1"), (w.town_b.pk, "officer2")}

    def test_it_stamps_each_row_on_the_day_it_happened(self) -> None:
        local = timezone.localdate
        assert all(local(v.created_at) == v.registered_on for v in Volunteer.objects.all())
        assert all(local(r.created_at) == r.served_on for r in ServiceRecord.objects.all())
        assert all(local(p.created_at) < p.starts_on for p in Project.objects.filter(
            starts_on__lte=local()))

    def test_it_is_fast(self) -> None:
        # The volunteers through the service (a savepoint, the phone's check, the row, its
        # audit entry), the hours in bulk after their rules are checked in memory.
        assert self.seconds < 2, self.seconds
        assert self.statements < 10 * texts.VOLUNTEERS, self.statements


class DemoVolunteersSheetTests(VolunteersTestCase):
    """The demo's bulk path of the hours refuses what services.record_hours refuses."""

    def test_it_refuses_what_the_service_refuses_and_writes_the_rest(self) -> None:
        w, sheet = self.world, RecordSheet(timezone.localdate())
        volunteer, project = self.volunteer(), self.project()
        gone = services.leave(self.volunteer(name="Li Na"), by=w.alice, on=days(-3))
        closed = services.close_project(self.project(name="Publicity"), by=w.alice, on=days(-2))
        sheet.add(project, volunteer, by=w.alice, served_on=days(-1), hours="20")
        refusals = {
            "once a day per project": (project, volunteer, w.alice, days(-1), "1"),
            "at most 24 hours a day": (closed, volunteer, w.alice, days(-1), "4.5"),
            "hours more than 0": (closed, volunteer, w.alice, days(-3), "2.25"),
            "the project open on the day": (closed, volunteer, w.alice, days(-1), "1"),
            "the volunteer registered on the day": (project, gone, w.alice, days(-2), "1"),
            "the day not in the future": (project, volunteer, w.alice, days(1), "1"),
            "the recorder sees the project's area": (project, volunteer, w.bob, days(-2), "1"),
        }
        for rule, (where, who, by, day, hours) in refusals.items():
            with self.assertRaisesRegex(ValueError, rule):
                sheet.add(where, who, by=by, served_on=day, hours=hours)
        sheet.add(closed, volunteer, by=w.alice, served_on=days(-2), hours="4")
        written = sheet.write()
        assert [(r.project, r.served_on, r.hours) for r in written] == [
            (project, days(-1), Decimal(20)), (closed, days(-2), Decimal(4))]
        assert ServiceRecord.objects.count() == 2


class DemoVolunteersSeedTests(BaseTestCase):
    def test_it_writes_the_same_volunteers_from_the_same_seed(self) -> None:
        def written() -> list[tuple[Any, ...]]:
            with transaction.atomic():
                write_volunteers(self.world.city, SEED)
                rows = list(Volunteer.objects.order_by("pk").values_list(
                    "name", "area__code", "phone", "registered_on", "left_on", "skills"))
                rows += list(ServiceRecord.objects.order_by("pk").values_list(
                    "project__name", "volunteer__phone", "served_on", "hours", "note"))
                transaction.set_rollback(True)
            return rows

        assert written() == written()
