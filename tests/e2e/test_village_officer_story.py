"""10:00 in SCENARIOS.md, in a real browser: Chen, the officer of village A1, opens her village and
sees its share of households screened and the persons referred, each figure leading to the list
behind it, and the problem open since yesterday. She gives that problem to the town's logistics
desk with a due date. She types no figure: every one is computed from the visits."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.problems.models import Problem
from epigrid.registry import progress
from epigrid.registry import services as registry
from epigrid.registry.models import Outcome
from tests.base import PASSWORD, World
from tests.e2e.browsing import log_in
from tests.problems.helpers import at, raise_in
from tests.registry.progress_helpers import visit
from tests.security.entries_registry_screening import town_a_campaign

pytestmark = [pytest.mark.e2e]

PROBLEM = "Masks for the checkpoint volunteers run out tomorrow"
DESK = "东城镇物资保障组"  # the town's logistics desk


def _morning(w: World) -> None:
    """Village A1: five households, four visited (two persons referred to the fever clinic), and
    a problem raised yesterday; town A's campaign runs from yesterday to tomorrow."""
    campaign = town_a_campaign(w)
    today = timezone.localdate()
    homes = [registry.create_household(grid=w.grid_a1_2, address=f"No. {n}, North Lane")
             for n in range(1, 5)]
    residents = [registry.create_person(grid=w.grid_a1_2, household=home, name=name)
                 for home, name in zip(homes, ("Chen Bo", "Liu Min", "He Ping", "Qian Yu"),
                                       strict=True)]
    visit(campaign, w.household_a, today - datetime.timedelta(days=1),
          {w.person_a: Outcome.NORMAL, w.person_a2: Outcome.FEVER_CLINIC})
    for home, resident, outcome in zip(homes[:3], residents[:3], (
            Outcome.NORMAL, Outcome.FEVER_CLINIC, Outcome.NORMAL), strict=True):
        visit(campaign, home, today, {resident: outcome})
    progress.recompute(campaign)
    raise_in(w.village_a1, w.alice, PROBLEM, now=at(today - datetime.timedelta(days=1), 15),
             due_in=1)


def test_the_village_officer_sees_her_figures_and_assigns_a_problem_with_a_due_date(
        page: Any, live_server: Any, transactional_db: None) -> None:
    w = World()
    create_user(username="chen", password=PASSWORD, role=Role.AREA_OFFICER,
                home_area=w.village_a1)
    _morning(w)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)

    log_in(page, live_server.url, "chen")

    # She lands on her village: the screening figures, computed from the visits.
    page.get_by_role("heading", name="Village A1").wait_for()
    figures = page.locator("#screening-figures")
    expect(figures.locator('[data-code="households_visited"]')).to_have_text("4 / 5 (80%)")
    expect(figures.locator('[data-code="persons_screened"]')).to_have_text("5")
    referred = figures.locator('[data-code="persons_abnormal"] a')
    expect(referred).to_have_text("2")

    # The figure leads to the two persons behind it.
    referred.click()
    rows = page.locator("#abnormal tbody tr")
    expect(rows).to_have_count(2)
    assert sorted(rows.locator("th").all_inner_texts()) == ["Liu Min", "Wang Lei"]
    expect(rows.first).to_contain_text("转发热门诊")
    page.go_back()

    # The problem open since yesterday, on the same page; she opens it.
    problems = page.locator("#area-problems")
    expect(problems.get_by_role("heading")).to_have_text("1 个未结问题")
    expect(problems).to_contain_text(f"{yesterday.isoformat()} 起未结")
    problems.get_by_role("link", name=PROBLEM).click()
    page.get_by_role("heading", name=PROBLEM, level=1).wait_for()
    expect(page.locator("#due-on")).to_have_text(today.isoformat())

    # She gives it to the town's logistics desk, due tomorrow.
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    page.get_by_label("责任单位").fill(DESK)
    page.get_by_label("完成时限").fill(tomorrow)
    page.get_by_role("button", name="分配").click()
    expect(page.get_by_text("问题已分派。")).to_be_visible()
    expect(page.locator("#assignee")).to_have_text(DESK)
    expect(page.locator("#due-on")).to_have_text(tomorrow)
    expect(page.locator("#history li").last).to_contain_text(f"{DESK} · {tomorrow} 到期")
    problem = Problem.objects.get(title=PROBLEM)
    assert (problem.assignee_unit, problem.due_on.isoformat()) == (DESK, tomorrow)

    # Back on her village's page the problem names the desk and its new day.
    page.goto(f"{live_server.url}/areas/{w.village_a1.pk}/")
    expect(page.locator(f"#problem-{problem.pk}")).to_contain_text(f"{DESK} · {tomorrow} 到期")
