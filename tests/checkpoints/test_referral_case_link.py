"""A fever referral names its case only to those who see cases (VIEW_CASES, docs/access.md).

The story: Wu, on duty at East Road (village A1), takes Wang Jun's temperature at 38.4 °C; Wang
Jun is registered, so a fever case is opened for him and the referral is linked to it. A traveller
without papers at 38.9 °C stays an unidentified referral. Wu follows both on the referral page:
who, how hot, where they were sent and the referral's own status (waiting for the fever clinic,
arrived, closed) — that they are his to watch. Whether Wang Jun's case is a fever, suspected or
confirmed, and the case page itself, are not: he reads only that the person is on file with the
case team. Alice, the officer of town A, and Dr Ma of the fever clinic see the case's state and
open it from the same row. The referral API gives everyone the case's id (an opaque number: the
case routes answer Wu 403 whatever the id) and no one the case's state.
"""

from __future__ import annotations

import re

from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.cases.models import Case
from epigrid.checkpoints import passage_fever
from epigrid.checkpoints.models import FeverReferral, Passage
from epigrid.checkpoints.passages import record_passage
from epigrid.core.access import Role
from tests.base import ID_A, PASSWORD, BaseTestCase
from tests.checkpoints.passage_helpers import east_road_staff, item

PAGE = "/checkpoints/referrals/"
API = "/api/passages/referrals"
ON_FILE = "on file with the case team"


class ReferralCaseLinkTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.staff = east_road_staff(w)
        self.doctor = create_user(username="dr_ma", password=PASSWORD, role=Role.MEDICAL,
                                  home_area=w.town_a)
        self.known = self.refer("Wang Jun", "38.4", id_number=ID_A)
        self.unknown = self.refer("Traveller", "38.9")
        assert self.known.case_id is not None and self.unknown.case_id is None
        self.case = Case.objects.get(pk=self.known.case_id)
        self.case_url = reverse("cases:case_detail", args=[self.case.pk])

    def refer(self, name: str, temperature: str, **fields: object) -> FeverReferral:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            result = record_passage(self.staff, w.checkpoint_a, item(
                temperature=temperature, name=name, destination_area_id=w.village_a1.pk,
                **fields))
        assert result.result == "stored", result.errors
        return Passage.objects.get(pk=result.id).referral

    def row(self, body: str, name: str) -> str:
        """The table row of the referral of `name`."""
        start = body.index(name)
        return body[body.rindex("<tr>", 0, start):body.index("</tr>", start)]

    def test_checkpoint_staff_see_the_referral_and_its_status_but_not_the_case(self) -> None:
        passage_fever.mark_arrived(self.known, by=self.doctor)
        body = self.client_for(self.staff).get(PAGE).content.decode()
        known, unknown = self.row(body, "Wang Jun"), self.row(body, "Traveller")
        assert "38.4" in known and "420102********001X" in known
        assert "arrived at the fever clinic" in known  # the referral's own status
        assert ON_FILE in known
        assert self.case.get_state_display() not in known
        assert self.case_url not in body and not re.search(r"/cases/\d", body)
        assert "unidentified" in unknown and "waiting for the fever clinic" in unknown
        assert ON_FILE not in unknown
        # The link would have been refused anyway.
        assert self.client_for(self.staff).get(self.case_url).status_code == 403

    def test_the_officer_and_the_clinic_see_the_case_state_and_open_it(self) -> None:
        for user in (self.world.alice, self.doctor):
            with self.subTest(user=user.username):
                client = self.client_for(user)
                body = client.get(PAGE).content.decode()
                known = self.row(body, "Wang Jun")
                assert f'<a href="{self.case_url}">{self.case.get_state_display()}</a>' in known
                assert ON_FILE not in body
                assert "unidentified" in self.row(body, "Traveller")
                assert client.get(self.case_url).status_code == 200

    def test_the_page_costs_the_same_queries_with_or_without_the_case(self) -> None:
        for user in (self.staff, self.doctor):
            with self.subTest(user=user.username):
                client = self.client_for(user)
                with self.assertNumQueries(4):  # session, user, home area, the referrals
                    body = client.get(PAGE).content.decode()
                assert "Wang Jun" in body and "Traveller" in body

    def test_the_api_gives_the_case_id_and_never_its_state(self) -> None:
        for user in (self.staff, self.doctor):
            with self.subTest(user=user.username):
                rows = {row["name"]: row for row in
                        self.client_for(user).get(API).json()["items"]}
                known = rows["Wang Jun"]
                assert (known["case_id"], rows["Traveller"]["case_id"]) == (self.case.pk, None)
                assert known["status"] == "open"
                assert not {"case", "case_state", "state"} & set(known)
                assert self.case.state not in {str(value) for value in known.values()}
        refused = self.client_for(self.staff).get(f"/api/cases/{self.case.pk}")
        assert refused.status_code == 403
