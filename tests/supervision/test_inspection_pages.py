"""Inspection pages: the list (who sees which, filters, findings open of each, a flat query
count), recording an inspection with its findings (refusals on their fields and rows), an
inspection's page with the forms each user may send, and adding a finding after the visit."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.core.access import Role
from epigrid.supervision import inspections
from epigrid.supervision.models import Finding, FindingStatus, Inspection, Severity
from tests.base import PASSWORD
from tests.supervision.helpers import SupervisionTestCase, days

LIST = reverse("supervision:inspections")
NEW = reverse("supervision:inspection_new")


def listed(body: str) -> list[int]:
    """The ids of the inspections a list shows, in its order."""
    return [int(pk) for pk in re.findall(r'<tr id="inspection-(\d+)"', body)]


def url(name: str, inspection: Inspection) -> str:
    return reverse(f"supervision:{name}", args=[inspection.pk])


class PagesTestCase(SupervisionTestCase):
    guo: User  # the district's supervisor, made by SupervisionTestCase


class InspectionListTests(PagesTestCase):
    def test_it_shows_each_town_its_own_and_the_district_both(self) -> None:
        w = self.world
        town_a = self.inspection()
        town_b = self.inspection(area=w.town_b, facility=w.facility_b)
        self.assertEqual(listed(self.client_for(w.alice).get(LIST).content.decode()),
                         [town_a.pk])
        body = self.client_for(w.bob).get(LIST).content.decode()
        self.assertEqual(listed(body), [town_b.pk])
        self.assertNotIn("Dongcheng Fever Clinic", body)
        self.assertEqual(listed(self.client_for(self.guo).get(LIST).content.decode()),
                         [town_b.pk, town_a.pk])  # newest first

    def test_it_lists_newest_first_and_filters_by_area_and_words(self) -> None:
        w = self.world
        older = self.inspection(findings=0)
        Inspection.objects.filter(pk=older.pk).update(inspected_on=days(-5), inspectors="Ma, Wu")
        village = self.inspection(area=w.village_a2, facility=None, subject="Wet market",
                                  findings=0)
        town_b = self.inspection(area=w.town_b, facility=w.facility_b, findings=0)
        client = self.client_for(self.guo)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids(""), [town_b.pk, village.pk, older.pk])
        self.assertEqual(ids(f"?area={w.town_a.pk}"), [village.pk, older.pk])
        self.assertEqual(ids(f"?area={w.village_a2.pk}"), [village.pk])
        self.assertEqual(ids("?q=market"), [village.pk])
        self.assertEqual(ids("?q=wu"), [older.pk])
        self.assertEqual(ids("?q=hotel"), [town_b.pk])  # the site's name, its subject
        # Bob's filter offers no area of town A, and one asked for is refused, not applied.
        response = self.client_for(w.bob).get(LIST + f"?area={w.town_a.pk}")
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertEqual(listed(response.content.decode()), [town_b.pk])

    def test_it_counts_the_findings_still_open_of_each(self) -> None:
        inspection = self.inspection(findings=3)
        first, second, _third = Finding.objects.filter(inspection=inspection).order_by("id")
        inspections.rectify(first, by=self.world.alice, rectification="Sheet at the door")
        inspections.verify(first, by=self.guo, accepted=True)
        inspections.rectify(second, by=self.world.alice, rectification="Staff trained")
        empty = self.inspection(findings=0)
        response = self.client_for(self.world.alice).get(LIST)
        counts = {row.pk: (row.findings_open, row.findings_total)
                  for row in response.context["inspections"]}
        self.assertEqual(counts, {inspection.pk: (2, 3), empty.pk: (0, 0)})
        row = re.search(rf'<tr id="inspection-{inspection.pk}">.*?</tr>',
                        response.content.decode(), re.S)
        assert row is not None
        self.assertIn('<span class="open-findings">2</span> / <span class="all-findings">3'
                      '</span>', row.group())

    def test_it_keeps_its_queries_flat_however_many_inspections(self) -> None:
        w = self.world
        client = self.client_for(self.guo)
        for _n in range(2):
            self.inspection(findings=2)
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            two = client.get(LIST)
        self.assertEqual(len(two.context["inspections"]), 2)
        for n in range(4):
            self.inspection(findings=n)
            self.inspection(area=w.town_b, facility=w.facility_b, findings=1)
        # Session, user, the area menu, the count, the page.
        self.assertLessEqual(len(few), 6, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["inspections"]), 10)


class RecordInspectionTests(PagesTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        w = self.world
        return {"area": w.town_a.pk, "facility": w.facility_a.pk, "subject": "",
                "inspected_on": days(0).isoformat(), "inspectors": "Guo, Tian",
                "summary": "Triage desk unmanned at noon.",
                "description_1": "No sign-in sheet", "severity_1": Severity.SERIOUS,
                "rectify_by_1": days(2).isoformat(),
                "description_3": "Expired disinfectant", "severity_3": Severity.MINOR,
                "rectify_by_3": days(1).isoformat()} | fields

    def test_it_records_the_inspection_and_its_filled_rows(self) -> None:
        w = self.world
        response = self.client_for(self.guo).post(NEW, self.form(), follow=True)
        inspection = Inspection.objects.get()
        self.assertRedirects(response, url("inspection", inspection))
        self.assertEqual((inspection.area, inspection.facility, inspection.subject,
                          inspection.inspectors, inspection.recorded_by, inspection.summary),
                         (w.town_a, w.facility_a, "Dongcheng Fever Clinic", "Guo, Tian", self.guo,
                          "Triage desk unmanned at noon."))
        self.assertEqual(list(Finding.objects.filter(inspection=inspection).order_by("id")
                              .values_list("description", "severity", "rectify_by", "status")),
                         [("No sign-in sheet", Severity.SERIOUS, days(2), FindingStatus.OPEN),
                          ("Expired disinfectant", Severity.MINOR, days(1), FindingStatus.OPEN)])
        self.assertIn("The inspection of Dongcheng Fever Clinic is recorded with 2 findings.",
                      response.content.decode())

    def test_it_offers_the_sites_the_user_sees_under_their_area(self) -> None:
        response = self.client_for(self.guo).get(NEW)
        choices = response.context["form"].fields["facility"].widget.choices
        self.assertEqual([(str(group), [label for _pk, label in options])
                          for group, options in choices[1:]],
                         [("Dongcheng Town", ["Dongcheng Fever Clinic (fever clinic)"]),
                          ("Xihe Town", ["Xihe Quarantine Hotel (centralized quarantine site)"])])
        self.assertEqual(response.context["form"]["inspected_on"].value(), days(0))

    def test_it_names_the_field_of_each_bad_input(self) -> None:
        client = self.client_for(self.guo)
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({"inspectors": " "}, "inspectors", "Name the inspectors."),
            ({"inspected_on": days(1).isoformat()}, "inspected_on",
             f"{days(1).isoformat()} is in the future."),
            ({"facility": "", "subject": ""}, "subject", "Say what was inspected."),
            ({"facility": self.world.facility_b.pk}, "facility",
             "Xihe Quarantine Hotel is not in Dongcheng Town."),
            # The second finding given is the form's third row (the second is blank).
            ({"rectify_by_3": days(-1).isoformat()}, "rectify_by_3",
             "The day to put it right by comes before the inspection."),
            ({"rectify_by_1": ""}, "rectify_by_1", "Give the day to put it right by."),
            ({"description_5": "", "rectify_by_5": days(3).isoformat()}, "description_5",
             "Say what was found."),
        ]
        for fields, field, message in cases:
            with self.subTest(field):
                response = client.post(NEW, self.form(**fields))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["form"].errors[field], [message])
        self.assertFalse(Inspection.objects.exists())
        body = client.post(NEW, self.form(rectify_by_3=days(-1).isoformat())).content.decode()
        self.assertIn('<tr class="line-errors" id="row-3-errors">', body)

    def test_it_refuses_a_site_or_area_the_user_cannot_see_on_its_field(self) -> None:
        w = self.world
        tian = create_user(username="tian", password=PASSWORD, role=Role.SUPERVISOR,
                           home_area=w.town_a)
        client = self.client_for(tian)
        for value in (w.facility_b.pk, "abc", "99999999999999999999"):
            with self.subTest(value):
                response = client.post(NEW, self.form(facility=value))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["form"].errors["facility"],
                                 ["No such site among the sites you may see."])
                self.assertNotIn("Xihe", response.content.decode())
        response = client.post(NEW, self.form(area=w.town_b.pk, facility=""))
        self.assertEqual(response.context["form"].errors["area"],
                         ["No such area among the areas you may see."])
        self.assertFalse(Inspection.objects.exists())

    def test_it_lets_only_supervising_roles_record(self) -> None:
        client = self.client_for(self.world.alice)
        self.assertEqual(client.get(NEW).status_code, 403)
        self.assertEqual(client.post(NEW, self.form()).status_code, 403)
        self.assertFalse(Inspection.objects.exists())


class InspectionDetailTests(PagesTestCase):
    def test_it_shows_the_inspection_and_its_findings_with_who_did_what(self) -> None:
        w = self.world
        inspection = self.inspection(findings=3, summary="Triage desk unmanned")
        late, rectified, verified = Finding.objects.filter(inspection=inspection).order_by("id")
        Finding.objects.filter(pk=late.pk).update(rectify_by=days(-3))
        inspections.rectify(rectified, by=w.alice, rectification="Sheet at the door")
        inspections.rectify(verified, by=w.alice, rectification="Bins replaced")
        inspections.verify(verified, by=self.guo, accepted=True, note="Seen on the spot")
        body = self.client_for(w.alice).get(url("inspection", inspection)).content.decode()
        for text in ('<dd id="subject">Dongcheng Fever Clinic</dd>', '<dd id="inspectors">'
                     'Guo, Tian</dd>', "Triage desk unmanned", "Sheet at the door",
                     "Seen on the spot", "2 findings not yet verified"):
            self.assertIn(text, body)
        item = re.search(rf'<li id="finding-{late.pk}" class="overdue">.*?</li>', body, re.S)
        assert item is not None
        self.assertIn("3 days overdue", item.group())
        self.assertEqual(body.count("days overdue"), 1)
        item = re.search(rf'<li id="finding-{verified.pk}">.*?</li>', body, re.S)
        assert item is not None
        self.assertIn(self.guo.display_name, item.group())
        self.assertIn(w.alice.display_name, item.group())

    def test_it_offers_each_user_the_forms_they_may_send(self) -> None:
        w = self.world
        inspection = self.inspection(findings=2)
        open_, rectified = Finding.objects.filter(inspection=inspection).order_by("id")
        inspections.rectify(rectified, by=w.alice, rectification="Sheet at the door")

        def forms(user: Any) -> tuple[dict[int, tuple[bool, bool]], bool]:
            context = self.client_for(user).get(url("inspection", inspection)).context
            return ({row.finding.pk: (row.rectify_form is not None,
                                      row.verify_form is not None) for row in context["rows"]},
                    context["finding_form"] is not None)

        self.assertEqual(forms(w.alice), ({open_.pk: (True, False),
                                           rectified.pk: (False, False)}, False))
        self.assertEqual(forms(self.guo), ({open_.pk: (True, False),
                                            rectified.pk: (False, True)}, True))

    def test_it_hides_another_towns_inspection(self) -> None:
        inspection = self.inspection()
        for name in ("inspection",):
            self.assertEqual(self.client_for(self.world.bob).get(url(name, inspection))
                             .status_code, 404)
        self.assertEqual(self.client_for(self.world.bob).post(url("finding_add", inspection), {
            "description": "x", "severity": "minor", "rectify_by": days(1).isoformat()})
            .status_code, 404)


class AddFindingTests(PagesTestCase):
    def test_it_adds_a_finding_after_the_visit(self) -> None:
        inspection = self.inspection(findings=1)
        response = self.client_for(self.guo).post(url("finding_add", inspection), {
            "description": "No hand sanitiser at the gate", "severity": Severity.GRAVE,
            "rectify_by": days(1).isoformat()}, follow=True)
        self.assertRedirects(response, url("inspection", inspection))
        added = Finding.objects.filter(inspection=inspection).latest("id")
        self.assertEqual((added.description, added.severity, added.rectify_by, added.status),
                         ("No hand sanitiser at the gate", Severity.GRAVE, days(1),
                          FindingStatus.OPEN))
        self.assertIn("The finding is added; Dongcheng Town is told to rectify it.",
                      response.content.decode())

    def test_it_refuses_a_day_before_the_inspection_on_its_field(self) -> None:
        inspection = self.inspection(findings=0)
        response = self.client_for(self.guo).post(url("finding_add", inspection), {
            "description": "No sign-in sheet", "severity": Severity.MINOR,
            "rectify_by": days(-1).isoformat()})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["finding_form"].errors["rectify_by"],
                         ["The day to put it right by comes before the inspection."])
        self.assertFalse(Finding.objects.exists())

    def test_it_takes_posts_from_supervising_roles_only(self) -> None:
        inspection = self.inspection(findings=0)
        add = url("finding_add", inspection)
        self.assertEqual(self.client_for(self.guo).get(add).status_code, 405)
        self.assertEqual(self.client_for(self.world.alice).post(add, {
            "description": "x", "severity": "minor", "rectify_by": days(1).isoformat()})
            .status_code, 403)
        self.assertFalse(Finding.objects.exists())
