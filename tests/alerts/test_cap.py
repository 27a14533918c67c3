"""The public CAP 1.2 feed of risk levels 风险等级公告: each change a valid message in Chinese and
English (the command's reason kept inside), an update referencing the one before, an
all-clear, the area's boundary as polygons, the Atom index of the messages in force, and the
switch that closes it."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.alerts import cap
from epigrid.areas import services as areas
from epigrid.areas.models import Area, RiskLevelChange
from tests.base import BaseTestCase

NS = {"cap": cap.CAP, "atom": cap.ATOM}
# CAP 1.2's sequences (3.2): every element in this order; the required ones must be there.
ALERT = ("identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction",
         "addresses", "code", "note", "references", "incidents", "info")
INFO = ("language", "category", "event", "responseType", "urgency", "severity", "certainty",
        "audience", "eventCode", "effective", "onset", "expires", "senderName", "headline",
        "description", "instruction", "web", "contact", "parameter", "resource", "area")
AREA = ("areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling")
REQUIRED = {"alert": {"identifier", "sender", "sent", "status", "msgType", "scope"},
            "info": {"category", "event", "urgency", "severity", "certainty"},
            "area": {"areaDesc"}}
VALUES = {"status": {"Actual", "Exercise", "System", "Test", "Draft"},
          "msgType": {"Alert", "Update", "Cancel", "Ack", "Error"},
          "scope": {"Public", "Restricted", "Private"},
          "responseType": {"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor",
                           "Assess", "AllClear", "None"},
          "urgency": {"Immediate", "Expected", "Future", "Past", "Unknown"},
          "severity": {"Extreme", "Severe", "Moderate", "Minor", "Unknown"},
          "certainty": {"Observed", "Likely", "Possible", "Unlikely", "Unknown"}}
MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def check(element: ET.Element, order: tuple[str, ...], required: set[str]) -> None:
    """The children in the standard's order, the required ones present, values allowed."""
    tags = [_local(child) for child in element]
    assert set(tags) <= set(order), tags
    assert tags == sorted(tags, key=order.index), tags
    assert required <= set(tags), (required, tags)
    for child in element:
        allowed = VALUES.get(_local(child))
        assert allowed is None or child.text in allowed, (_local(child), child.text)
        if _local(child) in ("sent", "effective"):
            assert MOMENT.match(child.text or ""), child.text


def valid_alert(body: bytes) -> ET.Element:
    alert = ET.fromstring(body)  # noqa: S314 (our own answer, not untrusted input)
    assert alert.tag == f"{{{cap.CAP}}}alert"
    check(alert, ALERT, REQUIRED["alert"])
    for info in alert.findall("cap:info", NS):
        check(info, INFO, REQUIRED["info"])
        for area in info.findall("cap:area", NS):
            check(area, AREA, REQUIRED["area"])
            for polygon in area.findall("cap:polygon", NS):
                points = (polygon.text or "").split(" ")
                assert len(points) >= 4 and points[0] == points[-1], points
    return alert


def text(element: ET.Element, path: str) -> str:
    found = element.find(path, NS)
    assert found is not None, path
    return found.text or ""


