"""Every notice by e-mail 邮件通知: a user who asks for it is e-mailed each notice the apps send
them, as a pointer to the inbox only; what the notice says, which may name people, stays in
epigrid. A notice sent by e-mail is still e-mailed in full, once."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user, set_email
from epigrid.alerts import mailing
from epigrid.alerts.reminders import REMIND_AFTER, remind_unread
from epigrid.alerts.sending import send_notice
from epigrid.alerts.services import notify, notify_users
from epigrid.alerts.wording import worded
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.alerts.smtp_server import SmtpServer, mail_server
from tests.alerts.test_email import closed_port, email_marks
from tests.base import PASSWORD, BaseTestCase, refusal


def fever_in_quarantine() -> tuple[str, str]:
    return "Fever in quarantine: Wang Lei", "38.6 °C at the morning follow-up."


class EveryNoticeTests(BaseTestCase):
    """Li (grid A1-1) asks for every notice; Wu, a grid worker of A1-2, has an address only."""

    def setUp(self) -> None:
        set_email(self.world.li, "li@qingshan.example", notices=True)
        self.wu = create_user(username="wu", password=PASSWORD, role=Role.GRID_WORKER,
                              home_area=self.world.grid_a1_2, email="wu@qingshan.example")

    def tell_the_grid_workers(self) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return notify([self.world.town_a], [Role.GRID_WORKER], worded(fever_in_quarantine),
                          link="/cases/quarantines/1/").pk

    def test_it_emails_those_who_asked_a_pointer_without_what_it_says(self) -> None:
        with SmtpServer().running(SITE_URL="https://epigrid.qingshan.example") as server:
            notice_id = self.tell_the_grid_workers()
        [(recipients, text)] = server.messages
        assert recipients == ["li@qingshan.example"]
        assert "Subject: A new notice in epigrid" in text
        assert "A notice is waiting in your epigrid inbox." in text
        assert "https://epigrid.qingshan.example/alerts/" in text
        assert "Wang Lei" not in text and "38.6" not in text
        assert email_marks(notice_id) == {"li": (True, ""), "wu": (False, "")}

    def test_it_gives_no_link_where_the_site_has_no_address(self) -> None:
        with SmtpServer().running(SITE_URL="") as server:
            self.tell_the_grid_workers()
        [(_recipients, text)] = server.messages
        assert "A notice is waiting in your epigrid inbox." in text and "http" not in text

    def test_a_notice_to_one_user_is_emailed_too(self) -> None:
        with SmtpServer().running() as server, self.captureOnCommitCallbacks(execute=True):
            notify_users([self.world.li], worded(fever_in_quarantine))
        assert [recipients for recipients, _text in server.messages] == [["li@qingshan.example"]]

    def test_it_queues_nothing_where_no_mail_server_is_set_up(self) -> None:
        with self.settings(EMAIL_HOST=""), self.captureOnCommitCallbacks() as callbacks:
            notify([self.world.town_a], [Role.GRID_WORKER], worded(fever_in_quarantine))
        assert callbacks == []

    def test_it_opens_no_connection_when_nobody_asked(self) -> None:
        set_email(self.world.li, notices=False)
        with mail_server(closed_port()), self.captureOnCommitCallbacks(execute=True):
            notice = notify([self.world.town_a], [Role.GRID_WORKER], worded(fever_in_quarantine))
            assert mailing.email_notice(notice.pk) == {"emailed": 0, "refused": 0}
        assert email_marks(notice.pk) == {"li": (False, ""), "wu": (False, "")}

    def test_a_notice_sent_by_email_goes_to_all_in_full_once(self) -> None:
        with SmtpServer().running() as server, self.captureOnCommitCallbacks(
                execute=True) as callbacks:
            send_notice(self.world.command, [self.world.town_a], [Role.GRID_WORKER],
                        "Round two at 08:00", "East lanes first.", by_email=True)
        assert len(callbacks) == 1  # one task: two at once could each send the same messages
        assert sorted(recipients for recipients, _text in server.messages) == [
            ["li@qingshan.example"], ["wu@qingshan.example"]]
        assert all("East lanes first." in text for _recipients, text in server.messages)


    def test_a_reminder_tells_those_who_asked_again(self) -> None:
        with SmtpServer().running() as server, self.captureOnCommitCallbacks(execute=True):
            notice = send_notice(self.world.command, [self.world.town_a], [Role.GRID_WORKER],
                                 "Round two at 08:00", "East lanes first.")
        with SmtpServer().running() as again, self.captureOnCommitCallbacks(execute=True):
            assert remind_unread(notice, by=self.world.command,
                                 now=timezone.now() + REMIND_AFTER) == 2
        assert [recipients for recipients, _text in server.messages + again.messages] == [
            ["li@qingshan.example"], ["li@qingshan.example"]]
        assert "Subject: Reminder: A new notice in epigrid" in again.messages[0][1]
        assert "East lanes first." not in again.messages[0][1]


class AskingTests(BaseTestCase):
    def test_it_needs_an_address_and_goes_with_it(self) -> None:
        li = self.world.li
        assert refusal(lambda: set_email(li, notices=True)) == {
            "email_notices": ["Give an e-mail address to have every notice e-mailed."]}
        set_email(li, "li@qingshan.example", notices=True)
        set_email(li, "")
        li.refresh_from_db()
        assert (li.email, li.email_notices) == ("", False)
        assert [entry.changes for entry in AuditEntry.objects.filter(
            model="accounts.User").order_by("pk")] == [
            {"email": ["", "li@qingshan.example"], "email_notices": [False, True]},
            {"email": ["li@qingshan.example", ""], "email_notices": [True, False]}]

    def test_the_page_sets_it_with_the_address(self) -> None:
        client = self.client_for(self.world.li)
        client.post(reverse("accounts:email"),
                    {"email": "li@qingshan.example", "email_notices": "on"})
        li = User.objects.get(pk=self.world.li.pk)
        assert (li.email, li.email_notices) == ("li@qingshan.example", True)
        page = client.get(reverse("accounts:password_change")).content.decode()
        assert "li@qingshan.example</span> (every notice)" in page
        answer = client.post(reverse("accounts:email"), {"email": "", "email_notices": "on"})
        assert answer.context["form"].errors == {"email_notices": [
            "Give an e-mail address to have every notice e-mailed."]}

    def test_the_api_sets_either_alone(self) -> None:
        client = self.client_for(self.world.alice)

        def patch(body: object) -> object:
            return client.patch("/api/accounts/me", json.dumps(body),
                                content_type="application/json")

        answer = patch({"email_notices": True})
        assert answer.status_code == 422  # type: ignore[attr-defined]
        assert answer.json()["detail"][0]["loc"] == ["body", "email_notices"]  # type: ignore[attr-defined]
        assert patch({"email": "alice@dongcheng.example"}).json()[  # type: ignore[attr-defined]
            "email_notices"] is False
        body = patch({"email_notices": True}).json()  # type: ignore[attr-defined]
        assert (body["email"], body["email_notices"]) == ("alice@dongcheng.example", True)
