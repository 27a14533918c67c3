"""The morning's digest 待确认提醒: each area's keepers are told once a day, in one notice, of
the claims of hours waiting on their projects; a village without a keeper of its own has its
town's told; a claim unanswered three days reaches the area above too; the next day tells again;
two runs at once tell once (PostgreSQL)."""

from __future__ import annotations

import datetime
import unittest
from typing import Any

from celery import current_app
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from epigrid.alerts.models import Notice, Receipt
from epigrid.core import retention
from epigrid.volunteers import digest, self_service, services
from epigrid.volunteers.models import ClaimDigest, HoursClaim, Project, ProjectKind
from epigrid.volunteers.tasks import send_claim_digests_task
from tests.base import World
from tests.sessions import at_once
from tests.volunteers.helpers import days, waiting_claim
from tests.volunteers.test_self_pages import SelfServiceTestCase


def told(user: Any) -> list[Notice]:
    return [receipt.notice for receipt in Receipt.objects.filter(user=user)
            .select_related("notice").order_by("pk")]


class DigestTestCase(SelfServiceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliveries = self.project(name="Deliveries to the quarantined")
        self.care = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)

    def claim(self, project: Project | None = None, hours: str = "3",
              sent_days_ago: int = 0) -> HoursClaim:
        return waiting_claim(self.world, project or self.deliveries, hours, sent_days_ago)


class WhoIsToldTests(DigestTestCase):
    def test_it_tells_the_towns_keepers_once_of_every_project_with_claims_waiting(self) -> None:
        w = self.world
        self.claim(hours="4.5")
        self.claim(hours="3")
        self.claim(self.care, hours="2")
        sent = digest.send_claim_digests()
        self.assertEqual([(one.area, one.claims) for one in sent], [(w.town_a, 3)])
        [notice] = told(w.alice)
        self.assertEqual(notice.title, "3 claims of hours waiting")
        today = days(0).isoformat()  # the day the claims were sent
        self.assertEqual(notice.body.splitlines(), [
            f"Calls to the elderly (Dongcheng Town): 1 waiting, 2.0 hours, the oldest sent on "
            f"{today}.",
            f"Deliveries to the quarantined (Dongcheng Town): 2 waiting, 7.5 hours, the oldest "
            f"sent on {today}."])
        self.assertTrue(notice.link.endswith(
            f"/volunteers/projects/?area={w.town_a.pk}&claims=waiting&status=any"))
        self.assertEqual(sent[0].notice, notice)
        for other in (w.bob, w.command, w.li, w.admin):
            self.assertEqual(told(other), [], other.username)

    def test_it_counts_only_the_claims_still_waiting(self) -> None:
        w = self.world
        confirmed, declined = self.claim(), self.claim()
        self_service.confirm_claim(confirmed, by=w.alice)
        self_service.decline_claim(declined, by=w.alice, reason="Not on the sheet")
        Receipt.objects.all().delete()  # the volunteers' answers
        self.assertEqual(digest.send_claim_digests(), [])
        self.assertFalse(Receipt.objects.exists())
        self.claim(self.care, hours="1.5")
        [sent] = digest.send_claim_digests()
        self.assertEqual(sent.claims, 1)
        self.assertEqual(told(w.alice)[0].title, "1 claim of hours waiting")

    def test_it_tells_the_town_of_a_village_without_keepers_of_its_own(self) -> None:
        w = self.world
        lane = self.project(w.village_a1, name="East Lane shopping")
        self.claim(lane, hours="2")
        [sent] = digest.send_claim_digests()
        self.assertEqual(sent.area, w.town_a)
        self.assertIn("East Lane shopping (Village A1): 1 waiting, 2.0 hours",
                      told(w.alice)[0].body)

    def test_it_tells_the_villages_own_keeper_and_not_its_town(self) -> None:
        w = self.world
        from epigrid.accounts.services import create_user
        from epigrid.core.access import Role
        from tests.base import PASSWORD

        keeper = create_user(username="chen", password=PASSWORD, role=Role.AREA_OFFICER,
                             home_area=w.village_a1)
        self.claim(self.project(w.village_a1, name="East Lane shopping"))
        [sent] = digest.send_claim_digests()
        self.assertEqual(sent.area, w.village_a1)
        self.assertEqual(len(told(keeper)), 1)
        self.assertEqual(told(w.alice), [])

    def test_it_tells_the_area_above_of_claims_unanswered_three_days_not_two(self) -> None:
        w = self.world
        self.claim(sent_days_ago=2)
        digest.send_claim_digests()
        self.assertEqual(told(w.command), [])
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        sent = digest.send_claim_digests(tomorrow)
        self.assertEqual({one.area for one in sent}, {w.town_a, w.district})
        [above] = told(w.command)
        self.assertIn("Unanswered for 3 days.", above.body)
        self.assertIn("Deliveries to the quarantined (Dongcheng Town): 1 waiting", above.body)
        self.assertTrue(above.link.endswith(f"?area={w.district.pk}&claims=waiting&status=any"))
        self.assertIn("Unanswered for 3 days.", told(w.alice)[1].body)

    def test_it_tells_no_one_when_no_keeper_lives_on_the_line(self) -> None:
        from epigrid.accounts.models import User

        User.objects.filter(pk__in=[self.world.alice.pk, self.world.command.pk]).update(
            is_active=False)
        self.claim()
        self.assertEqual(digest.send_claim_digests(), [])
        self.assertFalse(ClaimDigest.objects.exists())


