from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.accounts import services
from epigrid.core.days import day_start


def client_address(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form that refuses to check passwords after too many failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed logins. Wait a quarter of an hour and try again."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if services.login_blocked(username, address):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                services.record_login_failure(username, address)
            raise
        services.clear_login_failures(username)
        return cleaned


class TokenForm(forms.Form):
    """A new API token: what it is for, and optionally the last day it works."""

    name = forms.CharField(label=_("What it is for"), max_length=100,
                           help_text=_("For example: the town's roster system."),
                           error_messages={"required": _("Give the token a name.")})
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput({"type": "date"}),
        help_text=_("The last day it works. Empty: until you revoke it."))

    def clean_valid_until(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get("valid_until")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The last day cannot lie in the past."),
                                        code="past")
        return day

    def expires_at(self) -> datetime.datetime | None:
        """The end of the last day, as the district's clock tells it."""
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return day_start(day + datetime.timedelta(days=1))


class EmailForm(forms.Form):
    """The user's own e-mail address; the service (services.set_email) checks it."""

    email = forms.CharField(
        label=_("E-mail address"), required=False, max_length=254,
        widget=forms.EmailInput({"autocomplete": "email"}),
        help_text=_("Notices your officers send by e-mail reach you here. Empty: none are "
                    "e-mailed to you."))
    email_notices = forms.BooleanField(
        label=_("E-mail me every notice"), required=False,
        help_text=_("Also those epigrid sends by itself: a positive result, a follow-up "
                    "missed, a task set for your area. Otherwise only those an officer "
                    "chooses to e-mail."))
