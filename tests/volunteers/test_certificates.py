"""Certificates of hours 志愿服务时长证明: issued by the volunteer or the keepers of their area,
numbered, by project, as the hours stood that day (a record withdrawn later changes a new one,
not the old); printed; looked up by number within one's areas; the API alike."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.test import SimpleTestCase
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.models import AuditEntry
from epigrid.volunteers import certificates, self_service, services
from epigrid.volunteers.models import Certificate, ProjectKind, ServiceRecord
from tests.volunteers.helpers import days, refusal
from tests.volunteers.test_self_pages import SelfServiceTestCase

API = "/api/volunteers"


class CertificateTestCase(SelfServiceTestCase):
    """Xiao Yu of village A1 served town A's deliveries on two days and the district's hotline
    on one (alice keeps town A; the command keeps the district)."""

    def setUp(self) -> None:
        super().setUp()
        w = self.world
        self.xiaoyu = self.account(phone="13907135678")
        self.me = self.enrolled(self.xiaoyu)
        self.deliveries = self.project(name="Deliveries to the quarantined")
        self.hotline = self.project(w.district, name="Counselling hotline",
                                    kind=ProjectKind.COUNSELLING, by=w.command)
        self.hours(self.deliveries, self.me, "4.5", days(-6))
        self.hours(self.deliveries, self.me, "3", days(-2))
        self.hours(self.hotline, self.me, "2", days(-2), by=w.command)


class IssueTests(CertificateTestCase):
    def test_it_states_the_hours_days_and_each_project_as_they_stand(self) -> None:
        made = certificates.issue_certificate(self.me, by=self.xiaoyu)
        self.assertEqual((made.hours, made.days, made.first_day, made.last_day, made.issued_on),
                         (Decimal("9.5"), 2, days(-6), days(-2), days(0)))
        self.assertEqual(made.lines, [
            {"project": "Deliveries to the quarantined", "area": "Dongcheng Town", "days": 2,
             "hours": "7.5", "first": days(-6).isoformat(), "last": days(-2).isoformat()},
            {"project": "Counselling hotline", "area": "Qingshan District", "days": 1,
             "hours": "2.0", "first": days(-2).isoformat(), "last": days(-2).isoformat()}])
        self.assertEqual(len(made.number), 10)
        self.assertTrue(set(made.number) <= set(certificates.ALPHABET))
        self.assertEqual((made.issued_by, made.volunteer), (self.xiaoyu, self.me))
        self.assertTrue(AuditEntry.objects.filter(model="volunteers.Certificate",
                                                  action="create").exists())

    def test_it_keeps_what_it_said_when_a_record_is_withdrawn_after(self) -> None:
        first = certificates.issue_certificate(self.me, by=self.world.alice)
        services.withdraw_hours(ServiceRecord.objects.get(served_on=days(-6)),
                                by=self.world.alice)
        second = certificates.issue_certificate(self.me, by=self.world.alice)
        first.refresh_from_db()
        self.assertEqual((first.hours, second.hours), (Decimal("9.5"), Decimal("5.0")))
        self.assertNotEqual(first.number, second.number)

    def test_it_counts_no_claim_until_it_is_confirmed(self) -> None:
        w = self.world
        alone = self.account("alone", phone="13907130001")
        volunteer = self.enrolled(alone)
        self_service.sign_up(self.deliveries, volunteer, by=alone)
        self_service.claim_hours(self.deliveries, volunteer, by=alone, served_on=days(-1),
                                 hours="3")
        self.assertEqual(refusal(lambda: certificates.issue_certificate(volunteer, by=alone)),
                         {"__all__": ["No hours are recorded for Xiao Yu yet."]})
        self.assertFalse(Certificate.objects.exists())
        claim = volunteer.claims.get()
        self_service.confirm_claim(claim, by=w.alice)
        self.assertEqual(certificates.issue_certificate(volunteer, by=alone).hours,
                         Decimal("3.0"))

    def test_only_the_volunteer_and_the_keepers_of_their_area_issue(self) -> None:
        w = self.world
        for user in (w.bob, w.medic, w.li, w.stranger):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                certificates.issue_certificate(self.me, by=user)
        self.assertEqual(certificates.issue_certificate(self.me, by=w.command).issued_by,
                         w.command)


class NumberPropertyTests(SimpleTestCase):
    @given(st.text(alphabet=certificates.ALPHABET, min_size=10, max_size=10),
           st.sampled_from([" ", "-", "  ", ""]))
    def test_a_number_typed_in_any_case_or_spacing_reads_as_kept(self, number: str,
                                                                 gap: str) -> None:
        typed = f" {number[:5].lower()}{gap}{number[5:]} "
        self.assertEqual(certificates.normal_number(typed), number)


class NumberTests(CertificateTestCase):

    def test_it_finds_a_number_among_the_readers_areas_and_the_volunteers_own(self) -> None:
        w = self.world
        made = certificates.issue_certificate(self.me, by=w.alice)
        typed = f"{made.number[:5].lower()}-{made.number[5:]}"
        for user in (w.alice, w.command, self.xiaoyu, w.medic):
            with self.subTest(user=user.username):
                self.assertEqual(certificates.find_certificate(user, typed), made)
        for user in (w.bob, w.stranger):
            with self.subTest(user=user.username):
                self.assertIsNone(certificates.find_certificate(user, typed))


class PageTests(CertificateTestCase):
    def test_the_volunteer_issues_and_prints_their_own(self) -> None:
        client = self.client_for(self.xiaoyu)
        me = client.get(reverse("volunteers:me")).content.decode()
        self.assertIn(f'action="{reverse("volunteers:my_certificate")}"', me)
        self.assertIn('id="no-certificate"', me)
        response = client.post(reverse("volunteers:my_certificate"), follow=True)
        made = Certificate.objects.get()
        self.assertRedirects(response, reverse("volunteers:certificate", args=[made.pk]))
        body = response.content.decode()
        self.assertIn(f"Certificate {made.number} is issued: print this page.", body)
        self.assertIn("This certifies that Xiao Yu, a volunteer of Village A1, served 9.5 hours "
                      f"on 2 days from {days(-6)} to {days(-2)}", body)
        self.assertIn("<th scope=\"row\">Counselling hotline</th>", body)
        listed = client.get(reverse("volunteers:me")).content.decode()
        self.assertIn(f'id="certificate-{made.pk}"', listed)

    def test_a_volunteer_without_hours_is_told_and_offered_no_button(self) -> None:
        alone = self.account("alone", phone="13907130001")
        self.enrolled(alone)
        client = self.client_for(alone)
        self.assertNotIn('id="certify-form"', client.get(reverse("volunteers:me"))
                         .content.decode())
        response = client.post(reverse("volunteers:my_certificate"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("No hours are recorded for Xiao Yu yet.", response.content.decode())
        self.assertEqual(self.client_for(self.world.bob).post(
            reverse("volunteers:my_certificate")).status_code, 404)  # no volunteer

    def test_one_who_left_still_prints_a_certificate_from_their_page(self) -> None:
        services.leave(self.me, by=self.world.alice, on=days(-1))
        client = self.client_for(self.xiaoyu)
        page = client.get(reverse("volunteers:me")).content.decode()
        self.assertIn('id="enrol-form"', page)  # no longer serving
        self.assertIn('id="certify-form"', page)
        response = client.post(reverse("volunteers:my_certificate"))
        made = Certificate.objects.get()
        self.assertRedirects(response, reverse("volunteers:certificate", args=[made.pk]))
        self.assertEqual((made.volunteer, made.hours), (self.me, Decimal("9.5")))
        self.assertIn(f'id="certificate-{made.pk}"',
                      client.get(reverse("volunteers:me")).content.decode())
        self.assertEqual(client.post(f"{API}/me/certificates").status_code, 201)

    def test_the_keepers_issue_from_the_volunteers_page_and_readers_may_not(self) -> None:
        w = self.world
        url = reverse("volunteers:certificate_issue", args=[self.me.pk])
        page = reverse("volunteers:volunteer", args=[self.me.pk])
        self.assertIn(f'action="{url}"', self.client_for(w.alice).get(page).content.decode())
        self.assertNotIn(f'action="{url}"', self.client_for(w.medic).get(page).content.decode())
        self.assertEqual(self.client_for(w.medic).post(url).status_code, 403)
        self.assertEqual(self.client_for(w.bob).post(url).status_code, 404)
        self.assertFalse(Certificate.objects.exists())
        response = self.client_for(w.alice).post(url)
        made = Certificate.objects.get()
        self.assertRedirects(response, reverse("volunteers:certificate", args=[made.pk]))
        self.assertEqual(self.client_for(w.bob).get(response["Location"]).status_code, 404)

    def test_it_looks_a_number_up_within_the_readers_areas(self) -> None:
        w = self.world
        made = certificates.issue_certificate(self.me, by=w.alice)
        lookup = reverse("volunteers:certificate_lookup")
        typed = f"{made.number[:5].lower()} {made.number[5:]}"
        found = self.client_for(w.command).get(lookup, {"number": typed})
        self.assertRedirects(found, reverse("volunteers:certificate", args=[made.pk]))
        refused = self.client_for(w.bob).get(lookup, {"number": typed})
        self.assertEqual(refused.status_code, 400)
        self.assertIn(f"No certificate numbered {made.number} among your areas.",
                      refused.content.decode())
        self.assertNotIn("Xiao Yu", refused.content.decode())
        self.assertEqual(self.client_for(w.bob).get(lookup).status_code, 200)

    def test_the_certificate_reads_in_as_many_queries_for_two_projects_as_for_six(self) -> None:
        def statements() -> int:
            made = certificates.issue_certificate(self.me, by=self.world.alice)
            url = reverse("volunteers:certificate", args=[made.pk])
            client = self.client_for(self.xiaoyu)
            client.get(url)  # the session's first request reads the user once more
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(url).status_code, 200)
            return len(captured.captured_queries)

        few = statements()
        for n in range(4):
            self.hours(self.project(name=f"Project {n}"), self.me, "1", days(-3 - n))
        self.assertEqual(statements(), few)


class ApiTests(CertificateTestCase):
    def test_it_issues_the_callers_own_and_reads_it_by_number(self) -> None:
        client = self.client_for(self.xiaoyu)
        made = client.post(f"{API}/me/certificates")
        self.assertEqual(made.status_code, 201)
        body = made.json()
        self.assertEqual((body["volunteer_name"], body["area_name"], body["hours"], body["days"],
                          body["issued_by"]), ("Xiao Yu", "Village A1", "9.5", 2, "Xiao Yu"))
        self.assertEqual([line["project"] for line in body["lines"]],
                         ["Deliveries to the quarantined", "Counselling hotline"])
        number = body["number"]
        self.assertEqual(self.client_for(self.world.alice).get(
            f"{API}/certificates/{number.lower()}").json()["hours"], "9.5")
        self.assertEqual(self.client_for(self.world.bob).get(
            f"{API}/certificates/{number}").status_code, 404)

    def test_it_lets_the_keepers_issue_and_refuses_the_others(self) -> None:
        w = self.world
        url = f"{API}/volunteers/{self.me.pk}/certificates"
        self.assertEqual(self.client_for(w.medic).post(url).status_code, 403)
        self.assertEqual(self.client_for(w.bob).post(url).status_code, 404)
        self.assertEqual(self.client_for(w.alice).post(url).status_code, 201)
        alone = self.account("alone", phone="13907130001")
        self.enrolled(alone)
        refused = self.client_for(alone).post(f"{API}/me/certificates")
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(self.client_for(w.bob).post(f"{API}/me/certificates").status_code, 404)
