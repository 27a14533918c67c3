"""A roster from a town arrives through the import page (SCENARIOS.md, what goes wrong): GBK, from
Chinese Excel, with one ID number turned into scientific notation and one mistyped. Each bad row
is named with its column and the fix; the good row is in."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from epigrid.core.identity import check_char
from epigrid.registry.models import Person
from tests.base import World
from tests.core.test_imports_support import csv_bytes
from tests.e2e.browsing import log_in
from tests.registry.test_roster_import import CHINESE, ID_1, row

pytestmark = [pytest.mark.e2e]


def test_a_town_officer_uploads_a_gbk_roster_with_mangled_ids(
        page: Any, live_server: Any, transactional_db: None) -> None:
    World()
    wrong = ID_1[:17] + ("0" if check_char(ID_1[:17]) != "0" else "1")
    content = csv_bytes([
        CHINESE,
        row(name="刘洋", address="东街100号"),
        row(name="王芳", id_number="4.20102E+17", household_number="A-0101",
            address="东街101号"),
        row(name="张伟", id_number=wrong, household_number="A-0102", address="东街102号"),
    ], encoding="gbk")
    base = live_server.url
    log_in(page, base, "alice")
    page.goto(f"{base}/imports/new/")
    page.select_option("#id_importer", "roster")
    page.set_input_files("#id_file", files=[{"name": "花名册.csv", "mimeType": "text/csv",
                                              "buffer": content}])
    page.get_by_role("button", name="导入").click()

    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(2)
    cells = [errors.nth(i).locator("td").all_inner_texts() for i in range(2)]
    assert [(c[0], c[1]) for c in cells] == [("3", "身份证号"), ("4", "身份证号")]
    assert cells[0][3] == "表格软件把身份证号变成了科学计数法，请把该列设为文本格式后重新输入。"
    assert cells[1][3].startswith("身份证号校验位错误") and wrong not in page.content()
    assert list(Person.objects.filter(name__in=["刘洋", "王芳", "张伟"]).values_list(
        "name", flat=True)) == ["刘洋"]
