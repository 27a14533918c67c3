"""The case list: scoped to the user's area, masked, filtered, searched, paged by key, exported."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from epigrid.accounts.services import create_user
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, Source
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from epigrid.registry import services as registry
from epigrid.registry.models import Residency
from tests.base import ID_A, ID_B, PASSWORD, BaseTestCase
from tests.cases.case_helpers import open_case, town_a_case, town_b_case

URL = reverse("cases:case_list")


def names(response: Any) -> list[str]:
    return [case.person.name for case in response.context["cases"]]


def export_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


class CaseListTests(BaseTestCase):
    fever: Case
    contact: Case
    closed: Case
    town_b: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.fever = town_a_case(w)  # Wang Jun, grid A1-1, fever, from a clinic
        cls.contact = open_case(w.person_a2, State.CLOSE_CONTACT, source=Source.TRACING,
                                reason="lives with a fever patient")
        cls.closed = open_case(w.visitor_a, State.SUSPECTED, hours=5, source=Source.CHECKPOINT)
        services.transition(cls.closed, State.EXCLUDED, reason="two negative tests",
                            evidence=Evidence.TEST)
        cls.town_b = town_b_case(w)  # Zhao Min, town B

    def get(self, user: Any = None, **query: Any) -> Any:
        return self.client_for(user or self.world.alice).get(URL, query)

    def test_it_lists_the_cases_of_the_users_area_newest_first_with_masked_identity(
            self) -> None:
        response = self.get()
        assert names(response) == ["Sun Li", "Wang Lei", "Wang Jun"]
        body = response.content.decode()
        assert "42010219800101****" not in body  # not a masking style of ours
        assert "420102********001X" in body and ID_A not in body
        assert "138****8000" in body and "13800138000" not in body
        assert "Zhao Min" not in body

    def test_it_shows_town_b_its_own_case_only_and_the_command_both_towns(self) -> None:
        assert names(self.get(self.world.bob)) == ["Zhao Min"]
        assert len(names(self.get(self.world.command))) == 4
        assert names(self.get(self.world.li)) == ["Wang Lei", "Wang Jun"]  # grid A1-1 only
        # An officer without a home area sees no case; the stranger, a volunteer, may not look.
        homeless = create_user(username="nowhere", password=PASSWORD, role=Role.AREA_OFFICER,
                               home_area=None)
        assert names(self.get(homeless)) == []
        assert self.get(self.world.stranger).status_code == 403

    def test_it_filters_by_state_category_status_and_source(self) -> None:
        assert names(self.get(state="fever")) == ["Wang Jun"]
        assert names(self.get(category="close_contact")) == ["Wang Lei"]
        assert names(self.get(status="closed")) == ["Sun Li"]
        assert names(self.get(status="open")) == ["Wang Lei", "Wang Jun"]
        assert names(self.get(source="checkpoint")) == ["Sun Li"]
        assert names(self.get(state="fever", source="tracing")) == []

    def test_it_counts_a_quarantined_contact_in_the_close_contact_category(self) -> None:
        services.transition(self.contact, State.QUARANTINED, reason="home quarantine")
        assert names(self.get(category="close_contact")) == ["Wang Lei"]
        assert names(self.get(state="close_contact")) == []

    def test_it_filters_by_area_subtree(self) -> None:
        w = self.world
        assert names(self.get(area=w.village_a1.pk)) == ["Sun Li", "Wang Lei", "Wang Jun"]
        assert names(self.get(area=w.village_a2.pk)) == []
        assert names(self.get(w.command, area=w.town_b.pk)) == ["Zhao Min"]

    def test_it_finds_nothing_for_an_area_outside_the_users_scope(self) -> None:
        response = self.get(self.world.bob, area=self.world.town_a.pk)
        assert names(response) == []
        assert "area" in response.context["form"].errors
        assert "Dongcheng" not in response.content.decode()

    def test_it_filters_by_reported_date_range(self) -> None:
        for case, day in ((self.fever, 3), (self.contact, 10), (self.closed, 11)):
            Case.objects.filter(pk=case.pk).update(reported_on=datetime.date(2020, 2, day))
        assert names(self.get(reported_from="2020-02-10")) == ["Sun Li", "Wang Lei"]
        assert names(self.get(reported_to="2020-02-09")) == ["Wang Jun"]
        assert names(self.get(reported_from="2020-02-10", reported_to="2020-02-10")) == [
            "Wang Lei"]

    def test_it_refuses_a_range_that_ends_before_it_starts(self) -> None:
        response = self.get(reported_from="2020-02-10", reported_to="2020-02-01")
        assert names(response) == []
        assert response.context["form"].errors["reported_to"] == [
            "The end of the range is before its start."]

    def test_it_refuses_a_date_that_is_not_one(self) -> None:
        response = self.get(reported_from="2020-02-30")
        assert names(response) == [] and "reported_from" in response.context["form"].errors

    def test_it_searches_by_the_start_of_the_name(self) -> None:
        assert names(self.get(name="Wang")) == ["Wang Lei", "Wang Jun"]
        assert names(self.get(name="Jun")) == []

    def test_it_keeps_its_queries_flat_however_many_cases(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(URL)
        for number in range(6):
            person = registry.create_person(grid=w.grid_a1_2, name=f"Worker {number}",
                                            residency=Residency.WORKER)
            open_case(person, State.CLOSE_CONTACT)
        # Session, user, the area choices, the cases with their persons and grids; whatever
        # the base page adds, the count does not grow with the rows.
        assert len(few) <= 8, [q["sql"] for q in few]
        with self.assertNumQueries(len(few)):
            many = client.get(URL)
        assert len(many.context["cases"]) == 10


class CaseLookupTests(BaseTestCase):
    """The exact look-up by ID number or phone: a POST, through the keyed hash, never echoed."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        town_a_case(cls.world)
        town_b_case(cls.world)

    def post(self, user: Any = None, **data: str) -> Any:
        return self.client_for(user or self.world.alice).post(URL, data)

    def test_it_finds_the_case_of_an_exact_id_number_without_echoing_it(self) -> None:
        response = self.post(id_number=ID_A)
        assert names(response) == ["Wang Jun"]
        assert ID_A not in response.content.decode()

    def test_it_finds_by_a_phone_in_any_spacing(self) -> None:
        assert names(self.post(phone="138 0013 8000")) == ["Wang Jun"]

    def test_it_finds_nothing_of_another_town(self) -> None:
        assert names(self.post(id_number=ID_B)) == []
        assert names(self.post(self.world.bob, id_number=ID_B)) == ["Zhao Min"]

    def test_it_names_the_check_character_of_a_mistyped_id_number(self) -> None:
        response = self.post(id_number="420102198001010011")
        assert names(response) == []
        assert "it ends in 1 but must end in X" in response.content.decode()

    def test_it_finds_nobody_rather_than_everybody_on_an_empty_look_up(self) -> None:
        assert names(self.post(id_number="", phone="")) == []


