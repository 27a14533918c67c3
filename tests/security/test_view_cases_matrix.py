"""The VIEW_CASES part of the matrix (docs/access.md, "Seeing cases is itself a capability"):
every page and API route of the cases app but the case figures, and every one of the care app
but the beds, the transfer dashboard and the counts, called as the URL matrix calls it (its
town-A records and bodies, tests/security/entries_cases_*.py and entries_care_*.py), answers a
checkpoint staff member of town A 403 and writes nothing; the open care routes let a logistics
member of town A in. A page or route added to those parts later is covered without a line here
(a new open one of care must be named below); the stories are in
tests/cases/test_view_cases_capability.py and tests/care/test_view_cases_care.py.
"""

from __future__ import annotations

from typing import Any

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.base import PASSWORD, BaseTestCase
from tests.security import (
    entries_care_bed,
    entries_care_plan,
    entries_cases_case,
    entries_cases_contact,
    entries_cases_figure,
    entries_cases_lab,
    entries_cases_quarantine,
)
from tests.security.matrix import (
    Entry,
    Route,
    api_routes,
    body_text,
    call,
    page_routes,
    url_for,
)
from tests.security.test_url_matrix import WRITES

# Of the cases app, only the figures themselves are open to everyone in the area.
OPEN_PAGES = frozenset({"cases:figure_index", "cases:figure_area", "cases:figure_curve"})
GUARDED_API = ("/api/cases/", "/api/quarantine", "/api/contacts/", "/api/labs/")
# Of the care app, the beds, the transfer dashboard and the counts (of the waiting list and the
# plan) are open to everyone in the area; its other routes name patients.
CARE_OPEN_PAGES = frozenset({"care:bed_index", "care:bed_area", "care:bed_have_xml",
                             "care:bed_have_json", "care:bed_facility", "care:dashboard_index",
                             "care:dashboard"})
CARE_API = ("/api/beds/", "/api/transfers/")
CARE_OPEN_API = frozenset({
    "GET /api/beds/stocks", "GET /api/beds/stocks/{id}",
    "PUT /api/beds/facilities/{facility_id}/{bed_type}", "POST /api/beds/facilities/{facility_id}",
    "GET /api/beds/totals", "GET /api/beds/have.xml", "GET /api/beds/have.json",
    "GET /api/beds/requests/figures", "GET /api/transfers/areas/{area_id}/plan",
    "POST /api/transfers/areas/{area_id}/plan", "GET /api/transfers/areas/{area_id}/snapshots"})
# Open routes that take another capability than VIEW_CASES, which logistics lacks.
OTHER_CAPABILITY = frozenset({"care:bed_facility"})
PARTS = (entries_cases_case, entries_cases_contact, entries_cases_figure, entries_cases_lab,
         entries_cases_quarantine, entries_care_bed, entries_care_plan)


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

    def entries(self) -> tuple[dict[str, Entry], dict[str, Entry]]:
        pages: dict[str, Entry] = {}
        api: dict[str, Entry] = {}
        for part in PARTS:
            pages.update(part.PAGES)
            api.update(part.API)
        return pages, api

    def routes(self) -> list[tuple[Route, Entry, bool]]:
        pages, api = self.entries()
        found = [(route, pages[route.key], False) for route in page_routes((), frozenset())
                 if (route.key.startswith("cases:") and route.key not in OPEN_PAGES)
                 or (route.key.startswith("care:") and route.key not in CARE_OPEN_PAGES)]
        found += [(route, api[route.key], True) for route in api_routes()
                  if route.path.startswith(GUARDED_API)
                  or (route.path.startswith(CARE_API) and route.key not in CARE_OPEN_API)]
        return found

    def test_it_answers_checkpoint_staff_403_on_every_route_that_names_persons(self) -> None:
        client = self.client_for(self.staff)
        writes = AuditEntry.objects.filter(action__in=WRITES).count()
        routes = self.routes()
        assert len(routes) > 60  # pages and API of cases, quarantine, labs, contacts and care
        assert {"care:bed_awaiting", "care:plan_area",
                "GET /api/beds/requests"} <= {route.key for route, _entry, _api in routes}
        for route, entry, is_api in routes:
            url = url_for(route, entry, self.world)
            for method in entry.methods:
                data: dict[str, Any] = entry.data if method != "get" else {}
                with self.subTest(route=route.key, method=method):
                    response = call(client, method, url, data, is_api)
                    assert response.status_code == 403, response.content[:300]
        assert AuditEntry.objects.filter(action__in=WRITES).count() == writes

    def test_it_lets_logistics_of_town_a_read_the_open_care_routes(self) -> None:
        logistics = create_user(username="lu", password=PASSWORD, role=Role.LOGISTICS,
                                home_area=self.world.town_a)
        client = self.client_for(logistics)
        pages, api = self.entries()
        found = [(route, pages[route.key], False) for route in page_routes((), frozenset())
                 if route.key in CARE_OPEN_PAGES - OTHER_CAPABILITY]
        found += [(route, api[route.key], True) for route in api_routes()
                  if route.key in CARE_OPEN_API and route.method == "get"]
        assert len(found) == len(CARE_OPEN_PAGES - OTHER_CAPABILITY) + 8
        for route, entry, is_api in found:
            with self.subTest(route=route.key):
                response = call(client, "get", url_for(route, entry, self.world), {}, is_api)
                assert response.status_code in {200, 302}, body_text(response)[:300]
