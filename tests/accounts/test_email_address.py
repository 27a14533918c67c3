"""A user sets their own e-mail address, on their account page or through the API, and the
notices sent by e-mail then reach it. The phone stays the officers' to set."""

from __future__ import annotations

import json

from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.accounts.services import set_email
from epigrid.alerts.sending import send_notice
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.alerts.smtp_server import SmtpServer
from tests.base import BaseTestCase, refusal


class EmailAddressTests(BaseTestCase):
    def address_of(self, user: User) -> str:
        return User.objects.get(pk=user.pk).email

    def test_it_saves_the_address_tidied_and_logs_before_and_after(self) -> None:
        li = self.world.li
        assert set_email(li, "  li.na@QINGSHAN.example ") is True
        assert self.address_of(li) == "li.na@qingshan.example"
        entry = AuditEntry.objects.get(model="accounts.User", object_pk=str(li.pk))
        assert entry.action == "update"
        assert entry.changes == {"email": ["", "li.na@qingshan.example"]}

    def test_it_writes_nothing_when_the_address_is_the_same(self) -> None:
        set_email(self.world.li, "li@qingshan.example")
        assert set_email(self.world.li, "li@qingshan.example") is False
        assert AuditEntry.objects.filter(model="accounts.User").count() == 1

    def test_it_removes_the_address_when_left_blank(self) -> None:
        set_email(self.world.li, "li@qingshan.example")
        assert set_email(self.world.li, "   ") is True
        assert self.address_of(self.world.li) == ""

    def test_it_refuses_what_is_no_address_and_keeps_the_old_one(self) -> None:
        set_email(self.world.li, "li@qingshan.example")
        for bad in ("li.qingshan.example", "li@", "li na@qingshan.example", "@qingshan.example"):
            errors = refusal(lambda bad=bad: set_email(self.world.li, bad))
            assert errors == {"email": ["This is not an e-mail address: it reads like "
                                        "name@example.org."]}, bad
        assert self.address_of(self.world.li) == "li@qingshan.example"

    def test_it_refuses_an_address_longer_than_its_column_at_its_edge(self) -> None:
        at_most = "a" * 64 + "@" + ".".join(["b" * 63] * 2) + "." + "c" * 61  # 254
        assert len(at_most) == 254
        assert set_email(self.world.li, at_most) is True
        errors = refusal(lambda: set_email(self.world.li, at_most + "c"))
        assert errors == {"email": ["An e-mail address has at most 254 characters."]}

    def test_the_notices_sent_by_e_mail_reach_the_address_set(self) -> None:
        set_email(self.world.li, "li@qingshan.example")
        with self.settings(EMAIL_HOST="127.0.0.1"), SmtpServer().running() as server, \
                self.captureOnCommitCallbacks(execute=True):
            send_notice(self.world.command, [self.world.town_a], [Role.GRID_WORKER],
                        "Round two", "East lanes first.", by_email=True)
        assert [recipients for recipients, _text in server.messages] == [["li@qingshan.example"]]


class EmailPageTests(BaseTestCase):
    def test_it_shows_the_address_on_the_account_page_and_changes_it(self) -> None:
        client = self.client_for(self.world.li)
        page = client.get(reverse("accounts:email"))
        assert page.context["form"]["email"].value() == ""
        answer = client.post(reverse("accounts:email"), {"email": "li@qingshan.example"},
                             follow=True)
        assert answer.redirect_chain[-1][0] == reverse("accounts:password_change")
        assert "Your e-mail address is saved: li@qingshan.example." in answer.content.decode()
        assert 'id="my-email">li@qingshan.example<' in answer.content.decode()
        answer = client.post(reverse("accounts:email"), {"email": ""}, follow=True)
        assert "Your e-mail address is removed" in answer.content.decode()
        assert User.objects.get(pk=self.world.li.pk).email == ""

    def test_a_bad_address_stays_on_the_form_with_its_reason(self) -> None:
        client = self.client_for(self.world.li)
        answer = client.post(reverse("accounts:email"), {"email": "li.qingshan.example"})
        assert answer.status_code == 200
        assert answer.context["form"].errors == {"email": [
            "This is not an e-mail address: it reads like name@example.org."]}
        assert answer.context["form"]["email"].value() == "li.qingshan.example"
        assert User.objects.get(pk=self.world.li.pk).email == ""

    def test_it_sets_only_the_users_own_address(self) -> None:
        self.client_for(self.world.bob).post(reverse("accounts:email"),
                                             {"email": "bob@qingshan.example"})
        assert User.objects.get(pk=self.world.alice.pk).email == ""
        assert User.objects.get(pk=self.world.bob.pk).email == "bob@qingshan.example"

    def test_it_says_so_where_no_mail_is_sent(self) -> None:
        client = self.client_for(self.world.li)
        with self.settings(EMAIL_HOST=""):
            assert 'id="mail-not-set-up"' in client.get(reverse("accounts:email")).content.decode()
        with self.settings(EMAIL_HOST="mail.example"):
            assert 'id="mail-not-set-up"' not in client.get(
                reverse("accounts:email")).content.decode()

    def test_it_asks_a_visitor_to_log_in(self) -> None:
        answer = self.client.get(reverse("accounts:email"))
        assert answer.status_code == 302 and answer["Location"].startswith(
            reverse("accounts:login"))


class EmailApiTests(BaseTestCase):
    def patch(self, user: User, body: object) -> object:
        return self.client_for(user).patch("/api/accounts/me", json.dumps(body),
                                           content_type="application/json")

    def test_it_sets_the_address_and_answers_the_user(self) -> None:
        answer = self.patch(self.world.alice, {"email": "Alice@Dongcheng.example"})
        assert answer.status_code == 200  # type: ignore[attr-defined]
        body = answer.json()  # type: ignore[attr-defined]
        assert body["username"] == "alice" and body["email"] == "Alice@dongcheng.example"
        assert self.client_for(self.world.alice).get(
            "/api/accounts/me").json()["email"] == "Alice@dongcheng.example"

    def test_it_names_the_field_it_refuses(self) -> None:
        answer = self.patch(self.world.alice, {"email": "alice@"})
        assert answer.status_code == 422  # type: ignore[attr-defined]
        assert answer.json()["detail"] == [{  # type: ignore[attr-defined]
            "loc": ["body", "email"], "type": "value_error",
            "msg": "This is not an e-mail address: it reads like name@example.org."}]
        assert self.patch(self.world.alice, {"email": ["alice@dongcheng.example"]}  # type: ignore[attr-defined]
                          ).status_code == 422
        assert self.patch(self.world.alice, {}).json()["email"] == ""  # type: ignore[attr-defined]
        assert User.objects.get(pk=self.world.alice.pk).email == ""