class CapTestCase(BaseTestCase):
    def change(self, area: Area, level: str, reason: str = "Cluster of the Wang family",
               **fields: Any) -> RiskLevelChange:
        area.refresh_from_db()
        return areas.change_risk_level(area, level, reason=reason, changed_by=self.world.command,
                                       **fields)

    def alert(self, change: RiskLevelChange) -> ET.Element:
        response = Client().get(reverse("alerts:cap_alert", args=[change.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/cap+xml"))
        return valid_alert(response.content)


class CapAlertTest(CapTestCase):
    def test_a_raise_is_a_public_alert_in_chinese_and_english_without_the_reason(self) -> None:
        change = self.change(self.world.town_a, "high", effective_on=datetime.date(2020, 2, 10))
        response = Client().get(reverse("alerts:cap_alert", args=[change.pk]))
        self.assertNotIn(b"Wang family", response.content)
        alert = self.alert(change)
        self.assertEqual([text(alert, f"cap:{tag}") for tag in ("identifier", "msgType",
                                                                "scope", "status")],
                         [f"epigrid@localhost.risk.{change.pk}", "Alert", "Public", "Actual"])
        self.assertIsNone(alert.find("cap:references", NS))
        zh, en = alert.findall("cap:info", NS)
        self.assertEqual([text(zh, "cap:language"), text(en, "cap:language")],
                         ["zh-CN", "en-US"])
        self.assertEqual([text(en, f"cap:{tag}") for tag in ("responseType", "urgency",
                                                             "severity", "certainty")],
                         ["Avoid", "Immediate", "Severe", "Observed"])
        self.assertEqual(text(en, "cap:headline"),
                         "Jinhe City Qingshan District Dongcheng Town is a high-risk area")
        self.assertEqual(text(en, "cap:description"),
                         "From 2020-02-10 Jinhe City Qingshan District Dongcheng Town is a "
                         "high-risk area (it was low).")
        self.assertEqual(text(zh, "cap:headline"),
                         "Jinhe City Qingshan District Dongcheng Town为高风险地区")
        self.assertEqual(text(en, "cap:effective"), "2020-02-10T00:00:00+08:00")
        self.assertEqual(text(en, "cap:area/cap:geocode/cap:value"), "420102001000")

    def test_the_next_change_updates_the_one_before_and_low_is_an_all_clear(self) -> None:
        first = self.change(self.world.town_a, "medium")
        second = self.change(self.world.town_a, "low", reason="14 days without a case")
        alert = self.alert(second)
        self.assertEqual(text(alert, "cap:msgType"), "Update")
        self.assertEqual(text(alert, "cap:references"),
                         f"epigrid@localhost,epigrid@localhost.risk.{first.pk},"
                         f"{cap.moment(first.changed_at)}")
        en = alert.findall("cap:info", NS)[1]
        self.assertEqual([text(en, f"cap:{tag}") for tag in ("responseType", "urgency",
                                                             "severity")],
                         ["AllClear", "Past", "Minor"])
        self.assertTrue(text(en, "cap:headline").endswith("is a low-risk area again"))

    def test_chinese_names_run_on(self) -> None:
        names = {"city": "金河市", "district": "青山区", "town_a": "东城镇"}
        for name, chinese in names.items():
            Area.objects.filter(pk=getattr(self.world, name).pk).update(name=chinese)
        zh = self.alert(self.change(self.world.town_a, "high")).findall("cap:info", NS)[0]
        self.assertEqual(text(zh, "cap:area/cap:areaDesc"), "金河市青山区东城镇")
        self.assertEqual(text(zh, "cap:headline"), "金河市青山区东城镇为高风险地区")

    def test_the_areas_boundary_is_its_polygons_lat_before_lon(self) -> None:
        ring = [[114.30, 30.60], [114.40, 30.60], [114.40, 30.70], [114.30, 30.60]]
        for boundary, polygons in (
                ({"type": "Polygon", "coordinates": [ring]}, 1),
                ({"type": "Feature", "geometry": {"type": "MultiPolygon",
                                                  "coordinates": [[ring], [ring]]}}, 2),
                ({"type": "Polygon", "coordinates": [ring[:3]]}, 0),  # not closed
                ({"type": "Point", "coordinates": [114.3, 30.6]}, 0),
                ({"type": "Polygon", "coordinates": [[["x", 1]] * 4]}, 0)):
            Area.objects.filter(pk=self.world.town_a.pk).update(boundary=boundary)
            self.world.town_a.refresh_from_db()
            level = "high" if self.world.town_a.risk_level != "high" else "medium"
            area = self.alert(self.change(self.world.town_a, level)).find("cap:info/cap:area",
                                                                          NS)
            assert area is not None
            found = [polygon.text for polygon in area.findall("cap:polygon", NS)]
            self.assertEqual(len(found), polygons, boundary)
        self.assertEqual(cap._polygons({"type": "Polygon", "coordinates": [ring]}),
                         ["30.6,114.3 30.6,114.4 30.7,114.4 30.6,114.3"])

    def test_a_moment_in_utc_reads_minus_zero(self) -> None:
        at = datetime.datetime(2020, 2, 10, 2, 0, tzinfo=datetime.UTC)
        with timezone.override("UTC"):
            self.assertEqual(cap.moment(at), "2020-02-10T02:00:00-00:00")
        self.assertEqual(cap.moment(at), "2020-02-10T10:00:00+08:00")


class CapIndexTest(CapTestCase):
    def entries(self) -> list[str]:
        response = Client().get(reverse("alerts:cap_index"))
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        feed = ET.fromstring(response.content)  # noqa: S314 (our own answer)
        return [text(entry, "atom:id") for entry in feed.findall("atom:entry", NS)]

    def url(self, change: RiskLevelChange) -> str:
        return "http://testserver" + reverse("alerts:cap_alert", args=[change.pk])

    def test_it_lists_each_areas_latest_message_in_force_newest_first(self) -> None:
        w = self.world
        self.change(w.town_a, "medium")
        town_a = self.change(w.town_a, "high")
        village = self.change(w.village_b1, "medium")
        cleared = self.change(w.village_a1, "high")
        cleared = self.change(w.village_a1, "low")
        for days, level in ((20, "medium"), (15, "low")):  # cleared past the window
            old = self.change(w.town_b, level)
            RiskLevelChange.objects.filter(pk=old.pk).update(
                changed_at=timezone.now() - datetime.timedelta(days=days))
        self.assertEqual(self.entries(), [self.url(cleared), self.url(village),
                                          self.url(town_a)])

    def test_its_queries_do_not_grow_with_its_entries(self) -> None:
        w = self.world
        self.change(w.town_a, "high")
        Client().get(reverse("alerts:cap_index"))
        with CaptureQueriesContext(connection) as one:
            Client().get(reverse("alerts:cap_index"))
        for area in (w.town_b, w.village_a1, w.village_a2, w.grid_a1_1):
            self.change(area, "medium")
        with CaptureQueriesContext(connection) as five:
            self.assertEqual(len(self.entries()), 5)
        self.assertEqual(len(five), len(one))

    @override_settings(CAP_FEED=False)
    def test_it_is_closed_when_the_feed_is_off(self) -> None:
        change = self.change(self.world.town_a, "high")
        self.assertEqual(Client().get(reverse("alerts:cap_index")).status_code, 404)
        self.assertEqual(Client().get(reverse("alerts:cap_alert", args=[change.pk]))
                         .status_code, 404)


class RiskAreasPageTest(CapTestCase):
    """中高风险地区: the page residents read, without a login."""

    def test_it_lists_the_areas_above_low_high_first_for_anyone(self) -> None:
        w = self.world
        self.change(w.village_b1, "medium", effective_on=datetime.date(2020, 2, 9))
        self.change(w.town_a, "high", effective_on=datetime.date(2020, 2, 10))
        self.change(w.village_a2, "high")
        self.change(w.village_a2, "low")
        response = Client().get(reverse("alerts:risk_areas"))
        body = response.content.decode()
        self.assertEqual(re.findall(r'<tr id="area-(\d+)"', body),
                         [w.town_a.code, w.village_b1.code])
        self.assertIn("1 high-risk area · 1 medium-risk area", body)
        self.assertIn("Jinhe City Qingshan District Xihe Town Village B1", body)
        self.assertIn("2020-02-09", body)
        self.assertNotIn("Wang family", body)
        self.assertIn(reverse("alerts:cap_index"), body)

    def test_it_says_so_when_every_area_is_low_and_reads_in_few_queries(self) -> None:
        Client().get(reverse("alerts:risk_areas"))
        with CaptureQueriesContext(connection) as none:
            body = Client().get(reverse("alerts:risk_areas")).content.decode()
        self.assertIn("Every area is at low risk.", body)
        for area in (self.world.town_a, self.world.town_b, self.world.village_a1):
            self.change(area, "medium")
        with CaptureQueriesContext(connection) as three:
            Client().get(reverse("alerts:risk_areas"))
        self.assertLessEqual(len(three), len(none) + 1)  # the areas' names: one query

    @override_settings(CAP_FEED=False)
    def test_it_is_closed_with_the_feed(self) -> None:
        self.assertEqual(Client().get(reverse("alerts:risk_areas")).status_code, 404)
