"""Every page and every API route, called by people who must not see town A (docs/access.md).

For each route the matrix names the town-A object its id argument is filled with. A route that is
not in the matrix fails `test_it_has_an_entry_for_every_route`: add one line below.

Checks: anonymous visitors are sent to the login page (pages) or answered 401 (API); an officer
and a command user of town B get 403 or 404 for town A's objects, and no name or code of town A in
any answer, list pages included; a user without a home area sees no area or site at all; and the
insiders of town A do get in, so the matrix is not vacuous. No outsider's request writes anything.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django.test import Client
from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry, ImportRun
from tests import security as security_tests
from tests.base import PASSWORD, BaseTestCase, World
from tests.security import entries_registry_screening
from tests.security.matrix import (
    Entry,
    Route,
    api_routes,
    body_text,
    call,
    names_under,
    obj,
    page,
    page_routes,
    url_for,
)

RISK = {"level": "high", "reason": "matrix"}
VILLAGE_A1 = "420102001001"


def site_data(code: str, name: str, kind: str | None) -> dict[str, Any]:
    data = {"area_code": VILLAGE_A1, "code": code, "name": name, "address": "", "phone": "",
            "latitude": "", "longitude": "", "active": "on"}
    return data | ({"kind": kind} if kind else {})


def town_a_import(w: World) -> ImportRun:
    """Alice's import of town A's villages, with a refused row naming one of them."""
    return ImportRun.objects.create(
        user=w.alice, importer="areas", file_name="Dongcheng Town villages.xlsx",
        area_path=w.town_a.path, status=ImportRun.Status.PARTIAL, rows_total=2, rows_created=1,
        rows_failed=1, errors_total=1,
        errors=[{"row": 3, "column": "name", "value": "Village A1", "message": "duplicate"}])


def site_pages(slug: str, singular: str, kind: str | None, target: Any,
               unchanged: tuple[str, str]) -> dict[str, Entry]:
    """The four pages of one kind of site (list, new, detail, edit).

    The insider's edit keeps the site's code and name (`unchanged`): later calls search for them.
    """
    code = f"MX-{singular[:2].upper()}"
    return {
        f"areas:{slug}": page(queries=("", "?export=csv", "?area={town_a}", "?q=A-001")),
        f"areas:{singular}_create": page(
            methods=("get", "post"), data=site_data(code, "Matrix Site", kind), shows_a=False,
            insider_ok=frozenset({200, 302})),
        f"areas:{singular}": obj(target),
        f"areas:{singular}_edit": obj(
            target, methods=("get", "post"), data=site_data(*unchanged, kind),
            insider_ok=frozenset({200, 302})),
    }


# Pages. Skipped by prefix or name, each for a reason:
SKIP_PREFIXES = (
    "admin/",  # Django's admin: staff only, its own permissions (test_it_keeps_officers_out...)
    "i18n/",   # set_language stores a language choice; it shows no records
    "api/",    # the API is walked below through its OpenAPI schema; docs and schema hold no rows
    "static/", "media/",  # files, served only with DEBUG; no records
)
SKIP_NAMES = frozenset({
    "accounts:login", "accounts:logout",  # public by design: the way in and out
    "web:healthz",  # the load balancer's liveness probe: public, answers {"status": "ok"} only
    # The list of risk areas and its CAP feed, public as the published list is: areas, levels
    # and days only, never the reason (tests/alerts/test_cap.py).
    "alerts:risk_areas", "alerts:cap_index", "alerts:cap_alert",
})

PAGES: dict[str, Entry] = {
    "web:home": page(insider_ok=frozenset({302}), shows_a=False),  # redirects to a role's page
    # An app's root redirects to the app's first page the user may open (web.views.section).
    **{f"web:section_{name}": page(insider_ok=frozenset({302}), shows_a=False)
       for name in ("registry", "checkpoints", "care", "reporting")},
    "accounts:password_change": page(shows_a=False),
    "accounts:password_done": page(shows_a=False),
    "areas:browse": page(insider_ok=frozenset({302}), shows_a=False),  # redirects to home area
    "areas:tree": page(),
    "areas:search": page(queries=("?q=Dongcheng", "?q=Village", "?q=420102")),
    "areas:detail": obj(lambda w: w.village_a1, queries=("", "?export=csv")),
    "areas:children": obj(lambda w: w.town_a),
    "areas:change_risk": obj(lambda w: w.village_a1, methods=("post",), data=RISK,
                             insider="a_command", insider_ok=frozenset({302})),
    "areas:create_child": obj(lambda w: w.village_a1, methods=("get", "post"),
                              data={"name": "Matrix Grid", "code": "MX-GRID-01",
                                    "population": "0", "households": "0"},
                              insider="a_command", insider_ok=frozenset({200, 302})),
    "areas:edit": obj(lambda w: w.village_a1, methods=("get", "post"),
                      data={"name": "Village A1", "code": VILLAGE_A1, "population": "3000",
                            "households": "1000"},
                      insider="a_command", insider_ok=frozenset({200, 302})),
    "areas:move": obj(lambda w: w.village_a1, methods=("get", "post"),
                      data={"parent_code": "420102001000"},
                      insider="a_command", insider_ok=frozenset({200, 302})),
    **site_pages("checkpoints", "checkpoint", "road", lambda w: w.checkpoint_a,
                 ("CP-A-001", "East Road Checkpoint")),
    **site_pages("facilities", "facility", "fever_clinic", lambda w: w.facility_a,
                 ("FA-A-001", "Dongcheng Fever Clinic")),
    **site_pages("warehouses", "warehouse", None, lambda w: w.warehouse_a,
                 ("WH-A-001", "Dongcheng Depot")),
    "core:audit": page(insider="admin", shows_a=False),
    "imports:list": page(),
    "imports:new": page(shows_a=False),  # its POST (a file upload) is tested in tests/core
    "imports:detail": obj(town_a_import),
    "imports:report": obj(town_a_import, shows_a=False),  # an xlsx file: status checks only
}

API: dict[str, Entry] = {
    "GET /api/accounts/me": page(shows_a=False),
    "PATCH /api/accounts/me": page(methods=("patch",), data={"email": "matrix@example.org"},
                                   shows_a=False),
    "GET /api/accounts/tokens": page(shows_a=False),
    "POST /api/accounts/tokens": page(methods=("post",), data={"name": "matrix"},
                                      insider_ok=frozenset({201}), shows_a=False),
    "GET /api/areas/": page(queries=("", "?q=Dongcheng", "?within={town_a}",
                                     "?parent={town_a}")),
    "GET /api/areas/{id}": obj(lambda w: w.village_a1),
    "GET /api/areas/{id}/risk-history": obj(lambda w: w.village_a1, shows_a=False),
    "POST /api/areas/{id}/risk-level": obj(lambda w: w.village_a2, methods=("post",), data=RISK,
                                           insider="a_command", insider_ok=frozenset({201})),
    **{f"GET /api/sites/{slug}/": page(queries=("", "?area={town_a}", "?q=A-001"))
       for slug in ("checkpoints", "facilities", "warehouses")},
    "GET /api/sites/checkpoints/{id}": obj(lambda w: w.checkpoint_a),
    "GET /api/sites/facilities/{id}": obj(lambda w: w.facility_a),
    "GET /api/sites/warehouses/{id}": obj(lambda w: w.warehouse_a),
    "GET /api/imports/importers": page(shows_a=False),
    "GET /api/imports/": page(),
    # A multipart form: the matrix sends JSON, so the file is missing (422); nothing is read.
    "POST /api/imports/": page(methods=("post",), insider_ok=frozenset({422}), shows_a=False),
    "GET /api/imports/{id}": obj(town_a_import),
    "GET /api/imports/{id}/errors": obj(town_a_import),
}

# Each app part keeps its entries in its own module, tests/security/entries_<part>.py; a part
# whose routes need town-A records gives it a `prepare(world)` that makes them (called once, in
# setUpTestData, so that no call of the matrix writes anything itself).
PARTS: list[Any] = []
for _info in pkgutil.iter_modules(security_tests.__path__):
    if _info.name.startswith("entries_"):
        _part = importlib.import_module(f"{security_tests.__name__}.{_info.name}")
        PAGES.update(_part.PAGES)
        API.update(_part.API)
        PARTS.append(_part)

WRITES = ("create", "update", "delete")


class UrlMatrixTests(BaseTestCase):
    people: dict[str, User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.people = {
            "alice": w.alice, "bob": w.bob, "stranger": w.stranger, "admin": w.admin,
            # Command users hold the capabilities an officer lacks (risk levels), so a refusal
            # of theirs is about the area, not the role.
            "a_command": create_user(username="chen", password=PASSWORD, role=Role.COMMAND,
                                     home_area=w.town_a),
            "b_command": create_user(username="wu", password=PASSWORD, role=Role.COMMAND,
                                     home_area=w.town_b),
        }
        town_a_import(w)  # so that the list of imports has a row of town A to leak
        entries_registry_screening.town_a_campaign(w)  # a running campaign, for its lists
        for part in PARTS:
            if hasattr(part, "prepare"):
                part.prepare(w)

    # --- walking ---------------------------------------------------------------------------

    def routes(self) -> list[tuple[Route, Entry, bool]]:
        found = [(route, PAGES[route.key], False)
                 for route in page_routes(SKIP_PREFIXES, SKIP_NAMES) if route.key in PAGES]
        found += [(route, API[route.key], True) for route in api_routes() if route.key in API]
        return found

    def requests(self, route: Route, entry: Entry) -> list[tuple[str, str, dict[str, Any]]]:
        """(method, url, data) for every way the matrix calls the route."""
        url = url_for(route, entry, self.world)
        calls = []
        for method in entry.methods:
            queries = entry.queries if method == "get" else ("",)
            for query in queries:
                calls.append((method, url + query.format(town_a=self.world.town_a.pk),
                              entry.data if method != "get" else {}))
        return calls

    def as_persona(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.people[persona])
        return client

    def writes(self) -> int:
        # Anyone may make a token of their own (the form and the API's POST), or set their own
        # e-mail address: that is no write into town A. Revoking a token is counted: only its
        # owner may.
        return (AuditEntry.objects.filter(action__in=WRITES)
                .exclude(action="create", model="accounts.ApiToken")
                .exclude(action="update", model="accounts.User").count())

    # --- the tests -------------------------------------------------------------------------

    def test_it_has_an_entry_for_every_route(self) -> None:
        pages = {route.key for route in page_routes(SKIP_PREFIXES, SKIP_NAMES)}
        apis = {route.key for route in api_routes()}
        missing = sorted((pages - PAGES.keys()) | (apis - API.keys()))
        assert not missing, (
            f"add it to the matrix in tests/security/test_url_matrix.py: {missing} (name the "
            "town-A object its id argument takes, or `page()` for a list)")
        stale = sorted((PAGES.keys() - pages) | (API.keys() - apis))
        assert not stale, f"these routes are gone; remove them from the matrix: {stale}"
        for route in page_routes(SKIP_PREFIXES, SKIP_NAMES):
            if route.args and route.key in PAGES:
                assert PAGES[route.key].target is not None, f"{route.key} needs a town-A object"

    def test_it_sends_anonymous_visitors_to_login(self) -> None:
        login = reverse("accounts:login")
        before = self.writes()
        for route, entry, is_api in self.routes():
            for method, url, data in self.requests(route, entry):
                with self.subTest(route=route.key, method=method, url=url):
                    response = call(self.as_persona("anonymous"), method, url, data, is_api)
                    if is_api:
                        assert response.status_code == 401
                    else:
                        assert response.status_code == 302
                        assert response["Location"].startswith(login + "?next=")
        assert self.writes() == before

    def test_it_shows_people_of_another_town_nothing_of_town_a(self) -> None:
        secrets = names_under(self.world.town_a.path)
        before = self.writes()
        for persona in ("bob", "b_command"):
            for route, entry, is_api in self.routes():
                for method, url, data in self.requests(route, entry):
                    with self.subTest(persona=persona, route=route.key, method=method, url=url):
                        response = call(self.as_persona(persona), method, url, data, is_api)
                        if entry.target is not None:
                            assert response.status_code in {403, 404}
                        else:
                            assert response.status_code < 500
                        # What the caller sent in may come back (a form re-shown with errors).
                        body = body_text(response)
                        leaked = {s for s in secrets - set(map(str, data.values())) if s in body}
                        assert not leaked
        assert self.writes() == before

    def test_it_shows_a_user_without_an_area_nothing(self) -> None:
        w = self.world
        secrets = names_under(w.city.path) - {w.city.name, w.city.code}
        before = self.writes()
        for route, entry, is_api in self.routes():
            for method, url, data in self.requests(route, entry):
                with self.subTest(route=route.key, method=method, url=url):
                    response = call(self.as_persona("stranger"), method, url, data, is_api)
                    if entry.target is not None:
                        assert response.status_code in {403, 404}
                    body = body_text(response)
                    leaked = {s for s in secrets - set(map(str, data.values())) if s in body}
                    assert not leaked
        assert self.writes() == before

    def test_it_lets_the_people_of_town_a_in(self) -> None:
        secrets = names_under(self.world.town_a.path)
        for route, entry, is_api in self.routes():
            for method, url, data in self.requests(route, entry):
                with self.subTest(persona=entry.insider, route=route.key, method=method,
                                  url=url):
                    response = call(self.as_persona(entry.insider), method, url, data, is_api)
                    body = body_text(response)
                    assert response.status_code in entry.insider_ok, body[:500]
                    if entry.shows_a and method == "get" and response.status_code == 200:
                        assert any(s in body for s in secrets), (
                            "the insider's page names nothing of town A: the check is vacuous")

    def test_it_keeps_officers_out_of_the_admin(self) -> None:
        for persona in ("alice", "bob", "b_command"):
            response = self.as_persona(persona).get("/admin/")
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
