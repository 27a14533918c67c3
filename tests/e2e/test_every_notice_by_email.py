"""Li, a grid worker, asks on her account page for every notice by e-mail. The command tells
town A's grid workers of the second round in the inbox only: Li's mailbox gets a message that a
notice waits, without what it says, and its link opens her inbox, where she reads it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from epigrid.accounts.models import User
from tests.alerts.smtp_server import SmtpServer
from tests.base import World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]


def test_a_grid_worker_is_told_by_mail_of_a_notice_and_reads_it_in_her_inbox(
        page: Any, live_server: Any, transactional_db: None) -> None:
    World()
    base = live_server.url
    with SmtpServer().running(SITE_URL=base) as mailbox:
        page.set_viewport_size({"width": 360, "height": 640})  # Li, on her phone
        log_in(page, base, "li")
        page.goto(f"{base}/accounts/password/")
        page.locator("#change-email").click()
        page.get_by_label("电子邮箱地址").fill("li@qingshan.example")
        page.get_by_label("每条通知都发邮件给我").check()
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#my-email")).to_have_text("li@qingshan.example")
        li = User.objects.get(username="li")
        assert (li.email, li.email_notices) == ("li@qingshan.example", True)

        page.set_viewport_size({"width": 1280, "height": 800})
        log_in(page, base, "zhou")
        page.goto(f"{base}/alerts/send/")
        page.locator("#id_areas").select_option(label="· Dongcheng Town")
        page.get_by_role("checkbox", name="网格员").check()
        page.get_by_label("标题").fill("明日8:00开始第二轮摸排")
        page.get_by_label("正文").fill("重点关注返乡人员王磊一家。")
        page.get_by_role("button", name="发送通知").click()
        expect(page.locator("#read-count")).to_contain_text("已有 0 位阅读")

    [(recipients, text)] = mailbox.messages
    assert recipients == ["li@qingshan.example"]
    assert "你的 epigrid 收件箱有一条新通知。" in text  # in the site's language, 8-bit
    assert "王磊" not in text and "第二轮" not in text  # what it says stays in epigrid
    link = re.search(r"http://\S+/alerts/", text)
    assert link is not None, text

    page.set_viewport_size({"width": 360, "height": 640})
    log_in(page, base, "li")
    page.goto(link.group(0))
    page.get_by_role("button", name="明日8:00开始第二轮摸排").click()
    expect(page.locator(".notices li.read")).to_have_count(1)
