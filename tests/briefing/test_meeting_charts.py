"""The dispatch meeting page's charts 图表: the briefing's epidemic curve, screening progress and
checkpoint flows, drawn in the browser from json_script data, each over a table of its figures.

The story: the small outbreak of the case figure tests (three infections reported the day before
yesterday — two confirmed, one asymptomatic — one of them with an onset three days ago), the
stored figures of town A's outbreak (town A has visited 10 of its 20 households, town B 2 of 10),
and checkpoint flows stored for yesterday, today and five days ago.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.briefing import chart_data, charts, content
from epigrid.cases import services as cases
from epigrid.cases.models import Evidence
from epigrid.cases.states import State
from epigrid.registry import services as registry
from tests.base import BaseTestCase
from tests.briefing.helpers import days, outbreak_in_town_a, store_figures, today
from tests.cases.figure_helpers import Outbreak, noon, outbreak
from tests.reporting.helpers import more_areas

LAST = chart_data.CHART_DAYS - 1  # today's index in a chart's days


def page_url(area_id: int, day: str = "") -> str:
    return reverse("briefing:meeting", args=(area_id,)) + (f"?day={day}" if day else "")


def chart_json(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="meeting-charts" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found, "the page carries no chart data"
    data: dict[str, Any] = json.loads(found.group(1))
    return {chart["key"]: chart for chart in data["charts"]}


def series(chart: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["key"]: s for s in chart["series"]}


class MeetingChartTests(BaseTestCase):
    story: ClassVar[Outbreak]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.story = outbreak(w)
        outbreak_in_town_a(w)  # passages in: 100 yesterday, 120 today
        store_figures(w.district, today() - days(5), {"passages_in": 40, "passages_out": 35,
                                                      "turned_back": 2})

    def charts(self, area_id: int | None = None, day: str = "") -> dict[str, Any]:
        w = self.world
        response = self.client_for(w.command).get(page_url(area_id or w.district.pk, day))
        self.assertEqual(response.status_code, 200)
        return chart_json(response.content.decode())

    def test_it_draws_the_three_charts_of_the_briefing_in_its_order(self) -> None:
        found = self.charts()
        self.assertEqual(list(found), ["curve", "screening", "flows"])
        self.assertEqual(found["curve"]["name"], "Epidemic curve")
        self.assertEqual(found["flows"]["title"], "Checkpoint flows: passages per day")

    def test_it_counts_each_infection_once_on_the_curve_by_report_and_by_onset(self) -> None:
        curve = self.charts()["curve"]
        self.assertEqual(len(curve["categories"]), 30)
        self.assertEqual(curve["categories"][-1], today().isoformat())
        self.assertEqual(curve["categories"][LAST - 1], self.story.d2.isoformat())
        by_report, by_onset = series(curve)["by_report"], series(curve)["by_onset"]
        # p1 confirmed, p2 asymptomatic (town A) and p5 confirmed (town B), all on d2.
        self.assertEqual(by_report["values"], [0] * 28 + [3, 0])
        self.assertEqual(by_onset["values"], [0] * 26 + [1, 0, 0, 0])  # p1, onset d0
        self.assertEqual((by_report["kind"], by_onset["kind"]), ("bar", "line"))
        town_b = series(self.charts(self.world.town_b.pk)["curve"])["by_report"]
        self.assertEqual(sum(town_b["values"]), 1)  # only its own subtree's case

    def test_it_opens_the_case_figures_behind_a_day_of_the_curve(self) -> None:
        w = self.world
        by_report = series(self.charts()["curve"])["by_report"]
        link = by_report["urls"][LAST - 1]
        self.assertEqual(link, reverse("cases:figure_area", args=(w.district.pk,))
                         + f"?day={self.story.d2.isoformat()}")
        behind = self.client_for(w.command).get(link)
        self.assertEqual(behind.status_code, 200)
        cases_of_day = {row.code: row.value for _title, rows in behind.context["groups"]
                        for row in rows}
        self.assertEqual(cases_of_day["new_confirmed"] + cases_of_day["new_asymptomatic"], 3)
        self.assertEqual(series(self.charts()["curve"])["by_onset"]["urls"], [])  # no such list

    def test_it_shows_each_child_areas_screening_progress_in_percent(self) -> None:
        w = self.world
        screening = self.charts()["screening"]
        self.assertEqual(screening["categories"], ["Dongcheng Town", "Xihe Town"])
        visited = series(screening)["visited"]
        self.assertEqual(visited["values"], [50, 20])  # 10 of 20, 2 of 10 households
        self.assertTrue(screening["percent"] and screening["horizontal"])
        self.assertEqual(visited["urls"][0], page_url(w.town_a.pk, today().isoformat()))

    def test_it_shows_an_area_without_children_its_own_progress(self) -> None:
        w = self.world
        store_figures(w.grid_a1_1, today(), {"households_registered": 4,
                                             "households_visited_campaign": 3})
        screening = self.client_for(w.li).get(page_url(w.grid_a1_1.pk))
        found = chart_json(screening.content.decode())["screening"]
        self.assertEqual((found["categories"], series(found)["visited"]["values"]),
                         (["Grid A1-1"], [75]))

    def test_it_draws_the_checkpoint_flows_of_the_last_thirty_days(self) -> None:
        w = self.world
        flows = series(self.charts()["flows"])
        self.assertEqual(flows["passages_in"]["values"], [0] * 24 + [40, 0, 0, 0, 100, 120])
        self.assertEqual(flows["passages_out"]["values"], [0] * 24 + [35] + [0] * 5)
        self.assertEqual(flows["turned_back"]["values"], [0] * 24 + [2] + [0] * 5)
        self.assertEqual(flows["passages_in"]["urls"][LAST],
                         reverse("checkpoints:figure_area", args=(w.district.pk,))
                         + f"?day={today().isoformat()}&days=1")

    def test_it_ends_the_charts_on_the_meetings_day(self) -> None:
        day = today() - days(1)
        found = self.charts(day=day.isoformat())
        self.assertEqual(found["flows"]["categories"][-1], day.isoformat())
        self.assertEqual(series(found["flows"])["passages_in"]["values"][-2:], [0, 100])
        self.assertEqual(series(found["curve"])["by_report"]["values"][-1], 3)  # d2 is its last

    def test_it_shows_the_very_data_the_briefing_files_draw(self) -> None:
        w = self.world
        drawn: list[chart_data.ChartData] = []

        def capture(chart: chart_data.ChartData) -> bytes:
            drawn.append(chart)
            return b"png"

        with mock.patch.object(charts, "draw", side_effect=capture):
            briefing = content.build(w.district, today())
        self.assertEqual([c.png for c in briefing.charts], [b"png"] * 3)
        self.assertEqual({chart.key: chart.as_json() for chart in drawn}, self.charts())

    def test_it_gives_each_chart_a_caption_and_a_table_of_its_figures(self) -> None:
        w = self.world
        response = self.client_for(w.command).get(page_url(w.district.pk))
        html = response.content.decode()
        for key in ("curve", "screening", "flows"):
            with self.subTest(chart=key):
                self.assertIn(f'aria-labelledby="chart-{key}-caption" hidden', html)
                self.assertIn(f'<table class="data" id="chart-{key}-table">', html)
        town_a = page_url(w.town_a.pk, today().isoformat())
        self.assertContains(response, f'<tr><th scope="row">Dongcheng Town</th>'
                                      f'<td class="num"><a href="{town_a}">50%</a></td></tr>',
                            html=True)
        d2_link = reverse("cases:figure_area", args=(w.district.pk,)) + f"?day={self.story.d2}"
        self.assertContains(response, f'<tr><th scope="row">{self.story.d2.isoformat()}</th>'
                                      f'<td class="num"><a href="{d2_link}">3</a></td>'
                                      '<td class="num">0</td></tr>', html=True)

    def test_it_says_so_when_a_chart_has_nothing_to_show(self) -> None:
        w = self.world
        long_ago = (today() - days(60)).isoformat()
        response = self.client_for(w.command).get(page_url(w.district.pk, long_ago))
        found = chart_json(response.content.decode())
        self.assertFalse(any(any(s["values"]) for c in found.values() for s in c["series"]))
        self.assertContains(response, "No confirmed or asymptomatic case in these days.")
        self.assertContains(response, "No passage logged in these days.")

    def test_it_speaks_chinese_in_the_charts_to_a_chinese_reader(self) -> None:
        client = self.client_for(self.world.command)
        client.cookies["django_language"] = "zh-hans"
        found = chart_json(client.get(page_url(self.world.district.pk)).content.decode())
        self.assertEqual(found["curve"]["name"], "流行曲线")

    def test_it_keeps_names_typed_by_people_out_of_the_pages_markup(self) -> None:
        w = self.world
        w.town_b.name = "Xihe</script><b>Town</b>"
        w.town_b.save(update_fields=["name"])
        response = self.client_for(w.command).get(page_url(w.district.pk))
        html = response.content.decode()
        self.assertNotIn("<b>Town</b>", html)
        self.assertEqual(chart_json(html)["screening"]["categories"][1], "Xihe</script><b>Town</b>")

    def test_it_keeps_to_the_content_security_policy(self) -> None:
        response = self.client_for(self.world.command).get(page_url(self.world.district.pk))
        html = response.content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            with self.subTest(tag=tag):
                self.assertTrue("src=" in tag or 'type="application/json"' in tag)
        self.assertNotIn("style=", html)
        self.assertIn('src="/static/vendor/echarts-6.1.0.min.js"', html)
        self.assertIn('src="/static/briefing/meeting.js"', html)

    def test_it_serves_the_script_that_draws_them(self) -> None:
        response = self.client.get("/static/briefing/meeting.js")
        self.assertEqual(response.status_code, 200)
        script = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        self.assertIn('read("meeting-charts")', script)
        self.assertIn("echarts.init", script)

    def test_it_adds_no_query_per_day_case_or_child_for_the_charts(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        client.get(page_url(w.district.pk))

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(page_url(w.district.pk)).status_code, 200)
            return len(captured.captured_queries)

        few = queries()
        grids = [w.grid_a1_1, w.grid_a1_2, w.grid_a2_1, w.grid_b1_1] * 2
        for n, town in enumerate(more_areas(w.district, 6)):
            store_figures(town, today(), {"households_registered": 5})
            store_figures(w.district, today() - days(10 + n), {"passages_in": n + 1})
            person = registry.create_person(grid=grids[n], name=f"Case {n}")
            cases.open_case(person, State.CONFIRMED, reason="test", evidence=Evidence.TEST,
                            at=noon(today() - days(n + 3)), onset_date=today() - days(n + 4))
        self.assertEqual(sum(series(self.charts()["curve"])["by_report"]["values"]), 9)
        self.assertEqual(queries(), few)
        # the meeting's ~15, the curve's one, the flows' two, the supplies panel's five, the
        # supervision panel's one (two when a task is overdue)
        self.assertLessEqual(few, 25)
