"""Login throttling, tokens, user creation and the user's own e-mail address: the writes of the
accounts app."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.accounts.models import ApiToken, LoginAttempt, User, hash_token
from epigrid.areas.models import Area
from epigrid.core import audit
from epigrid.core.errors import Errors, add, refuse


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_blocked(username: str, ip_address: str | None) -> bool:
    """Too many recent failures for this user name, or from this address."""
    recent = LoginAttempt.objects.filter(at__gte=_window_start())
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def record_login_failure(username: str, ip_address: str | None) -> None:
    LoginAttempt.objects.create(username=username.lower()[:150], ip_address=ip_address)


def clear_login_failures(username: str) -> None:
    LoginAttempt.objects.filter(username=username.lower()).delete()


@transaction.atomic
def create_user(*, username: str, password: str, role: str, home_area: Area | None,
                **fields: Any) -> User:
    user = User(username=username, role=role, home_area=home_area, **fields)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def create_api_token(user: User, name: str,
                     expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token and its raw key, which is shown to the user once and never stored."""
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw),
                                    prefix=raw[:8], expires_at=expires_at)
    # A token acts as its user from wherever it is sent: who made one, and when, is logged.
    audit.record("create", model=ApiToken._meta.label, object_pk=token.pk,
                 object_repr=str(token), area_path=user.scope_path or "", changes={
                     "user": [None, user.username], "name": [None, name],
                     "expires_at": [None, audit.jsonable(expires_at)]})
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken) -> None:
    """Revoke the token from its next request on; revoking it again changes nothing."""
    if token.revoked:
        return
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record("update", model=ApiToken._meta.label, object_pk=token.pk,
                 object_repr=str(token), area_path=token.user.scope_path or "",
                 changes={"revoked": [False, True]})


@transaction.atomic
def set_email(user: User, email: str | None = None, *, notices: bool | None = None) -> bool:
    """The address the user's notices are e-mailed to (alerts.mailing), and whether every
    notice is, not only those an officer e-mails: set by the user; None leaves either as it
    is, a blank address takes it away (and the notices with it). The phone is not theirs to
    set: the officers vouch for it, since a volunteer record registered from a paper roster is
    claimed by it (volunteers.self_service.enrol). Returns whether anything changed; a change
    is logged, before and after."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    value = locked.email if email is None else _address(email)
    wanted = locked.email_notices if notices is None else notices
    if not value and notices:
        refuse({"email_notices": [_("Give an e-mail address to have every notice e-mailed.")]})
    wanted = wanted and bool(value)
    changes = {name: [before, after] for name, before, after in (
        ("email", locked.email, value), ("email_notices", locked.email_notices, wanted))
        if before != after}
    if not changes:
        return False
    audit.record("update", model=User._meta.label, object_pk=user.pk, object_repr=user.username,
                 changes=changes)
    user.email, user.email_notices = value, wanted
    user.save(update_fields=["email", "email_notices"])
    return True


def _address(email: str) -> str:
    """The address tidied (its domain in lower case), or a refusal naming why."""
    errors: Errors = {}
    value = User.objects.normalize_email(email.strip())
    most = User._meta.get_field("email").max_length
    if most is not None and len(value) > most:
        add(errors, "email", _("An e-mail address has at most %(n)d characters.") % {"n": most})
    elif value:
        try:
            validate_email(value)
        except ValidationError:
            add(errors, "email", _("This is not an e-mail address: it reads like "
                                   "name@example.org."))
    refuse(errors)
    return value
