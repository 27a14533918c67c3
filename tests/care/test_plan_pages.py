"""The plan pages and API, the documents and `epigrid plan-transfers`, as a medic uses them."""

from __future__ import annotations

import io
import json
from typing import Any

import docx
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from epigrid.care import plans
from epigrid.care.models import BedStock, Transfer, TransferPlan
from epigrid.care.plan_documents import masked
from epigrid.care.plan_progress import take_snapshot
from epigrid.cases.states import State
from tests.care.plan_helpers import case, waiting
from tests.care.test_plan_services import PlanTestCase


class PageTests(PlanTestCase):
    def medic(self) -> Client:
        return self.client_for(self.world.medic)

    def test_it_computes_the_plan_from_the_page_and_shows_it_by_batch(self) -> None:
        client = self.medic()
        url = f"/care/transfers/areas/{self.world.town_a.pk}/"
        response = client.post(f"{url}compute/", {"day": "2020-02-14"}, follow=True)
        self.assertContains(response, "2 of 2 patients placed")
        self.assertContains(response, "Dongcheng People&#x27;s Hospital")
        self.assertContains(response, "W*******")  # Wang Jun, masked
        self.assertNotContains(response, "Wang Jun")
        self.assertEqual(TransferPlan.objects.get().day.isoformat(), "2020-02-14")

    def test_the_plan_page_needs_a_fixed_number_of_queries(self) -> None:
        plans.compute_plan(self.world.town_a, None, self.world.town_a.created_at.date())
        client = self.medic()
        url = f"/care/transfers/areas/{self.world.town_a.pk}/"
        client.get(url)
        # session, user, area, plan, a page of transfers, the unplaced (+ the messages' session)
        with self.assertNumQueries(7):
            client.get(url)

    def test_it_refuses_to_compute_without_bed_figures_with_a_message(self) -> None:
        BedStock.objects.all().delete()
        response = self.medic().post(
            f"/care/transfers/areas/{self.world.town_a.pk}/compute/", {"day": "2020-02-14"},
            follow=True)
        self.assertContains(response, "There are no bed figures for Dongcheng Town")

    def test_an_officer_sees_the_plan_but_may_not_compute_it(self) -> None:
        client = self.client_for(self.world.alice)
        url = f"/care/transfers/areas/{self.world.town_a.pk}/"
        self.assertNotContains(client.get(url), "Compute the plan")
        self.assertEqual(client.post(f"{url}compute/", {"day": "2020-02-14"}).status_code, 403)

    def test_status_buttons_admit_the_patient(self) -> None:
        plan = plans.compute_plan(self.world.town_a, None, self.world.town_a.created_at.date())
        jun = plan.transfers.get(request=self.town.jun_waits)
        response = self.medic().post(f"/care/transfers/{jun.pk}/status/",
                                     {"status": "admitted"}, follow=True)
        self.assertContains(response, "The transfer is now “admitted”")
        self.assertEqual(BedStock.objects.get(pk=self.town.near_severe.pk).occupied, 1)

    def test_the_override_form_names_the_refused_field(self) -> None:
        plan = plans.compute_plan(self.world.town_a, None, self.world.town_a.created_at.date())
        jun = plan.transfers.get(request=self.town.jun_waits)
        url = f"/care/transfers/{jun.pk}/override/"
        response = self.medic().post(url, {"facility": self.town.hotel.pk,
                                           "bed_type": "quarantine", "reason": "closer"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "may not take this patient", status_code=400)
        response = self.medic().post(url, {"facility": self.town.far.pk, "bed_type": "severe",
                                           "reason": "family nearby"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Transfer.objects.get(pk=jun.pk).facility_id, self.town.far.pk)

    def test_the_documents_carry_the_title_the_table_and_the_unplaced(self) -> None:
        waiting(case(self.world.visitor_a, State.CONFIRMED, "critical"), self.world.grid_a1_1)
        plan = plans.compute_plan(self.world.town_a, None, self.world.town_a.created_at.date())
        client = self.medic()
        book = load_workbook(io.BytesIO(client.get(
            f"/care/transfers/plans/{plan.pk}/plan.xlsx").content))
        sheet = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        self.assertEqual(sheet[0][0], "当日转运收治计划")
        self.assertEqual(sheet[2][:4], ["Batch", "Patient", "From", "To"])
        self.assertIn(["W*******", "Grid A1-1", "Dongcheng Quarantine Hotel"],
                      [r[1:4] for r in sheet[3:]])
        gone = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
        self.assertEqual(gone[1], ["S*****", "Grid A1-1", "no capable bed at all"])
        document = docx.Document(io.BytesIO(client.get(
            f"/care/transfers/plans/{plan.pk}/plan.docx").content))
        self.assertEqual(document.paragraphs[0].text, "当日转运收治计划")
        self.assertEqual(len(document.tables[0].rows), 3)  # the header and two transfers
        self.assertEqual(document.tables[1].rows[1].cells[2].text, "no capable bed at all")

    def test_it_names_the_places_of_a_transfer_as_places_in_chinese(self) -> None:
        # "From" and "To" were the audit filter's dates in Chinese: 起始日期, 截止日期.
        waiting(case(self.world.visitor_a, State.CONFIRMED, "critical"), self.world.grid_a1_1)
        plan = plans.compute_plan(self.world.town_a, None, self.world.town_a.created_at.date())
        client = self.medic()
        client.cookies["django_language"] = "zh-hans"
        page = client.get(f"/care/transfers/areas/{self.world.town_a.pk}/")
        self.assertContains(page, "接出地点")
        self.assertContains(page, "收治机构")
        self.assertNotContains(page, "起始日期")
        book = load_workbook(io.BytesIO(client.get(
            f"/care/transfers/plans/{plan.pk}/plan.xlsx").content))
        sheet = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        self.assertEqual(sheet[2][2:4], ["接出地点", "收治机构"])

    def test_masking_keeps_the_first_character_only(self) -> None:
        self.assertEqual([masked("王小明"), masked("Li"), masked("")], ["王**", "L*", ""])


class ApiTests(PlanTestCase):
    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        client = self.client_for(self.world.medic)
        return client.generic(method, f"/api/transfers{path}", json.dumps(body or {}),
                              content_type="application/json")

    def test_it_computes_reads_moves_and_overrides_through_the_api(self) -> None:
        area = self.world.town_a.pk
        made = self.call("POST", f"/areas/{area}/plan", {"day": "2020-02-14"})
        self.assertEqual(made.status_code, 201)
        self.assertEqual((made.json()["placed"], made.json()["unplaced"]), (2, 0))
        self.assertEqual(self.call("GET", f"/areas/{area}/plan").json()["id"], made.json()["id"])
        items = self.call("GET", f"/plans/{made.json()['id']}/transfers").json()["items"]
        jun = next(t for t in items if t["bed_type"] == "severe")
        self.assertEqual(jun["patient"], "W*******")
        moved = self.call("POST", f"/{jun['id']}/override", {
            "facility_id": self.town.far.pk, "bed_type": "severe", "reason": "family"})
        self.assertEqual(moved.json()["facility_id"], self.town.far.pk)
        refused = self.call("POST", f"/{jun['id']}/status", {"status": "planned"})
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(refused.json()["detail"][0]["loc"], ["body", "status"])
        done = self.call("POST", f"/{jun['id']}/status", {"status": "admitted"})
        self.assertEqual(done.json()["status"], "admitted")
        take_snapshot(self.world.town_a)
        shots = self.call("GET", f"/areas/{area}/snapshots").json()
        self.assertEqual((shots[0]["admitted"], shots[0]["awaiting"]), (1, 1))  # Lei waits

    def test_it_answers_422_without_bed_figures_and_404_without_a_plan(self) -> None:
        area = self.world.town_a.pk
        self.assertEqual(self.call("GET", f"/areas/{area}/plan").status_code, 404)
        BedStock.objects.all().delete()
        refused = self.call("POST", f"/areas/{area}/plan")
        self.assertEqual(refused.status_code, 422)
        self.assertIn("no bed figures", refused.json()["detail"][0]["msg"])


class CommandTests(PlanTestCase):
    def test_it_computes_a_plan_and_prints_its_figures(self) -> None:
        out = io.StringIO()
        call_command("plan_transfers", "--area", "420102001000", "--date", "2020-02-14",
                     stdout=out)
        self.assertIn("2 of 2 patients placed", out.getvalue())

    def test_it_names_a_bad_area_or_date(self) -> None:
        with self.assertRaisesMessage(CommandError, "No area has the code 'nowhere'"):
            call_command("plan_transfers", "--area", "nowhere")
        with self.assertRaisesMessage(CommandError, "--date '14/02/2020' is not a date"):
            call_command("plan_transfers", "--area", "420102001000", "--date", "14/02/2020")
