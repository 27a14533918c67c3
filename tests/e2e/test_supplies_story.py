"""A donation of N95 masks shared out in town A, medical staff first (DESIGN: "priority
allocation: N95 to medical staff first"): Alice asks for her village's residents, Dr He for the
clinic's staff; Ma, the town's logistics desk, books the donation and issues the allocation;
Alice finds her request partly issued, and the town's stock shows the masks gone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.supplies.models import Category, Item, Priority, SupplyRequest
from tests.base import PASSWORD, World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]


def _ask(page: Any, base: str, area: int, item: Item, quantity: int, recipient: str) -> None:
    page.goto(f"{base}/supplies/requests/new/?area={area}")  # as the area's page links
    expect(page.locator("#id_area")).to_have_value(str(area))
    page.locator("#id_item").select_option(str(item.pk))
    page.locator("#id_quantity").fill(str(quantity))
    page.locator("#id_recipient").select_option(recipient)
    page.locator("#id_needed_by").fill(
        (timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#status")).to_have_text("未结")


def test_a_donation_is_shared_out_medical_staff_first(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    create_user(username="ma", password=PASSWORD, role=Role.LOGISTICS, home_area=world.town_a)
    n95 = Item.objects.create(code="n95", name="N95口罩", unit="只", category=Category.MASKS,
                              priority=Priority.SCARCE)
    base = live_server.url
    log_in(page, base, "alice")
    _ask(page, base, world.village_a1.pk, n95, 300, "residents")
    residents = page.url
    log_in(page, base, "dr_he")
    _ask(page, base, world.village_a2.pk, n95, 200, "medical")

    log_in(page, base, "ma")
    page.goto(f"{base}/supplies/donations/new/")
    page.locator("#id_donor").fill("金禾纺织有限公司")
    page.locator("#id_warehouse").select_option(str(world.warehouse_a.pk))
    page.locator("#id_item_1").select_option(str(n95.pk))
    page.locator("#id_quantity_1").fill("400")
    page.get_by_role("button", name="登记该捐赠").click()
    expect(page.locator(".messages")).to_contain_text("金禾纺织有限公司 的捐赠已入库")

    page.goto(f"{base}/supplies/warehouse/{world.warehouse_a.pk}/")
    page.get_by_role("link", name="分配").click()
    medical = SupplyRequest.objects.get(recipient="medical")
    asked = SupplyRequest.objects.get(recipient="residents")
    rows = page.locator("#given tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_id(f"share-{medical.pk}")  # medical staff first
    expect(page.locator("#proposed")).to_have_text("400 只")
    page.get_by_role("button", name="按建议发放").click()
    expect(page.locator(".messages")).to_contain_text("2 个申请共获得 N95口罩 400 只")

    log_in(page, base, "alice")
    page.goto(residents)
    assert residents.endswith(f"/supplies/requests/{asked.pk}/")
    expect(page.locator("#status")).to_have_text("部分发放")
    expect(page.locator("#issued")).to_have_text("200 只")
    expect(page.locator("#waiting")).to_have_text("100 只")
    page.goto(f"{base}/supplies/area/{world.town_a.pk}/")
    expect(page.locator("tr.short")).to_contain_text("N95口罩")
