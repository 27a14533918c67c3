"""Retention limits (core.retention, `epigrid purge`): what is past its limit goes, in batches,
and nothing else; the figures and the records a rule keeps on purpose stay; each removal is
audited."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.services import notify
from epigrid.checkpoints.models import FeverReferral, Passage, PassageHour
from epigrid.checkpoints.passages import record_passages
from epigrid.core import retention
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry, ImportRun
from epigrid.core.tasks import purge_expired
from tests.base import BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item, items
from tests.core.test_imports_support import import_bytes
from tests.registry.test_roster_import import roster, row

DAY = datetime.timedelta(days=1)


def hour_counts() -> list[tuple[int, int]]:
    return sorted(PassageHour.objects.values_list("checkpoint_id", "persons"))


class PassageRetentionTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        record_passages(east_road_staff(w), w.checkpoint_a, [
            *items(4), item(temperature="38.9", name="Wang Jun")])
        self.old = list(Passage.objects.order_by("pk").values_list("pk", flat=True))
        # Four passages (one of them the fever referral's) from 61 days ago, one from 59.
        now = timezone.now()
        Passage.objects.filter(pk__in=self.old[1:]).update(at=now - 61 * DAY)
        Passage.objects.filter(pk=self.old[0]).update(at=now - 59 * DAY)

    def test_it_removes_the_passages_past_the_limit_but_a_referrals_and_keeps_the_counts(
            self) -> None:
        counts = hour_counts()
        done = {purged.rule.name: purged for purged in retention.purge()}
        assert (done["passages"].days, done["passages"].rows) == (60, 3)
        kept = set(Passage.objects.values_list("pk", flat=True))
        referred = FeverReferral.objects.get().passage_id
        assert kept == {self.old[0], referred}
        assert hour_counts() == counts  # the figures are the hours', counted as they came
        entry = AuditEntry.objects.get(model="checkpoints.Passage")
        assert (entry.action, entry.changes, entry.reason) == (
            "delete", {"rows": 3, "days": 60}, "retention limit")
        assert retention.purge(only={"passages"})[0].rows == 0  # nothing more to remove

    def test_a_dry_run_counts_and_removes_nothing(self) -> None:
        done = retention.purge(dry_run=True, only={"passages"})
        assert [(purged.rule.name, purged.rows) for purged in done] == [("passages", 3)]
        assert Passage.objects.count() == 5 and not AuditEntry.objects.filter(
            model="checkpoints.Passage").exists()

    def test_it_removes_in_batches_of_its_size(self) -> None:
        with mock.patch.object(retention, "BATCH", 2):
            assert retention.purge(only={"passages"})[0].rows == 3
        assert Passage.objects.count() == 2

    @override_settings(RETAIN_PASSAGES_DAYS=0)
    def test_a_limit_of_zero_keeps_them_for_good(self) -> None:
        purged = retention.purge(only={"passages"})[0]
        assert (purged.days, purged.before, purged.rows) == (0, None, 0)
        assert Passage.objects.count() == 5


class OtherRuleTests(BaseTestCase):
    def test_it_removes_old_notices_with_their_receipts(self) -> None:
        w = self.world
        old = notify([w.town_a], [Role.AREA_OFFICER], "Masks arrive at 14:00")
        new = notify([w.town_a], [Role.AREA_OFFICER], "Masks arrived")
        Notice.objects.filter(pk=old.pk).update(created_at=timezone.now() - 91 * DAY)
        assert Receipt.objects.filter(notice=old).exists()
        assert retention.purge(only={"notices"})[0].rows == 1
        assert list(Notice.objects.values_list("pk", flat=True)) == [new.pk]
        assert not Receipt.objects.filter(notice_id=old.pk).exists()

    def test_it_empties_the_refused_rows_of_old_imports_and_the_page_says_so(self) -> None:
        w = self.world
        runs = [import_bytes("roster", roster(row(), row(name="Twice")), w.alice)
                for _ in range(2)]
        ImportRun.objects.filter(pk=runs[0].pk).update(finished_at=timezone.now() - 31 * DAY)
        assert retention.purge(only={"import_errors"})[0].rows == 1
        old, new = (ImportRun.objects.get(pk=run.pk) for run in runs)
        assert (old.errors, old.errors_total, old.rows_failed) == ([], 1, 1)
        assert len(new.errors) == 1
        page = self.client_for(w.alice).get(reverse("imports:detail", args=[old.pk]))
        body = page.content.decode()
        assert 'id="errors-purged"' in body and "removed after 30 days" in body
        assert reverse("imports:report", args=[old.pk]) not in body

    def test_it_keeps_the_audit_log_unless_it_is_limited(self) -> None:
        AuditEntry.objects.create(action="view", model="registry.Person")
        AuditEntry.objects.update(at=timezone.now() - 400 * DAY)
        before = AuditEntry.objects.count()
        assert retention.purge(only={"audit"})[0].rows == 0
        with override_settings(RETAIN_AUDIT_DAYS=365):
            assert retention.purge(only={"audit"})[0].rows == before
        # Only the removal's own entry is left: the log says it was purged, and how much.
        assert list(AuditEntry.objects.values_list("model", "changes")) == [
            ("core.AuditEntry", {"rows": before, "days": 365})]


class CommandTests(BaseTestCase):
    def test_it_prints_each_rule_and_refuses_an_unknown_one(self) -> None:
        out = io.StringIO()
        call_command("purge", "--dry-run", stdout=out)
        lines = out.getvalue().splitlines()
        assert [line.split(":")[0] for line in lines] == [
            "audit", "claim_digests", "export_files", "import_errors", "notices", "passages"]
        assert lines[0] == "audit: kept for good (RETAIN_AUDIT_DAYS = 0)"
        assert lines[5].startswith("passages: would remove 0 older than 60 days (before ")
        with pytest.raises(CommandError, match="unknown rule mail; the rules: audit, "):
            call_command("purge", "--only", "mail", stdout=out)

    def test_the_beat_runs_it_nightly(self) -> None:
        entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-data"]
        assert entry["task"] == purge_expired.name == "epigrid.core.purge_expired"
        assert purge_expired() == {"audit": 0, "claim_digests": 0, "export_files": 0,
                                   "import_errors": 0, "notices": 0, "passages": 0}
