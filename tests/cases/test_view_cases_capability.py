"""Who sees cases: the roles with VIEW_CASES (docs/access.md). Checkpoint staff, logistics and
volunteers of town A see town A's case figures, but not the persons behind them: not the case
list, a case, a quarantine, a chain, the records behind a figure, nor the case panel of a person.

The story: Wang Jun (grid A1-1) has a fever; his daughter Wang Lei, whom he met two days ago, is a
close contact in home quarantine. Guo, on duty at the East Road checkpoint of village A1, sees
both in the residents' register, and nothing of their health. Li, the grid worker of A1-1, follows
Wang Lei up; Dr He, of the medical team, sees the whole district.
"""

from __future__ import annotations

import datetime
import json

from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.accounts.services import create_api_token, create_user
from epigrid.cases.models import Case, Exposure, LabTest, Quarantine
from epigrid.core.access import CAPABILITIES, Capability, Role
from tests.base import PASSWORD, BaseTestCase, World
from tests.cases.case_helpers import town_a_case
from tests.cases.quarantine_helpers import home_quarantine, lab_result

REFUSED_PAGE = "Your role does not allow this."
REFUSED_API = "Your role may not do this: See cases, quarantines and contacts."


def persona(w: World, username: str, role: str) -> User:
    return create_user(username=username, password=PASSWORD, role=role, home_area=w.village_a1)


