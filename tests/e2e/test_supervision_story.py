"""The supervision desk's day (DESIGN: "documents received and routed, tasks with deadlines
督办, on-site inspections"): Guo registers the city's notice on nursing homes, routes it to town
A with a deadline and passes it to the district head to read; Zhou reads it; Alice, town A's
officer, finds the task, reports it done; Guo sends it back once, accepts the second report and
archives the notice. Then Guo inspects the fever clinic and finds no sign-in sheet; Alice says how
it was put right; Guo verifies it 销号. And a town hands a notice down 分解下达 to its village."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.supervision import documents
from epigrid.supervision.models import Document, DocumentKind, Finding, Inspection, Task
from tests.base import PASSWORD, World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]


# The statuses as the page reads them in Chinese.
STATUS_REGISTERED, STATUS_ROUTED, STATUS_ARCHIVED = "已登记", "已分办", "已归档"
STATUS_IN_HAND, STATUS_REPORTED, STATUS_DONE = "办理中", "已报结", "已办结"
FINDING_RECTIFIED, FINDING_VERIFIED = "已整改待销号", "已销号"


def _day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_a_notice_is_routed_reported_sent_back_accepted_and_archived(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    create_user(username="guo", password=PASSWORD, role=Role.SUPERVISOR,
                home_area=world.district)
    base = live_server.url
    log_in(page, base, "guo")
    page.goto(f"{base}/supervision/documents/new/")
    page.locator("#id_reference").fill("市防指〔2020〕12号")
    page.locator("#id_title").fill("关于加强养老机构疫情防控的通知")
    page.locator("#id_issuer").fill("市新冠肺炎疫情防控指挥部")
    page.locator("#id_kind").select_option("notice")
    page.locator("#id_urgency").select_option("urgent")
    page.locator("form.stack button[type=submit]").click()
    document = Document.objects.get()
    expect(page.locator("#serial")).to_have_text(document.serial)
    expect(page.locator("#status")).to_have_text(STATUS_REGISTERED)

    page.locator("#route-area_0").select_option(str(world.town_a.pk))
    page.locator("#route-due_on_0").fill(_day(2))
    page.locator("#route-instructions_0").fill("逐一检查辖区养老院，落实封闭管理")
    page.locator("#route-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_ROUTED)
    page.locator("#circulate-form").get_by_label("zhou").check()
    page.locator("#circulate-form button[type=submit]").click()
    expect(page.locator("#circulation")).to_contain_text("zhou")

    log_in(page, base, "zhou")
    page.goto(f"{base}/supervision/reading/")
    page.get_by_role("link", name="关于加强养老机构疫情防控的通知").click()
    page.locator("#read-form [name=remarks]").fill("同意，请东城镇抓紧落实")
    page.locator("#read-form button[type=submit]").click()
    expect(page.locator("#circulation")).to_contain_text("同意，请东城镇抓紧落实")

    task = Task.objects.get()
    log_in(page, base, "alice")
    page.goto(f"{base}/supervision/tasks/")
    page.get_by_role("link", name="关于加强养老机构疫情防控的通知").click()
    assert page.url.endswith(f"/supervision/tasks/{task.pk}/")
    expect(page.locator("#status")).to_have_text(STATUS_IN_HAND)
    page.locator("#report-form [name=report]").fill("已检查3家养老院，2家落实封闭管理")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_REPORTED)
    expect(page.locator("#accept-form")).to_have_count(0)  # the town does not accept its own

    log_in(page, base, "guo")
    page.goto(f"{base}/supervision/tasks/{task.pk}/")
    page.locator("#send-back-form [name=note]").fill("第3家尚未落实，请补充")
    page.locator("#send-back-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_IN_HAND)

    log_in(page, base, "alice")
    page.goto(f"{base}/supervision/tasks/{task.pk}/")
    expect(page.locator("#history")).to_contain_text("第3家尚未落实，请补充")
    page.locator("#report-form [name=report]").fill("3家养老院均已落实封闭管理")
    page.locator("#report-form button[type=submit]").click()

    log_in(page, base, "guo")
    page.goto(f"{base}/supervision/tasks/{task.pk}/")
    page.locator("#accept-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_DONE)
    page.goto(f"{base}/supervision/documents/{document.pk}/")
    page.locator("#archive-form [name=note]").fill("2020-永久-17")
    page.locator("#archive-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_ARCHIVED)


def test_an_inspection_finding_is_rectified_and_verified(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    create_user(username="guo", password=PASSWORD, role=Role.SUPERVISOR,
                home_area=world.district)
    base = live_server.url
    log_in(page, base, "guo")
    page.goto(f"{base}/supervision/inspections/new/")
    page.locator("#id_area").select_option(str(world.town_a.pk))
    page.locator("#id_facility").select_option(str(world.facility_a.pk))
    page.locator("#id_inspectors").fill("郭明、田野")
    page.locator("[name=description_1]").fill("入口未设登记簿，未测温")
    page.locator("[name=severity_1]").select_option("serious")
    page.locator("[name=rectify_by_1]").fill(_day(1))
    page.locator("form.stack button[type=submit]").click()
    inspection = Inspection.objects.get()
    finding = Finding.objects.get()
    assert page.url.endswith(f"/supervision/inspections/{inspection.pk}/")

    log_in(page, base, "alice")
    page.goto(f"{base}/supervision/findings/")
    page.get_by_role("link", name="Dongcheng Fever Clinic").first.click()  # its inspection
    rectify = page.locator(f"#finding-{finding.pk} form.rectify")
    rectify.locator("[name=rectification]").fill("已设登记簿，专人测温登记")
    rectify.locator("button[type=submit]").click()
    expect(page.locator(f"#finding-{finding.pk} .status")).to_have_text(FINDING_RECTIFIED)

    log_in(page, base, "guo")
    page.goto(f"{base}/supervision/inspections/{inspection.pk}/")
    page.locator(f"#finding-{finding.pk} form.verify button[value=accept]").click()
    expect(page.locator(f"#finding-{finding.pk} .status")).to_have_text(FINDING_VERIFIED)


def test_a_town_hands_the_notice_down_to_its_village_and_reports_once_it_is_done(
        page: Any, live_server: Any, transactional_db: None) -> None:
    """Alice hands the district's notice down 分解下达 to village A1; Wu, its officer, reads the
    notice through his part and reports it; Alice's own report waits until she has accepted his."""
    world = World()
    guo = create_user(username="guo", password=PASSWORD, role=Role.SUPERVISOR,
                      home_area=world.district)
    create_user(username="wu", password=PASSWORD, role=Role.AREA_OFFICER,
                home_area=world.village_a1)
    document = documents.register_document(
        world.district, by=guo, title="关于加强养老机构疫情防控的通知", issuer="市指挥部",
        kind=DocumentKind.NOTICE, received_on=timezone.localdate())
    [task] = documents.route(document, [documents.Routing(
        world.town_a, timezone.localdate() + datetime.timedelta(days=3))], by=guo)
    base = live_server.url

    log_in(page, base, "alice")
    page.goto(f"{base}/supervision/tasks/{task.pk}/")
    page.locator("#hand-down-area_0").select_option(str(world.village_a1.pk))
    page.locator("#hand-down-due_on_0").fill(_day(2))
    page.locator("#hand-down-instructions_0").fill("逐户核查村内养老院")
    page.locator("#hand-down-form button[type=submit]").click()
    expect(page.locator("#parts")).to_contain_text("Village A1")
    part = Task.objects.get(parent=task)

    log_in(page, base, "wu")
    page.goto(f"{base}/supervision/tasks/")
    page.get_by_role("link", name="关于加强养老机构疫情防控的通知").click()
    assert page.url.endswith(f"/supervision/tasks/{part.pk}/")
    expect(page.locator("#parent")).to_contain_text("Dongcheng Town")
    page.locator("#document a").click()  # the village reads the district's notice
    expect(page.locator("h1")).to_contain_text("关于加强养老机构疫情防控的通知")
    page.goto(f"{base}/supervision/tasks/{part.pk}/")
    page.locator("#report-form [name=report]").fill("村内2家养老院已封闭管理")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_REPORTED)

    log_in(page, base, "alice")
    page.goto(f"{base}/supervision/tasks/{task.pk}/")
    page.locator("#report-form [name=report]").fill("全镇养老院已封闭管理")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#report-form")).to_contain_text("尚有1项分解事项在办理中")
    expect(page.locator("#status")).to_have_text(STATUS_IN_HAND)
    page.locator(f"#part-{part.pk} a").click()
    page.locator("#accept-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_DONE)
    page.goto(f"{base}/supervision/tasks/{task.pk}/")
    page.locator("#report-form [name=report]").fill("全镇养老院已封闭管理")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(STATUS_REPORTED)
