"""The people sent down and their fund (DESIGN: "cadres sent down to towns and villages 下沉干部,
party-member commando teams 党员突击队 ... commendations; condolence and subsidy payments from a
fund, with a ledger and approvals"): Alice forms town A's commando team and records Chen Ming, a
cadre of the housing bureau, as its leader in village A1; Bob, recording the same cadre for town
B, is told where he is on duty; Alice commends him. Zhou opens the district's condolence fund
(two approvers above 5,000 yuan), Wu books the finance bureau's 10,000; Alice applies for 6,000
for Chen Ming, who fell ill on duty; Zhou approves, which is not yet enough; Qian approves; Wu
pays it against its voucher, and the fund holds 4,000."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.mobilization.models import Deployment, Fund, Payment, Team
from tests.base import PASSWORD, World
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e]

# The statuses as the page reads them in Chinese.
AWAITING, APPROVED, PAID = "待审批", "已审批待发放", "已发放"


def _submit(page: Any, form: str = "form.stack") -> None:
    page.locator(f"{form} button[type=submit]").first.click()


def test_a_cadre_is_sent_down_commended_and_paid_from_the_fund(
        page: Any, live_server: Any, transactional_db: None) -> None:
    world = World()
    for name, role in (("wu", Role.LOGISTICS), ("qian", Role.COMMAND)):
        create_user(username=name, password=PASSWORD, role=role, home_area=world.district)
    base = live_server.url
    today = timezone.localdate().isoformat()

    log_in(page, base, "alice")
    page.goto(f"{base}/mobilization/teams/new/")
    page.locator("#id_area").select_option(str(world.town_a.pk))
    page.locator("#id_kind").select_option("commando")
    page.locator("#id_name").fill("东城镇党员突击队")
    page.locator("#id_formed_on").fill(today)
    _submit(page)
    team = Team.objects.get()
    assert page.url.endswith(f"/mobilization/teams/{team.pk}/")
    page.locator("#add-member").click()
    page.locator("#id_area").select_option(str(world.village_a1.pk))
    page.locator("#id_name").fill("陈明")
    page.locator("#id_unit").fill("区住建局")
    page.locator("#id_post").fill("科长")
    page.locator("#id_phone").fill("139 0713 0001")
    page.locator("#id_party_member").check()
    page.locator("#id_leader").check()
    page.locator("#id_arrived_on").fill(today)
    _submit(page)
    chen = Deployment.objects.get()
    assert chen.team == team and chen.leader and chen.phone == "13907130001"
    expect(page.locator("#phone")).to_have_text("13907130001")  # Alice keeps the roster

    log_in(page, base, "bob")
    page.goto(f"{base}/mobilization/people/new/")
    page.locator("#id_area").select_option(str(world.village_b1.pk))
    page.locator("#id_name").fill("陈明")
    page.locator("#id_unit").fill("区住建局")
    page.locator("#id_phone").fill("13907130001")
    page.locator("#id_arrived_on").fill(today)
    _submit(page)
    expect(page.locator("form.stack")).to_contain_text("Village A1")  # on duty there already
    assert Deployment.objects.count() == 1

    log_in(page, base, "alice")
    page.goto(f"{base}/mobilization/people/{chen.pk}/")
    page.locator("#commend").click()
    page.locator("#id_area").select_option(str(world.town_a.pk))
    page.locator("#id_honour").fill("抗疫一线优秀共产党员")
    page.locator("#id_awarded_by").fill("区委")
    page.locator("#id_awarded_on").fill(today)
    _submit(page)
    page.goto(f"{base}/mobilization/people/{chen.pk}/")
    expect(page.locator("#commendations")).to_contain_text("抗疫一线优秀共产党员")

    log_in(page, base, "zhou")
    page.goto(f"{base}/mobilization/funds/new/")
    page.locator("#id_area").select_option(str(world.district.pk))
    page.locator("#id_name").fill("一线人员慰问金")
    page.locator("#id_second_approval_over").fill("5000")
    _submit(page)
    fund = Fund.objects.get()

    log_in(page, base, "wu")
    page.goto(f"{base}/mobilization/funds/{fund.pk}/")
    page.locator("#receive-form [name=amount]").fill("10000")
    page.locator("#receive-form [name=counterpart]").fill("区财政局")
    page.locator("#receive-form [name=voucher]").fill("收-001")
    _submit(page, "#receive-form")
    expect(page.locator("#balance")).to_contain_text("10000.00")

    log_in(page, base, "alice")
    page.goto(f"{base}/mobilization/funds/{fund.pk}/")
    expect(page.locator("#ledger")).to_have_count(0)  # the district's ledger is not the town's
    page.locator("#apply").click()
    page.locator("#id_area").select_option(str(world.town_a.pk))
    page.locator("#id_kind").select_option("condolence")
    page.locator("#id_deployment").select_option(str(chen.pk))
    page.locator("#id_amount").fill("6000")
    page.locator("#id_reason").fill("在卡口值守期间患病住院")
    _submit(page)
    payment = Payment.objects.get()
    expect(page.locator("#status")).to_contain_text(AWAITING)
    expect(page.locator("#approve-form")).to_have_count(0)  # the applicant never approves

    for approver in ("zhou", "qian"):
        log_in(page, base, approver)
        page.goto(f"{base}/mobilization/payments/{payment.pk}/")
        page.locator("#approve-form [name=note]").fill("同意")
        _submit(page, "#approve-form")
        expect(page.locator("#approvals")).to_contain_text("同意")
        if approver == "zhou":  # 6,000 is above the fund's 5,000: one approval is not enough
            expect(page.locator("#status")).to_contain_text(AWAITING)
            expect(page.locator("#approve-form")).to_have_count(0)
    expect(page.locator("#status")).to_contain_text(APPROVED)

    log_in(page, base, "wu")
    page.goto(f"{base}/mobilization/payments/{payment.pk}/")
    page.locator("#pay-form [name=voucher]").fill("付-017")
    _submit(page, "#pay-form")
    expect(page.locator("#status")).to_contain_text(PAID)
    page.goto(f"{base}/mobilization/funds/{fund.pk}/")
    expect(page.locator("#balance")).to_contain_text("4000.00")
    expect(page.locator("#ledger")).to_contain_text("付-017")
