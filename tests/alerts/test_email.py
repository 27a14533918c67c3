"""E-mailing a notice sent by hand through the mail server: a real SMTP server on this machine
(tests/alerts/smtp_server.py) stands in for the deployment's, so each message is the one a
server would receive."""

from __future__ import annotations

import socket
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.alerts import mailing
from epigrid.alerts.models import NO_EMAIL, Notice, Receipt
from epigrid.alerts.reminders import remind_unread
from epigrid.alerts.sending import emails_of, send_notice
from epigrid.core.access import Role
from tests.alerts.smtp_server import SmtpServer, mail_server
from tests.base import PASSWORD, BaseTestCase


def closed_port() -> int:
    """A port of this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def email_marks(notice_id: int) -> dict[str, tuple[bool, str]]:
    """Each recipient's receipt: whether the mail server took its message, and why not."""
    return {receipt.user.username: (receipt.emailed_at is not None, receipt.email_error)
            for receipt in Receipt.objects.filter(notice_id=notice_id).select_related("user")}


class EmailTests(BaseTestCase):
    """Town A's grid workers: Wu and Ma with addresses (Ma's refused by a server told to),
    Qian and Li without."""

    def setUp(self) -> None:
        w = self.world
        for name, grid, email in (("wu", w.grid_a1_2, "wu@qingshan.example"),
                                  ("ma", w.grid_a2_1, "ma-refused@qingshan.example"),
                                  ("qian", w.grid_a2_1, "")):
            create_user(username=name, password=PASSWORD, role=Role.GRID_WORKER,
                        home_area=grid, email=email)

    def send(self, **kwargs: Any) -> Notice:
        with self.captureOnCommitCallbacks(execute=True):
            return send_notice(self.world.command, [self.world.town_a], [Role.GRID_WORKER],
                               "Round two at 08:00", "East lanes first.", by_email=True,
                               **kwargs)

    def test_it_emails_every_recipient_with_an_address_one_message_each(self) -> None:
        with SmtpServer(refuse="nobody").running() as server:
            notice = self.send()
        self.assertEqual(sorted(recipients for recipients, _text in server.messages),
                         [["ma-refused@qingshan.example"], ["wu@qingshan.example"]])
        text = server.messages[0][1]
        self.assertIn("Subject: Round two at 08:00", text)
        self.assertIn("East lanes first.", text)
        self.assertIn("From: epigrid@localhost", text)
        self.assertEqual(email_marks(notice.pk), {"wu": (True, ""), "ma": (True, ""),
                                              "qian": (False, NO_EMAIL), "li": (False, NO_EMAIL)})
        self.assertEqual(emails_of(notice), {"emailed": 2, "refused": 2, "pending": 0})
        with SmtpServer().running() as again:  # a second delivery of the task sends nothing
            self.assertEqual(mailing.email_notice(notice.pk), {"emailed": 0, "refused": 0})
        self.assertEqual(again.messages, [])

    def test_an_address_the_server_refuses_is_marked_and_the_next_goes(self) -> None:
        with SmtpServer().running() as server:
            notice = self.send()
        self.assertEqual(len(server.messages), 1)
        wu, ma = email_marks(notice.pk)["wu"], email_marks(notice.pk)["ma"]
        self.assertEqual(wu, (True, ""))
        self.assertFalse(ma[0])
        self.assertTrue(ma[1].startswith("refused:550"), ma[1])
        receipt = Receipt.objects.get(notice=notice, user__username="ma")
        self.assertTrue(receipt.email_problem.startswith("The mail server refused it (550"))

    def test_a_server_that_is_not_there_leaves_the_inboxes_and_says_why(self) -> None:
        with mail_server(closed_port()):
            notice = self.send()
            self.assertEqual(mailing.email_notice(notice.pk), {"emailed": 0, "refused": 0})
        marks = email_marks(notice.pk)
        self.assertTrue(all(marks[name][1].startswith("unreachable:") for name in ("wu", "ma")))
        self.assertEqual(Receipt.objects.filter(notice=notice).count(), 4)  # in every inbox
        receipt = Receipt.objects.get(notice=notice, user__username="wu")
        self.assertTrue(receipt.email_problem.startswith("The mail server did not answer"))

    def test_a_server_that_falls_over_half_way_stops_the_run(self) -> None:
        create_user(username="zhao", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=self.world.grid_a1_1, email="zhao@qingshan.example")
        with SmtpServer(refuse="nobody", hang_up_after=2).running() as server:
            notice = self.send()
        self.assertEqual(len(server.messages), 2)  # the third was not tried
        marks = email_marks(notice.pk)
        self.assertEqual(sum(1 for sent, _why in marks.values() if sent), 1)
        self.assertEqual(sum(1 for _sent, why in marks.values()
                             if why.startswith("unreachable:")), 2)

    def test_it_is_refused_where_no_mail_server_is_set_up(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.send()
        self.assertIn("not set up", refused.exception.message_dict["by_email"][0])
        self.assertFalse(Notice.objects.exists())
        page = self.client_for(self.world.command).get(reverse("alerts:send"))
        self.assertNotContains(page, 'name="by_email"')

    def test_a_reminder_emails_those_who_have_not_read_it_again(self) -> None:
        with SmtpServer(refuse="nobody").running() as server:
            notice = self.send()
            Receipt.objects.filter(notice=notice, user__username="ma").update(
                read_at=notice.created_at)
            with self.captureOnCommitCallbacks(execute=True):
                remind_unread(notice, by=self.world.command)
        self.assertEqual(len(server.messages), 3)  # Wu and Ma, then Wu again
        self.assertEqual(server.messages[2][0], ["wu@qingshan.example"])
        self.assertIn("Subject: Reminder: Round two at 08:00", server.messages[2][1])

    def test_it_is_offered_on_the_page_and_the_page_and_api_say_what_went(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        with SmtpServer().running():
            self.assertContains(client.get(reverse("alerts:send")), 'name="by_email"')
            with self.captureOnCommitCallbacks(execute=True):
                response = client.post(reverse("alerts:send"), {
                    "areas": [w.town_a.pk], "roles": [Role.GRID_WORKER],
                    "title": "Round two", "by_email": "on"})
            page = client.get(response["Location"])
        self.assertContains(page, "E-mails: 1 taken by the mail server, 3 not sent, 0 "
                                  "waiting.")
        self.assertContains(page, '<td class="email">No e-mail address.</td>', count=2)
        notice = Notice.objects.get()
        api = client.get(f"/api/alerts/notices/{notice.pk}").json()
        self.assertEqual((api["by_email"], api["emails"]),
                         (True, {"emailed": 1, "refused": 3, "pending": 0}))
        waiting = client.get(f"/api/alerts/notices/{notice.pk}/waiting").json()["items"]
        self.assertEqual({row["username"]: row["email_error"] == "" for row in waiting},
                         {"wu": True, "ma": False, "qian": False, "li": False})
