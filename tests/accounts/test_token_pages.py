"""The API tokens page: a town's officer makes a token for the town's roster system, copies it
once, and revokes it when the system is retired."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.accounts.models import ApiToken, hash_token
from epigrid.accounts.services import create_api_token
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase

URL = "/accounts/tokens/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def shown_key(html: str) -> str:
    found = re.search(r'<code id="new-token-key">([^<]+)</code>', html)
    assert found is not None, "the new key is not on the page"
    return found.group(1)


class TokenPageTests(BaseTestCase):
    def test_it_makes_a_token_and_shows_its_key_this_once(self) -> None:
        client = self.client_for(self.world.alice)
        response = client.post(URL, {"name": "  Dongcheng roster system ", "valid_until": ""})
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        key = shown_key(response.content.decode())
        token = ApiToken.objects.get(user=self.world.alice)
        assert (token.name, token.key_hash, token.expires_at) == (
            "Dongcheng roster system", hash_token(key), None)
        assert bearer(key).get("/api/accounts/me").json()["username"] == "alice"
        again = client.get(URL).content.decode()
        assert key not in again and "new-token-key" not in again
        assert f"{key[:8]}…" in again

    def test_it_logs_who_made_a_token(self) -> None:
        self.client_for(self.world.alice).post(URL, {"name": "nightly"})
        entry = AuditEntry.objects.get(model="accounts.ApiToken", action="create")
        assert (entry.actor, entry.area_path) == (self.world.alice, self.world.town_a.path)
        assert entry.changes["name"] == [None, "nightly"]
        assert entry.changes["user"] == [None, "alice"]

    def test_it_ends_a_token_at_the_close_of_its_last_day(self) -> None:
        today = timezone.localdate()
        self.client_for(self.world.alice).post(URL, {"name": "today only",
                                                      "valid_until": today.isoformat()})
        token = ApiToken.objects.get(user=self.world.alice)
        midnight = datetime.datetime.combine(today + datetime.timedelta(days=1),
                                             datetime.time.min, tzinfo=SHANGHAI)
        assert token.expires_at == midnight
        assert token.state == "active"

    def test_it_refuses_bad_input_by_field_and_makes_nothing(self) -> None:
        client = self.client_for(self.world.alice)
        yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        cases = [({"name": "   "}, "Give the token a name."),
                 ({"name": ""}, "Give the token a name."),
                 ({"name": "x" * 101}, "at most 100 characters"),
                 ({"name": "x", "valid_until": yesterday}, "The last day cannot lie in the past."),
                 ({"name": "x", "valid_until": "2020-02-30"}, "Enter a valid date.")]
        for data, message in cases:
            response = client.post(URL, data)
            assert response.status_code == 200, data
            html = response.content.decode()
            assert message in html, (data, message)
            assert "new-token-key" not in html
        assert not ApiToken.objects.exists()

    def test_it_lists_the_users_own_tokens_newest_first(self) -> None:
        create_api_token(self.world.bob, "Xihe system")
        create_api_token(self.world.alice, "older")
        create_api_token(self.world.alice, "newer")
        html = self.client_for(self.world.alice).get(URL).content.decode()
        assert html.index("newer") < html.index("older")
        assert "Xihe system" not in html

    def test_it_tells_active_expired_and_revoked_tokens_apart(self) -> None:
        alice = self.world.alice
        create_api_token(alice, "live")
        create_api_token(alice, "lapsed", expires_at=timezone.now() - datetime.timedelta(hours=1))
        gone, _raw = create_api_token(alice, "retired")
        gone.revoked = True
        gone.save(update_fields=["revoked"])
        states = {t.name: t.state for t in ApiToken.objects.filter(user=alice)}
        assert states == {"live": "active", "lapsed": "expired", "retired": "revoked"}
        html = self.client_for(alice).get(URL).content.decode()
        row = html[html.index(f'id="token-{gone.pk}"'):]
        row = row[:row.index("</tr>")]
        assert "revoked" in row and "Revoke</button>" not in row

    @override_settings(PAGE_SIZE=20)
    def test_it_lists_many_tokens_in_the_same_queries_as_one_a_page_at_a_time(self) -> None:
        client = self.client_for(self.world.alice)
        create_api_token(self.world.alice, "first")
        client.get(URL)
        with CaptureQueriesContext(connection) as one:
            client.get(URL)
        for number in range(30):
            create_api_token(self.world.alice, f"device {number}")
        with self.assertNumQueries(len(one)):
            response = client.get(URL)
        html = response.content.decode()
        assert html.count('id="token-') == 20
        after = re.search(r'href="\?after=(\d+)"', html)
        assert after is not None, "no link to the older tokens"
        older = client.get(f"{URL}?after={after.group(1)}").content.decode()
        assert older.count('id="token-') == 11

    def test_it_speaks_the_users_language(self) -> None:
        client = self.client_for(self.world.alice)
        client.cookies["django_language"] = "zh-hans"
        html = client.post(URL, {"name": ""}).content.decode()
        assert "API 令牌" in html
        assert "请给令牌起个名字。" in html

    def test_the_account_page_leads_to_the_tokens(self) -> None:
        client = self.client_for(self.world.li)
        assert client.get("/accounts/").url == "/accounts/password/"
        assert 'href="/accounts/tokens/"' in client.get("/accounts/password/").content.decode()

    def test_it_sends_a_visitor_to_log_in(self) -> None:
        for url in ("/accounts/", URL):
            assert Client().get(url).url.startswith("/accounts/login/?next=")


class RevokeTokenPageTests(BaseTestCase):
    def test_it_revokes_the_users_own_token(self) -> None:
        token, raw = create_api_token(self.world.alice, "old system")
        client = self.client_for(self.world.alice)
        response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
        assert response.redirect_chain == [(URL, 302)]
        assert "The token “old system” is revoked" in response.content.decode()
        token.refresh_from_db()
        assert token.revoked
        assert bearer(raw).get("/api/accounts/me").status_code == 401
        entry = AuditEntry.objects.get(model="accounts.ApiToken", action="update")
        assert (entry.actor, entry.changes) == (self.world.alice, {"revoked": [False, True]})

    def test_it_logs_a_second_revoke_of_the_same_token_not_at_all(self) -> None:
        token, _raw = create_api_token(self.world.alice, "old system")
        client = self.client_for(self.world.alice)
        for _ in range(2):
            client.post(f"/accounts/tokens/{token.pk}/revoke/")
        assert AuditEntry.objects.filter(model="accounts.ApiToken", action="update").count() == 1

    def test_it_answers_another_users_token_as_missing(self) -> None:
        token, raw = create_api_token(self.world.alice, "Dongcheng system")
        for user in (self.world.bob, self.world.admin, self.world.command):
            response = self.client_for(user).post(f"/accounts/tokens/{token.pk}/revoke/")
            assert response.status_code == 404
        assert self.client_for(self.world.bob).post(
            "/accounts/tokens/999999/revoke/").status_code == 404
        token.refresh_from_db()
        assert not token.revoked
        assert bearer(raw).get("/api/accounts/me").status_code == 200

    def test_it_revokes_only_by_post(self) -> None:
        token, _raw = create_api_token(self.world.alice, "old system")
        response = self.client_for(self.world.alice).get(f"/accounts/tokens/{token.pk}/revoke/")
        assert response.status_code == 405
        token.refresh_from_db()
        assert not token.revoked
