"""The project's page and the volunteers' sign-ups 报名 and claims 时长申报: who is signed up
(phones masked), the claims waiting for the keepers, confirming one (the hours then count on
the project and on the volunteer's page), declining one with a reason, the refusals shown as
notices with the claim still waiting, withdrawing a sign-up for a volunteer; who may (the
project's keepers), who gets 403 (its readers) and 404 (another town); a flat query count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.volunteers import self_service
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Signup,
    Volunteer,
)
from tests.volunteers.helpers import days
from tests.volunteers.test_self_pages import ME, SelfServiceTestCase, listed, row, withdraw_url


def url(name: str, obj: Project | HoursClaim) -> str:
    return reverse(f"volunteers:{name}", args=[obj.pk])


class ClaimsTestCase(SelfServiceTestCase):
    """Xiao Yu of village A1 signed up to town A's deliveries, claiming 4.5 hours of
    yesterday."""

    def setUp(self) -> None:
        super().setUp()
        self.xiaoyu = self.account(phone="13907135678")
        self.me = self.enrolled(self.xiaoyu)
        self.deliveries = self.project()
        self.signup = self.signed_up(self.deliveries, self.me)

    def claim(self, hours: str = "4.5", served_on: Any = None,
              project: Project | None = None, volunteer: Volunteer | None = None) -> HoursClaim:
        volunteer = volunteer or self.me
        return self_service.claim_hours(project or self.deliveries, volunteer,
                                        by=volunteer.account, served_on=served_on or days(-1),
                                        hours=hours, note="Rice to East Lane")


class SignedUpSectionTests(ClaimsTestCase):
    def test_it_lists_the_active_sign_ups_with_phones_masked(self) -> None:
        wang = self.volunteer(self.world.village_a2, name="Wang Fang", phone="13800001111")
        theirs = self.signed_up(self.deliveries, wang)
        gone = self.signed_up(self.deliveries, self.volunteer(name="Zhao Lan"))
        self_service.withdraw_signup(gone, by=self.world.alice)
        body = self.client_for(self.world.alice).get(url("project", self.deliveries)) \
            .content.decode()
        self.assertEqual(listed(body, "signup"), [self.signup.pk, theirs.pk])  # first come
        line = row(body, theirs.pk, "signup")
        self.assertIn(f'href="{reverse("volunteers:volunteer", args=[wang.pk])}"', line)
        self.assertIn("<td>Village A2</td>", line)
        self.assertIn("138****1111", line)
        self.assertIn(days(0).isoformat(), line)
        self.assertIn(withdraw_url(theirs), line)  # the keeper may withdraw it
        self.assertNotIn("13800001111", body)

    def test_it_shows_a_reader_the_sign_ups_without_buttons_or_claims(self) -> None:
        w = self.world
        grid = self.project(w.grid_a1_1, name="Grid A1-1 door duty",
                            kind=ProjectKind.CHECKPOINT)
        sun = self.volunteer(w.grid_a1_1, name="Sun Yue")
        signup = self.signed_up(grid, sun)
        self.hours(grid, sun, "2", days(-2))
        response = self.client_for(w.li).get(url("project", grid))
        body = response.content.decode()
        self.assertEqual(listed(body, "signup"), [signup.pk])
        self.assertNotIn(withdraw_url(signup), body)
        self.assertEqual(response.context["claims"], [])
        self.assertNotIn('id="claims-title"', body)

    def test_it_says_when_nobody_is_signed_up(self) -> None:
        idle = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        body = self.client_for(self.world.alice).get(url("project", idle)).content.decode()
        self.assertIn("Nobody is signed up yet.", body)
        self.assertIn("No hours claimed are waiting.", body)


class ConfirmTests(ClaimsTestCase):
    def test_it_shows_the_keeper_the_claims_waiting(self) -> None:
        claim = self.claim()
        answered = self.claim("2", days(-2))
        self_service.decline_claim(answered, by=self.world.alice, reason="Not on the sheet")
        body = self.client_for(self.world.alice).get(url("project", self.deliveries)) \
            .content.decode()
        self.assertEqual(listed(body, "claim"), [claim.pk])
        line = row(body, claim.pk, "claim")
        self.assertIn("Xiao Yu", line)
        self.assertIn('<td class="num hours">4.5</td>', line)
        self.assertIn("Rice to East Lane", line)
        self.assertIn(url("claim_confirm", claim), line)
        self.assertIn(url("claim_decline", claim), line)

    def test_it_confirms_a_claim_and_the_hours_count(self) -> None:
        w = self.world
        claim = self.claim()
        response = self.client_for(w.alice).post(url("claim_confirm", claim), follow=True)
        self.assertRedirects(response, url("project", self.deliveries))
        body = response.content.decode()
        self.assertIn(f"4.5 hours of Xiao Yu on {days(-1).isoformat()} confirmed.", body)
        self.assertIn('<dd id="hours">4.5</dd>', body)
        self.assertIn('<dd id="served">1</dd>', body)
        self.assertEqual(listed(body, "claim"), [])
        claim.refresh_from_db()
        record = ServiceRecord.objects.get()
        self.assertEqual((claim.state, claim.record, claim.decided_by),
                         (ClaimState.CONFIRMED, record, w.alice))
        self.assertEqual((record.hours, record.served_on, record.recorded_by),
                         (Decimal("4.5"), days(-1), w.alice))
        mine = self.client_for(self.xiaoyu).get(ME).content.decode()
        self.assertIn('<dd id="total">4.5</dd>', mine)
        self.assertIn('<td class="state">confirmed</td>', row(mine, claim.pk, "claim"))

    def test_it_refuses_past_24_hours_a_day_and_the_claim_stays_waiting(self) -> None:
        w = self.world
        claim = self.claim("5")
        # Recorded at a desk after the claim was sent: the day has no room left for it.
        care = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        self.hours(care, self.me, "20", days(-1))
        response = self.client_for(w.alice).post(url("claim_confirm", claim))
        self.assertEqual(response.status_code, 400)
        body = response.content.decode()
        self.assertIn(f"Xiao Yu has 20.0 hours on {days(-1).isoformat()} already: a day has 24.",
                      body)
        self.assertEqual(listed(body, "claim"), [claim.pk])
        claim.refresh_from_db()
        self.assertEqual(claim.state, ClaimState.PENDING)
        self.assertFalse(ServiceRecord.objects.filter(project=self.deliveries).exists())

    def test_it_refuses_a_claim_answered_already(self) -> None:
        claim = self.claim()
        client = self.client_for(self.world.alice)
        client.post(url("claim_confirm", claim))
        again = client.post(url("claim_confirm", claim))
        self.assertEqual(again.status_code, 400)
        self.assertIn("The claim was confirmed already.", again.content.decode())
        declined = client.post(url("claim_decline", claim), {"reason": "Typed twice"})
        self.assertEqual(declined.status_code, 400)
        self.assertEqual(ServiceRecord.objects.count(), 1)

    def test_it_lets_only_the_projects_keepers_answer(self) -> None:
        w = self.world
        claim = self.claim()
        # The medic reads the district's projects but keeps no volunteers: 403.
        self.assertEqual(self.client_for(w.medic).get(url("project", self.deliveries))
                         .status_code, 200)
        for action, data in (("claim_confirm", {}), ("claim_decline", {"reason": "No"})):
            with self.subTest(action):
                self.assertEqual(self.client_for(w.medic).post(url(action, claim), data)
                                 .status_code, 403)
                # Bob keeps town B: town A's claims are not there for him.
                self.assertEqual(self.client_for(w.bob).post(url(action, claim), data)
                                 .status_code, 404)
                # Xiao Yu claimed it: answering it is the officers'.
                self.assertEqual(self.client_for(self.xiaoyu).post(url(action, claim), data)
                                 .status_code, 404)
                self.assertEqual(self.client_for(w.alice).get(url(action, claim)).status_code,
                                 405)
        claim.refresh_from_db()
        self.assertEqual(claim.state, ClaimState.PENDING)

    def test_it_answers_404_for_town_bs_claim_to_alice(self) -> None:
        w = self.world
        xihe = self.project(w.town_b, name="Xihe deliveries", by=w.bob)
        ma_user = self.account("ma", w.village_b1, first_name="Ma", last_name="Jun")
        ma = self.enrolled(ma_user)
        self.signed_up(xihe, ma)
        theirs = self.claim(project=xihe, volunteer=ma)
        alice = self.client_for(w.alice)
        self.assertEqual(alice.post(url("claim_confirm", theirs)).status_code, 404)
        self.assertEqual(alice.post(url("claim_decline", theirs), {"reason": "No"})
                         .status_code, 404)
        self.assertEqual(alice.post(reverse("volunteers:claim_confirm", args=[9999]))
                         .status_code, 404)
        self.assertEqual(self.client_for(w.bob).post(url("claim_confirm", theirs))
                         .status_code, 302)  # his own town's claim
        theirs.refresh_from_db()
        self.assertEqual(theirs.state, ClaimState.CONFIRMED)


class DeclineTests(ClaimsTestCase):
    def test_it_declines_a_claim_with_its_reason(self) -> None:
        w = self.world
        claim = self.claim()
        response = self.client_for(w.alice).post(
            url("claim_decline", claim), {"reason": "Not on the sign-in sheet"}, follow=True)
        self.assertRedirects(response, url("project", self.deliveries))
        body = response.content.decode()
        self.assertIn(f"The claim of Xiao Yu on {days(-1).isoformat()} is declined.", body)
        self.assertIn('<dd id="hours">0.0</dd>', body)
        claim.refresh_from_db()
        self.assertEqual((claim.state, claim.reason, claim.decided_by),
                         (ClaimState.DECLINED, "Not on the sign-in sheet", w.alice))
        mine = self.client_for(self.xiaoyu).get(ME).content.decode()
        self.assertIn('<td class="reason">Not on the sign-in sheet</td>',
                      row(mine, claim.pk, "claim"))
        self.assertIn('<dd id="total">0.0</dd>', mine)

    def test_it_refuses_a_decline_without_a_reason(self) -> None:
        claim = self.claim()
        client = self.client_for(self.world.alice)
        for reason in ("", "   "):
            with self.subTest(reason=reason):
                response = client.post(url("claim_decline", claim), {"reason": reason})
                self.assertEqual(response.status_code, 400)
                self.assertIn("Say why the claim is declined.", response.content.decode())
        too_long = client.post(url("claim_decline", claim), {"reason": "x" * 201})
        self.assertEqual(too_long.status_code, 400)
        self.assertIn("at most 200 characters", too_long.content.decode())
        claim.refresh_from_db()
        self.assertEqual(claim.state, ClaimState.PENDING)


class KeeperWithdrawTests(ClaimsTestCase):
    def test_it_lets_the_keeper_withdraw_a_sign_up(self) -> None:
        response = self.client_for(self.world.alice).post(withdraw_url(self.signup),
                                                          follow=True)
        self.assertRedirects(response, url("project", self.deliveries))
        body = response.content.decode()
        self.assertIn("The sign-up of Xiao Yu to Deliveries to the quarantined is withdrawn.",
                      body)
        self.assertEqual(listed(body, "signup"), [])
        self.signup.refresh_from_db()
        self.assertIsNotNone(self.signup.withdrawn_at)
        again = self.client_for(self.world.alice).post(withdraw_url(self.signup))
        self.assertEqual(again.status_code, 400)
        self.assertIn("The sign-up was withdrawn already.", again.content.decode())

    def test_it_lets_only_the_keepers_withdraw_anothers_sign_up(self) -> None:
        w = self.world
        grid = self.project(w.grid_a1_1, name="Grid A1-1 door duty",
                            kind=ProjectKind.CHECKPOINT)
        signup = self.signed_up(grid, self.volunteer(w.grid_a1_1, name="Sun Yue"))
        self.assertEqual(self.client_for(w.li).post(withdraw_url(signup)).status_code, 403)
        self.assertEqual(self.client_for(w.medic).post(withdraw_url(self.signup)).status_code,
                         403)
        self.assertEqual(self.client_for(w.bob).post(withdraw_url(self.signup)).status_code,
                         404)
        self.assertEqual(self.client_for(w.alice).get(withdraw_url(self.signup)).status_code,
                         405)
        self.assertEqual(Signup.objects.filter(withdrawn_at__isnull=True).count(), 2)


class ProjectPageQueryTests(ClaimsTestCase):
    def test_it_keeps_its_queries_flat_however_many_sign_ups_and_claims(self) -> None:
        w = self.world
        self.claim()
        client = self.client_for(w.alice)
        client.get(url("project", self.deliveries))  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(url("project", self.deliveries))
        for number in range(1, 6):
            user = self.account(f"volunteer{number}",
                                w.village_a2 if number % 2 else w.village_a1,
                                first_name="Volunteer", last_name=str(number))
            volunteer = self.enrolled(user)
            self.signed_up(self.deliveries, volunteer)
            self.claim("2", volunteer=volunteer)
        with self.assertNumQueries(len(few)):
            many = client.get(url("project", self.deliveries))
        self.assertEqual(len(many.context["signups"]), 6)
        self.assertEqual(len(many.context["claims"]), 6)
