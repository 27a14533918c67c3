"""Reminding those who have not read a notice 催读: who may, how often, whom it reaches, and its
text message through the gateway (a real HTTP server stands in for it, as in test_sms)."""

from __future__ import annotations

import datetime
import threading
import unittest
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.alerts import sms
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.reminders import REMIND_AFTER, remind_unread
from epigrid.alerts.sending import send_notice, texts_of
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.alerts.test_sms import Gateway
from tests.base import PASSWORD, BaseTestCase, World
from tests.sessions import other_session

MINUTE = datetime.timedelta(minutes=1)


def grid_workers(w: World) -> None:
    """Wu (grid A1-2) and Ma (grid A2-1) with phones, Qian (grid A2-1) without; Li's phone."""
    for name, grid, phone in (("wu", w.grid_a1_2, "13700001111"),
                              ("ma", w.grid_a2_1, "13700002222"),
                              ("qian", w.grid_a2_1, "")):
        create_user(username=name, password=PASSWORD, role=Role.GRID_WORKER, home_area=grid,
                    phone=phone)
    w.li.phone = "13700003333"
    w.li.save(update_fields=["phone"])


def read(notice: Notice, *usernames: str) -> None:
    Receipt.objects.filter(notice=notice, user__username__in=usernames).update(
        read_at=timezone.now())


def reminded(notice: Notice) -> dict[str, bool]:
    """Each recipient's name: whether their receipt is marked reminded."""
    return {name: at is not None for name, at in
            Receipt.objects.filter(notice=notice).values_list("user__username", "reminded_at")}


class WhoRemindsTests(BaseTestCase):
    def test_it_lets_the_writer_and_the_district_command_remind_a_towns_notice(self) -> None:
        w = self.world
        notice = send_notice(w.alice, [w.town_a], [Role.GRID_WORKER], "Round two")
        now = timezone.now()
        self.assertEqual(remind_unread(notice, by=w.alice, now=now), 1)
        self.assertEqual(remind_unread(notice, by=w.command, now=now + REMIND_AFTER), 1)
        notice.refresh_from_db()
        self.assertEqual((notice.reminders, notice.reminded_at), (2, now + REMIND_AFTER))

    def test_it_leaves_a_notice_to_two_towns_to_the_district(self) -> None:
        w = self.world
        notice = send_notice(w.command, [w.town_a, w.town_b], [Role.AREA_OFFICER], "Both")
        for officer in (w.alice, w.bob):
            with self.assertRaises(PermissionDenied):
                remind_unread(notice, by=officer)
        self.assertEqual(remind_unread(notice, by=w.command), 2)  # Alice and Bob

    def test_it_never_lets_a_grid_worker_or_a_role_that_may_not_send_remind(self) -> None:
        w = self.world
        own_grid = send_notice(w.alice, [w.grid_a1_1], [Role.GRID_WORKER], "Your grid")
        district = send_notice(w.command, [w.town_a], [Role.GRID_WORKER], "Round two")
        for user, notice in ((w.li, own_grid), (w.medic, district), (w.stranger, district)):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                remind_unread(notice, by=user)
        self.assertFalse(Receipt.objects.filter(reminded_at__isnull=False).exists())
        self.assertFalse(Notice.objects.filter(reminders__gt=0).exists())


class WhomAndWhenTests(BaseTestCase):
    def setUp(self) -> None:
        grid_workers(self.world)
        self.notice = send_notice(self.world.command, [self.world.town_a], [Role.GRID_WORKER],
                                  "Round two at 08:00")

    def test_it_reminds_only_those_who_have_not_read_it(self) -> None:
        read(self.notice, "li")
        li_read = Receipt.objects.get(notice=self.notice, user__username="li").read_at
        now = timezone.now()
        self.assertEqual(remind_unread(self.notice, by=self.world.command, now=now), 3)
        self.assertEqual(reminded(self.notice), {"li": False, "wu": True, "ma": True,
                                                 "qian": True})
        self.assertEqual(set(Receipt.objects.filter(reminded_at__isnull=False)
                             .values_list("reminded_at", flat=True)), {now})
        li = Receipt.objects.get(notice=self.notice, user__username="li")
        self.assertEqual((li.read_at, li.reminded_at), (li_read, None))
        entry = AuditEntry.objects.get(model="alerts.notice", action="update")
        self.assertEqual((entry.actor_name, entry.object_pk, entry.area_path),
                         ("", str(self.notice.pk), self.world.town_a.path))
        self.assertEqual(entry.changes, {"reminders": [0, 1],
                                         "reminded_at": [None, now.isoformat()],
                                         "reminded": 3, "texted": False,
                                         "emailed": False})

    def test_it_refuses_a_second_reminder_within_the_hour(self) -> None:
        first = timezone.now()
        remind_unread(self.notice, by=self.world.command, now=first)
        read(self.notice, "wu")
        with self.assertRaises(ValidationError) as refused:
            remind_unread(self.notice, by=self.world.command, now=first + 59 * MINUTE)
        at, again = timezone.localtime(first), timezone.localtime(first + REMIND_AFTER)
        self.assertEqual(refused.exception.message_dict["__all__"], [
            f"It was reminded at {at:%Y-%m-%d %H:%M}; it may be reminded again from "
            f"{again:%Y-%m-%d %H:%M}."])
        self.assertEqual(Notice.objects.get(pk=self.notice.pk).reminders, 1)
        self.assertEqual(remind_unread(self.notice, by=self.world.command,
                                       now=first + 60 * MINUTE), 3)  # Wu has read it since
        self.assertEqual(Notice.objects.get(pk=self.notice.pk).reminders, 2)

    def test_it_refuses_when_everyone_has_read_it(self) -> None:
        read(self.notice, "li", "wu", "ma", "qian")
        with self.assertRaises(ValidationError) as refused:
            remind_unread(self.notice, by=self.world.command)
        self.assertEqual(refused.exception.message_dict,
                         {"__all__": ["Everyone has read it: there is nobody to remind."]})
        self.assertEqual(Notice.objects.get(pk=self.notice.pk).reminders, 0)

    def test_it_reminds_in_as_many_queries_for_many_as_for_few(self) -> None:
        w = self.world

        def queries(notice: Notice) -> int:
            with CaptureQueriesContext(connection) as captured:
                remind_unread(notice, by=w.command)
            return len(captured.captured_queries)

        few = queries(send_notice(w.command, [w.village_a1], [Role.GRID_WORKER], "Few"))
        for n in range(8):
            create_user(username=f"gw{n}", password=PASSWORD, role=Role.GRID_WORKER,
                        home_area=w.grid_a2_1)
        many = send_notice(w.command, [w.town_a], [Role.GRID_WORKER], "Many")
        self.assertEqual(queries(many), few)
        self.assertEqual(Receipt.objects.filter(notice=many, reminded_at__isnull=False).count(),
                         12)


