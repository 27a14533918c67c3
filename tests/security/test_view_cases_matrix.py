"""The VIEW_CASES part of the matrix (docs/access.md, "Seeing cases is itself a capability"):
every page and API route of the cases app but the case figures, called as the URL matrix calls it
(its town-A records and bodies, tests/security/entries_cases_*.py), answers a checkpoint staff
member of town A 403 and writes nothing. A page or route added to those parts later is covered
without a line here; the stories are in tests/cases/test_view_cases_capability.py.
"""

from __future__ import annotations

from typing import Any

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.base import PASSWORD, BaseTestCase
from tests.security import (
    entries_cases_case,
    entries_cases_contact,
    entries_cases_figure,
    entries_cases_lab,
    entries_cases_quarantine,
)
from tests.security.matrix import Entry, Route, api_routes, call, page_routes, url_for
from tests.security.test_url_matrix import WRITES

# Of the cases app, only the figures themselves are open to everyone in the area.
OPEN_PAGES = frozenset({"cases:figure_index", "cases:figure_area", "cases:figure_curve"})
GUARDED_API = ("/api/cases/", "/api/quarantine", "/api/contacts/", "/api/labs/")
PARTS = (entries_cases_case, entries_cases_contact, entries_cases_figure, entries_cases_lab,
         entries_cases_quarantine)


class ViewCasesMatrixTests(BaseTestCase):
    staff: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.staff = create_user(username="guo", password=PASSWORD, role=Role.CHECKPOINT_STAFF,
                                home_area=cls.world.village_a1)
        for part in PARTS:
            if hasattr(part, "prepare"):
                part.prepare(cls.world)

    def routes(self) -> list[tuple[Route, Entry, bool]]:
        pages: dict[str, Entry] = {}
        api: dict[str, Entry] = {}
        for part in PARTS:
            pages.update(part.PAGES)
            api.update(part.API)
        found = [(route, pages[route.key], False) for route in page_routes((), frozenset())
                 if route.key.startswith("cases:") and route.key not in OPEN_PAGES]
        found += [(route, api[route.key], True) for route in api_routes()
                  if route.path.startswith(GUARDED_API)]
        return found

    def test_it_answers_checkpoint_staff_403_on_every_route_that_names_persons(self) -> None:
        client = self.client_for(self.staff)
        writes = AuditEntry.objects.filter(action__in=WRITES).count()
        routes = self.routes()
        assert len(routes) > 50  # pages and API of cases, quarantine, labs and contacts
        for route, entry, is_api in routes:
            url = url_for(route, entry, self.world)
            for method in entry.methods:
                data: dict[str, Any] = entry.data if method != "get" else {}
                with self.subTest(route=route.key, method=method):
                    response = call(client, method, url, data, is_api)
                    assert response.status_code == 403, response.content[:300]
        assert AuditEntry.objects.filter(action__in=WRITES).count() == writes
