"""Reminding from the sent notice's page 催读, and the reminded notice in the reader's inbox."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.reminders import remind_unread
from epigrid.alerts.sending import send_notice
from epigrid.alerts.services import notify
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.base import PASSWORD, BaseTestCase


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


class RemindPageTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        create_user(username="wu", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.grid_a1_2)
        self.notice = send_notice(w.alice, [w.village_a1], [Role.GRID_WORKER], "Lanes first")
        self.detail = reverse("alerts:sent_detail", args=[self.notice.pk])
        self.remind = reverse("alerts:remind", args=[self.notice.pk])

    def test_it_reminds_the_unread_and_says_when_it_may_again(self) -> None:
        client = self.client_for(self.world.alice)
        page = client.get(self.detail)
        self.assertContains(page, "Remind the 2 who have not read it</button>")
        self.assertNotContains(page, 'id="last-reminded"')
        response = client.post(self.remind, follow=True)
        self.assertRedirects(response, self.detail)
        self.assertEqual(messages_of(response),
                         ["2 recipients who have not read it were reminded."])
        notice = Notice.objects.get(pk=self.notice.pk)
        assert notice.reminded_at is not None
        at = timezone.localtime(notice.reminded_at)
        again = at + datetime.timedelta(hours=1)
        self.assertContains(response, f"Reminded {at:%Y-%m-%d %H:%M} (once so far). It may be "
                                      f"reminded again from {again:%H:%M}.")
        self.assertContains(response, 'id="remind-button" disabled>')
        self.assertEqual(AuditEntry.objects.get(model="alerts.notice", action="update")
                         .actor_name, "alice")

    def test_it_shows_the_refusal_of_a_second_click(self) -> None:
        client = self.client_for(self.world.alice)
        client.post(self.remind, follow=True)  # its message shown
        response = client.post(self.remind, follow=True)
        self.assertEqual(len(messages_of(response)), 1)
        self.assertTrue(messages_of(response)[0].startswith("It was reminded at "))
        self.assertEqual(Notice.objects.get(pk=self.notice.pk).reminders, 1)

    def test_it_offers_it_again_an_hour_later(self) -> None:
        long_ago = timezone.now() - datetime.timedelta(minutes=61)
        Notice.objects.filter(pk=self.notice.pk).update(reminded_at=long_ago, reminders=1)
        page = self.client_for(self.world.alice).get(self.detail)
        self.assertContains(page, 'id="remind-button">')
        self.assertNotContains(page, "It may be reminded again")
        self.client_for(self.world.alice).post(self.remind)
        self.assertEqual(Notice.objects.get(pk=self.notice.pk).reminders, 2)

    def test_it_offers_nothing_once_everyone_has_read_it(self) -> None:
        Receipt.objects.filter(notice=self.notice).update(read_at=timezone.now())
        page = self.client_for(self.world.alice).get(self.detail)
        self.assertNotContains(page, 'id="remind"')
        response = self.client_for(self.world.alice).post(self.remind, follow=True)
        self.assertEqual(messages_of(response),
                         ["Everyone has read it: there is nobody to remind."])

    def test_it_refuses_those_who_may_not_remind(self) -> None:
        w = self.world
        district = send_notice(w.command, [w.town_a, w.town_b], [Role.AREA_OFFICER], "Both")
        own_grid = send_notice(w.alice, [w.grid_a1_1], [Role.GRID_WORKER], "Your grid")
        medic = self.client_for(w.medic)  # sees the district's notice, may not send notices
        self.assertNotContains(medic.get(reverse("alerts:sent_detail", args=[district.pk])),
                               'id="remind-button"')
        for client, notice, status in ((medic, district, 403),
                                       (self.client_for(w.li), own_grid, 403),
                                       (self.client_for(w.alice), district, 404),
                                       (self.client_for(w.bob), self.notice, 404)):
            response = client.post(reverse("alerts:remind", args=[notice.pk]))
            self.assertEqual(response.status_code, status)
        self.assertEqual(Notice.objects.filter(reminders__gt=0).count(), 0)
        self.assertEqual(self.client_for(w.alice).get(self.remind).status_code, 405)

    def test_it_reads_the_page_in_the_same_queries_once_reminded(self) -> None:
        client = self.client_for(self.world.alice)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(self.detail).status_code, 200)
            return len(captured.captured_queries)

        before = queries()
        remind_unread(self.notice, by=self.world.alice)
        self.assertEqual(queries(), before)


class ReminderInboxTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.reminded = send_notice(w.alice, [w.village_a1], [Role.GRID_WORKER], "Lanes first")
        send_notice(w.alice, [w.village_a1], [Role.GRID_WORKER], "Masks at the gate")
        notify([w.village_a1], [Role.GRID_WORKER], "Fever in Village A1")
        self.client_li = self.client_for(w.li)

    def titles(self, client: Client) -> list[str]:
        page = client.get(reverse("alerts:inbox"))
        receipts = page.context["reminded"] + page.context["receipts"]
        return [receipt.notice.title for receipt in receipts]

    def test_it_shows_a_reminded_unread_notice_first_and_marked(self) -> None:
        self.assertEqual(self.titles(self.client_li),
                         ["Fever in Village A1", "Masks at the gate", "Lanes first"])
        remind_unread(self.reminded, by=self.world.alice)
        self.assertEqual(self.titles(self.client_li),
                         ["Lanes first", "Fever in Village A1", "Masks at the gate"])
        page = self.client_li.get(reverse("alerts:inbox"))
        receipt = Receipt.objects.get(notice=self.reminded, user=self.world.li)
        self.assertContains(page, f'<li class="unread" data-reminded="{receipt.pk}">')
        self.assertContains(page, '<span class="badge">Reminded</span>', count=1)
        # Opened, it is read: back in its place, unmarked.
        self.client_li.post(reverse("alerts:open", args=[receipt.pk]))
        self.assertEqual(self.titles(self.client_li),
                         ["Fever in Village A1", "Masks at the gate", "Lanes first"])
        self.assertNotContains(self.client_li.get(reverse("alerts:inbox")), "Reminded")

    def test_it_shows_the_reminded_ones_above_the_first_page_only(self) -> None:
        remind_unread(self.reminded, by=self.world.alice)
        with self.settings(PAGE_SIZE=1):
            first = self.client_li.get(reverse("alerts:inbox"))
            self.assertEqual([r.notice.title for r in first.context["reminded"]],
                             ["Lanes first"])
            self.assertEqual([r.notice.title for r in first.context["receipts"]],
                             ["Fever in Village A1"])
            older = self.client_li.get(reverse("alerts:inbox"),
                                       {"before": first.context["next_before"]})
            self.assertEqual(older.context["reminded"], [])
            self.assertEqual([r.notice.title for r in older.context["receipts"]],
                             ["Masks at the gate"])

    def test_it_reads_the_inbox_in_the_same_queries_however_many_are_reminded(self) -> None:
        w = self.world

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client_li.get(reverse("alerts:inbox")).status_code, 200)
            return len(captured.captured_queries)

        none = queries()
        remind_unread(self.reminded, by=w.alice)
        one = queries()
        for n in range(4):
            remind_unread(send_notice(w.command, [w.town_a], [Role.GRID_WORKER], f"N{n}"),
                          by=w.command)
        self.assertEqual((one, queries()), (none, none))
        self.assertEqual(len(self.titles(self.client_li)), 7)