@override_settings(PAGE_SIZE=2)
class CasePagingTests(BaseTestCase):
    def test_it_pages_by_key_from_the_newest(self) -> None:
        w = self.world
        cases = [open_case(p) for p in (w.person_a, w.person_a2, w.visitor_a)]
        client = self.client_for(w.alice)
        first = client.get(URL)
        assert [c.pk for c in first.context["cases"]] == [cases[2].pk, cases[1].pk]
        assert first.context["next_before"] == cases[1].pk
        second = client.get(URL, {"before": cases[1].pk})
        assert [c.pk for c in second.context["cases"]] == [cases[0].pk]
        assert second.context["next_before"] is None


class CaseExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        town_a_case(cls.world)
        town_b_case(cls.world)

    def test_it_exports_the_filtered_list_masked_and_logs_it(self) -> None:
        response = self.client_for(self.world.alice).get(URL, {"export": "csv",
                                                               "state": "fever"})
        rows = export_rows(response)
        assert rows[0][:4] == ["Case", "Name", "ID number", "Phone"]
        assert [row[1:4] for row in rows[1:]] == [["Wang Jun", "420102********001X",
                                                   "138****8000"]]
        assert rows[1][6:9] == ["fever, not ruled out", "fever", "yes"]
        entry = AuditEntry.objects.get(action="export", model="cases.Case")
        assert "state=fever" in entry.changes["query"]

    def test_it_refuses_an_export_to_a_grid_worker(self) -> None:
        response = self.client_for(self.world.li).get(URL, {"export": "csv"})
        assert response.status_code == 403

    def test_it_refuses_an_unknown_format(self) -> None:
        response = self.client_for(self.world.alice).get(URL, {"export": "pdf"})
        assert response.status_code == 400

    def test_it_exports_full_values_with_a_reason_for_a_role_that_may_reveal(self) -> None:
        client = self.client_for(self.world.command)
        export = reverse("cases:case_export") + "?state=fever"
        response = client.post(export, {"format": "csv", "reason": "transfer list for the "
                                                                   "designated hospital"})
        rows = export_rows(response)
        assert [row[1:4] for row in rows[1:]] == [["Wang Jun", ID_A, "13800138000"]]
        entry = AuditEntry.objects.get(action="export", model="cases.Case")
        assert entry.changes["unmasked"] is True and entry.reason.startswith("transfer list")

    def test_it_asks_for_the_reason_of_a_full_value_export(self) -> None:
        response = self.client_for(self.world.command).post(
            reverse("cases:case_export"), {"format": "csv", "reason": "  "})
        assert response.status_code == 400
        assert response.context["form"].errors["reason"]
        assert not AuditEntry.objects.filter(action="export").exists()

    def test_it_refuses_full_values_to_an_officer(self) -> None:
        response = self.client_for(self.world.alice).post(
            reverse("cases:case_export"), {"format": "csv", "reason": "curious"})
        assert response.status_code == 403

    def test_it_writes_xlsx_masked(self) -> None:
        response = self.client_for(self.world.alice).get(URL, {"export": "xlsx"})
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = [list(row) for row in book.active.iter_rows(values_only=True)]
        assert [row[1:4] for row in rows[1:]] == [["Wang Jun", "420102********001X",
                                                   "138****8000"]]

    def test_the_command_line_export_is_masked_and_scoped(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "cases.csv"
            call_command("export_data", "cases", "--output", str(path), "--user", "bob")
            body = path.read_text(encoding="utf-8-sig")
        assert "Zhao Min" in body and "139****5678" in body
        assert ID_B not in body and "Wang" not in body


class CaseAdminTests(BaseTestCase):
    def test_it_shows_cases_to_the_administrator_read_only(self) -> None:
        case = town_a_case(self.world)
        client = self.client_for(self.world.admin)
        assert client.get(reverse("admin:cases_case_changelist")).status_code == 200
        page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
        body = page.content.decode()
        assert page.status_code == 200 and "38.6 at the morning follow-up" in body  # history
        assert client.get(reverse("admin:cases_case_add")).status_code == 403
        for model in ("quarantine", "followup", "labtest", "exposure", "casefigures", "lab",
                      "quarantineroom", "missedfollowup"):
            url = reverse(f"admin:cases_{model}_changelist")
            assert client.get(url).status_code == 200, model
