"""The 16:00 roll-up in a browser: Alice files her villages' and her town's daily reports and
sees the town's roll-up; Zhou sees who is missing in the district; a problem raised yesterday is
closed with a note; Zhou downloads the briefing, whose PDF, turned into an image, shows its three
charts drawn with data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from epigrid.areas.models import Area, Level
from epigrid.cases.states import State
from epigrid.reporting.services import recompute_day
from tests.base import World
from tests.care.bed_helpers import open_case
from tests.e2e.browsing import log_in
from tests.problems.helpers import at, raise_in
from tests.reporting.helpers import passages_today, screening_today

pytestmark = [pytest.mark.e2e]

SCALE = 2  # the PDF rendered at 144 dpi
BLUE = np.array([0x1F, 0x6F, 0xB2])  # briefing.chart_data.BLUE: each chart's first series
# A chart without data still draws its axes, title and legend (4-5 % of its area inked), but no
# more blue than its legend swatch (at most ~400 pixels at 144 dpi); here the emptiest chart, the
# checkpoint flows, has ~4,500.
DATA_PIXELS = 1_500
PROBLEM = "Thermometers short at the east gate"


def records_of_the_day(w: World) -> None:
    """What people do not type here: two confirmed cases, a screening round, checkpoint
    passages, a problem raised yesterday, and the figures the beat task would have counted."""
    open_case(w.person_a, State.CONFIRMED)
    open_case(w.person_b, State.CONFIRMED)
    screening_today(w)
    passages_today(w)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    raise_in(w.village_a1, w.li, PROBLEM, now=at(yesterday, 10))
    for day in (yesterday, timezone.localdate()):
        recompute_day(day)




def open_roll_up(page: Any) -> Any:
    nav = page.get_by_role("navigation", name="主导航")
    nav.locator("summary", has_text="汇总").click()
    return nav


def submit_report(page: Any, text: str) -> None:
    """On a report form: write the situation, submit, land on the report's page."""
    page.get_by_label("情况").fill(text)
    page.get_by_role("button", name="报送日报").click()
    expect(page.locator("#situation")).to_contain_text(text)


def cells(page: Any, row: str) -> list[str]:
    return [cell.strip() for cell in page.locator(f"{row} td").all_inner_texts()]


def chart_regions(pdf: Path) -> tuple[list[Image.Image], str]:
    """Every image object of the PDF (the charts) cut out of its rendered page; and the text."""
    document = pdfium.PdfDocument(pdf)
    regions, text = [], ""
    for page in document:
        text += page.get_textpage().get_text_range()
        charts = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
        if not charts:
            continue
        rendered = page.render(scale=SCALE).to_pil().convert("RGB")
        height = page.get_height()
        for chart in charts:
            left, bottom, right, top = (round(edge * SCALE) for edge in chart.get_bounds())
            regions.append(rendered.crop((left, round(height * SCALE) - top,
                                          right, round(height * SCALE) - bottom)))
    document.close()
    return regions, text


def inked_share(region: Image.Image) -> float:
    return float((np.asarray(region).min(axis=2) < 235).mean())


def data_pixels(region: Image.Image) -> int:
    return int((np.abs(np.asarray(region).astype(int) - BLUE).max(axis=2) < 40).sum())


