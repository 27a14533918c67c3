from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from epigrid.accounts.models import ApiToken, User, hash_token
from epigrid.accounts.services import create_api_token, revoke_api_token
from tests.base import BaseTestCase


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


class TokenAuthTests(BaseTestCase):
    def test_it_authenticates_a_valid_token_as_its_user(self) -> None:
        token, raw = create_api_token(self.world.bob, "script")
        body = bearer(raw).get("/api/accounts/me").json()
        assert (body["username"], body["home_area_name"]) == ("bob", "Xihe Town")
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_it_notes_the_last_use_to_the_minute_not_on_every_call(self) -> None:
        token, raw = create_api_token(self.world.bob, "device")
        client = bearer(raw)
        client.get("/api/accounts/me")
        token.refresh_from_db()
        first = token.last_used_at
        with self.assertNumQueries(1):  # the token with its user: no write within the minute
            client.get("/api/accounts/me")
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=first - datetime.timedelta(minutes=2))
        client.get("/api/accounts/me")
        token.refresh_from_db()
        assert token.last_used_at > first

    def test_it_scopes_token_requests_like_sessions(self) -> None:
        _token, raw = create_api_token(self.world.bob, "script")
        names = {a["name"] for a in bearer(raw).get("/api/areas/").json()["items"]}
        assert names == {"Xihe Town", "Village B1", "Grid B1-1"}
        assert bearer(raw).get(f"/api/areas/{self.world.town_a.pk}").status_code == 404

    def test_it_refuses_a_revoked_token(self) -> None:
        token, raw = create_api_token(self.world.alice, "old")
        revoke_api_token(token)
        assert bearer(raw).get("/api/areas/").status_code == 401

    def test_it_refuses_an_expired_token(self) -> None:
        past = timezone.now() - datetime.timedelta(minutes=1)
        _token, raw = create_api_token(self.world.alice, "old", expires_at=past)
        assert bearer(raw).get("/api/areas/").status_code == 401
        future = timezone.now() + datetime.timedelta(days=1)
        _token, raw = create_api_token(self.world.alice, "new", expires_at=future)
        assert bearer(raw).get("/api/areas/").status_code == 200

    def test_it_refuses_a_wrong_or_malformed_token(self) -> None:
        _token, raw = create_api_token(self.world.alice, "script")
        for header in (f"Bearer {raw}x", "Bearer ", f"Token {raw}", raw):
            response = Client(headers={"Authorization": header}).get("/api/areas/")
            assert response.status_code == 401, header
            assert "Dongcheng" not in response.content.decode()

    def test_it_refuses_the_token_of_a_deactivated_user(self) -> None:
        _token, raw = create_api_token(self.world.alice, "script")
        User.objects.filter(pk=self.world.alice.pk).update(is_active=False)
        assert bearer(raw).get("/api/areas/").status_code == 401


