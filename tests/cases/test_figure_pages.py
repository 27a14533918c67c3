"""The case figure pages, the area page's panel and the figures API, as their users see them."""

from __future__ import annotations

import datetime
import json
from typing import ClassVar

from django.urls import reverse
from django.utils import timezone

from epigrid.cases import services
from epigrid.cases.models import Evidence
from epigrid.cases.states import State
from tests.base import ID_A2, BaseTestCase
from tests.cases.figure_helpers import Outbreak, outbreak


class FigurePageTests(BaseTestCase):
    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.story = outbreak(cls.world)

    def url(self, name: str, *args: object, day: datetime.date | None = None) -> str:
        return reverse(f"cases:{name}", args=args) + (f"?day={day.isoformat()}" if day else "")

    def test_it_opens_the_figures_at_the_users_home_area(self) -> None:
        response = self.client_for(self.world.alice).get(self.url("figure_index"))
        self.assertRedirects(response, self.url("figure_area", self.world.town_a.pk))

    def test_it_shows_an_areas_figures_with_change_and_children(self) -> None:
        w = self.world
        response = self.client_for(w.alice).get(self.url("figure_area", w.town_a.pk,
                                                          day=self.story.d2))
        self.assertEqual(response.status_code, 200)
        rows = {f.code: f for _title, group in response.context["groups"] for f in group}
        self.assertEqual(rows["new_confirmed"].value, 1)
        self.assertEqual(rows["current_close_contact"].value, 1)
        self.assertEqual(rows["current_close_contact"].change, -1)  # 2 on d1
        children = {child.name: values for child, values in response.context["children"]}
        self.assertEqual(set(children), {"Village A1", "Village A2"})
        self.assertEqual(children["Village A2"][response.context["headline"].index(
            ("current_close_contact", "Under management: close contact"))], 1)
        self.assertContains(response, self.url("figure_records", w.town_a.pk, "new_confirmed",
                                               day=self.story.d2))

    def test_it_refuses_a_bad_or_future_day(self) -> None:
        client = self.client_for(self.world.alice)
        for day, why in (("2020-13-01", "YYYY-MM-DD"), ("yesterday", "YYYY-MM-DD"),
                         ((timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
                          "future")):
            with self.subTest(day=day):
                response = client.get(self.url("figure_area", self.world.town_a.pk) +
                                      f"?day={day}")
                self.assertEqual(response.status_code, 400)
                self.assertIn(why, response.content.decode())

    def test_it_hides_other_towns_figures(self) -> None:
        client = self.client_for(self.world.bob)
        for name, args in (("figure_area", ()), ("figure_curve", ()),
                           ("figure_records", ("new_confirmed",))):
            with self.subTest(page=name):
                response = client.get(self.url(name, self.world.town_a.pk, *args))
                self.assertEqual(response.status_code, 404)

    def test_it_lists_the_records_behind_a_figure(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        response = client.get(self.url("figure_records", w.town_a.pk, "total_close_contact",
                                        day=self.story.d2))
        names = sorted(case.person.name for case in response.context["rows"])
        self.assertEqual(names, ["Feng Bo", "Wang Lei", "Zhou Yan"])
        self.assertContains(response, "Feng Bo")
        self.assertContains(response, w.person_a2.id_number_masked)
        self.assertNotContains(response, ID_A2)  # masked, never the full number
        missing = client.get(self.url("figure_records", w.town_a.pk, "new_zombies"))
        self.assertEqual(missing.status_code, 404)

    def test_it_lists_every_kind_of_record(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        expected = {"in_centralized_quarantine": "Zhou Yan", "follow_ups_done": "Zhou Yan",
                    "follow_ups_missed": "Zhou Yan", "tests_positive": "Wang Lei",
                    "tests_pending": "Unknown", "released_today": "Feng Bo"}
        for code, name in expected.items():
            with self.subTest(code=code):
                response = client.get(self.url("figure_records", w.district.pk, code,
                                                day=self.story.d2))
                self.assertContains(response, name)

    def test_it_restricts_a_list_to_the_users_subtree(self) -> None:
        # The unmatched sample sits at the district: alice (town A) does not see it.
        response = self.client_for(self.world.alice).get(self.url(
            "figure_records", self.world.town_a.pk, "tests_pending", day=self.story.d2))
        self.assertEqual(response.context["rows"], [])

    def test_it_pages_a_list_by_key_in_constant_queries(self) -> None:
        client = self.client_for(self.world.command)
        url = self.url("figure_records", self.world.district.pk, "total_fever",
                       day=self.story.d3)
        client.get(url)  # warm the session and the user
        with self.assertNumQueries(5):  # session, user, home area, area, the page with persons
            response = client.get(url)
        self.assertEqual(len(response.context["rows"]), 2)

    def test_it_draws_the_curve_and_rt_from_a_json_script(self) -> None:
        response = self.client_for(self.world.alice).get(self.url("figure_curve",
                                                                  self.world.town_a.pk))
        self.assertContains(response, 'id="curve-data"')
        self.assertContains(response, "cases/curve.js")
        self.assertNotContains(response, "<script>")
        # Up to the request's today: a day longer when the run crossed midnight since
        # setUpTestData dated the story (d0 to d3).
        days = (timezone.localdate() - self.story.d0).days + 1
        self.assertEqual(response.context["curve"]["by_report"], [0, 0, 2, 0] + [0] * (days - 4))


class AreaPanelTests(BaseTestCase):
    def panel(self) -> dict[str, int]:
        response = self.client_for(self.world.alice).get(reverse("areas:detail",
                                                                 args=[self.world.town_a.pk]))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="case-figures"', html)
        found = {}
        for code in ("current_confirmed", "current_suspected", "current_fever",
                     "current_close_contact", "new_confirmed"):
            marker = f'data-code="{code}">'
            start = html.index(marker) + len(marker)
            value = html[start:html.index("</dd>", start)]
            found[code] = int(value.split(">")[1].split("<")[0].replace(",", ""))
        return found

    def test_it_shows_fresh_case_figures_on_the_area_page(self) -> None:
        w = self.world
        self.assertEqual(self.panel()["current_confirmed"], 0)
        case = services.open_case(w.person_a, State.SUSPECTED, reason="cough",
                                  at=timezone.now() - datetime.timedelta(minutes=5))
        self.assertEqual(self.panel()["current_suspected"], 1)
        services.transition(case, State.CONFIRMED, reason="positive", evidence=Evidence.TEST)
        after = self.panel()
        self.assertEqual((after["current_confirmed"], after["current_suspected"],
                          after["new_confirmed"]), (1, 0, 1))


class FigureApiTests(BaseTestCase):
    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.story = outbreak(cls.world)

    def get(self, path: str) -> tuple[int, dict[str, object]]:
        response = self.client_for(self.world.alice).get(f"/api/case-figures{path}")
        return response.status_code, json.loads(response.content)

    def test_it_answers_an_areas_figures_for_a_day(self) -> None:
        status, body = self.get(f"/areas/{self.world.town_a.pk}?day={self.story.d2}")
        self.assertEqual(status, 200)
        figures = body["figures"]
        assert isinstance(figures, dict)
        self.assertEqual(figures["new_confirmed"], 1)
        change = body["change"]
        assert isinstance(change, dict)
        self.assertEqual(change["current_close_contact"], -1)
        children = body["children"]
        assert isinstance(children, list)
        self.assertEqual([c["area_name"] for c in children], ["Village A1", "Village A2"])

    def test_it_answers_a_range_of_days(self) -> None:
        status, body = self.get(f"/areas/{self.world.town_a.pk}/days?start={self.story.d0}")
        self.assertEqual(status, 200)
        days = body["days"]
        assert isinstance(days, list)
        self.assertEqual([d["figures"]["current_confirmed"] for d in days], [0, 0, 1, 2])

    def test_it_says_which_parameter_is_wrong(self) -> None:
        town = self.world.town_a.pk
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for path, field in ((f"/areas/{town}?day=13/01", "day"),
                            (f"/areas/{town}?day={tomorrow}", "day"),
                            (f"/areas/{town}/days?start={self.story.d3}&end={self.story.d0}",
                             "start"),
                            (f"/areas/{town}/days?start=2020-01-01", "start"),
                            (f"/areas/{town}/curve?days=0", "days")):
            with self.subTest(path=path):
                status, body = self.get(path)
                self.assertEqual(status, 422)
                detail = body["detail"]
                assert isinstance(detail, list)
                self.assertEqual(detail[0]["loc"], ["query", field])

    def test_it_answers_the_curve_with_rt(self) -> None:
        status, body = self.get(f"/areas/{self.world.town_a.pk}/curve")
        self.assertEqual(status, 200)
        self.assertEqual(body["by_report"], [0, 0, 2, 0])
        self.assertEqual(body["onset_unknown"], 1)

    def test_it_hides_other_towns(self) -> None:
        status, _body = self.get(f"/areas/{self.world.town_b.pk}")
        self.assertEqual(status, 404)
