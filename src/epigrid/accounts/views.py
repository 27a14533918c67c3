"""The user's own account: its root, and the API tokens that let another system act as them.

The e-mail address is the user's own to set; the phone is not (services.set_email says why).
A token is its user's alone: another user's, or a missing one, answers 404 alike, whatever the
caller's role. Other account pages (login, password) are Django's own views (accounts.urls).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.accounts import services
from epigrid.accounts.forms import EmailForm, TokenForm
from epigrid.accounts.models import ApiToken, User
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """`/accounts/`: the account page (who I am, my password, my files and tokens)."""
    return redirect("accounts:password_change")


def get_token_for_user(request: HttpRequest, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken.objects.select_related("user"), pk=pk,
                             user_id=request.user.pk)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens, newest first, and a form for a new one, whose key this answer shows
    once: it is stored as a hash only, so no later page can show it again."""
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        created = services.create_api_token(request.user,  # type: ignore[arg-type]
                                             form.cleaned_data["name"],
                                             expires_at=form.expires_at())
        form = TokenForm()
    mine = ApiToken.objects.filter(user=request.user)  # type: ignore[misc]
    page, next_after = keyset(mine, request, newest_first=True)
    response = render(request, "accounts/tokens.html", {
        "form": form, "tokens": page, "next_after": next_after,
        "created": created[0] if created else None, "key": created[1] if created else None})
    response["Cache-Control"] = "no-store"  # a new key must not stay in a cache
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_token_for_user(request, pk)
    services.revoke_api_token(token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer opens the API.")
                     % {"name": token.name})
    return redirect("accounts:tokens")


@login_required
@require_http_methods(["GET", "POST"])
def email(request: HttpRequest) -> HttpResponse:
    """`/accounts/email/`: the address the user's e-mailed notices go to, theirs to set."""
    user: User = request.user  # type: ignore[assignment] # login_required
    form = EmailForm(request.POST or None, initial={
        "email": user.email, "email_notices": user.email_notices})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.set_email(user, form.cleaned_data["email"],
                                         notices=form.cleaned_data["email_notices"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if changed:
                messages.success(request, _saved(user.email))
            return redirect("accounts:password_change")
    return render(request, "accounts/email.html", {
        "form": form, "mail_set_up": bool(settings.EMAIL_HOST)})


def _saved(address: str) -> str:
    if address:
        return _("Your e-mail address is saved: %(email)s.") % {"email": address}
    return _("Your e-mail address is removed: no notice is e-mailed to you.")
