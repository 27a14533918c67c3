"""A case's origin of infection 本土 / 输入: local unless said otherwise, set when a case opens (the
page, the API) or later by someone who may change cases (audited with the reason), shown on the
case's page, filtered on the lists."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, Origin, Source
from epigrid.cases.states import State
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.cases.case_helpers import open_case, town_a_case, town_b_case

API = "/api/cases/"


def returnee(w: Any, **fields: Any) -> Case:
    """Wang Lei back from Wuhan, confirmed: an imported case."""
    fields.setdefault("origin", Origin.IMPORTED)
    fields.setdefault("imported_from", "Wuhan")
    return open_case(w.person_a2, State.CONFIRMED, by=w.medic, evidence=Evidence.TEST,
                     source=Source.CHECKPOINT, reason="positive at the station", **fields)


def origin_entries(case: Case) -> list[AuditEntry]:
    return [entry for entry in AuditEntry.objects.filter(
        model="cases.Case", object_pk=str(case.pk), action="update").order_by("pk")
        if "origin" in entry.changes or "imported_from" in entry.changes]


class OpeningTests(BaseTestCase):
    def test_it_opens_a_case_as_local_by_default(self) -> None:
        case = town_a_case(self.world)
        case.refresh_from_db()
        self.assertEqual((case.origin, case.imported_from), (Origin.LOCAL, ""))

    def test_it_opens_an_imported_case_with_the_place_it_came_from(self) -> None:
        case = returnee(self.world, imported_from="  Wuhan  ")
        case.refresh_from_db()
        self.assertEqual((case.origin, case.imported_from), (Origin.IMPORTED, "Wuhan"))

    def test_it_refuses_a_place_on_a_local_case_and_an_unknown_origin(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            returnee(self.world, origin=Origin.LOCAL)
        self.assertIn("imported_from", refused.exception.message_dict)
        with self.assertRaises(ValidationError) as refused:
            returnee(self.world, origin="abroad")
        self.assertIn("origin", refused.exception.message_dict)
        with self.assertRaises(ValidationError) as refused:
            returnee(self.world, imported_from="x" * 101)
        self.assertIn("imported_from", refused.exception.message_dict)
        self.assertFalse(Case.objects.filter(person=self.world.person_a2).exists())


class SetOriginTests(BaseTestCase):
    def test_it_marks_a_case_imported_and_logs_who_why_and_what(self) -> None:
        w = self.world
        case = town_a_case(w)
        services.set_origin(case, Origin.IMPORTED, imported_from="Xiaogan", by=w.medic,
                            reason="came back from Xiaogan on the 20th")
        case.refresh_from_db()
        self.assertEqual((case.origin, case.imported_from), (Origin.IMPORTED, "Xiaogan"))
        [entry] = origin_entries(case)
        self.assertEqual(entry.changes, {"origin": ["local", "imported"],
                                         "imported_from": ["", "Xiaogan"]})
        self.assertEqual((entry.actor, entry.reason),
                         (w.medic, "came back from Xiaogan on the 20th"))

    def test_it_makes_an_imported_case_local_again_and_drops_the_place(self) -> None:
        case = returnee(self.world)
        services.set_origin(case, Origin.LOCAL, by=self.world.medic,
                            reason="infected at a family dinner here, says the investigation")
        case.refresh_from_db()
        self.assertEqual((case.origin, case.imported_from), (Origin.LOCAL, ""))

    def test_it_changes_a_closed_case_too(self) -> None:
        case = town_b_case(self.world)
        services.transition(case, State.QUARANTINED, reason="home quarantine")
        services.transition(case, State.RELEASED, reason="14 days, two negative tests",
                            evidence=Evidence.TEST)
        services.set_origin(case, Origin.IMPORTED, reason="returnee", by=self.world.bob)
        case.refresh_from_db()
        self.assertEqual((case.is_open, case.origin), (False, Origin.IMPORTED))

    def test_it_needs_a_reason_and_refuses_a_place_on_a_local_case(self) -> None:
        case = town_a_case(self.world)
        with self.assertRaises(ValidationError) as refused:
            services.set_origin(case, Origin.IMPORTED, reason="  ")
        self.assertEqual(refused.exception.message_dict, {"reason": ["Say why."]})
        with self.assertRaises(ValidationError) as refused:
            services.set_origin(case, Origin.LOCAL, imported_from="Wuhan", reason="x")
        self.assertIn("imported_from", refused.exception.message_dict)
        case.refresh_from_db()
        self.assertEqual(case.origin, Origin.LOCAL)
        self.assertEqual(origin_entries(case), [])

    def test_it_writes_nothing_when_nothing_changes(self) -> None:
        case = returnee(self.world)
        services.set_origin(case, Origin.IMPORTED, imported_from="Wuhan", reason="checked")
        self.assertEqual(origin_entries(case), [])


class PageTests(BaseTestCase):
    def setUp(self) -> None:
        self.local = town_a_case(self.world)
        self.imported = returnee(self.world)

    def url(self, case: Case) -> str:
        return reverse("cases:case_origin", args=[case.pk])

    def test_it_shows_the_origin_on_the_case_page_with_a_form_to_change_it(self) -> None:
        response = self.client_for(self.world.alice).get(
            reverse("cases:case_detail", args=[self.imported.pk]))
        body = response.content.decode()
        self.assertIn('<dd id="case-origin">imported · Wuhan</dd>', body)
        self.assertIn(f'action="{self.url(self.imported)}"', body)
        self.assertIn('id="origin-reason"', body)  # not the id of the change of state's reason

    def test_it_hides_the_form_from_a_role_that_may_not_change_cases(self) -> None:
        response = self.client_for(self.world.li).get(
            reverse("cases:case_detail", args=[self.local.pk]))
        self.assertIn('<dd id="case-origin">local</dd>', response.content.decode())
        self.assertNotIn(self.url(self.local), response.content.decode())

    def test_it_records_a_new_origin(self) -> None:
        response = self.client_for(self.world.alice).post(self.url(self.local), {
            "origin": "imported", "imported_from": "Huanggang", "reason": "returnee"})
        self.assertRedirects(response, reverse("cases:case_detail", args=[self.local.pk]))
        self.local.refresh_from_db()
        self.assertEqual((self.local.origin, self.local.imported_from),
                         (Origin.IMPORTED, "Huanggang"))

    def test_it_drops_the_filled_in_place_when_an_imported_case_becomes_local(self) -> None:
        response = self.client_for(self.world.alice).post(self.url(self.imported), {
            "origin": "local", "imported_from": "Wuhan", "reason": "infected here after all"})
        self.assertEqual(response.status_code, 302)
        self.imported.refresh_from_db()
        self.assertEqual((self.imported.origin, self.imported.imported_from), (Origin.LOCAL, ""))

    def test_it_puts_a_refusal_on_the_field(self) -> None:
        client = self.client_for(self.world.alice)
        response = client.post(self.url(self.local), {"origin": "abroad", "reason": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("origin", response.context["origin_form"].errors)
        response = client.post(self.url(self.local), {"origin": "imported", "reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["origin_form"].errors["reason"], ["Say why."])
        response = client.post(self.url(self.local), {"origin": "imported", "reason": "x",
                                                      "imported_from": "x" * 101})
        self.assertEqual(response.status_code, 400)
        self.assertIn("imported_from", response.context["origin_form"].errors)
        self.local.refresh_from_db()
        self.assertEqual(self.local.origin, Origin.LOCAL)

    def test_it_refuses_a_grid_worker_and_hides_other_towns_cases(self) -> None:
        data = {"origin": "imported", "reason": "returnee"}
        self.assertEqual(self.client_for(self.world.li).post(
            self.url(self.local), data).status_code, 403)
        self.assertEqual(self.client_for(self.world.bob).post(
            self.url(self.local), data).status_code, 404)
        self.local.refresh_from_db()
        self.assertEqual(self.local.origin, Origin.LOCAL)

    def test_it_filters_the_list_by_origin(self) -> None:
        client = self.client_for(self.world.alice)
        names = [c.person.name for c in client.get(
            reverse("cases:case_list") + "?origin=imported").context["cases"]]
        self.assertEqual(names, ["Wang Lei"])
        names = [c.person.name for c in client.get(
            reverse("cases:case_list") + "?origin=local").context["cases"]]
        self.assertEqual(names, ["Wang Jun"])
        self.assertEqual(list(client.get(reverse("cases:case_list") + "?origin=abroad")
                              .context["cases"]), [])  # a filter in error finds nothing

    def test_it_opens_an_imported_case_from_the_persons_page(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(
            reverse("cases:case_open", args=[w.visitor_a.pk]),
            {"state": "fever", "source": "checkpoint", "origin": "imported",
             "imported_from": "Wuhan", "reason": "38.5 at the station"})
        case = Case.objects.get(person=w.visitor_a)
        self.assertRedirects(response, reverse("cases:case_detail", args=[case.pk]))
        self.assertEqual((case.origin, case.imported_from), (Origin.IMPORTED, "Wuhan"))


    def test_it_refuses_to_open_a_local_case_with_a_place_on_that_field(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(
            reverse("cases:case_open", args=[w.visitor_a.pk]),
            {"state": "fever", "source": "checkpoint", "origin": "local",
             "imported_from": "Wuhan", "reason": "38.5 at the station"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["imported_from"],
                         ["Only an imported case has a place it was imported from."])
        self.assertFalse(Case.objects.filter(person=w.visitor_a).exists())


class ApiTests(BaseTestCase):
    def post(self, url: str, data: dict[str, Any], user: Any = None) -> Any:
        return self.client_for(user or self.world.alice).post(
            url, json.dumps(data), content_type="application/json")

    def test_it_opens_an_imported_case_and_answers_its_origin(self) -> None:
        response = self.post(API, {"person_id": self.world.person_a2.pk, "state": "fever",
                                   "reason": "fever after the train", "origin": "imported",
                                   "imported_from": "Wuhan"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["origin"], response.json()["imported_from"]),
                         ("imported", "Wuhan"))

    def test_it_opens_local_when_not_told(self) -> None:
        response = self.post(API, {"person_id": self.world.person_a2.pk, "state": "fever",
                                   "reason": "fever"})
        self.assertEqual(response.json()["origin"], "local")

    def test_it_changes_the_origin_and_filters_by_it(self) -> None:
        case = town_a_case(self.world)
        response = self.post(f"{API}{case.pk}/origin", {
            "origin": "imported", "imported_from": "Xiaogan", "reason": "returnee"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["imported_from"], "Xiaogan")
        client = self.client_for(self.world.alice)
        items = client.get(API + "?origin=imported").json()["items"]
        self.assertEqual([item["person_name"] for item in items], ["Wang Jun"])
        self.assertEqual(client.get(API + "?origin=local").json()["items"], [])
        self.assertEqual(client.get(API + "?origin=abroad").status_code, 422)

    def test_it_answers_422_naming_the_field_403_and_404(self) -> None:
        case = town_a_case(self.world)
        response = self.post(f"{API}{case.pk}/origin", {
            "origin": "local", "imported_from": "Wuhan", "reason": "x"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"][-1], "imported_from")
        self.assertEqual(self.post(f"{API}{case.pk}/origin", {
            "origin": "imported", "reason": ""}).status_code, 422)
        self.assertEqual(self.post(f"{API}{case.pk}/origin", {
            "origin": "imported", "reason": "x"}, user=self.world.li).status_code, 403)
        self.assertEqual(self.post(f"{API}{case.pk}/origin", {
            "origin": "imported", "reason": "x"}, user=self.world.bob).status_code, 404)
        case.refresh_from_db()
        self.assertEqual(case.origin, Origin.LOCAL)
