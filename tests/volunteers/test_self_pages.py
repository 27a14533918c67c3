"""A volunteer's own page 我的志愿服务: enrolling from the account (and the refusals: no phone,
no home area, enrolled already, a phone serving elsewhere), the projects open to them and
signing up 报名 or withdrawing, claiming hours 时长申报 and the refusals on the claim's fields,
their claims and records, and a flat query count. The keepers' side is test_claim_pages.py."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.areas.models import Area
from epigrid.core.access import Role
from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    Signup,
    Volunteer,
)
from tests.base import PASSWORD
from tests.volunteers.helpers import VolunteersTestCase, days

ME = reverse("volunteers:me")
ENROL = reverse("volunteers:me_enrol")
CLAIM = reverse("volunteers:me_claim")
_account_phones = itertools.count(13907130001)


def listed(body: str, what: str = "project") -> list[int]:
    """The ids of the rows a table shows, in its order."""
    return [int(pk) for pk in re.findall(rf'<tr id="{what}-(\d+)"', body)]


def row(body: str, pk: int, what: str = "project") -> str:
    found = re.search(rf'<tr id="{what}-{pk}".*?</tr>', body, re.S)
    assert found is not None, f"{what} {pk} is not listed"
    return found.group()


def sign_up_url(project: Project) -> str:
    return reverse("volunteers:project_sign_up", args=[project.pk])


def withdraw_url(signup: Signup) -> str:
    return reverse("volunteers:signup_withdraw", args=[signup.pk])


class SelfServiceTestCase(VolunteersTestCase):
    """Xiao Yu (the volunteer role, village A1, a phone on the account) and the officers."""

    def account(self, username: str = "xiaoyu", area: Area | None = None,
                phone: str | None = None, **fields: Any) -> User:
        values: dict[str, Any] = {"first_name": "Xiao", "last_name": "Yu",
                                  "role": Role.VOLUNTEER}
        values.update(fields)
        return create_user(username=username, password=PASSWORD,
                           home_area=area or self.world.village_a1,
                           phone=str(next(_account_phones)) if phone is None else phone,
                           **values)

    def enrolled(self, user: User) -> Volunteer:
        """The command registered the account's phone ten days ago (from the paper roster), so
        the enrolment links that record: the volunteer may claim the days since."""
        assert user.home_area is not None
        self.volunteer(user.home_area, name=user.display_name, phone=user.phone,
                       by=self.world.command)
        return self_service.enrol(user)

    def signed_up(self, project: Project, volunteer: Volunteer) -> Signup:
        """The volunteer signs up themselves; Alice signs up one without an account."""
        return self_service.sign_up(project, volunteer,
                                    by=volunteer.account or self.world.alice)


class EnrolPageTests(SelfServiceTestCase):
    def test_it_explains_and_shows_the_accounts_name_masked_phone_and_area(self) -> None:
        xiaoyu = self.account(phone="13907131234")
        response = self.client_for(xiaoyu).get(ME)
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn("You are not registered as a volunteer.", body)
        self.assertIn('<dd id="account-name">Xiao Yu</dd>', body)
        self.assertIn('<dd id="account-phone">139****1234</dd>', body)
        self.assertNotIn("13907131234", body)
        self.assertIn('<dd id="home-area">Village A1</dd>', body)
        self.assertIn(f'action="{ENROL}"', body)
        self.assertIsNone(response.context["volunteer"])

    def test_it_enrols_the_user_in_their_home_area(self) -> None:
        xiaoyu = self.account(phone="13907131234")
        response = self.client_for(xiaoyu).post(
            ENROL, {"skills": "driving, Hubei dialect", "party_member": "on"}, follow=True)
        self.assertRedirects(response, ME)
        volunteer = Volunteer.objects.get()
        self.assertEqual((volunteer.account, volunteer.area, volunteer.name, volunteer.phone,
                          volunteer.skills, volunteer.party_member, volunteer.registered_on),
                         (xiaoyu, self.world.village_a1, "Xiao Yu", "13907131234",
                          "driving, Hubei dialect", True, days(0)))
        body = response.content.decode()
        self.assertIn("You are registered as a volunteer of Village A1.", body)
        self.assertIn('<dd id="phone">139****1234</dd>', body)
        self.assertIn('<dd id="total">0.0</dd>', body)
        self.assertNotIn('id="enrol-form"', body)

    def test_it_links_the_volunteer_the_officers_registered_with_the_phone(self) -> None:
        xiaoyu = self.account()
        kept = self.volunteer(name="Xiao Yu (roster)", phone=xiaoyu.phone)
        self.hours(self.project(), kept, "6", days(-2))
        response = self.client_for(xiaoyu).post(ENROL, {"skills": ""}, follow=True)
        self.assertRedirects(response, ME)
        kept.refresh_from_db()
        self.assertEqual(kept.account, xiaoyu)
        self.assertEqual(Volunteer.objects.count(), 1)
        body = response.content.decode()
        self.assertIn('<dd id="name">Xiao Yu (roster)</dd>', body)
        self.assertIn('<dd id="total">6.0</dd>', body)  # the hours recorded before are theirs

    def test_it_refuses_an_account_without_a_mobile_number(self) -> None:
        for phone in ("", "027-8888 6666"):
            with self.subTest(phone):
                user = self.account(f"user{len(phone)}", phone=phone)
                response = self.client_for(user).post(ENROL, {"skills": "nursing"})
                self.assertEqual(response.status_code, 400)
                message = "Your account has no mobile number: ask your officer to add it."
                self.assertEqual(response.context["enrol_form"].non_field_errors(), [message])
                self.assertIn(message, response.content.decode())
        self.assertFalse(Volunteer.objects.exists())

    def test_it_explains_to_a_user_without_a_home_area(self) -> None:
        client = self.client_for(self.world.stranger)
        body = client.get(ME).content.decode()
        self.assertIn("You are not registered as a volunteer.", body)
        self.assertIn("Your account has no home area: ask your officer to set it.", body)
        self.assertNotIn('id="enrol-form"', body)
        refused = client.post(ENROL, {})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("Your account has no home area", refused.content.decode())
        self.assertFalse(Volunteer.objects.exists())

    def test_it_refuses_a_second_enrolment(self) -> None:
        xiaoyu = self.account()
        self.enrolled(xiaoyu)
        response = self.client_for(xiaoyu).post(ENROL, {})
        self.assertEqual(response.status_code, 400)
        self.assertIn("You are registered as a volunteer already.", response.content.decode())
        self.assertEqual(Volunteer.objects.count(), 1)

    def test_it_refuses_a_phone_serving_elsewhere_naming_where(self) -> None:
        xiaoyu = self.account()
        self.volunteer(self.world.village_a2, name="Xiao Yu", phone=xiaoyu.phone)
        response = self.client_for(xiaoyu).post(ENROL, {})
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"is registered in Village A2 since {days(-10).isoformat()}",
                      response.content.decode())
        self.assertFalse(Volunteer.objects.filter(account=xiaoyu).exists())

    def test_it_answers_only_to_the_methods_it_has(self) -> None:
        client = self.client_for(self.account())
        self.assertEqual(client.get(ENROL).status_code, 405)
        self.assertEqual(client.get(CLAIM).status_code, 405)
        self.assertEqual(client.post(ME).status_code, 405)
        self.assertEqual(self.client.get(ME).status_code, 302)  # signed out: to the login


class SignUpPageTests(SelfServiceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.xiaoyu = self.account()
        self.me = self.enrolled(self.xiaoyu)
        self.deliveries = self.project(volunteers_needed=10)

    def test_it_lists_the_projects_open_to_the_volunteer(self) -> None:
        w = self.world
        village = self.project(w.village_a1, name="Village A1 gate duty",
                               kind=ProjectKind.CHECKPOINT, starts_on=days(-3))
        hotline = self.project(w.district, name="District hotline", by=w.command,
                               kind=ProjectKind.COUNSELLING, starts_on=days(-20))
        soon = self.project(name="Publicity next week", kind=ProjectKind.PUBLICITY,
                            starts_on=days(5))
        self.project(w.village_a2, name="Village A2 gate duty", kind=ProjectKind.CHECKPOINT)
        self.project(w.town_b, name="Xihe deliveries", by=w.bob)
        self.project(w.grid_a1_1, name="Grid A1-1 door duty", kind=ProjectKind.CHECKPOINT)
        closed = self.project(name="Closed care", kind=ProjectKind.CARE)
        services.close_project(closed, by=w.alice, on=days(-1))
        body = self.client_for(self.xiaoyu).get(ME).content.decode()
        # Of the volunteer's area and those above it, neither closed nor ended; soonest first.
        self.assertEqual(listed(body), [hotline.pk, self.deliveries.pk, village.pk, soon.pk])
        line = row(body, self.deliveries.pk)
        self.assertIn("deliveries for the quarantined", line)
        self.assertIn("<td>Dongcheng Town</td>", line)
        self.assertIn('<td class="num signed">0</td>', line)
        self.assertIn('<td class="num needed">10</td>', line)
        self.assertIn(sign_up_url(self.deliveries), line)
        # The village's own project opens; the town's page is not in a villager's scope.
        self.assertIn(f'href="{reverse("volunteers:project", args=[village.pk])}"', body)
        self.assertNotIn(f'href="{reverse("volunteers:project", args=[self.deliveries.pk])}"',
                         body)
        self.assertNotIn("Xihe", body)

    def test_it_signs_up_and_counts_the_sign_up(self) -> None:
        self.signed_up(self.deliveries, self.volunteer(name="Wang Fang"))
        response = self.client_for(self.xiaoyu).post(sign_up_url(self.deliveries), follow=True)
        self.assertRedirects(response, ME)
        signup = Signup.objects.get(volunteer=self.me)
        self.assertEqual((signup.project, signup.withdrawn_at), (self.deliveries, None))
        body = response.content.decode()
        self.assertIn("You signed up to Deliveries to the quarantined.", body)
        line = row(body, self.deliveries.pk)
        self.assertIn('<td class="num signed">2</td>', line)
        self.assertIn("signed up", line)
        self.assertIn(withdraw_url(signup), line)
        self.assertNotIn(sign_up_url(self.deliveries), line)
        # The project is now among those a claim may name.
        self.assertEqual(list(response.context["claim_form"].fields["project"].queryset),
                         [self.deliveries])

    def test_it_answers_404_for_a_project_out_of_reach(self) -> None:
        w = self.world
        client = self.client_for(self.xiaoyu)
        xihe = self.project(w.town_b, name="Xihe deliveries", by=w.bob)
        other_village = self.project(w.village_a2, name="Village A2 gate duty")
        ended = self.project(name="Ended care", kind=ProjectKind.CARE, starts_on=days(-7),
                             ends_on=days(-2))
        for project in (xihe, other_village, ended):
            with self.subTest(project.name):
                self.assertEqual(client.post(sign_up_url(project)).status_code, 404)
        self.assertEqual(client.post(reverse("volunteers:project_sign_up", args=[9999]))
                         .status_code, 404)
        # Who is no volunteer has nothing to sign up with.
        self.assertEqual(self.client_for(w.alice).post(sign_up_url(self.deliveries))
                         .status_code, 404)
        self.assertEqual(client.get(sign_up_url(self.deliveries)).status_code, 405)
        self.assertFalse(Signup.objects.exists())

    def test_it_refuses_a_full_project_and_a_second_sign_up(self) -> None:
        full = self.project(name="Two drivers", volunteers_needed=1)
        self.signed_up(full, self.volunteer(name="Wang Fang"))
        client = self.client_for(self.xiaoyu)
        page = client.get(ME).content.decode()
        self.assertIn("full", row(page, full.pk))
        self.assertNotIn(sign_up_url(full), page)
        refused = client.post(sign_up_url(full))
        self.assertEqual(refused.status_code, 400)
        self.assertIn("The project has the 1 volunteers it needs.", refused.content.decode())
        self.signed_up(self.deliveries, self.me)
        again = client.post(sign_up_url(self.deliveries))
        self.assertEqual(again.status_code, 400)
        self.assertIn("Xiao Yu is signed up already.", again.content.decode())
        self.assertEqual(Signup.objects.filter(volunteer=self.me).count(), 1)

    def test_it_withdraws_the_volunteers_own_sign_up(self) -> None:
        signup = self.signed_up(self.deliveries, self.me)
        client = self.client_for(self.xiaoyu)
        response = client.post(withdraw_url(signup), follow=True)
        self.assertRedirects(response, ME)
        body = response.content.decode()
        self.assertIn("The sign-up of Xiao Yu to Deliveries to the quarantined is withdrawn.",
                      body)
        self.assertIn(sign_up_url(self.deliveries), row(body, self.deliveries.pk))
        signup.refresh_from_db()
        self.assertIsNotNone(signup.withdrawn_at)
        again = client.post(withdraw_url(signup))
        self.assertEqual(again.status_code, 400)
        self.assertIn("The sign-up was withdrawn already.", again.content.decode())

    def test_it_keeps_another_volunteers_sign_up_out_of_reach(self) -> None:
        theirs = self.signed_up(self.deliveries, self.volunteer(name="Wang Fang"))
        client = self.client_for(self.xiaoyu)
        self.assertEqual(client.post(withdraw_url(theirs)).status_code, 404)
        self.assertEqual(client.post(reverse("volunteers:signup_withdraw", args=[9999]))
                         .status_code, 404)
        theirs.refresh_from_db()
        self.assertIsNone(theirs.withdrawn_at)


class ClaimPageTests(SelfServiceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.xiaoyu = self.account()
        self.me = self.enrolled(self.xiaoyu)
        self.deliveries = self.project()
        self.signed_up(self.deliveries, self.me)

    def post(self, **fields: Any) -> Any:
        data = {"project": self.deliveries.pk, "served_on": days(-1).isoformat(),
                "hours": "4.5", "note": "Rice to East Lane"} | fields
        return self.client_for(self.xiaoyu).post(CLAIM, data, follow=True)

    def test_it_claims_hours_and_shows_the_claim_waiting(self) -> None:
        response = self.post()
        self.assertRedirects(response, ME)
        claim = HoursClaim.objects.get()
        self.assertEqual((claim.project, claim.volunteer, claim.served_on, claim.hours,
                          claim.note, claim.state),
                         (self.deliveries, self.me, days(-1), Decimal("4.5"),
                          "Rice to East Lane", ClaimState.PENDING))
        body = response.content.decode()
        self.assertIn(f"Your claim of 4.5 hours on {days(-1).isoformat()} waits for the "
                      "officers of Deliveries to the quarantined.", body)
        line = row(body, claim.pk, "claim")
        self.assertIn('<td class="state">waiting</td>', line)
        self.assertIn('<td class="num hours">4.5</td>', line)
        self.assertIn('<dd id="waiting">4.5</dd>', body)
        self.assertIn('<dd id="total">0.0</dd>', body)  # counted once confirmed

    def test_it_refuses_the_hours_and_the_day_on_their_fields(self) -> None:
        cases = [
            ({"hours": "25"}, "hours",
             "Hours are more than 0 and at most 24, in half hours."),
            ({"hours": "1.3"}, "hours",
             "Hours are more than 0 and at most 24, in half hours."),
            ({"served_on": days(-9).isoformat()}, "served_on",
             f"The project is open from {days(-7).isoformat()} to no end set."),
            ({"served_on": days(1).isoformat()}, "served_on",
             f"{days(1).isoformat()} is in the future."),
        ]
        for fields, field, message in cases:
            with self.subTest(fields):
                response = self.post(**fields)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.context["claim_form"].errors[field])
                self.assertIn(message, response.content.decode())
        self.assertFalse(HoursClaim.objects.exists())

    def test_it_refuses_a_second_claim_and_a_day_recorded_already(self) -> None:
        self.post()
        waiting = self.post(hours="2")
        self.assertEqual(waiting.status_code, 400)
        self.assertEqual(waiting.context["claim_form"].errors["served_on"],
                         [f"Your claim of 4.5 hours on {days(-1).isoformat()} is waiting."])
        self.hours(self.deliveries, self.me, "3", days(-2))
        recorded = self.post(served_on=days(-2).isoformat())
        self.assertEqual(recorded.status_code, 400)
        self.assertEqual(recorded.context["claim_form"].errors["served_on"],
                         [f"3.0 hours are recorded for you on {days(-2).isoformat()} "
                          "already."])
        self.assertEqual(HoursClaim.objects.count(), 1)

    def test_it_offers_only_the_projects_signed_up_to(self) -> None:
        other = self.project(name="Calls to the elderly", kind=ProjectKind.CARE)
        response = self.post(project=other.pk)
        self.assertEqual(response.status_code, 400)
        self.assertIn("project", response.context["claim_form"].errors)
        Signup.objects.filter(volunteer=self.me).update(withdrawn_at=timezone.now())
        after = self.client_for(self.xiaoyu).get(ME).content.decode()
        self.assertNotIn('id="claim-form"', after)
        self.assertIn("Sign up to a project to claim the hours you serve on it.", after)
        self.assertFalse(HoursClaim.objects.exists())

    def test_it_answers_404_to_who_is_no_volunteer(self) -> None:
        data = {"project": self.deliveries.pk, "served_on": days(-1).isoformat(),
                "hours": "2"}
        for user in (self.world.alice, self.world.stranger):
            self.assertEqual(self.client_for(user).post(CLAIM, data).status_code, 404)
        self.assertFalse(HoursClaim.objects.exists())

    def test_it_shows_a_declined_claim_with_its_reason_and_the_records(self) -> None:
        w = self.world
        claim = self_service.claim_hours(self.deliveries, self.me, by=self.xiaoyu,
                                         served_on=days(-1), hours="4")
        self_service.decline_claim(claim, by=w.alice, reason="Not on the sign-in sheet")
        record = self.hours(self.deliveries, self.me, "2.5", days(-3), note="Medicine")
        body = self.client_for(self.xiaoyu).get(ME).content.decode()
        line = row(body, claim.pk, "claim")
        self.assertIn('<td class="state">declined</td>', line)
        self.assertIn('<td class="reason">Not on the sign-in sheet</td>', line)
        self.assertIn("Medicine", row(body, record.pk, "record"))
        self.assertIn('<dd id="total">2.5</dd>', body)
        self.assertIn('<dd id="waiting">0.0</dd>', body)


class MyPageQueryTests(SelfServiceTestCase):
    def test_it_keeps_its_queries_flat_however_many_projects_sign_ups_and_claims(self) -> None:
        w = self.world
        xiaoyu = self.account()
        me = self.enrolled(xiaoyu)
        client = self.client_for(xiaoyu)

        def serve(project: Project) -> None:
            self.signed_up(project, me)
            self.signed_up(project, self.volunteer(name=f"Volunteer {project.pk}"))
            self_service.claim_hours(project, me, by=xiaoyu, served_on=days(-1), hours="1")
            self.hours(project, me, "2", days(-2))

        serve(self.project(name="Project 0"))
        client.get(ME)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(ME)
        for number in range(1, 6):
            area = w.village_a1 if number % 2 else w.town_a
            serve(self.project(area, name=f"Project {number}"))
        with self.assertNumQueries(len(few)):
            many = client.get(ME)
        self.assertEqual(len(many.context["projects"]), 6)
        self.assertEqual([row.project.signed for row in many.context["projects"]], [2] * 6)
        self.assertEqual(len(many.context["claims"]), 6)
        self.assertEqual(many.context["total"], Decimal(12))
