"""Li's 07:30 round on a phone (SCENARIOS.md): she lands on her list (the households to visit,
the follow-up due), the stairwell eats the first send, the queue sends it when the network
returns, and nothing doubles."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from epigrid.registry.models import HouseholdVisit, Outcome, Person, PersonScreening
from tests.base import World
from tests.cases.quarantine_helpers import home_quarantine, placed_yesterday
from tests.e2e.browsing import log_in, offline
from tests.security.entries_registry_screening import town_a_campaign

pytestmark = [pytest.mark.e2e]

ID_SON = "420102200801010018"  # fictional, valid check digit


def test_a_grid_worker_screens_a_household_through_a_failed_send(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    campaign = town_a_campaign(world)
    placed_yesterday(home_quarantine(world, world.person_a2, started=1))
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})

    log_in(page, base, "li")

    # She lands on today's list: her grid's one household, none done yet, and Wang Lei, in
    # home quarantine since yesterday, whose temperature is due.
    page.locator("#done-count").wait_for()
    assert page.url == f"{base}/registry/screening/today/"
    assert page.locator("#done-count").inner_text().startswith("0/1")
    assert "Wang Lei" in page.locator("#followups-due").inner_text()
    page.locator("#unvisited").get_by_role("link", name="No. 14, East Lane").click()
    page.get_by_role("heading", name="No. 14, East Lane").wait_for()

    # Wang Jun and Wang Lei are present; the son back from Wuhan is added on the spot.
    jun, lei = world.person_a.pk, world.person_a2.pk
    page.fill(f"#id_m{jun}-temperature", "36.8")
    page.fill(f"#id_m{lei}-temperature", "36.5")
    page.locator("details.new-member summary").first.click()
    page.fill("#id_new0-name", "Wang Xiao")
    page.fill("#id_new0-id_number", ID_SON)
    page.fill("#id_new0-relation", "son")
    page.fill("#id_new0-temperature", "36.8")
    page.fill("#id_new0-returnee_origin", "Wuhan")
    page.select_option("#id_new0-outcome", Outcome.HOME_QUARANTINE)

    # The stairwell: the send fails; the page keeps everything and says it will send.
    offline(page, True)
    form = page.locator("form[data-offline-queue]")
    form.locator("button[type=submit]").click()
    status = page.locator("[data-offline-status]")
    # "Sending..." first, then the failure's word (waited for: the send fails in its own time).
    expect(status).to_have_text(form.get_attribute("data-offline-saved") or "")
    badge = page.locator("[data-offline-badge]").first
    expect(badge).to_have_attribute("data-waiting", "1")
    expect(badge).to_be_visible()
    assert HouseholdVisit.objects.count() == 0

    # Out of the stairwell: the queue sends it by itself.
    offline(page, False)
    page.locator("[data-offline-badge][data-waiting='0']").first.wait_for(state="attached")
    expect(status).to_have_text(form.get_attribute("data-offline-sent") or "")
    expect(badge).to_be_hidden()

    # She taps "save" once more on the same form: the server answers the stored visit.
    form.locator("button[type=submit]").click()
    page.locator("#done-count").wait_for()

    visit = HouseholdVisit.objects.get()
    assert (visit.campaign_id, visit.household_id, visit.worker_id) == (
        campaign.pk, world.household_a.pk, world.li.pk)
    son = Person.objects.get(name="Wang Xiao")
    assert son.household_id == world.household_a.pk and "returnee" in son.tag_list
    rows = {(s.person_id, str(s.temperature), s.symptoms, s.outcome)
            for s in PersonScreening.objects.all()}
    assert rows == {(jun, "36.8", "", Outcome.NORMAL), (lei, "36.5", "", Outcome.NORMAL),
                    (son.pk, "36.8", "", Outcome.HOME_QUARANTINE)}
    assert PersonScreening.objects.count() == 3

    # Back on today's list: the household is done and gone from the list.
    assert page.locator("#done-count").inner_text().startswith("1/1")
    assert page.locator("#unvisited").count() == 0
    assert page.get_by_role("link", name="No. 14, East Lane").count() == 0
