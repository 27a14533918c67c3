"""The lab pages: load and turnaround of each lab, a lab's results, one result by hand, the
queue of results waiting for a person."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from epigrid.cases.lab_figures import lab_loads
from epigrid.cases.models import Case, Lab, LabTest
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.lab_helpers import (
    ID_A,
    ID_BAD_CHECK,
    ID_NOBODY,
    hours_ago,
    record,
    stamp,
    town_lab,
)

R = LabTest.Result
M = LabTest.Match


class LabListTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)

    def test_it_shows_capacity_use_and_median_turnaround(self) -> None:
        # Three results in the week: 8, 10 and 30 hours from sample to result -> median 10.
        for number, (sampled, resulted) in enumerate([(10, 2), (12, 2), (40, 10)]):
            record(self.lab, self.world.medic, sample_id=f"S{number}", sampled=sampled,
                   resulted=resulted)
        record(self.lab, self.world.medic, sample_id="OLD", sampled=24 * 9, resulted=24 * 8)
        load = lab_loads([self.lab])[self.lab.pk]
        self.assertEqual((load.results, load.median_hours, load.per_day), (3, 10.0, 0.4))
        self.assertEqual(load.use_percent, 0)
        response = self.client_for(self.world.command).get(reverse("cases:lab_list"))
        self.assertContains(response, "Dongcheng Hospital Lab")
        self.assertContains(response, "<td class=\"num\">10.0</td>", html=False)
        self.assertContains(response, "?importer=lab_results")

    def test_it_lists_labs_in_a_fixed_number_of_queries(self) -> None:
        for index in range(5):
            Lab.objects.create(code=f"L{index}", name=f"Lab {index}", area=self.world.town_a)
        client = self.client_for(self.world.medic)
        client.get(reverse("cases:lab_list"))
        # Session, user, unread notices (the menu), labs, their loads, their queues: as many
        # for six labs as for one.
        with self.assertNumQueries(6):
            client.get(reverse("cases:lab_list"))

    def test_it_keeps_roles_without_lab_results_out(self) -> None:
        for user in (self.world.alice, self.world.li, self.world.stranger):
            response = self.client_for(user).get(reverse("cases:lab_list"))
            self.assertEqual(response.status_code, 403)

    def test_it_shows_a_lab_of_another_town_to_nobody_there(self) -> None:
        other = Lab.objects.create(code="LAB-B", name="Xihe Lab", area=self.world.town_b)
        response = self.client_for(self.world.medic).get(reverse("cases:lab_list"))
        self.assertContains(response, "Xihe Lab")  # the district sees both towns
        self.assertEqual(other.area, self.world.town_b)


class LabResultsTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)
        record(self.lab, self.world.medic, sample_id="NEG-1")
        record(self.lab, self.world.medic, sample_id="POS-1", result=R.POSITIVE)
        record(self.lab, self.world.medic, sample_id="UNM-1", id_number=ID_NOBODY,
               name="Visitor")

    def get(self, query: str = "") -> str:
        url = reverse("cases:lab_results", args=[self.lab.pk]) + query
        return self.client_for(self.world.medic).get(url).content.decode()

    def test_it_filters_by_result_and_match(self) -> None:
        positive = self.get("?result=positive")
        self.assertIn("POS-1", positive)
        self.assertNotIn("NEG-1", positive)
        unmatched = self.get("?match=unmatched")
        self.assertIn("UNM-1", unmatched)
        self.assertNotIn("POS-1", unmatched)

    def test_it_filters_by_day(self) -> None:
        today = timezone.localdate(hours_ago(10)).isoformat()  # the day as the lab sees it
        self.assertIn("NEG-1", self.get(f"?day={today}"))
        self.assertNotIn("NEG-1", self.get("?day=2020-01-01"))

    def test_it_pages_results_in_a_fixed_number_of_queries(self) -> None:
        client = self.client_for(self.world.medic)
        url = reverse("cases:lab_results", args=[self.lab.pk])
        client.get(url)
        with self.assertNumQueries(7):  # session, user, lab, tests, load, days, messages-free
            client.get(url)

    def test_it_answers_404_for_a_lab_outside_the_area(self) -> None:
        other = Lab.objects.create(code="LAB-B", name="Xihe Lab", area=self.world.town_b)
        from epigrid.accounts.services import create_user
        from epigrid.core.access import Role
        from tests.base import PASSWORD
        a_command = create_user(username="chen", password=PASSWORD, role=Role.COMMAND,
                                home_area=self.world.town_a)
        response = self.client_for(a_command).get(reverse("cases:lab_results", args=[other.pk]))
        self.assertEqual(response.status_code, 404)


class ResultFormTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)
        self.url = reverse("cases:lab_result_create", args=[self.lab.pk])
        self.client.force_login(self.world.medic)

    def post(self, **fields: str) -> Any:
        data = {"sample_id": "F-1", "id_number": ID_A, "name": "Wang Jun",
                "sampled_at": stamp(hours_ago(10)), "resulted_at": stamp(hours_ago(2)),
                "result": "positive"} | fields
        return self.client.post(self.url, data)

    def test_it_records_a_positive_result_and_confirms_the_case(self) -> None:
        response = self.post()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Case.objects.get(person=self.world.person_a).state, State.ASYMPTOMATIC)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Sample F-1 was recorded.")
        self.assertContains(page, "asymptomatic")

    def test_it_shows_each_bad_field_with_why(self) -> None:
        response = self.post(id_number=ID_BAD_CHECK, sampled_at="2020-02-30 08:00")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "check character", status_code=400)
        self.assertContains(response, "does not exist", status_code=400)
        self.assertNotContains(response, ID_BAD_CHECK, status_code=400)  # the ID is not echoed
        self.assertFalse(LabTest.objects.exists())

    def test_it_shows_a_conflicting_final_result(self) -> None:
        self.post(result="negative")
        response = self.post(result="positive")
        self.assertContains(response, "Sample F-1 already has the result negative.",
                            status_code=400)

    def test_it_shows_a_result_before_its_sample(self) -> None:
        response = self.post(resulted_at=stamp(hours_ago(12)))
        self.assertContains(response, "The result time lies before the sample time.",
                            status_code=400)


class QueuePageTests(BaseTestCase):
    def setUp(self) -> None:
        self.lab = town_lab(self.world)
        self.test = record(self.lab, self.world.medic, sample_id="Q-1", id_number=ID_NOBODY,
                           result=R.POSITIVE, name="Wang Jun").test

    def test_it_lists_the_queue_and_resolves_by_id_number(self) -> None:
        client = self.client_for(self.world.medic)
        self.assertContains(client.get(reverse("cases:lab_unmatched")), "Q-1")
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("cases:lab_resolve", args=[self.test.pk]),
                                   {"id_number": ID_A, "note": "ID typed wrong at sampling"})
        self.assertEqual(response.status_code, 302)
        self.test.refresh_from_db()
        self.assertEqual((self.test.match, self.test.person), (M.RESOLVED, self.world.person_a))
        self.assertEqual(Case.objects.get().state, State.ASYMPTOMATIC)
        self.assertNotContains(client.get(reverse("cases:lab_unmatched")),
                               f'id="test-{self.test.pk}"')

    def test_it_refuses_a_number_that_names_nobody(self) -> None:
        response = self.client_for(self.world.medic).post(
            reverse("cases:lab_resolve", args=[self.test.pk]), {"id_number": ID_NOBODY})
        self.assertContains(response, "No single person of your area", status_code=400)

    def test_it_discards_with_a_note(self) -> None:
        client = self.client_for(self.world.medic)
        url = reverse("cases:lab_discard", args=[self.test.pk])
        self.assertContains(client.post(url, {"note": ""}), "This field is required",
                            status_code=400)
        self.assertEqual(client.post(url, {"note": "a visitor's sample"}).status_code, 302)
        self.test.refresh_from_db()
        self.assertEqual(self.test.match, M.DISCARDED)


class LabFormTests(BaseTestCase):
    def test_it_creates_a_lab_in_an_area_of_the_users(self) -> None:
        client = self.client_for(self.world.medic)
        response = client.post(reverse("cases:lab_create"), {
            "code": "LAB-N", "name": "New Lab", "area_code": self.world.town_b.code,
            "daily_capacity": "3000"})
        self.assertEqual(response.status_code, 302)
        lab = Lab.objects.get(code="LAB-N")
        self.assertEqual((lab.area, lab.daily_capacity), (self.world.town_b, 3000))

    def test_it_refuses_an_area_outside_the_users(self) -> None:
        from epigrid.accounts.services import create_user
        from epigrid.core.access import Role
        from tests.base import PASSWORD
        a_command = create_user(username="chen", password=PASSWORD, role=Role.COMMAND,
                                home_area=self.world.town_a)
        response = self.client_for(a_command).post(reverse("cases:lab_create"), {
            "code": "LAB-N", "name": "New Lab", "area_code": self.world.town_b.code,
            "daily_capacity": "3000"})
        self.assertContains(response, "no area with the code", status_code=400)
        self.assertFalse(Lab.objects.filter(code="LAB-N").exists())