def test_the_towns_reports_roll_up_into_the_meeting_and_its_briefing(
        page: Any, live_server: Any, transactional_db: None, tmp_path: Path) -> None:
    w = World()
    records_of_the_day(w)
    base = live_server.url

    # 1. Alice (Dongcheng Town) stands in for her two villages and files their reports.
    log_in(page, base, "alice")
    for village, text in ((w.village_a1, "A1: 212 households visited, 2 with fever."),
                          (w.village_a2, "A2: the market is closed, deliveries go door to door.")):
        page.goto(f"{base}/reporting/reports/areas/{village.pk}/edit/")
        submit_report(page, text)

    # 2. Her own report from the roll-up menu: the form already shows both villages' texts; the
    #    town's page, once submitted, rolls them up under her situation.
    open_roll_up(page).get_by_role("link", name="日报", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dongcheng Town")
    rolled = page.locator("section[aria-labelledby=villages-title]").inner_text()
    assert "212 households visited" in rolled and "door to door" in rolled
    submit_report(page, "Dongcheng: both villages reported; the east gate needs thermometers.")
    assert "212 households visited" in page.locator(f"#village-{w.village_a1.pk}").inner_text()
    assert "door to door" in page.locator(f"#village-{w.village_a2.pk}").inner_text()

    # 3. She closes yesterday's problem with a note and sees it closed.
    open_roll_up(page).get_by_role("link", name="问题清单", exact=True).click()
    page.get_by_role("link", name=PROBLEM).click()
    closing = page.locator("section[aria-labelledby=status-title]")
    closing.locator("select[name=status]").select_option("closed")
    closing.locator("[name=note]").fill("50 thermometers delivered by the town depot.")
    closing.get_by_role("button", name="保存状态").click()
    expect(page.locator("#close-note")).to_contain_text("50 thermometers delivered")
    expect(page.locator("#status")).to_have_text("已关闭")

    # 4. Zhou (the command) looks at the district: town A complete, town B and its village B1
    #    missing.
    log_in(page, base, "zhou")
    page.goto(f"{base}/reporting/reports/areas/{w.district.pk}/completeness/")
    town_a, town_b = (page.locator(f"#child-{town.pk}") for town in (w.town_a, w.town_b))
    assert "state-missing" not in (town_a.get_attribute("class") or "")
    assert "state-missing" in (town_b.get_attribute("class") or "")
    assert cells(page, f"#child-{w.town_a.pk}")[-1] == "0"
    assert cells(page, f"#child-{w.town_b.pk}")[-1] == "1"
    # The village with its town, as the data team calls down the line.
    assert sorted(page.locator("#missing li > a").all_inner_texts()) == [
        "Village B1 · Xihe Town", "Xihe Town"]
    # Beside each, whom to call: town B's officer.
    assert "bob" in page.locator(f"#missing-{w.town_b.pk}").inner_text()
    expected, _on_time, _late, missing, complete, _timely = cells(page, f"#level-{Level.VILLAGE}")
    assert (expected, missing, complete) == ("3", "1", "66%")

    # 5. The dispatch meeting: the same missing areas, the problem closed today, and the map of
    # risk levels, Dongcheng high (its town's point drawn by the dashboard's script).
    Area.objects.filter(pk=w.town_a.pk).update(risk_level="high", latitude=Decimal("30.6"),
                                               longitude=Decimal("114.3"))
    Area.objects.filter(pk=w.town_b.pk).update(latitude=Decimal("30.5"),
                                               longitude=Decimal("114.2"))
    open_roll_up(page).get_by_role("link", name="调度会", exact=True).click()
    unreported = page.locator("#unreported").inner_text()
    assert "Village B1" in unreported and "Xihe Town" in unreported
    assert "Village A1" not in unreported and "Dongcheng Town" not in unreported
    assert "100%" in page.locator("#closure").inner_text()
    expect(page.locator("#risk-map #map-chart canvas")).to_be_visible()
    levels = page.locator(f"#risk-map tr[data-area='{w.town_a.pk}']").text_content() or ""
    assert "Dongcheng Town" in levels and "高" in levels

    # 6. He downloads the briefing PDF; rendered, its three charts are drawn with data.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(pdf)
    assert pdf.name == f"briefing-{w.district.code}-{timezone.localdate().isoformat()}.pdf"
    regions, text = chart_regions(pdf)
    assert len(regions) == 3
    for region in regions:
        assert inked_share(region) > 0.03, "a chart region is blank"
        assert data_pixels(region) > DATA_PIXELS, "a chart is drawn without data"
    assert "Xihe Town" in text and "Village B1" in text
