"""Security-matrix entries of the user's own account pages and API tokens (merged into the matrix).

A token is its user's alone: outsiders, and even those who see everything, get 404 for Alice's.
"""

from __future__ import annotations

from epigrid.accounts.models import ApiToken
from epigrid.accounts.services import create_api_token
from tests.base import World
from tests.security.matrix import Entry, obj, page

TOKEN_NAME = "Dongcheng roster system"


def prepare(w: World) -> None:
    create_api_token(w.alice, TOKEN_NAME)


def alice_token(w: World) -> ApiToken:
    return ApiToken.objects.get(user=w.alice, name=TOKEN_NAME)


PAGES: dict[str, Entry] = {
    "accounts:home": page(insider_ok=frozenset({302}), shows_a=False),  # to the account page
    # The user's own e-mail address: anyone sets their own.
    "accounts:email": page(methods=("get", "post"), data={"email": "matrix@example.org"},
                           insider_ok=frozenset({200, 302}), shows_a=False),
    # The user's own tokens, and a new one of their own for anyone who posts the form.
    "accounts:tokens": page(methods=("get", "post"), data={"name": "matrix"}, shows_a=False),
    "accounts:token_revoke": obj(alice_token, methods=("post",), insider_ok=frozenset({302}),
                                 shows_a=False),
}
API: dict[str, Entry] = {
    "DELETE /api/accounts/tokens/{id}": obj(alice_token, methods=("delete",),
                                            insider_ok=frozenset({204}), shows_a=False),
}
