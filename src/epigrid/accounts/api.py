"""API authentication (session or bearer token) and the caller's own account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer, django_auth

from epigrid.accounts.models import ApiToken, User, hash_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer eg_...`: an unrevoked, unexpired token of an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (ApiToken.objects.select_related("user", "user__home_area")
                 .filter(key_hash=hash_token(token), revoked=False).first())
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.expires_at is not None and found.expires_at <= now:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


# Token first (scripts), then the browser session (ninja checks CSRF on unsafe methods).
api_auth = [TokenAuth(), django_auth]

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    role: str
    home_area_id: int | None
    home_area_name: str | None


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    return {"id": user.pk, "username": user.username, "role": user.role,
            "home_area_id": user.home_area_id,
            "home_area_name": user.home_area.name if user.home_area else None}
