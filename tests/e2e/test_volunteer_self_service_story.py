"""A volunteer's own page 我的志愿服务 (DESIGN: "volunteers sign up and claim their hours"):
Xiao Yu, who volunteers in village A1 and signs in with the volunteer role, enrols on
/volunteers/me/ (Alice had put his phone on the village's roster from the paper sheet, so his
account takes that record), signs up to town A's deliveries to the quarantined households and
claims the 4.5 hours he served yesterday. The next morning's digest 待确认提醒 tells Alice in
her inbox; she follows it to her town's projects with claims waiting, opens the project and
confirms the claim: the project's page, his volunteer's page and his own page show 4.5 hours, and
a second claim of the same day is refused, naming the 4.5 hours recorded. He prints a certificate
of his hours, whose number Alice looks up."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.volunteers import services
from epigrid.volunteers.digest import send_claim_digests
from epigrid.volunteers.models import (
    Certificate,
    ClaimState,
    HoursClaim,
    ProjectKind,
    Signup,
    Volunteer,
)
from tests.base import PASSWORD, World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]
PHONE = "13907130088"


def _claim(page: Any, project_pk: int, day: datetime.date, hours: str) -> None:
    page.locator("#claim-project").select_option(str(project_pk))
    page.locator("#claim-served_on").fill(day.isoformat())
    page.locator("#claim-hours").fill(hours)
    page.locator("#claim-note").fill("给东巷隔离户送米和药")
    page.locator("#claim-form button[type=submit]").click()


def test_a_volunteer_claims_his_hours_and_the_officer_confirms_them(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    base = live_server.url
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    # From the village's paper roster, five days ago: enrolling takes this record, so the
    # hours of the days since are his to claim (a volunteer serves from the day registered).
    roster = services.register(world.village_a1, by=world.alice, name="肖雨", phone=PHONE,
                               registered_on=today - datetime.timedelta(days=5))
    deliveries = services.open_project(
        world.town_a, by=world.alice, kind=ProjectKind.DELIVERY, name="东城镇隔离户物资配送",
        starts_on=today - datetime.timedelta(days=3), volunteers_needed=20)
    xiaoyu = create_user(username="xiaoyu", password=PASSWORD, role=Role.VOLUNTEER,
                         home_area=world.village_a1, phone=PHONE, last_name="肖",
                         first_name="雨")

    log_in(page, base, "xiaoyu")
    page.goto(f"{base}/volunteers/me/")
    expect(page.locator("#account-name")).to_have_text("肖雨")
    expect(page.locator("#account-phone")).to_have_text("139****0088")
    expect(page.locator("#home-area")).to_have_text("Village A1")
    page.locator("#enrol-form button[type=submit]").click()
    expect(page.locator("#total")).to_have_text("0.0")
    me = Volunteer.objects.get()
    assert (me.pk, me.account) == (roster.pk, xiaoyu)  # the roster's record, now his

    row = page.locator(f"#project-{deliveries.pk}")
    expect(row).to_contain_text("东城镇隔离户物资配送")
    row.locator("button[type=submit]").click()
    expect(page.locator(f"#project-{deliveries.pk} .signed")).to_have_text("1")
    assert Signup.objects.filter(volunteer=me, withdrawn_at__isnull=True).count() == 1

    _claim(page, deliveries.pk, yesterday, "4.5")
    expect(page.locator("#waiting")).to_have_text("4.5")
    claim = HoursClaim.objects.get()
    expect(page.locator(f"#claim-{claim.pk}")).to_contain_text(yesterday.isoformat())

    send_claim_digests()  # the morning's task
    log_in(page, base, "alice")
    page.goto(f"{base}/alerts/")
    told = page.locator("li.unread", has_text="1 条时长申报待确认")
    expect(told).to_contain_text("东城镇隔离户物资配送（Dongcheng Town）：待确认 1 条，共 4.5 小时")
    told.locator("button").click()
    expect(page).to_have_url(f"{base}/volunteers/projects/?area={world.town_a.pk}"
                             "&claims=waiting&status=any")
    expect(page.locator("#projects tbody tr")).to_have_count(1)
    expect(page.locator(f"#project-{deliveries.pk} .waiting")).to_have_text("1")
    page.locator(f"#project-{deliveries.pk} a").first.click()
    expect(page).to_have_url(f"{base}/volunteers/projects/{deliveries.pk}/")
    expect(page.locator("#signups")).to_contain_text("肖雨")
    expect(page.locator("#signups")).to_contain_text("139****0088")
    waiting = page.locator(f"#claims #claim-{claim.pk}")
    expect(waiting).to_contain_text("4.5")
    expect(waiting).to_contain_text("肖雨")
    waiting.locator("form.confirm button").click()
    expect(page.locator("#hours")).to_have_text("4.5")
    expect(page.locator("#no-claim")).to_be_visible()
    claim.refresh_from_db()
    assert claim.state == ClaimState.CONFIRMED
    page.goto(f"{base}/volunteers/people/{me.pk}/")
    expect(page.locator("#total")).to_have_text("4.5")

    log_in(page, base, "xiaoyu")
    page.goto(f"{base}/volunteers/me/")
    expect(page.locator("#total")).to_have_text("4.5")
    expect(page.locator("#waiting")).to_have_text("0.0")
    _claim(page, deliveries.pk, yesterday, "2")  # the same day again: refused, naming 4.5
    expect(page.locator("#claim-form")).to_contain_text("4.5")
    expect(page.locator("#claim-form")).to_contain_text(yesterday.isoformat())
    assert HoursClaim.objects.count() == 1

    # For his school: a certificate of his hours 志愿服务时长证明, numbered, to print.
    page.locator("#certify-form button").click()
    certificate = Certificate.objects.get()
    expect(page.locator("#number")).to_have_text(certificate.number)
    expect(page.locator("#statement")).to_contain_text("4.5")
    expect(page.locator("#lines")).to_contain_text("东城镇隔离户物资配送")
    log_in(page, base, "alice")  # who keeps his area looks the number up
    page.goto(f"{base}/volunteers/certificates/")
    page.locator("#id_number").fill(certificate.number.lower())
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#number")).to_have_text(certificate.number)
