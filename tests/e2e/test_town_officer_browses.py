"""A town officer's first session, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.base import PASSWORD, World

pytestmark = [pytest.mark.e2e]

TOWN_B = ("Xihe Town", "Village B1", "Grid B1-1", "West Gate Checkpoint")


def assert_no_town_b(page: Any) -> None:
    text = page.content()
    shown = [name for name in TOWN_B if name in text]
    assert not shown, f"{page.url} shows town B: {shown}"


def open_tree_node(page: Any, name: str) -> Any:
    """Open the tree node of area `name` the way a user does: a click on its disclosure marker
    (not on its name, which is a link to the area's page)."""
    node = page.locator("details", has=page.locator("xpath=./summary/a", has_text=name))
    node.locator("xpath=./summary").click(position={"x": 4, "y": 8})
    return node


def test_a_town_officer_browses_her_town_in_both_languages(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    base = live_server.url
    visited: list[str] = []

    def look() -> None:
        visited.append(page.url)
        assert_no_town_b(page)

    # The login page speaks Chinese when the browser states no preference.
    page.goto(f"{base}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()

    # She lands on her town's page, and opens the area tree from there.
    page.get_by_role("heading", name="Dongcheng Town").wait_for()
    look()
    page.get_by_role("link", name="区域树").click()
    page.get_by_role("heading", name="区域树").wait_for()
    look()

    # Her villages are listed; opening one loads its grids (htmx).
    village = open_tree_node(page, "Village A1")
    village.get_by_role("link", name="Grid A1-1").wait_for()
    assert village.get_by_role("link", name="Grid A1-2").is_visible()
    assert page.get_by_role("link", name="Village A2").is_visible()
    look()

    # She switches to English: the same page, now with English labels, her tree still open.
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Area tree").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Areas").is_visible()
    look()
    open_tree_node(page, "Village A2").get_by_role("link", name="Grid A2-1").wait_for()
    look()

    # A grid's page names its place in the tree, and nothing of the other town.
    page.get_by_role("link", name="Grid A2-1").click()
    page.get_by_role("heading", name="Grid A2-1").wait_for()
    look()

    # Town B's own page is as unknown to her as a page that does not exist.
    response = page.goto(f"{base}/areas/{world.town_b.pk}/")
    assert response is not None and response.status == 404
    look()
    assert {url.removeprefix(base) for url in visited} == {
        f"/areas/{world.town_a.pk}/", "/areas/tree/", f"/areas/{world.grid_a2_1.pk}/",
        f"/areas/{world.town_b.pk}/"}
