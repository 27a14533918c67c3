"""A town officer exports her residents' roster: the file shows ID numbers and phones masked."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.base import ID_A, ID_B, World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]


def test_an_officer_downloads_a_masked_roster_of_her_town_only(
        page: Any, live_server: Any, transactional_db: None, tmp_path: Path) -> None:
    World()
    log_in(page, live_server.url, "alice")
    page.get_by_role("heading", name="Dongcheng Town").wait_for()

    # An officer may export but not reveal: the menu leads to the roster, which offers no
    # unmasked option at all. The roster sits in the "Residents" drop-down of the bar.
    nav = page.get_by_role("navigation", name="主导航")
    nav.locator("summary", has_text="居民").click()
    nav.get_by_role("link", name="花名册").click()
    page.get_by_role("heading", name="导出花名册").wait_for()
    assert page.locator("input[name=unmasked]").count() == 0
    page.select_option("select[name=format]", "csv")
    page.get_by_role("button", name="导出", exact=True).click()

    # The file is written by a run (here at once: no broker); its page offers it when done.
    expect(page.locator("#export-status")).to_have_text("已完成")
    expect(page.locator("#export-rows")).to_have_text("3")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载文件").click()
    target = tmp_path / "roster.csv"
    download_info.value.save_as(target)

    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    body = "\n".join(",".join(row) for row in rows)
    names = {row[5] for row in rows[1:]}
    assert {"Wang Jun", "Wang Lei", "Sun Li"} <= names and "Zhao Min" not in names
    assert "420102********001X" in body and "138****8000" in body
    assert ID_A not in body and ID_B not in body and "13800138000" not in body
