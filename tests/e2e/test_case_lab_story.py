"""A close contact in home quarantine runs a fever at Li's follow-up; Alice, the town officer,
makes the case suspected; Zhou uploads the lab's sheet with a positive result; the case is
confirmed and Dongcheng Town's page counts one more confirmed case."""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.utils import timezone

from epigrid.cases.models import Case, Evidence
from epigrid.cases.states import State
from tests.base import ID_A, World
from tests.cases.lab_helpers import HEADERS, stamp, town_lab
from tests.cases.quarantine_helpers import home_quarantine
from tests.e2e import browsing

pytestmark = [pytest.mark.e2e]


def log_in(page: Any, base: str, username: str) -> Any:
    """A fresh session for `username`; returns the main navigation bar."""
    browsing.log_in(page, base, username)
    nav = page.get_by_role("navigation", name="主导航")
    nav.wait_for()
    return nav


def open_menu_link(nav: Any, menu: str, link: str) -> None:
    """Open the drop-down `menu` of the bar and follow its entry `link`."""
    nav.locator("summary").filter(has_text=re.compile(f"^{menu}$")).click()
    nav.get_by_role("link", name=link, exact=True).click()


def town_figure(page: Any, base: str, town_pk: int, code: str) -> int:
    """A figure of the case panel on the town's area page."""
    page.goto(f"{base}/areas/{town_pk}/")
    panel = page.locator("#case-figures")
    panel.get_by_role("heading", name="今日病例统计").wait_for()
    return int(panel.locator(f"dd[data-code={code}]").inner_text().replace(",", ""))


def positive_sheet(sample_id: str, lab_code: str) -> bytes:
    """The lab's CSV sheet: one positive sample of Wang Jun, taken an hour ago."""
    now = timezone.now()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerow([sample_id, ID_A, "Wang Jun", stamp(now - datetime.timedelta(hours=1)),
                     stamp(now), "阳性", lab_code])
    return text.getvalue().encode("utf-8")


def test_a_fever_in_home_quarantine_ends_as_a_confirmed_case_on_the_town_page(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    lab = town_lab(world)
    quarantine = home_quarantine(world)  # Wang Jun, a close contact, at home since today
    case = quarantine.case
    base, town = live_server.url, world.town_a.pk

    log_in(page, base, "alice")
    confirmed_before = town_figure(page, base, town, "current_confirmed")

    # Li's round: Wang Jun reads 38.6 °C; the page says the case now is a fever patient.
    nav = log_in(page, base, "li")
    open_menu_link(nav, "病例", "今日随访")
    person = page.locator(f"#quarantine-{quarantine.pk}")
    person.get_by_role("heading", name="Wang Jun").wait_for()
    slot = "am" if timezone.localtime().hour < 12 else "pm"
    form = person.locator("form", has=page.locator(f"input[name=slot][value={slot}]"))
    form.get_by_label("体温（°C）").fill("38.6")
    form.get_by_role("button", name="保存").click()
    page.locator(".messages li", has_text="Wang Jun 发热").wait_for()
    assert page.locator(f"#quarantine-{quarantine.pk}").count() == 0  # the quarantine ended
    case.refresh_from_db()
    assert case.state == State.FEVER

    # Alice finds the case in the list and makes it suspected, as the fever clinic said.
    nav = log_in(page, base, "alice")
    open_menu_link(nav, "病例", "病例")
    page.get_by_role("link", name="Wang Jun").click()
    assert page.locator("#case-state").inner_text() == "发热病人（未排除）"
    page.select_option("#id_state", State.SUSPECTED)
    page.fill("#id_reason", "Fever clinic: CT shows ground-glass opacity")
    page.get_by_role("button", name="记录变更").click()
    page.locator("#case-state", has_text="疑似").wait_for()

    # Zhou uploads the lab's sheet from the lab list.
    nav = log_in(page, base, "zhou")
    open_menu_link(nav, "病例", "检测结果")
    page.get_by_role("link", name="上传结果表").click()
    page.get_by_role("heading", name="导入记录").wait_for()
    assert page.locator("#id_importer").input_value() == "lab_results"
    page.set_input_files("#id_file", files=[{
        "name": "lab-a-results.csv", "mimeType": "text/csv",
        "buffer": positive_sheet("S-20240201-001", lab.code)}])
    page.get_by_role("button", name="导入", exact=True).click()
    summary = page.locator("dl.import-summary")
    summary.locator("dd.status-done").wait_for()
    assert summary.locator("dt:text-is('新建行数') + dd").inner_text() == "1"
    assert summary.locator("dt:text-is('拒绝行数') + dd").inner_text() == "0"

    # The positive result confirmed the suspected case, with the test as its evidence.
    page.goto(f"{base}/cases/{case.pk}/")
    assert page.locator("#case-state").inner_text() == "确诊"
    assert page.locator("#history tbody tr").last.get_by_text("疑似 → 确诊").is_visible()
    case.refresh_from_db()
    last = case.transitions.order_by("at", "pk").last()
    assert case.state == State.CONFIRMED and last is not None
    assert last.evidence == Evidence.TEST

    # The town's panel counts one more confirmed case, and no suspected one left.
    assert town_figure(page, base, town, "current_confirmed") == confirmed_before + 1
    assert town_figure(page, base, town, "current_suspected") == 0
    assert Case.objects.filter(person=world.person_a).count() == 1
