"""The demo's supervision: documents routed, circulated and archived, tasks in every state with
the overdue ones reminded, inspections whose findings are open, rectified and verified."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.alerts.models import Notice
from epigrid.core.access import Role
from epigrid.demo.supervision_data import (
    ARCHIVED,
    DIRECT,
    DOCUMENTS,
    INSPECTIONS,
    OVERDUE_BY,
    write_supervision,
)
from epigrid.supervision.models import (
    PENDING,
    Circulation,
    Document,
    DocumentStatus,
    Finding,
    FindingStatus,
    Inspection,
    Step,
    Task,
    TaskEvent,
    TaskStatus,
    overdue_findings_q,
    overdue_tasks_q,
)
from tests.base import BaseTestCase

SEED = 5


class DemoSupervisionTests(BaseTestCase):
    written: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.written = write_supervision(cls.world.city, SEED)

    def test_it_registers_the_documents_of_ten_days_and_routes_most_to_the_towns(self) -> None:
        w, today = self.world, timezone.localdate()
        assert self.written["documents"] == len(DOCUMENTS) == Document.objects.count()
        days = set(Document.objects.values_list("received_on", flat=True))
        assert min(days) == today - datetime.timedelta(days=10) and max(days) == today
        routed = [spread for *_head, spread, _title, _summary in DOCUMENTS if spread]
        assert Document.objects.exclude(status=DocumentStatus.REGISTERED).count() == len(routed)
        # Each routed to as many towns as it names, two here (the world has two), one leading.
        for document in Document.objects.exclude(status=DocumentStatus.REGISTERED):
            tasks = list(document.tasks.filter(parent=None))
            assert {task.area for task in tasks} == {w.town_a, w.town_b}
            assert sorted(task.part for task in tasks) == ["assist", "lead"]
        assert Task.objects.count() == self.written["tasks"] == (
            2 * len(routed) + len(DIRECT) + 2)  # and two parts handed down
        desk = User.objects.get(username="supervisor")
        assert (desk.role, desk.home_area, desk.has_usable_password()) == (
            Role.SUPERVISOR, w.district, False)
        assert set(Document.objects.values_list("registered_by", flat=True)) == {desk.pk}

    def test_it_archives_the_oldest_documents_once_their_tasks_are_closed(self) -> None:
        archived = Document.objects.filter(status=DocumentStatus.ARCHIVED)
        assert archived.count() == ARCHIVED
        for document in archived:
            statuses = set(document.tasks.values_list("status", flat=True))
            assert statuses <= {TaskStatus.DONE, TaskStatus.CANCELLED}, document
            assert document.archived_at is not None
            assert timezone.localdate(document.archived_at) >= document.received_on
        assert Task.objects.filter(document__status=DocumentStatus.ARCHIVED,
                                   status=TaskStatus.CANCELLED).exists()

    def test_it_has_tasks_in_every_state_and_the_overdue_ones_reminded(self) -> None:
        today = timezone.localdate()
        assert set(Task.objects.values_list("status", flat=True)) == set(TaskStatus.values)
        returned = Task.objects.filter(events__step=Step.RETURNED)
        assert returned.filter(status=TaskStatus.OPEN).exists()
        assert returned.filter(status=TaskStatus.REPORTED).exists()
        assert Task.objects.filter(status=TaskStatus.REPORTED, reported_at__isnull=False).exists()
        overdue = Task.objects.filter(overdue_tasks_q(today))
        assert overdue.count() == len(OVERDUE_BY) == self.written["tasks_reminded"]
        assert {(today - task.due_on).days for task in overdue} == set(OVERDUE_BY)
        assert all(task.reminders == 1 and task.reminded_at is not None for task in overdue)
        assert TaskEvent.objects.filter(step=Step.REMINDED).count() == len(OVERDUE_BY)
        # Only tasks set directly by the desk are overdue: a document's are due today or later.
        assert not overdue.filter(document__isnull=False).exists()
        assert not Task.objects.filter(status__in=PENDING, document__isnull=False,
                                       due_on__lt=today).exists()

    def test_officer_1s_town_hands_a_task_down_to_two_villages(self) -> None:
        w = self.world
        parts = list(Task.objects.filter(parent__isnull=False).select_related("parent")
                     .order_by("area__path"))
        assert [part.area for part in parts] == [w.village_a1, w.village_a2]
        task = parts[0].parent
        assert (task.area, task.status, task.part) == (w.town_a, TaskStatus.OPEN, "lead")
        assert all(part.parent == task and part.document_id == task.document_id
                   and part.issuer_area == w.town_a and part.due_on == task.due_on
                   for part in parts)
        assert [part.status for part in parts] == [TaskStatus.REPORTED, TaskStatus.OPEN]
        assert task.events.filter(step=Step.HANDED_DOWN).count() == 1
        officer = User.objects.get(username="officer1")
        assert parts[0].created_by == officer

    def test_it_stamps_each_step_at_the_moment_it_happened(self) -> None:
        now = timezone.now()
        for task in Task.objects.prefetch_related("events"):
            moments = [event.at for event in task.events.all()]  # in the order written
            assert moments == sorted(moments) and moments[-1] <= now, task
            assert task.events.all()[0].step == Step.SET
            assert task.created_at == moments[0]
        week_ago = now - datetime.timedelta(days=8)
        assert Task.objects.filter(created_at__lt=now - datetime.timedelta(days=3),
                                   created_at__gte=week_ago, document__isnull=True).exists()
        closed = Task.objects.filter(status=TaskStatus.DONE)
        assert all(task.reported_at <= task.closed_at <= now for task in closed)

    def test_it_circulates_some_to_the_command_and_the_supervisor_partly_read(self) -> None:
        readers = set(Circulation.objects.values_list("reader__username", flat=True))
        assert readers == {"command", "supervisor"}
        assert Circulation.objects.filter(read_at__isnull=False).exists()
        assert Circulation.objects.filter(read_at__isnull=True).exists()
        assert all(circulation.sent_at <= circulation.read_at
                   for circulation in Circulation.objects.filter(read_at__isnull=False))
        assert Circulation.objects.exclude(remarks="").exists()

    def test_it_records_inspections_with_findings_in_every_state(self) -> None:
        w, today = self.world, timezone.localdate()
        assert Inspection.objects.count() == INSPECTIONS
        assert set(Inspection.objects.values_list("facility", flat=True)) == {
            w.facility_a.pk, w.facility_b.pk}
        assert max(inspection.findings.count() for inspection in Inspection.objects.all()) <= 4
        assert Finding.objects.count() == self.written["findings"] > 0
        assert set(Finding.objects.values_list("status", flat=True)) == set(FindingStatus.values)
        assert Finding.objects.filter(overdue_findings_q(today)).exists()
        assert Finding.objects.filter(status=FindingStatus.OPEN, rectify_by__gte=today).exists()
        verified = Finding.objects.filter(status=FindingStatus.VERIFIED)
        assert all(f.rectified_at is not None and f.verified_at is not None
                   and f.rectified_at <= f.verified_at for f in verified)
        reopened = Finding.objects.filter(reopens__gt=0)
        assert reopened.exists()
        assert all(f.status == FindingStatus.OPEN and f.reopens == 1 and f.rectified_at
                   and f.reopened_at and f.rectified_at < f.reopened_at for f in reopened)
        assert Finding.objects.filter(status=FindingStatus.RECTIFIED,
                                      verified_at__isnull=True).exists()
        # Recorded on the day of the inspection, for the day's figures.
        assert all(timezone.localdate(finding.created_at) == finding.inspection.inspected_on
                   for finding in Finding.objects.select_related("inspection"))


class DemoSupervisionNoticeTests(BaseTestCase):
    def test_it_tells_the_areas_of_their_overdue_tasks(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            write_supervision(self.world.city, SEED)
        for task in Task.objects.filter(overdue_tasks_q(timezone.localdate())):
            link = (reverse("supervision:tasks")
                    + f"?area={task.area_id}&status=overdue")  # one notice per area
            bodies = [notice.body for notice in Notice.objects.filter(link=link)]
            assert any(task.title in body for body in bodies), bodies

    def test_it_writes_the_same_district_from_the_same_seed(self) -> None:
        def written() -> list[tuple[Any, ...]]:
            with transaction.atomic():
                write_supervision(self.world.city, SEED)
                rows = list(Task.objects.order_by("pk").values_list(
                    "title", "area__code", "status", "due_on", "part"))
                rows += list(Finding.objects.order_by("pk").values_list(
                    "description", "inspection__facility__code", "status", "rectify_by"))
                transaction.set_rollback(True)
            return rows

        assert written() == written()
