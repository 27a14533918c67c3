from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area
from epigrid.core.access import Role

# Han characters (the unified ideographs, extension A, the compatibility ones): a name written
# with them puts the family name first, unspaced.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TOKEN_PREFIX = "eg_"  # noqa: S105 - a visible marker of our tokens, not a secret


class UserManager(DjangoUserManager["User"]):
    def create_superuser(self, username: str, email: str | None = None,
                         password: str | None = None, **extra_fields: Any) -> User:
        """`epigrid createsuperuser` makes an administrator, who sees every area."""
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. They see the records of their home area's subtree."""

    home_area = models.ForeignKey(Area, verbose_name=_("home area"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="users")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices,
                            default=Role.VOLUNTEER)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # The notices the apps send the user (a positive result, a missed follow-up, a task set)
    # e-mailed too, not only those an officer chooses to e-mail (alerts.mailing).
    email_notices = models.BooleanField(_("e-mail me every notice"), default=False)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The name as its own language writes it: a Chinese one family name first and unspaced
        (萧义, not Django's "义 萧"), any other given name first (Alice Wang)."""
        given, family = self.first_name.strip(), self.last_name.strip()
        if HAN.search(family):
            return family + (given if HAN.search(given) or not given else f" {given}")
        return f"{given} {family}".strip()

    @property
    def display_name(self) -> str:
        """How pages name the user: the full name, else the username."""
        return self.get_full_name() or self.username

    @property
    def scope_path(self) -> str | None:
        """The path whose subtree this user sees; None for a user without a home area."""
        area = self.home_area
        return area.path if area is not None else None


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the raw value is shown once."""

    audit_logged: ClassVar[bool] = True  # its services write its audit entries

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_key() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def state(self) -> str:
        """"revoked", "expired" or "active": whether the API takes it now (accounts.api's
        TokenAuth also asks that its user be active)."""
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class LoginAttempt(models.Model):
    """A failed login, kept for throttling: per user name and per client address."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username} {self.ip_address} {self.at:%Y-%m-%d %H:%M}"
