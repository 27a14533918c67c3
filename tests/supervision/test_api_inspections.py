"""Inspections and findings through the API: recorded by a supervising role with their findings
(the area told), listed by key with their findings counted, shown with their findings; a finding
added, rectified by the area, verified or reopened by the inspectors (the area told again);
findings listed open by default, overdue, verified; refusals naming the field with nothing
written, 403 for the wrong role, 404 for an inspection or finding out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Receipt
from epigrid.core.access import Role
from epigrid.supervision import inspections
from epigrid.supervision.models import Finding, FindingStatus, Inspection
from tests.base import PASSWORD
from tests.supervision.helpers import SupervisionTestCase, days

URL = "/api/supervision"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name (`findings.1.rectify_by`), `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


def inbox(user: Any) -> list[str]:
    return list(Receipt.objects.filter(user=user).order_by("pk")
                .values_list("notice__title", flat=True))


class RecordTests(SupervisionTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.town_a.pk, "facility": self.world.facility_a.pk,
                "inspected_on": days(0).isoformat(), "inspectors": "Guo, Tian",
                "summary": "Night shift visit.", "findings": [
                    {"description": "No sign-in sheet", "severity": "serious",
                     "rectify_by": days(2).isoformat()},
                    {"description": "Bins without lids", "rectify_by": days(5).isoformat()}],
                **fields}

    def test_it_records_the_visit_with_its_findings_and_tells_the_area(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            response = post(self.client_for(self.guo), f"{URL}/inspections", self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["facility_name"], body["subject"], body["inspectors"],
                body["recorded_by"], body["findings_open"], body["findings_total"]) == (
            "Dongcheng Town", "Dongcheng Fever Clinic", "Dongcheng Fever Clinic", "Guo, Tian",
            "guo", 2, 2)
        assert [(row["description"], row["severity"], row["status"], row["rectify_by"])
                for row in body["findings"]] == [
            ("No sign-in sheet", "serious", "open", days(2).isoformat()),
            ("Bins without lids", "minor", "open", days(5).isoformat())]
        inspection = Inspection.objects.get(pk=body["id"])
        assert (inspection.facility, inspection.recorded_by, inspection.findings.count()) == (
            w.facility_a, self.guo, 2)
        assert inbox(w.alice) == ["Inspection of Dongcheng Fever Clinic: 2 to rectify"]
        assert inbox(w.bob) == []

    def test_it_names_each_bad_input_and_writes_nothing(self) -> None:
        w = self.world
        guo = self.client_for(self.guo)
        url = f"{URL}/inspections"
        bad_severity = self.body()
        bad_severity["findings"][1]["severity"] = "fatal"
        assert list(errors_of(post(guo, url, bad_severity))) == ["findings.1.severity"]
        early = self.body()
        early["findings"][0]["rectify_by"] = days(-1).isoformat()
        assert list(errors_of(post(guo, url, early))) == ["findings.0.rectify_by"]
        assert errors_of(post(guo, url, self.body(facility=w.facility_b.pk))) == {
            "facility": "Xihe Quarantine Hotel is not in Dongcheng Town."}
        assert list(errors_of(post(guo, url, self.body(facility=999_999)))) == ["facility"]
        assert list(errors_of(post(guo, url, self.body(area=w.city.pk)))) == ["area"]
        assert list(errors_of(post(guo, url, self.body(inspectors=" ")))) == ["inspectors"]
        assert list(errors_of(post(guo, url, self.body(
            inspected_on=days(1).isoformat())))) == ["inspected_on"]
        for user in (w.alice, w.bob, w.medic):
            assert post(self.client_for(user), url, self.body()).status_code == 403
        assert not Inspection.objects.exists() and not Finding.objects.exists()


class ListTests(SupervisionTestCase):
    def test_it_lists_the_latest_first_with_its_findings_counted(self) -> None:
        w = self.world
        clinic = self.inspection(findings=2)
        first = clinic.findings.order_by("pk").first()
        assert first is not None
        inspections.rectify(first, by=w.alice, rectification="Sheet up.")
        inspections.verify(first, by=self.guo, accepted=True)
        market = self.inspection(w.village_a1, findings=0, facility=None,
                                 subject="Village A1 market")
        hotel = self.inspection(w.town_b, findings=3, facility=w.facility_b)
        guo = self.client_for(self.guo)
        rows = guo.get(f"{URL}/inspections").json()["items"]
        assert [(row["id"], row["findings_open"], row["findings_total"]) for row in rows] == [
            (hotel.pk, 3, 3), (market.pk, 0, 0), (clinic.pk, 1, 2)]
        page = guo.get(f"{URL}/inspections", {"limit": 2}).json()
        rest = guo.get(f"{URL}/inspections", {"limit": 2, "after": page["next_after"]}).json()
        assert [row["id"] for row in page["items"] + rest["items"]] == [
            hotel.pk, market.pk, clinic.pk] and rest["next_after"] is None
        assert [row["id"] for row in guo.get(f"{URL}/inspections", {
            "area": w.town_a.pk}).json()["items"]] == [market.pk, clinic.pk]
        assert [row["id"] for row in guo.get(f"{URL}/inspections", {
            "q": "market"}).json()["items"]] == [market.pk]
        assert [row["id"] for row in self.client_for(w.bob).get(
            f"{URL}/inspections").json()["items"]] == [hotel.pk]

    def test_it_keeps_its_queries_flat_however_many_inspections(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        for _n in range(2):
            self.inspection(findings=2)
        # session, user, home area, a page of inspections (their findings counted in it)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/inspections").json()["items"]) == 2
        for n in range(8):
            self.inspection((w.town_a, w.town_b)[n % 2], findings=n % 3,
                            facility=(w.facility_a, w.facility_b)[n % 2])
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/inspections").json()["items"]) == 10

    def test_it_shows_one_with_its_findings_to_its_area_only(self) -> None:
        w = self.world
        inspection = self.inspection(findings=2)
        body = self.client_for(w.alice).get(f"{URL}/inspections/{inspection.pk}").json()
        assert (body["facility_name"], body["findings_open"], len(body["findings"])) == (
            "Dongcheng Fever Clinic", 2, 2)
        for pk in (inspection.pk, 999_999):
            assert self.client_for(w.bob).get(f"{URL}/inspections/{pk}").status_code == 404


class FindingTests(SupervisionTestCase):
    def test_it_adds_a_finding_after_the_visit(self) -> None:
        w = self.world
        inspection = self.inspection(findings=0)
        url = f"{URL}/inspections/{inspection.pk}/findings"
        data = {"description": "No thermometer", "severity": "grave",
                "rectify_by": days(1).isoformat()}
        with self.captureOnCommitCallbacks(execute=True):
            response = post(self.client_for(self.guo), url, data)
        assert response.status_code == 201, response.json()
        assert (response.json()["description"], response.json()["severity"],
                response.json()["area_name"]) == ("No thermometer", "grave", "Dongcheng Town")
        assert inbox(w.alice) == ["Inspection of Dongcheng Fever Clinic: 1 to rectify"]
        assert list(errors_of(post(self.client_for(self.guo), url,
                                   data | {"severity": "fatal"}))) == ["severity"]
        assert list(errors_of(post(self.client_for(self.guo), url,
                                   data | {"description": ""}))) == ["description"]
        assert post(self.client_for(w.alice), url, data).status_code == 403
        assert post(self.client_for(w.bob), url, data).status_code == 404
        assert inspection.findings.count() == 1

    def test_the_area_rectifies_and_the_inspectors_verify_or_reopen(self) -> None:
        w = self.world
        kept, reopened = self.inspection(findings=2).findings.order_by("pk")
        alice, guo = self.client_for(w.alice), self.client_for(self.guo)
        assert errors_of(post(alice, f"{URL}/findings/{kept.pk}/rectify", {})) == {
            "rectification": "Say how it was put right."}
        assert post(self.client_for(w.bob), f"{URL}/findings/{kept.pk}/rectify",
                    {"rectification": "x"}).status_code == 404
        for finding in (kept, reopened):
            done = post(alice, f"{URL}/findings/{finding.pk}/rectify",
                        {"rectification": "Sheet at the door."}).json()
            assert (done["status"], done["rectified_by"]) == ("rectified", "alice")
        assert post(alice, f"{URL}/findings/{kept.pk}/verify",
                    {"accepted": True}).status_code == 403
        verified = post(guo, f"{URL}/findings/{kept.pk}/verify", {"accepted": True}).json()
        assert (verified["status"], verified["verified_by"]) == ("verified", "guo")
        assert list(errors_of(post(guo, f"{URL}/findings/{reopened.pk}/verify",
                                   {"accepted": False}))) == ["note"]
        with self.captureOnCommitCallbacks(execute=True):
            back = post(guo, f"{URL}/findings/{reopened.pk}/verify", {
                "accepted": False, "note": "Sheet empty.", "rectify_by": days(4).isoformat()})
        assert (back.json()["status"], back.json()["rectify_by"]) == ("open", days(4).isoformat())
        assert (back.json()["reopens"], verified["reopens"]) == (1, 0)
        assert back.json()["reopened_at"] is not None and verified["reopened_at"] is None
        reopened.refresh_from_db()
        assert (reopened.status, reopened.verify_note) == (FindingStatus.OPEN, "Sheet empty.")
        assert inbox(w.alice) == ["Inspection of Dongcheng Fever Clinic: 1 to rectify"]

    def test_only_those_handling_tasks_rectify(self) -> None:
        w = self.world
        volunteer = create_user(username="vo", password=PASSWORD, role=Role.VOLUNTEER,
                                home_area=w.town_a)
        finding = self.inspection(findings=1).findings.get()
        assert post(self.client_for(volunteer), f"{URL}/findings/{finding.pk}/rectify",
                    {"rectification": "x"}).status_code == 403
        assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN

    def test_it_lists_the_open_by_default_then_overdue_and_verified(self) -> None:
        w = self.world
        late, rectified, verified = self.inspection(findings=3).findings.order_by("pk")
        Finding.objects.filter(pk=late.pk).update(rectify_by=days(-1))
        inspections.rectify(rectified, by=w.alice, rectification="Done.")
        inspections.rectify(verified, by=w.alice, rectification="Done.")
        inspections.verify(verified, by=self.guo, accepted=True)
        [hotel] = self.inspection(w.town_b, facility=w.facility_b).findings.all()
        guo = self.client_for(self.guo)

        def ids(**query: Any) -> list[int]:
            return [row["id"] for row in guo.get(f"{URL}/findings", query).json()["items"]]

        assert ids() == [late.pk, rectified.pk, hotel.pk]
        assert ids(status="overdue") == [late.pk]
        assert ids(status="verified") == [verified.pk]
        assert ids(status="any", area=w.town_a.pk) == [late.pk, rectified.pk, verified.pk]
        assert ids(limit=2) == [late.pk, rectified.pk]
        assert ids(limit=2, after=rectified.pk) == [hotel.pk]
        overdue = guo.get(f"{URL}/findings", {"status": "overdue"}).json()["items"][0]
        assert (overdue["overdue"], overdue["subject"]) == (True, "Dongcheng Fever Clinic")
        assert [row["id"] for row in self.client_for(w.bob).get(f"{URL}/findings").json()[
            "items"]] == [hotel.pk]
        assert list(errors_of(guo.get(f"{URL}/findings", {"status": "closed"}))) == ["status"]

    def test_it_keeps_the_findings_list_flat_however_many(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.inspection(findings=2)
        # session, user, home area, a page of findings (with their inspection and people)
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/findings").json()["items"]) == 2
        for finding in self.inspection(w.town_b, findings=8,
                                       facility=w.facility_b).findings.all()[:4]:
            inspections.rectify(finding, by=w.bob, rectification="Done.")
        with self.assertNumQueries(4):
            assert len(client.get(f"{URL}/findings").json()["items"]) == 10
