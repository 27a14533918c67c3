"""Security-matrix entries of the registry's screening routes (merged into the matrix).

The campaign is town A's own and running today, so people of town B do not see it at all, and
town A's insiders see its unvisited households (the Wangs, grid A1-1).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.registry.models import ScreeningCampaign
from tests.base import World
from tests.security.matrix import Entry, obj, page

CAMPAIGN = "Matrix screening"
KEY = "6f1c0c3e-5b7a-4d2e-9a63-2f1d7f0a9b11"


def town_a_campaign(w: World) -> ScreeningCampaign:
    """Town A's campaign from yesterday to tomorrow; made without an audit entry (bulk_create),
    since the matrix counts the writes of each request."""
    existing = ScreeningCampaign.objects.filter(area=w.town_a, name=CAMPAIGN).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    ScreeningCampaign.objects.bulk_create([ScreeningCampaign(
        area=w.town_a, area_path=w.town_a.path, name=CAMPAIGN,
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=1),
        created_by=w.alice)])
    return ScreeningCampaign.objects.get(area=w.town_a, name=CAMPAIGN)


def _household(w: World) -> dict[str, Any]:
    return {"campaign": town_a_campaign(w).pk, "household": w.household_a.pk}


def _api_household(w: World) -> dict[str, Any]:
    return {"campaign_id": town_a_campaign(w).pk, "household_id": w.household_a.pk}


PAGES: dict[str, Entry] = {
    "registry:screening_campaigns": page(),
    # The area menu holds ids a static body cannot know: the insider's post is refused (400);
    # tests/registry/test_screening_pages.py starts campaigns.
    "registry:screening_campaign_create": page(
        methods=("get", "post"), shows_a=False, insider_ok=frozenset({200, 400}),
        data={"name": "Matrix round two", "area": "", "starts_on": "2020-02-17",
              "ends_on": "2020-02-19"}),
    "registry:screening_campaign": obj(town_a_campaign),
    # Without dates the insider's change is refused (400) and the campaign stays as the other
    # calls need it; tests/registry/test_campaign_changes.py changes campaigns.
    "registry:screening_campaign_edit": obj(town_a_campaign, methods=("get", "post"),
                                            data={"name": CAMPAIGN},
                                            insider_ok=frozenset({200, 400})),
    "registry:screening_today": page(queries=("", "?grid={town_a}")),
    "registry:screening_worker": page(shows_a=False),  # a script: names no record
    "registry:screening_household": obj(
        _household, methods=("get", "post"), data={"idempotency_key": KEY},
        insider_ok=frozenset({200, 302})),
}
API: dict[str, Entry] = {
    "GET /api/screening/campaigns": page(),
    "GET /api/screening/campaigns/{id}": obj(town_a_campaign),
    "PATCH /api/screening/campaigns/{id}": obj(town_a_campaign, methods=("patch",),
                                               data={"name": CAMPAIGN}),
    "POST /api/screening/campaigns": page(  # area 0: refused alike (test_screening_api.py)
        methods=("post",), shows_a=False, insider_ok=frozenset({422}),
        data={"area_id": 0, "name": "Matrix API round", "starts_on": "2020-02-17",
              "ends_on": "2020-02-19"}),
    "POST /api/screening/campaigns/{campaign_id}/households/{household_id}/visits": obj(
        _api_household, methods=("post",), data={"idempotency_key": KEY},
        insider_ok=frozenset({200, 201})),
    # Visits exist only once the matrix's own visit call has run (in no set order).
    "GET /api/screening/campaigns/{id}/visits": obj(
        town_a_campaign, queries=("", "?grid={town_a}", "?household=1"), shows_a=False),
    "GET /api/screening/campaigns/{id}/unvisited": obj(
        town_a_campaign, queries=("", "?grid={town_a}")),
}