class TextedReminderTests(BaseTestCase):
    def setUp(self) -> None:
        grid_workers(self.world)

    def send(self, by_sms: bool = True) -> Notice:
        with self.captureOnCommitCallbacks(execute=True):
            return send_notice(self.world.command, [self.world.town_a], [Role.GRID_WORKER],
                               "Round two at 08:00", "East lanes first.", by_sms=by_sms)

    def remind(self, notice: Notice, **kwargs: Any) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return remind_unread(notice, by=self.world.command, **kwargs)

    def test_it_texts_the_reminder_to_the_unread_with_a_phone_once(self) -> None:
        with Gateway().running() as gateway:
            notice = self.send()
            read(notice, "li")
            self.assertEqual(self.remind(notice), 3)
            self.assertEqual(sms.text_notice(notice.pk), {"texted": 0, "refused": 0})
        self.assertEqual(len(gateway.received), 2)  # the notice, then its reminder
        self.assertEqual(gateway.received[1][1], {
            "phones": ["13700001111", "13700002222"],
            "text": "Reminder: Round two at 08:00\nEast lanes first."})
        self.assertEqual(texts_of(notice), {"texted": 3, "refused": 1, "pending": 0})
        qian = Receipt.objects.get(notice=notice, user__username="qian")
        self.assertEqual((qian.texted_at, qian.text_error), (None, "no_phone"))

    def test_it_texts_again_those_the_gateway_refused_the_first_time(self) -> None:
        gateway = Gateway()
        gateway.statuses = [503]
        with gateway.running():
            notice = self.send()
            self.assertEqual(texts_of(notice), {"texted": 0, "refused": 4, "pending": 0})
            self.remind(notice)
        self.assertEqual(gateway.received[1][1]["phones"],
                         ["13700003333", "13700001111", "13700002222"])
        self.assertEqual(texts_of(notice), {"texted": 3, "refused": 1, "pending": 0})

    def test_it_texts_a_reminder_of_a_notice_that_was_not_texted_to_nobody(self) -> None:
        with Gateway().running() as gateway:
            notice = self.send(by_sms=False)
            self.assertEqual(self.remind(notice), 4)
        self.assertEqual(gateway.received, [])
        self.assertEqual(Receipt.objects.filter(notice=notice, text_error="").count(), 4)

    def test_it_cuts_a_long_reminder_to_one_message(self) -> None:
        text = sms.text_of(Notice(title="T", body="b" * 400, reminders=1))
        self.assertEqual((len(text), text[:12], text[-1]), (300, "Reminder: T\n", "…"))


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's row locks")
class RemindAtOnceTests(TransactionTestCase):
    def test_it_waits_for_the_other_click_and_then_refuses(self) -> None:
        w = World()
        notice = send_notice(w.command, [w.town_a], [Role.GRID_WORKER], "Round two")
        with other_session() as other:
            # The other click's reminder, written under the notice's lock and not yet committed.
            other.execute("BEGIN")
            other.execute("UPDATE alerts_notice SET reminders = 1, reminded_at = %s "
                          "WHERE id = %s", [timezone.now(), notice.pk])
            threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
            with self.assertRaises(ValidationError) as refused:
                remind_unread(notice, by=w.command)
        self.assertIn("It was reminded at ", refused.exception.message_dict["__all__"][0])
        self.assertEqual(Notice.objects.get(pk=notice.pk).reminders, 1)
