"""The bearer token's one hand-written look-up: read fresh on every request (no cache to go
stale), the user typed as the ORM loads it, the home area with it, the rest on demand."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from epigrid.accounts.api import token_owner
from epigrid.accounts.models import ApiToken, User, hash_token
from epigrid.accounts.services import create_api_token, revoke_api_token
from epigrid.core.access import Role
from tests.base import BaseTestCase


class TokenLookupTests(BaseTestCase):
    def test_it_answers_the_user_typed_with_the_home_area_in_one_query(self) -> None:
        token, raw = create_api_token(self.world.bob, "script")
        with self.assertNumQueries(1):
            token_id, expires_at, last_used_at, user = token_owner(hash_token(raw)) or (
                0, None, None, None)
            assert user is not None
            assert (token_id, expires_at, last_used_at) == (token.pk, None, None)
            assert (user.pk, user.username, user.role, user.home_area.name) == (
                self.world.bob.pk, "bob", Role.AREA_OFFICER, "Xihe Town")
            assert user.is_active is True and user.is_superuser is False
            assert user.scope_path == self.world.town_b.path
        joined = User.objects.get(pk=user.pk).date_joined
        with self.assertNumQueries(1):  # what was not selected loads when read
            assert user.date_joined == joined

    def test_it_keeps_the_expiry_as_an_aware_time(self) -> None:
        when = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
        _token, raw = create_api_token(self.world.alice, "month", expires_at=when)
        found = token_owner(hash_token(raw))
        assert found is not None and found[1] == when

    def test_it_knows_no_revoked_or_unknown_token(self) -> None:
        token, raw = create_api_token(self.world.alice, "old")
        revoke_api_token(token)
        assert token_owner(hash_token(raw)) is None
        assert token_owner(hash_token("eg_nothing")) is None

    def test_each_request_sees_the_account_as_it_is_now(self) -> None:
        token, raw = create_api_token(self.world.alice, "script")
        device = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert device.get("/api/accounts/me").json()["role"] == Role.AREA_OFFICER
        User.objects.filter(pk=self.world.alice.pk).update(role=Role.VOLUNTEER)
        assert device.get("/api/accounts/me").json()["role"] == Role.VOLUNTEER
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)  # from another process
        assert device.get("/api/accounts/me").status_code == 401
