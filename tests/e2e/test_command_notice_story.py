"""The command tells town A's grid workers that the second round starts at 08:00: Li reads it on
her phone, and the command's page counts her among those who have read it, naming who has not."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from tests.base import PASSWORD, World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]


def test_a_notice_to_a_towns_grid_workers_is_read_and_counted(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    create_user(username="wu", password=PASSWORD, role=Role.GRID_WORKER,
                home_area=world.grid_a2_1, first_name="Wu", phone="13700001111")
    base = live_server.url
    log_in(page, base, "zhou")
    page.goto(f"{base}/alerts/send/")
    page.locator("#id_areas").select_option(label="· Dongcheng Town")
    page.get_by_role("checkbox", name="网格员").check()
    page.get_by_label("标题").fill("明日8:00开始第二轮摸排")
    page.get_by_label("正文").fill("重点关注返乡人员。")
    page.get_by_role("button", name="发送通知").click()
    expect(page.locator("#read-count")).to_have_text("2 位收件人中已有 0 位阅读。")
    sent = page.url

    page.set_viewport_size({"width": 360, "height": 640})  # Li, on her phone
    log_in(page, base, "li")
    page.goto(f"{base}/alerts/")
    page.get_by_role("button", name="明日8:00开始第二轮摸排").click()
    expect(page.locator(".notices li.read")).to_have_count(1)

    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, base, "zhou")
    page.goto(sent)
    expect(page.locator("#read-count")).to_have_text("2 位收件人中已有 1 位阅读。")
    expect(page.locator("#waiting tbody tr")).to_have_count(1)
    expect(page.locator("#waiting")).to_contain_text("13700001111")
