"""The EDXL-HAVE 2.0 export and its JSON twin: one Organisation per facility with its name,
place and, per bed type, the capacity figures; scoped like every other read."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from epigrid.care import beds, have
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.care.bed_helpers import hospital, hotel, stock

NS = {"have": have.HAVE_NS, "gml": have.GML_NS}


class HaveExportTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.hospital, self.hotel = hospital(w), hotel(w)
        stock(self.hospital, "icu", 10, 7, 1)
        stock(self.hospital, "severe", 30, 30, hours=6)
        stock(self.hotel, "quarantine", 200, 150)
        stock(w.facility_b, "quarantine", 80, 20)

    def document(self, user: object, area: object) -> ET.Element:
        data = have.figures(beds.stocks_within(user, area))  # type: ignore[arg-type]
        return ET.fromstring(have.as_xml(data))  # noqa: S314 - our own export

    def test_it_writes_one_organisation_per_facility_with_its_beds(self) -> None:
        w = self.world
        root = self.document(w.medic, w.town_a)
        assert root.tag == f"{{{have.HAVE_NS}}}HAVE"
        orgs = root.findall("have:Organisation", NS)
        names = [o.findtext("have:OrganisationInformation/have:OrganisationName", namespaces=NS)
                 for o in orgs]
        assert sorted(names) == ["Dongcheng People's Hospital", "Dongcheng Quarantine Hotel"]
        org = next(o for o in orgs if o.findtext(
            "have:OrganisationInformation/have:OrganisationID", namespaces=NS) == "H-DC-01")
        assert org.findtext("have:OrganisationInformation/have:OrganisationType",
                            namespaces=NS) == "designated_hospital"
        assert org.findtext("have:OrganisationGeoLocation/gml:Point/gml:pos",
                            namespaces=NS) == "30.6 114.31"
        capacity = {
            b.findtext("have:BedType", namespaces=NS): {
                child.tag.split("}")[1]: child.text
                for child in b.find("have:Capacity", NS)}  # type: ignore[union-attr]
            for b in org.findall("have:BedCapacity", NS)}
        assert capacity == {
            "icu": {"CapacityStatus": "Vacant", "AvailableCount": "2", "BaselineCount": "10",
                    "OccupiedCount": "7", "ReservedCount": "1"},
            "severe": {"CapacityStatus": "NotAvailable", "AvailableCount": "0",
                       "BaselineCount": "30", "OccupiedCount": "30", "ReservedCount": "0"}}
        assert org.findtext("have:LastUpdateTime", namespaces=NS)

    def test_it_leaves_out_what_the_user_does_not_see(self) -> None:
        w = self.world
        root = self.document(w.bob, w.town_b)
        names = [o.findtext("have:OrganisationInformation/have:OrganisationName", namespaces=NS)
                 for o in root.findall("have:Organisation", NS)]
        assert names == ["Xihe Quarantine Hotel"]
        assert b"Dongcheng" not in have.as_xml(have.figures(beds.stocks_within(w.bob, w.district)))

    def test_it_gives_the_same_figures_as_json_with_stale_flags(self) -> None:
        w = self.world
        data = have.as_json(have.figures(beds.stocks_within(w.medic, w.town_a)))
        json.dumps(data)  # plain JSON types only
        by_code = {f["code"]: f for f in data["facilities"]}
        assert by_code["H-DC-01"]["stale"] is True
        assert [(b["bed_type"], b["available"], b["stale"]) for b in by_code["H-DC-01"]["beds"]] \
            == [("icu", 2, False), ("severe", 0, True)]
        assert by_code["Q-DC-01"]["latitude"] == 30.61
        assert by_code["Q-DC-01"]["beds"][0]["total"] == 200

    def test_it_downloads_both_from_the_page_and_logs_the_export(self) -> None:
        w = self.world
        client = self.client_for(w.medic)
        xml = client.get(f"/care/beds/areas/{w.town_a.pk}/have.xml")
        assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
        assert "attachment" in xml["Content-Disposition"]
        root = ET.fromstring(xml.content)  # noqa: S314 - our own export
        assert len(root.findall("have:Organisation", NS)) == 2
        got = client.get(f"/care/beds/areas/{w.town_a.pk}/beds.json").json()
        assert len(got["facilities"]) == 2
        assert AuditEntry.objects.filter(action="export", model="care.BedStock").count() == 2
        assert self.client_for(w.bob).get(
            f"/care/beds/areas/{w.town_a.pk}/have.xml").status_code == 404
        assert self.client_for(w.li).get(
            f"/care/beds/areas/{w.grid_a1_1.pk}/have.xml").status_code == 403