class ViewCasesTests(BaseTestCase):
    staff: User
    fever: Case
    quarantine: Quarantine

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.staff = persona(w, "guo", Role.CHECKPOINT_STAFF)
        cls.fever = town_a_case(w)
        cls.quarantine = home_quarantine(w, w.person_a2)
        Exposure.objects.create(source=w.person_a, contact=w.person_a2,
                                area_path=w.person_a.area_path,
                                exposed_on=timezone.localdate() - datetime.timedelta(days=2))

    def urls(self) -> dict[str, str]:
        w = self.world
        return {
            "case list": reverse("cases:case_list"),
            "case": reverse("cases:case_detail", args=[self.fever.pk]),
            "quarantine list": reverse("cases:quarantine_list"),
            "quarantine": reverse("cases:quarantine_detail", args=[self.quarantine.pk]),
            "follow-ups today": reverse("cases:followup_today"),
            "chain": reverse("cases:chain", args=[self.fever.pk]),
            "drill-down": reverse("cases:figure_records",
                                  args=[w.grid_a1_1.pk, "current_fever"]),
        }

    def api(self) -> dict[str, str]:
        return {
            "cases": "/api/cases/",
            "case": f"/api/cases/{self.fever.pk}",
            "quarantines": "/api/quarantine",
            "chain": f"/api/contacts/chain/{self.fever.pk}",
            "clusters": "/api/contacts/clusters",
        }

    # --- refused -------------------------------------------------------------------------

    def test_it_refuses_the_case_pages_to_checkpoint_staff(self) -> None:
        client = self.client_for(self.staff)
        for name, url in self.urls().items():
            response = client.get(url)
            self.assertContains(response, REFUSED_PAGE, status_code=403, msg_prefix=name)
            self.assertNotContains(response, "Wang", status_code=403, msg_prefix=name)
        # The look-up by ID number (a POST) too, and no answer tells what exists.
        lookup = client.post(reverse("cases:case_list"), {"id_number": "42010219800101001X"})
        assert lookup.status_code == 403
        assert client.get(reverse("cases:case_detail", args=[999_999])).status_code == 403

    def test_it_refuses_the_case_api_to_checkpoint_staff(self) -> None:
        client = self.client_for(self.staff)
        for name, url in self.api().items():
            response = client.get(url)
            assert response.status_code == 403, name
            assert response.json() == {"detail": REFUSED_API}, name
        assert client.get("/api/cases/999999").status_code == 403
        search = client.post("/api/cases/search", json.dumps({"id_number": "42010219800101001X"}),
                             content_type="application/json")
        assert search.status_code == 403

    def test_it_refuses_a_logistics_token_and_a_volunteer(self) -> None:
        w = self.world
        porter = persona(w, "ma_logistics", Role.LOGISTICS)
        raw = create_api_token(porter, "van")[1]
        listed = self.client.get("/api/quarantine", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert listed.status_code == 403
        assert listed.json() == {"detail": REFUSED_API}
        volunteer = self.client_for(persona(w, "xiao_volunteer", Role.VOLUNTEER))
        assert volunteer.get(reverse("cases:case_list")).status_code == 403
        assert volunteer.get(f"/api/cases/{self.fever.pk}").status_code == 403

    def test_it_still_asks_an_anonymous_visitor_to_log_in(self) -> None:
        response = self.client.get(reverse("cases:case_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert self.client.get("/api/cases/").status_code == 401

    def test_it_shows_checkpoint_staff_a_person_without_the_case_panel(self) -> None:
        w = self.world
        url = reverse("registry:person_detail", args=[w.person_a.pk])
        staff = self.client_for(self.staff).get(url)
        self.assertContains(staff, "Wang Jun")
        self.assertNotContains(staff, 'id="person-cases"')
        self.assertNotContains(staff, reverse("cases:case_detail", args=[self.fever.pk]))
        grid_worker = self.client_for(w.li).get(url)
        self.assertContains(grid_worker, 'id="person-cases"')
        self.assertContains(grid_worker, reverse("cases:case_detail", args=[self.fever.pk]))

    def test_it_shows_checkpoint_staff_the_figures_as_counts_only(self) -> None:
        w = self.world
        client = self.client_for(self.staff)
        figures = client.get(reverse("cases:figure_area", args=[w.village_a1.pk]))
        assert figures.status_code == 200
        row = figures.content.decode().split('id="figure-current_fever"')[1].split("</tr>")[0]
        assert ">1<" in row and "href" not in row
        assert reverse("cases:figure_records", args=[w.village_a1.pk, "current_fever"]) not in \
            figures.content.decode()
        panel = client.get(reverse("areas:detail", args=[w.village_a1.pk]))
        self.assertContains(panel, 'data-code="current_fever">1<')
        api = client.get(f"/api/case-figures/areas/{w.village_a1.pk}")
        assert api.status_code == 200
        # The officer's figures still open onto their records.
        officer = self.client_for(w.alice).get(reverse("cases:figure_area", args=[w.village_a1.pk]))
        self.assertContains(officer, reverse("cases:figure_records",
                                             args=[w.village_a1.pk, "current_fever"]))

    def test_it_leaves_the_persons_lists_out_of_checkpoint_staffs_bar(self) -> None:
        response = self.client_for(self.staff).get(reverse("cases:figure_area",
                                                           args=[self.world.village_a1.pk]))
        labels = [str(link.label) for link in response.context["nav_entries"]]
        assert "Case figures" in labels
        assert not {"Cases", "Quarantine", "Follow-ups today", "Lab results",
                    "Contacts to trace", "Clusters"} & set(labels)

    # --- let in --------------------------------------------------------------------------

    def test_it_shows_the_grid_worker_the_cases_of_the_grid(self) -> None:
        w = self.world
        client = self.client_for(w.li)
        pages = {name: client.get(url) for name, url in self.urls().items()}
        assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
        self.assertContains(pages["case list"], "Wang Jun")
        self.assertContains(pages["case"], "Wang Jun")
        self.assertContains(pages["quarantine list"], "Wang Lei")
        self.assertContains(pages["follow-ups today"], "Wang Lei")
        self.assertContains(pages["drill-down"], "Wang Jun")
        self.assertNotContains(pages["drill-down"], "Wang Lei")  # a close contact, not a fever
        cases = client.get("/api/cases/").json()["items"]
        assert sorted(c["person_name"] for c in cases) == ["Wang Jun", "Wang Lei"]
        chain = client.get(f"/api/contacts/chain/{self.fever.pk}").json()
        assert sorted(node["name"] for node in chain["nodes"]) == ["Wang Jun", "Wang Lei"]
        assert len(chain["edges"]) == 1

    def test_it_shows_the_medic_the_cases_of_the_district(self) -> None:
        w = self.world
        client = self.client_for(w.medic)
        self.assertContains(client.get(reverse("cases:case_detail", args=[self.fever.pk])),
                            "Wang Jun")
        self.assertContains(client.get(reverse("cases:quarantine_detail",
                                               args=[self.quarantine.pk])), "Wang Lei")
        test = lab_result(w, w.person_a, LabTest.Result.NEGATIVE, timezone.now())
        self.assertContains(client.get(reverse("cases:lab_results", args=[test.lab_id])),
                            "Wang Jun")
        quarantines = client.get("/api/quarantine").json()["items"]
        assert [q["id"] for q in quarantines] == [self.quarantine.pk]
        case = client.get(f"/api/cases/{self.fever.pk}").json()
        assert (case["person_name"], case["state"]) == ("Wang Jun", "fever")
        self.assertContains(client.get(reverse("registry:person_detail", args=[w.person_a.pk])),
                            'id="person-cases"')

    def test_it_gives_every_role_that_works_on_cases_the_right_to_see_them(self) -> None:
        # The API guards whole routers with VIEW_CASES: a role with a case capability but not
        # VIEW_CASES would lose it without a word.
        workers = (Capability.CHANGE_CASES, Capability.FOLLOW_UP, Capability.LAB_RESULTS,
                   Capability.TRACE_CONTACTS)
        for role, capabilities in CAPABILITIES.items():
            if capabilities & set(workers):
                assert Capability.VIEW_CASES in capabilities, role
        seeing = {role for role, capabilities in CAPABILITIES.items()
                  if Capability.VIEW_CASES in capabilities}
        assert seeing == {Role.ADMIN, Role.COMMAND, Role.AREA_OFFICER, Role.GRID_WORKER,
                          Role.MEDICAL, Role.SUPERVISOR}
