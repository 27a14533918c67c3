"""API authentication (session or bearer token), the caller's own account and API tokens."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja import security as ninja_security
from ninja.security import HttpBearer

from epigrid.accounts import services
from epigrid.accounts.models import ApiToken, User, hash_token
from epigrid.areas.models import Area
from epigrid.core.api import InSchema, call_service, field_errors, not_found
from epigrid.core.rows import Columns, fetch_all

LAST_USED_GRAIN = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer eg_...`: an unrevoked, unexpired token of an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_owner(hash_token(token))
        if found is None:
            return None
        token_id, expires_at, last_used_at, user = found
        if not user.is_active:
            return None
        now = timezone.now()
        if expires_at is not None and expires_at <= now:
            return None
        # "Last used" to the minute: a device sending every second writes it once a minute, not
        # on every request (a write per call halved the passage API's throughput).
        if last_used_at is None or now - last_used_at >= LAST_USED_GRAIN:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user


# Every API call of a device looks its token up: one hand-written query, read fresh each time (a
# revoked token, a deactivated user or a changed role counts from the next request), without the
# ORM's compiling, which cost more than the query. The user's other fields (password, dates) and
# the home area's (boundary, figures) load only if something reads them.
_TOKEN = Columns(ApiToken, ("id", "last_used_at", "expires_at"), "t")
_USER = Columns(User, ("id", "is_superuser", "username", "first_name", "last_name", "email",
                       "email_notices", "is_staff", "is_active", "home_area", "role", "phone"),
                "u")
_AREA = Columns(Area, ("id", "parent", "level", "code", "name", "path"), "a")


@functools.cache
def _token_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (f"SELECT {_TOKEN.sql()}, {_USER.sql()}, {_AREA.sql()} "  # noqa: S608 - our names
            f"FROM {quote(ApiToken._meta.db_table)} t "
            f"JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
            f"LEFT JOIN {quote(Area._meta.db_table)} a ON a.id = u.home_area_id "
            "WHERE t.key_hash = %s AND t.revoked = %s")


def token_owner(key_hash: str) -> tuple[int, Any, Any, User] | None:
    """The unrevoked token of this hash: its id, expiry and last use, and its user (with the
    home area)."""
    found = fetch_all(_token_sql(connection.vendor), [key_hash, False])
    if not found:
        return None
    row = found[0]
    token = _TOKEN.instance(row[:len(_TOKEN)])
    user = _USER.instance(row[len(_TOKEN):len(_TOKEN) + len(_USER)])
    area_values = row[len(_TOKEN) + len(_USER):]
    user.home_area = _AREA.instance(area_values) if area_values[0] is not None else None
    return token.pk, token.expires_at, token.last_used_at, user


class SessionAuth(ninja_security.SessionAuth):
    """The browser's session, its CSRF token checked on unsafe methods, as ninja's: but only
    when a session signs the caller in. A caller without one (a script whose token was revoked
    or has expired) is told 401, to authenticate, not 403 "CSRF check failed"."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


# Token first (scripts), then the browser session.
api_auth = [TokenAuth(), SessionAuth()]

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    role: str
    home_area_id: int | None
    home_area_name: str | None
    email: str = Field(description="Where the notices sent by e-mail reach the user; blank: "
                                   "none are e-mailed to them.")
    email_notices: bool = Field(description="Every notice is e-mailed to the user, not only "
                                            "those an officer chooses to e-mail.")


class MeIn(InSchema):
    email: str | None = Field(None, description="The user's own e-mail address; blank removes "
                                                "it (and email_notices with it). The phone is "
                                                "set by officers.")
    email_notices: bool | None = Field(None, description="E-mail every notice to the user; "
                                                         "needs an address.")


def _me(user: User) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "role": user.role,
            "home_area_id": user.home_area_id,
            "home_area_name": user.home_area.name if user.home_area else None,
            "email": user.email, "email_notices": user.email_notices}


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, Any]:
    return _me(request.auth)  # type: ignore[attr-defined]


@router.patch("/me", response=MeOut, summary="Set the signed-in user's e-mail address")
def set_me(request: HttpRequest, payload: MeIn) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    call_service(lambda: services.set_email(user, payload.email, notices=payload.email_notices))
    return _me(user)


# --- the caller's own API tokens -------------------------------------------------------------

class TokenIn(InSchema):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")
    expires_at: datetime.datetime | None = Field(None, description="Never expires when null.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the key, to recognise it.")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    revoked: bool


class NewTokenOut(TokenOut):
    key: str = Field(description="The token itself. It is shown this once and never again.")


def own_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=request.auth)  # type: ignore[attr-defined]


@router.post("/tokens", response={201: NewTokenOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    name = payload.name.strip()
    if not name:
        raise field_errors({"name": [_("Give the token a name.")]})
    if payload.expires_at is not None and payload.expires_at <= timezone.now():
        raise field_errors({"expires_at": [_("The expiry must lie in the future.")]})
    token, raw = services.create_api_token(request.auth, name,  # type: ignore[attr-defined]
                                           expires_at=payload.expires_at)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "key": raw})


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens")
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return own_tokens(request).order_by("-created_at", "-id")


@router.delete("/tokens/{int:id}", response={204: None}, summary="Revoke one of your API tokens")
def revoke_token(request: HttpRequest, id: int) -> Status[None]:
    token = own_tokens(request).filter(pk=id).first()
    if token is None:  # another user's token is as unknown as a missing one
        raise not_found()
    services.revoke_api_token(token)
    return Status(204, None)