class OnceADayTests(DigestTestCase):
    def test_a_second_run_the_same_day_tells_no_one_and_the_next_day_tells_again(self) -> None:
        w = self.world
        self.claim()
        self.assertEqual(len(digest.send_claim_digests()), 1)
        self.claim(self.care)  # a claim after the morning's digest waits for tomorrow's
        self.assertEqual(digest.send_claim_digests(), [])
        self.assertEqual(len(told(w.alice)), 1)
        [again] = digest.send_claim_digests(timezone.now() + datetime.timedelta(days=1))
        self.assertEqual(again.claims, 2)
        self.assertEqual(told(w.alice)[1].title, "2 claims of hours waiting")

    def test_the_task_tells_and_answers_how_many_areas(self) -> None:
        self.claim()
        self.assertEqual(send_claim_digests_task(), 1)
        self.assertEqual(send_claim_digests_task(), 0)
        later = (timezone.localtime() + datetime.timedelta(days=1)).replace(tzinfo=None)
        self.assertEqual(send_claim_digests_task(later.isoformat()), 1)  # naive: local time

    def test_its_record_goes_with_the_notices_past_their_limit(self) -> None:
        self.claim()
        [old] = digest.send_claim_digests()
        ClaimDigest.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=90, minutes=1))
        [kept] = digest.send_claim_digests(timezone.now() + datetime.timedelta(days=1))
        ClaimDigest.objects.filter(pk=kept.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=89, hours=23))
        [purged] = retention.purge(only={"claim_digests"})
        self.assertEqual((purged.days, purged.rows), (90, 1))
        self.assertEqual(list(ClaimDigest.objects.values_list("pk", flat=True)), [kept.pk])

    def test_the_beat_runs_it_at_eight_every_morning(self) -> None:
        entry = current_app.conf.beat_schedule["volunteers-claim-digest"]
        self.assertEqual(entry["task"], "epigrid.volunteers.send_claim_digests")
        self.assertEqual((entry["schedule"].hour, entry["schedule"].minute), ({8}, {0}))


class WordingTests(DigestTestCase):
    def test_it_is_worded_in_each_language(self) -> None:
        self.claim(hours="4.5")
        self.claim(hours="2")
        digest.send_claim_digests()
        notice = told(self.world.alice)[0]
        title, body = notice.wording["zh-hans"]
        self.assertEqual(title, "2 条时长申报待确认")
        self.assertIn("Deliveries to the quarantined（Dongcheng Town）：待确认 2 条，共 6.5 小时",
                      body)
        with translation.override("zh-hans"):
            self.assertEqual(notice.shown, (title, body))


class QueryTests(DigestTestCase):
    def test_it_reads_as_many_statements_for_six_projects_as_for_two(self) -> None:
        def statements(count: int) -> int:
            for n in range(count):
                self.claim(self.project(name=f"Project {count}-{n}"))
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(len(digest.send_claim_digests()), 1)
            HoursClaim.objects.all().delete()
            ClaimDigest.objects.all().delete()
            return len(captured.captured_queries)

        self.assertEqual(statements(2), statements(6))


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's locks")
class AtOnceTests(TransactionTestCase):
    def test_two_runs_at_once_tell_the_town_once(self) -> None:
        w = World()
        project = services.open_project(w.town_a, by=w.alice, kind=ProjectKind.DELIVERY,
                                        name="Deliveries", starts_on=days(-7))
        waiting_claim(w, project)
        results = at_once(digest.send_claim_digests, digest.send_claim_digests)
        self.assertEqual(sorted(len(result) for result in results), [0, 1])
        self.assertEqual(ClaimDigest.objects.get().claims, 1)
        self.assertEqual(Receipt.objects.filter(user=w.alice).count(), 1)
        self.assertEqual(Notice.objects.count(), 1)

