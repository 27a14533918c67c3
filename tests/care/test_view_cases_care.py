"""Who sees the patients of the care app: the roles with VIEW_CASES (docs/access.md).

The story: Wang Jun (grid A1-1), confirmed and severe, has waited 30 hours for a bed; his
daughter Wang Lei, a close contact, 3 hours. The day's plan of town A sends both to a bed.
Guo, on duty at the East Road checkpoint of village A1, Xiao, a volunteer of town A, and Lu, of
the logistics team, see how many beds are free and how many wait, but not who: the waiting
list, the transfer plan, its documents and the API routes naming patients answer them 403, and
the daily figures of waiting patients are shown to them without a link. Alice, the town's
officer, and Dr He, of the medical team, open all of it.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_api_token, create_user
from epigrid.care import plans
from epigrid.care.models import AdmissionRequest, Transfer, TransferPlan
from epigrid.core.access import Role
from epigrid.reporting import services as reporting
from epigrid.reporting.reading import Row
from tests.base import PASSWORD, BaseTestCase
from tests.care.plan_helpers import TownA
from tests.checkpoints.passage_helpers import east_road_staff

REFUSED_PAGE = "Your role does not allow this."
REFUSED_API = "Your role may not do this: See cases, quarantines and contacts."
# The daily figures of waiting patients, whose lists name them.
PATIENT_FIGURES = ("awaiting_admission", "waiting_over_24h", "longest_wait_hours",
                   "admitted_today")


class CarePatientsTests(BaseTestCase):
    town: TownA
    plan: TransferPlan
    staff: User
    volunteer: User
    logistics: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.town = TownA(w)
        AdmissionRequest.objects.filter(pk=cls.town.jun_waits.pk).update(
            waiting_since=timezone.now() - datetime.timedelta(hours=30))
        cls.plan = plans.compute_plan(w.town_a, w.medic, timezone.localdate())
        cls.staff = east_road_staff(w, "guo")
        cls.volunteer = create_user(username="xiao", password=PASSWORD, role=Role.VOLUNTEER,
                                    home_area=w.town_a)
        cls.logistics = create_user(username="lu", password=PASSWORD, role=Role.LOGISTICS,
                                    home_area=w.town_a)

    def without_view_cases(self) -> tuple[User, ...]:
        return (self.staff, self.volunteer, self.logistics)

    def jun_transfer(self) -> Transfer:
        return self.plan.transfers.get(request=self.town.jun_waits)

    def pages(self) -> dict[str, str]:
        w = self.world
        return {
            "waiting list": reverse("care:bed_awaiting"),
            "waiting list of town A": reverse("care:bed_awaiting") + f"?area={w.town_a.pk}",
            "over 24 h": reverse("care:bed_awaiting") + "?over_24h=on",
            "ask for a bed": reverse("care:bed_request", args=[self.town.jun.pk]),
            "plans": reverse("care:plan_index"),
            "plan of town A": reverse("care:plan_area", args=[w.town_a.pk]),
            "plan (XLSX)": reverse("care:plan_xlsx", args=[self.plan.pk]),
            "plan (DOCX)": reverse("care:plan_docx", args=[self.plan.pk]),
            "change a transfer": reverse("care:plan_override", args=[self.jun_transfer().pk]),
        }

    def api(self) -> dict[str, str]:
        return {
            "waiting list": "/api/beds/requests",
            "a request": f"/api/beds/requests/{self.town.jun_waits.pk}",
            "transfers": f"/api/transfers/plans/{self.plan.pk}/transfers",
            "unplaced": f"/api/transfers/plans/{self.plan.pk}/unplaced",
        }

    def post_api(self, client: Client, url: str, body: dict[str, Any]) -> Any:
        return client.post(url, json.dumps(body), content_type="application/json")

    # --- refused -------------------------------------------------------------------------

    def test_the_waiting_list_and_the_plan_pages_answer_403_without_names(self) -> None:
        for user in self.without_view_cases():
            client = self.client_for(user)
            for name, url in self.pages().items():
                with self.subTest(user=user.username, page=name):
                    response = client.get(url)
                    self.assertContains(response, REFUSED_PAGE, status_code=403)
                    self.assertNotContains(response, "Wang", status_code=403)
                    self.assertNotContains(response, "W*", status_code=403)
            # Whatever the id: a missing case answers the same, telling nothing of what exists.
            with self.subTest(user=user.username, page="missing case"):
                missing = client.get(reverse("care:bed_request", args=[999_999]))
                self.assertEqual(missing.status_code, 403)

    def test_their_writes_are_refused_and_change_nothing(self) -> None:
        w = self.world
        jun = self.jun_transfer()
        for user in self.without_view_cases():
            client = self.client_for(user)
            with self.subTest(user=user.username):
                self.assertEqual(client.post(reverse(
                    "care:bed_request_cancel", args=[self.town.lei_waits.pk])).status_code, 403)
                self.assertEqual(client.post(reverse("care:plan_status", args=[jun.pk]),
                                             {"status": "dispatched"}).status_code, 403)
                self.assertEqual(client.post(reverse("care:plan_compute", args=[w.town_a.pk]),
                                             {"day": "2020-02-14"}).status_code, 403)
                cancel = self.post_api(
                    client, f"/api/beds/requests/{self.town.lei_waits.pk}/cancel", {})
                self.assertEqual(cancel.status_code, 403)
                ask = self.post_api(client, "/api/beds/requests", {"case_id": self.town.jun.pk})
                self.assertEqual(ask.status_code, 403)
                moved = self.post_api(client, f"/api/transfers/{jun.pk}/status",
                                      {"status": "dispatched"})
                self.assertEqual(moved.status_code, 403)
        self.assertEqual(set(AdmissionRequest.objects.values_list("status", flat=True)),
                         {AdmissionRequest.Status.PLANNED})
        self.assertEqual(Transfer.objects.get(pk=jun.pk).status, Transfer.Status.PLANNED)
        self.assertEqual(TransferPlan.objects.count(), 1)

    def test_the_api_routes_naming_patients_answer_403_to_a_session_and_a_token(self) -> None:
        raw = create_api_token(self.logistics, "van")[1]
        token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for who, client in (("staff", self.client_for(self.staff)),
                            ("volunteer", self.client_for(self.volunteer)),
                            ("logistics token", token)):
            for name, url in self.api().items():
                with self.subTest(who=who, route=name):
                    response = client.get(url)
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(response.json(), {"detail": REFUSED_API})
            with self.subTest(who=who, route="missing request"):
                self.assertEqual(client.get("/api/beds/requests/999999").status_code, 403)

    def test_an_anonymous_visitor_is_still_asked_to_log_in(self) -> None:
        response = self.client.get(reverse("care:bed_awaiting"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertEqual(self.client.get("/api/beds/requests").status_code, 401)

    # --- open: the beds and the counts -----------------------------------------------------

    def test_the_beds_and_the_counts_stay_open_without_a_way_to_the_names(self) -> None:
        w = self.world
        awaiting = reverse("care:bed_awaiting")
        for user in (self.volunteer, self.logistics):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                beds = client.get(reverse("care:bed_area", args=[w.town_a.pk]))
                self.assertContains(beds, "Riverside Hospital")
                self.assertNotContains(beds, awaiting)
                board = client.get(reverse("care:dashboard", args=[w.town_a.pk]))
                self.assertContains(board, '<dd id="awaiting">2</dd>', html=False)
                self.assertContains(board, '<dd id="over-24h">1</dd>', html=False)
                self.assertNotContains(board, awaiting)
                self.assertNotContains(board, "Wang")
                figures = client.get(f"/api/beds/requests/figures?area={w.town_a.pk}")
                self.assertEqual(figures.json(), {"awaiting": 2, "over_24h": 1})
                totals = {row["bed_type"]: row["available"] for row in client.get(
                    f"/api/beds/totals?area={w.town_a.pk}").json()}
                self.assertEqual(totals, {"quarantine": 10, "severe": 4})
                plan = client.get(f"/api/transfers/areas/{w.town_a.pk}/plan").json()
                self.assertEqual((plan["patients"], plan["placed"]), (2, 2))
                snapshots = client.get(f"/api/transfers/areas/{w.town_a.pk}/snapshots")
                self.assertEqual(snapshots.status_code, 200)
        # Guo sees the beds of his own village: there are none, and he is told so.
        staff = self.client_for(self.staff)
        self.assertEqual(staff.get(reverse("care:bed_area", args=[w.village_a1.pk])).status_code,
                         200)

    # --- the officer and the medical team --------------------------------------------------

    def test_the_officer_and_the_medic_open_the_names(self) -> None:
        w = self.world
        for user in (w.alice, w.medic):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                listed = client.get(reverse("care:bed_awaiting") + f"?area={w.town_a.pk}")
                self.assertContains(listed, "Wang Jun")
                self.assertContains(listed, reverse("cases:case_detail", args=[self.town.jun.pk]))
                plan = client.get(reverse("care:plan_area", args=[w.town_a.pk]))
                self.assertContains(plan, "W*******")
                api = client.get(f"/api/beds/requests?area={w.town_a.pk}").json()
                self.assertEqual({item["person_name"] for item in api["items"]},
                                 {"Wang Jun", "Wang Lei"})
                moves = client.get(f"/api/transfers/plans/{self.plan.pk}/transfers").json()
                self.assertEqual(len(moves["items"]), 2)
                beds = client.get(reverse("care:bed_area", args=[w.town_a.pk]))
                self.assertContains(beds, reverse("care:bed_awaiting") + f"?area={w.town_a.pk}")

    # --- the daily figures -----------------------------------------------------------------

    def rows(self, client: Client, area_id: int) -> dict[str, Row]:
        response = client.get(reverse("reporting:area", args=(area_id,)))
        self.assertEqual(response.status_code, 200)
        figures = response.context["figures"]
        return {row.metric.code: row for _family, rows in figures.groups for row in rows}

    def test_the_figures_of_waiting_patients_are_unlinked_for_them(self) -> None:
        w = self.world
        reporting.recompute_day(timezone.localdate())
        for user, area in ((self.volunteer, w.town_a), (self.logistics, w.town_a),
                           (self.staff, w.village_a1)):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                rows = self.rows(client, area.pk)
                self.assertEqual((rows["awaiting_admission"].value,
                                  rows["waiting_over_24h"].value), (2, 1))
                for code in PATIENT_FIGURES:
                    self.assertIsNone(rows[code].url, code)
                free = rows["free_beds_severe"].url
                assert free is not None  # the beds keep their link, and it opens
                self.assertEqual(client.get(free).status_code, 200)
        for user in (w.alice, w.medic):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                rows = self.rows(client, w.town_a.pk)
                for code in PATIENT_FIGURES:
                    url = rows[code].url
                    assert url is not None, code
                    self.assertEqual(client.get(url).status_code, 200)
                waiting = client.get(rows["waiting_over_24h"].url or "")
                self.assertContains(waiting, "Wang Jun")
                self.assertNotContains(waiting, "Wang Lei")