class TokenManagementTests(BaseTestCase):
    def create(self, client: Client, body: dict[str, Any]) -> Any:
        return client.post("/api/accounts/tokens", body, content_type="application/json")

    def test_it_creates_a_token_and_shows_its_key_once(self) -> None:
        client = self.client_for(self.world.alice)
        response = self.create(client, {"name": "  nightly export  "})
        assert response.status_code == 201, response.content
        body = response.json()
        token = ApiToken.objects.get(pk=body["id"])
        assert (token.user, token.name, token.key_hash) == (
            self.world.alice, "nightly export", hash_token(body["key"]))
        assert body["key"].startswith(body["prefix"])
        listed = client.get("/api/accounts/tokens").json()
        assert [t["name"] for t in listed] == ["nightly export"]
        assert "key" not in listed[0]
        assert body["key"] not in client.get("/api/accounts/tokens").content.decode()
        assert bearer(body["key"]).get("/api/accounts/me").json()["username"] == "alice"

    def test_it_keeps_an_expiry(self) -> None:
        when = (timezone.now() + datetime.timedelta(days=30)).replace(microsecond=0)
        body = self.create(self.client_for(self.world.alice),
                           {"name": "month", "expires_at": when.isoformat()}).json()
        assert ApiToken.objects.get(pk=body["id"]).expires_at == when

    def test_it_refuses_bad_input_with_field_messages(self) -> None:
        client = self.client_for(self.world.alice)
        past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
        cases = [({"name": "   "}, ["body", "name"], "Give the token a name."),
                 ({"name": "x", "expires_at": past}, ["body", "expires_at"],
                  "The expiry must lie in the future."),
                 ({"name": "x" * 101}, ["body", "payload", "name"], "at most 100"),
                 ({}, ["body", "payload", "name"], "Field required"),
                 ({"name": "x", "expires_at": "soon"}, ["body", "payload", "expires_at"], "")]
        for body, loc, message in cases:
            response = self.create(client, body)
            assert response.status_code == 422, body
            [error] = response.json()["detail"]
            assert error["loc"] == loc
            assert message in error["msg"]
        assert not ApiToken.objects.exists()

    def test_it_lists_only_the_users_own_tokens(self) -> None:
        create_api_token(self.world.alice, "alice's")
        create_api_token(self.world.bob, "bob's")
        names = [t["name"] for t in self.client_for(self.world.bob)
                 .get("/api/accounts/tokens").json()]
        assert names == ["bob's"]

    def test_it_revokes_an_own_token(self) -> None:
        token, raw = create_api_token(self.world.alice, "laptop")
        response = self.client_for(self.world.alice).delete(f"/api/accounts/tokens/{token.pk}")
        assert response.status_code == 204
        token.refresh_from_db()
        assert token.revoked
        assert bearer(raw).get("/api/accounts/me").status_code == 401

    def test_it_lets_a_token_revoke_itself(self) -> None:
        token, raw = create_api_token(self.world.alice, "laptop")
        assert bearer(raw).delete(f"/api/accounts/tokens/{token.pk}").status_code == 204
        assert bearer(raw).get("/api/accounts/tokens").status_code == 401

    def test_it_answers_404_for_another_users_token(self) -> None:
        token, raw = create_api_token(self.world.alice, "laptop")
        _bob_token, bob_raw = create_api_token(self.world.bob, "script")
        for client in (self.client_for(self.world.bob), bearer(bob_raw)):
            response = client.delete(f"/api/accounts/tokens/{token.pk}")
            assert response.status_code == 404
            assert response.json() == client.delete("/api/accounts/tokens/987654").json()
        token.refresh_from_db()
        assert not token.revoked
        assert bearer(raw).get("/api/accounts/me").status_code == 200

    def test_it_checks_csrf_when_a_session_creates_a_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.world.alice)
        assert self.create(client, {"name": "x"}).status_code == 403
        client.get("/api/docs")  # sets the CSRF cookie
        response = client.post("/api/accounts/tokens", {"name": "x"},
                               content_type="application/json",
                               headers={"X-CSRFToken": client.cookies["csrftoken"].value})
        assert response.status_code == 201
        assert ApiToken.objects.filter(user=self.world.alice).count() == 1

    def test_it_asks_a_script_whose_token_is_no_longer_good_to_authenticate(self) -> None:
        # Over real HTTP every check is made, CSRF's too: a POST with a revoked or expired
        # token, or none, is a 401 (authenticate), not the session's "CSRF check failed".
        token, raw = create_api_token(self.world.alice, "retired system")
        revoke_api_token(token)
        _old, expired = create_api_token(self.world.alice, "old", expires_at=timezone.now()
                                         - datetime.timedelta(minutes=1))
        for key in (raw, expired, None):
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            client = Client(enforce_csrf_checks=True, headers=headers)
            response = self.create(client, {"name": "x"})
            assert response.status_code == 401, (key, response.content)
        assert ApiToken.objects.count() == 2

    def test_it_asks_anonymous_callers_to_authenticate(self) -> None:
        assert Client().get("/api/accounts/tokens").status_code == 401
        assert self.create(Client(), {"name": "x"}).status_code == 401
        assert not ApiToken.objects.exists()
