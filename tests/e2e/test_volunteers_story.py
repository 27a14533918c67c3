"""Volunteers and their hours (DESIGN: "volunteers with projects and hours"): Alice registers
Wang Fang, who volunteers in village A1; Bob, registering the same phone for town B, is told
where she is registered. Alice opens town A's deliveries to the quarantined households and
records Wang Fang's eight hours of yesterday from the sign-in sheet; a second record of the
same day is refused naming the first; four and a half hours today make 12.5 in all, on the
project's page and on hers. Xiao Yu, a volunteer of the village with a login, reads its
volunteers with the phone masked and may not register one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.volunteers.models import Project, ServiceRecord, Volunteer
from tests.base import PASSWORD, World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]


def _submit(page: Any, form: str = "form.stack") -> None:
    page.locator(f"{form} button[type=submit]").first.click()


def test_a_volunteer_is_registered_once_and_her_hours_add_up(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    base = live_server.url
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)

    log_in(page, base, "alice")
    page.goto(f"{base}/volunteers/people/new/")
    page.locator("#id_area").select_option(str(world.village_a1.pk))
    page.locator("#id_name").fill("王芳")
    page.locator("#id_phone").fill("139 0713 0001")
    page.locator("#id_skills").fill("驾驶")
    page.locator("#id_registered_on").fill((today - datetime.timedelta(days=5)).isoformat())
    _submit(page)
    wang = Volunteer.objects.get()
    assert page.url.endswith(f"/volunteers/people/{wang.pk}/")
    assert (wang.phone, wang.area) == ("13907130001", world.village_a1)
    expect(page.locator("#phone")).to_have_text("13907130001")  # Alice keeps the volunteers

    log_in(page, base, "bob")
    page.goto(f"{base}/volunteers/people/new/")
    page.locator("#id_area").select_option(str(world.village_b1.pk))
    page.locator("#id_name").fill("王芳")
    page.locator("#id_phone").fill("13907130001")
    page.locator("#id_registered_on").fill(today.isoformat())
    _submit(page)
    expect(page.locator("form.stack")).to_contain_text("Village A1")  # registered there
    assert Volunteer.objects.count() == 1

    log_in(page, base, "alice")
    page.goto(f"{base}/volunteers/projects/new/")
    page.locator("#id_area").select_option(str(world.town_a.pk))
    page.locator("#id_kind").select_option("delivery")
    page.locator("#id_name").fill("东城镇隔离户物资配送")
    page.locator("#id_volunteers_needed").fill("20")
    page.locator("#id_starts_on").fill((today - datetime.timedelta(days=3)).isoformat())
    _submit(page)
    project = Project.objects.get()
    assert page.url.endswith(f"/volunteers/projects/{project.pk}/")

    def record(hours: str, day: datetime.date) -> None:
        page.locator("#hours-volunteer").select_option(str(wang.pk))
        page.locator("#hours-served_on").fill(day.isoformat())
        page.locator("#hours-hours").fill(hours)
        _submit(page, "#hours-form")

    record("8", yesterday)
    expect(page.locator("#hours")).to_have_text("8.0")
    record("2", yesterday)  # typed twice from the sheet: refused, naming the first
    expect(page.locator("#hours-form")).to_contain_text("8.0")
    record("4.5", today)
    expect(page.locator("#hours")).to_have_text("12.5")
    expect(page.locator("#served")).to_have_text("1")
    assert sorted(ServiceRecord.objects.values_list("served_on", "hours")) == [
        (yesterday, 8), (today, 4.5)]
    page.goto(f"{base}/volunteers/people/{wang.pk}/")
    expect(page.locator("#total")).to_have_text("12.5")

    create_user(username="xiaoyu", password=PASSWORD, role=Role.VOLUNTEER,
                home_area=world.village_a1)
    log_in(page, base, "xiaoyu")
    page.goto(f"{base}/volunteers/people/")
    expect(page.locator("main")).to_contain_text("139****0001")
    expect(page.locator("main")).not_to_contain_text("13907130001")
    expect(page.locator("a[href$='/volunteers/people/new/']")).to_have_count(0)
