"""Downloading the briefing 简报 from the meeting page and the API: who may, in which format,
and the refusals (an unknown format, a future day, an area out of reach)."""

from __future__ import annotations

from django.urls import reverse

from tests.base import BaseTestCase
from tests.briefing.helpers import days, outbreak_in_town_a, today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_url(area_id: int, fmt: str, day: str = "") -> str:
    return reverse("briefing:download", args=(area_id, fmt)) + (f"?day={day}" if day else "")


class DownloadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        outbreak_in_town_a(cls.world)

    def test_it_downloads_each_format_with_its_name(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        for fmt, magic in (("pdf", b"%PDF-"), ("docx", b"PK"), ("xlsx", b"PK")):
            with self.subTest(fmt=fmt):
                response = client.get(download_url(w.district.pk, fmt))
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.content.startswith(magic))
                self.assertEqual(
                    response["Content-Disposition"],
                    f'attachment; filename="briefing-{w.district.code}-{today()}.{fmt}"')

    def test_it_takes_the_export_capability(self) -> None:
        w = self.world
        self.assertEqual(self.client_for(w.li).get(download_url(w.grid_a1_1.pk, "xlsx"))
                         .status_code, 403)
        self.assertEqual(self.client_for(w.alice).get(download_url(w.town_a.pk, "xlsx"))
                         .status_code, 200)

    def test_it_refuses_an_unknown_format_a_future_day_and_another_towns_area(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        self.assertEqual(client.get(download_url(w.district.pk, "exe")).status_code, 404)
        future = client.get(download_url(w.district.pk, "pdf", str(today() + days(1))))
        self.assertContains(future, "is in the future", status_code=400)
        self.assertEqual(self.client_for(w.bob).get(download_url(w.town_a.pk, "pdf"))
                         .status_code, 404)


class BriefingApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        outbreak_in_town_a(cls.world)

    def test_it_answers_the_meeting_as_data(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(
            f"/api/briefing/meeting?area={w.district.pk}")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual([c["name"] for c in data["children"]], ["Dongcheng Town", "Xihe Town"])
        figures = {f["code"]: f for f in data["figures"]}
        self.assertEqual((figures["new_confirmed"]["value"], figures["new_confirmed"]["change"],
                          figures["new_confirmed"]["children"]), (3, 2, [3, 0]))
        self.assertIn("New confirmed cases: 3, 2 more than yesterday, mostly in Dongcheng Town "
                      "(100%).", data["talking_points"])
        self.assertEqual([a["name"] for a in data["unreported"]],
                         ["Dongcheng Town", "Village A1", "Village A2", "Xihe Town",
                          "Village B1"])
        self.assertEqual(data["problems_open"], 0)
        self.assertEqual(data["problems_escalated"], 0)

    def test_it_answers_the_briefing_as_a_file(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(
            f"/api/briefing/document?area={w.town_a.pk}&format=xlsx")
        self.assertEqual((response.status_code, response["Content-Type"]), (200, XLSX))

    def test_it_refuses_bad_input_naming_the_field(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        for query, field in ((f"area={w.district.pk}&day=2020-02-30", "day"),
                             (f"area={w.district.pk}&day={today() + days(1)}", "day"),
                             (f"area={w.district.pk}&format=odt", "format")):
            with self.subTest(query=query):
                route = "document" if "format" in query else "meeting"
                response = client.get(f"/api/briefing/{route}?{query}")
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["detail"][0]["loc"], ["query", field])
        self.assertEqual(self.client_for(w.bob).get(
            f"/api/briefing/meeting?area={w.town_a.pk}").status_code, 404)
        self.assertEqual(self.client_for(w.li).get(
            f"/api/briefing/document?area={w.grid_a1_1.pk}").status_code, 403)
