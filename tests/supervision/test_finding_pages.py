"""Finding pages: the findings to rectify (who sees which, the status and area filters, the
overdue mark, a flat query count), rectifying 整改 a finding and verifying 销号 or reopening it
(who may, refusals shown on the inspection's page)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.alerts.models import Receipt
from epigrid.core.access import Role
from epigrid.supervision import inspections
from epigrid.supervision.models import Finding, FindingStatus, Inspection
from tests.base import PASSWORD
from tests.supervision.helpers import SupervisionTestCase, days

LIST = reverse("supervision:findings")


def listed(body: str) -> list[int]:
    """The ids of the findings a list shows, in its order."""
    return [int(pk) for pk in re.findall(r'<tr id="finding-(\d+)"', body)]


def url(name: str, finding: Finding) -> str:
    return reverse(f"supervision:{name}", args=[finding.pk])


def findings_of(inspection: Inspection) -> list[Finding]:
    return list(Finding.objects.filter(inspection=inspection).order_by("id"))


class PagesTestCase(SupervisionTestCase):
    guo: User  # the district's supervisor, made by SupervisionTestCase


class FindingListTests(PagesTestCase):
    def test_it_shows_each_town_its_own_and_the_district_both(self) -> None:
        w = self.world
        (town_a,) = findings_of(self.inspection())
        (town_b,) = findings_of(self.inspection(area=w.town_b, facility=w.facility_b))
        Finding.objects.filter(pk=town_b.pk).update(rectify_by=days(1))  # due first
        self.assertEqual(listed(self.client_for(w.alice).get(LIST).content.decode()),
                         [town_a.pk])
        body = self.client_for(w.bob).get(LIST).content.decode()
        self.assertEqual(listed(body), [town_b.pk])
        self.assertNotIn("Dongcheng", body)
        self.assertEqual(listed(self.client_for(self.guo).get(LIST).content.decode()),
                         [town_b.pk, town_a.pk])

    def test_it_filters_by_status_and_area(self) -> None:
        w = self.world
        late, rectified, verified, later = findings_of(self.inspection(findings=4))
        Finding.objects.filter(pk=late.pk).update(rectify_by=days(-2))
        Finding.objects.filter(pk=later.pk).update(rectify_by=days(5))
        inspections.rectify(rectified, by=w.alice, rectification="Sheet at the door")
        inspections.rectify(verified, by=w.alice, rectification="Bins replaced")
        inspections.verify(verified, by=self.guo, accepted=True)
        (village,) = findings_of(self.inspection(area=w.village_a2, facility=None,
                                                 subject="Wet market"))
        client = self.client_for(self.guo)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [late.pk, rectified.pk, village.pk, later.pk])
        self.assertEqual(ids("?status=open"), ids(""))
        self.assertEqual(ids("?status=overdue"), [late.pk])
        self.assertEqual(ids("?status=verified"), [verified.pk])
        self.assertEqual(ids("?status=any"), [late.pk, rectified.pk, verified.pk, village.pk,
                                              later.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}&status=any"), [village.pk])
        self.assertEqual(ids(f"?area={w.town_b.pk}"), [])

    def test_it_marks_the_overdue_with_their_days_and_links_the_inspection(self) -> None:
        inspection = self.inspection(findings=2)
        late, on_time = findings_of(inspection)
        Finding.objects.filter(pk=late.pk).update(rectify_by=days(-4))
        body = self.client_for(self.world.alice).get(LIST).content.decode()
        row = re.search(rf'<tr id="finding-{late.pk}" class="overdue">.*?</tr>', body, re.S)
        assert row is not None
        self.assertIn("4 days overdue", row.group())
        self.assertIn(reverse("supervision:inspection", args=[inspection.pk]), row.group())
        row = re.search(rf'<tr id="finding-{on_time.pk}">.*?</tr>', body, re.S)
        assert row is not None
        self.assertNotIn("overdue", row.group())
        self.assertIn("Dongcheng Fever Clinic", row.group())

    def test_it_keeps_its_queries_flat_however_many_findings(self) -> None:
        w = self.world
        client = self.client_for(self.guo)
        self.inspection(findings=2)
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            two = client.get(LIST)
        self.assertEqual(len(two.context["rows"]), 2)
        self.inspection(findings=4)
        self.inspection(area=w.town_b, facility=w.facility_b, findings=4)
        # Session, user, the area menu, the count, the page.
        self.assertLessEqual(len(few), 6, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["rows"]), 10)


class RectifyTests(PagesTestCase):
    def test_it_stores_the_rectification_with_who_and_when(self) -> None:
        w = self.world
        inspection = self.inspection()
        (finding,) = findings_of(inspection)
        response = self.client_for(w.alice).post(url("finding_rectify", finding), {
            "rectification": "A sign-in sheet at the door"}, follow=True)
        self.assertRedirects(response, reverse("supervision:inspection", args=[inspection.pk]))
        finding.refresh_from_db()
        self.assertEqual((finding.status, finding.rectification, finding.rectified_by),
                         (FindingStatus.RECTIFIED, "A sign-in sheet at the door", w.alice))
        self.assertIsNotNone(finding.rectified_at)
        self.assertIn("The finding is rectified", response.content.decode())

    def test_it_shows_a_refusal_on_the_inspections_page(self) -> None:
        w = self.world
        (finding,) = findings_of(self.inspection())
        client = self.client_for(w.alice)
        response = client.post(url("finding_rectify", finding), {"rectification": " "})
        self.assertEqual(response.status_code, 400)
        (row,) = response.context["rows"]
        assert row.rectify_form is not None
        self.assertEqual(row.rectify_form.errors["rectification"],
                         ["Say how it was put right."])
        inspections.rectify(finding, by=w.alice, rectification="Sheet at the door")
        response = client.post(url("finding_rectify", finding), {"rectification": "Again"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("The finding is rectified, to be verified already.",
                      response.content.decode())
        finding.refresh_from_db()
        self.assertEqual(finding.rectification, "Sheet at the door")

    def test_it_lets_in_only_those_who_handle_tasks_in_the_area(self) -> None:
        w = self.world
        (finding,) = findings_of(self.inspection())
        rectify = url("finding_rectify", finding)
        self.assertEqual(self.client_for(w.alice).get(rectify).status_code, 405)
        self.assertEqual(self.client_for(w.bob).post(rectify, {"rectification": "x"})
                         .status_code, 404)
        volunteer = create_user(username="volunteer_a", password=PASSWORD, role=Role.VOLUNTEER,
                                home_area=w.town_a)
        response = self.client_for(volunteer).post(rectify, {"rectification": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.context["exception"],
                         "Only the area's officers rectify a finding.")
        finding.refresh_from_db()
        self.assertEqual(finding.status, FindingStatus.OPEN)


class VerifyTests(PagesTestCase):
    def rectified(self) -> Finding:
        (finding,) = findings_of(self.inspection())
        return inspections.rectify(finding, by=self.world.alice,
                                   rectification="Sheet at the door")

    def test_it_verifies_a_rectified_finding(self) -> None:
        finding = self.rectified()
        response = self.client_for(self.guo).post(url("finding_verify", finding), {
            "decision": "accept", "note": "Seen on the spot"}, follow=True)
        self.assertRedirects(response, reverse("supervision:inspection",
                                               args=[finding.inspection_id]))
        finding.refresh_from_db()
        self.assertEqual((finding.status, finding.verified_by, finding.verify_note),
                         (FindingStatus.VERIFIED, self.guo, "Seen on the spot"))
        self.assertIsNotNone(finding.verified_at)
        self.assertIn("The finding is verified and closed.", response.content.decode())

    def test_it_reopens_with_a_note_and_a_new_day_and_tells_the_area(self) -> None:
        finding = self.rectified()
        client = self.client_for(self.guo)
        response = client.post(url("finding_verify", finding), {"decision": "reopen",
                                                                "note": ""})
        self.assertEqual(response.status_code, 400)
        (row,) = response.context["rows"]
        assert row.verify_form is not None
        self.assertEqual(row.verify_form.errors["note"],
                         ["Say why the rectification is not enough."])
        self.assertEqual(Finding.objects.get(pk=finding.pk).status, FindingStatus.RECTIFIED)
        response = client.post(url("finding_verify", finding), {
            "decision": "reopen", "note": "", "rectify_by": days(-1).isoformat()})
        self.assertIn("rectify_by", response.context["rows"][0].verify_form.errors)
        self.assertFalse(Receipt.objects.filter(user=self.world.alice).exists())
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(url("finding_verify", finding), {
                "decision": "reopen", "note": "The sheet is blank",
                "rectify_by": days(3).isoformat()})
        self.assertEqual(response.status_code, 302)
        finding.refresh_from_db()
        self.assertEqual((finding.status, finding.verify_note, finding.rectify_by,
                          finding.verified_at),
                         (FindingStatus.OPEN, "The sheet is blank", days(3), None))
        self.assertTrue(Receipt.objects.filter(user=self.world.alice).exists())
        body = self.client_for(self.world.alice).get(response["Location"]).content.decode()
        self.assertIn("The sheet is blank", body)
        assert finding.reopened_at is not None
        when = timezone.localtime(finding.reopened_at).strftime("%Y-%m-%d %H:%M")
        self.assertIn(f'<dd class="reopened">{when} · {self.guo.display_name}</dd>', body)

    def test_it_shows_how_many_times_a_verified_finding_was_reopened(self) -> None:
        finding = self.rectified()
        for note in ("The sheet is blank", "Still blank"):
            inspections.verify(finding, by=self.guo, accepted=False, note=note)
            inspections.rectify(finding, by=self.world.alice, rectification="Filled in")
        inspections.verify(finding, by=self.guo, accepted=True)
        finding.refresh_from_db()
        body = self.client_for(self.world.alice).get(
            reverse("supervision:inspection", args=[finding.inspection_id])).content.decode()
        assert finding.reopened_at is not None and finding.verified_at is not None
        reopened = timezone.localtime(finding.reopened_at).strftime("%Y-%m-%d %H:%M")
        self.assertIn(f'<dd class="reopened">{reopened} · <span class="reopens">2 times</span>',
                      body)
        self.assertIn('<dd class="verified">', body)

    def test_it_refuses_a_finding_not_rectified(self) -> None:
        (finding,) = findings_of(self.inspection())
        response = self.client_for(self.guo).post(url("finding_verify", finding),
                                                  {"decision": "accept"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Only a rectified finding is verified.", response.content.decode())
        self.assertEqual(Finding.objects.get(pk=finding.pk).status, FindingStatus.OPEN)

    def test_it_lets_in_only_supervising_roles_of_the_area(self) -> None:
        w = self.world
        finding = self.rectified()
        verify = url("finding_verify", finding)
        self.assertEqual(self.client_for(self.guo).get(verify).status_code, 405)
        response = self.client_for(w.alice).post(verify, {"decision": "accept"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.context["exception"],
                         "Only the inspectors' side verifies a finding.")
        self.assertEqual(self.client_for(w.bob).post(verify, {"decision": "accept"})
                         .status_code, 404)
        self.assertEqual(Finding.objects.get(pk=finding.pk).status, FindingStatus.RECTIFIED)
