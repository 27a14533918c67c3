"""Dr He's transfer morning: she corrects the hospital's stale bed figures, computes the day's
plan for Dongcheng Town's three waiting patients, follows each transfer to admission, and sees
the beds fill and the dashboard count the admissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.areas.models import Facility
from epigrid.care import beds
from epigrid.care.models import BedStock
from epigrid.cases.models import Case
from epigrid.cases.states import State
from tests.base import World
from tests.care.plan_helpers import LAT, LON, case, facility, hours_ago, place
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]

HOSPITAL, HOTEL = "Dongcheng People's Hospital", "Dongcheng Quarantine Hotel"
SEVERE, ISOLATION, QUARANTINE = "重症病房", "隔离单间", "隔离房间"


def town_a_waits(w: World) -> None:
    """The hospital's figures are 30 h old; the hotel's are fresh. Three patients wait."""
    place(w.town_a, LAT, LON)
    hospital = facility(w.town_a, "H-DC", Facility.Kind.DESIGNATED_HOSPITAL, 1, name=HOSPITAL)
    hotel = facility(w.town_a, "Q-DC", Facility.Kind.QUARANTINE_SITE, 5, name=HOTEL)
    BedStock.objects.create(facility=hospital, bed_type="severe", total=4, occupied=3,
                            updated_at=hours_ago(30))
    BedStock.objects.create(facility=hotel, bed_type="quarantine", total=10, occupied=4,
                            updated_at=hours_ago(1))
    for person, state, severity, waited in (
            (w.person_a, State.CONFIRMED, "severe", 20),     # Wang Jun
            (w.person_a2, State.CLOSE_CONTACT, "", 6),       # Wang Lei
            (w.visitor_a, State.SUSPECTED, "", 3)):          # Sun Li
        beds.request_admission(case(person, state, severity), None, "", w.medic,
                               waiting_since=hours_ago(waited))




def cells(row: Any) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def bed_row(page: Any, name: str, bed_type: str) -> list[str]:
    """(bed type, total, occupied, reserved, available) of a row of the area's bed table."""
    row = page.locator("#bed-rows tbody tr").filter(has_text=name).filter(has_text=bed_type)
    return cells(row)[:5]


def facility_beds(page: Any, name: str) -> list[str]:
    """(total, available) of a facility on the dashboard."""
    return cells(page.locator("#dash-facilities tbody tr").filter(has_text=name))[1:]


def test_dr_he_plans_the_transfers_and_follows_them_to_admission(
        page: Any, live_server: Any, transactional_db: None) -> None:
    w = World()
    town_a_waits(w)
    base, town = live_server.url, w.town_a.pk
    log_in(page, base, "dr_he")

    # The hospital's figures are flagged stale; she enters this morning's: two discharged,
    # and the three isolation rooms it opened yesterday.
    page.goto(f"{base}/care/beds/areas/{town}/")
    page.locator("#bed-rows").get_by_role("link", name=HOSPITAL).click()
    expect(page.get_by_text("部分数据已过时：请确认或更正。")).to_be_visible()
    page.fill("#id_severe-total", "4")
    page.fill("#id_severe-occupied", "1")
    page.fill("#id_isolation-total", "3")
    page.get_by_role("button", name="保存床位").click()
    expect(page.locator("ul.messages")).to_contain_text(f"{HOSPITAL} 的床位已更新。")
    assert bed_row(page, HOSPITAL, SEVERE) == [SEVERE, "4", "1", "0", "3"]
    assert bed_row(page, HOSPITAL, ISOLATION) == [ISOLATION, "3", "0", "0", "3"]
    assert bed_row(page, HOTEL, QUARANTINE) == [QUARANTINE, "10", "4", "0", "6"]

    # Today's plan: every patient has a bed, each in the kind the rules give them.
    page.goto(f"{base}/care/transfers/areas/{town}/")
    expect(page.locator("#id_day")).to_have_value(timezone.localdate().isoformat())
    page.get_by_role("button", name="计算方案").click()
    expect(page.locator("ul.messages")).to_contain_text("已安置 3 / 3 名患者")
    expect(page.get_by_text("所有患者均已安置。")).to_be_visible()
    rows = page.locator("#plan-transfers tbody tr")
    assigned = sorted(tuple(cells(rows.nth(i))[1:5] + cells(rows.nth(i))[6:7])
                      for i in range(rows.count()))
    # Names masked as on the printed plan, with the case's state and severity, the Wangs
    # marked as one household.
    assert assigned == sorted([
        ("W******* 确诊 · 重症 同户 A", "Grid A1-1", HOSPITAL, SEVERE, "已计划"),  # Wang Jun
        ("W******* 密切接触者 同户 A", "Grid A1-1", HOTEL, QUARANTINE, "已计划"),  # Wang Lei
        ("S***** 疑似", "Grid A1-2", HOSPITAL, ISOLATION, "已计划")])  # Sun Li, suspected

    # The ambulances come back: she marks each transfer admitted, one after the other.
    admit = page.locator("#plan-transfers").get_by_role("button", name="已收治", exact=True)
    for left in (2, 1, 0):
        admit.first.click()
        expect(admit).to_have_count(left)
        expect(page.locator("ul.messages")).to_contain_text("转运状态已更新为“已收治”。")
    assert {cells(rows.nth(i))[6] for i in range(3)} == {"已收治"}

    # The beds: one more occupied and one fewer free for each patient taken in.
    page.goto(f"{base}/care/beds/areas/{town}/")
    assert bed_row(page, HOSPITAL, SEVERE) == [SEVERE, "4", "2", "0", "2"]
    assert bed_row(page, HOSPITAL, ISOLATION) == [ISOLATION, "3", "1", "0", "2"]
    assert bed_row(page, HOTEL, QUARANTINE) == [QUARANTINE, "10", "5", "0", "5"]

    # The dashboard: the whole plan admitted, nobody left waiting.
    page.get_by_role("link", name="转运看板").click()
    expect(page.locator("#execution td[data-status=admitted]")).to_have_text("3")
    expect(page.locator("#execution td[data-status=planned]")).to_have_text("0")
    expect(page.locator("#admitted-share")).to_have_text("100 %")
    expect(page.locator("#awaiting")).to_have_text("0")
    assert facility_beds(page, HOSPITAL) == ["7", "4"]
    assert facility_beds(page, HOTEL) == ["10", "5"]
    assert Case.objects.get(person=w.person_a).state == State.ADMITTED
