"""What a change of a case figure means, on the cases' own figures page as in the roll-up."""

from __future__ import annotations

from django.urls import reverse

from epigrid.cases import figures
from epigrid.cases.figure_meaning import trend
from epigrid.reporting.metrics import by_code
from tests.base import BaseTestCase
from tests.cases.figure_helpers import outbreak


def test_it_reads_a_rise_of_cases_as_worse_and_a_fall_as_better() -> None:
    assert trend("new_confirmed", 1) == "worse"
    assert trend("new_confirmed", -1) == "better"


def test_it_reads_a_rise_of_releases_and_tests_done_as_better() -> None:
    assert trend("released_today", 2) == "better"
    assert trend("tests_done", -3) == "worse"


def test_it_gives_no_colour_to_no_change_or_to_a_neutral_figure() -> None:
    assert trend("new_confirmed", 0) == ""
    assert trend("in_home_quarantine", 5) == trend("in_home_quarantine", -5) == ""


def test_it_agrees_with_the_roll_ups_metric_of_every_figure() -> None:
    metrics = by_code()
    shared = [code for code in figures.CODES if code in metrics]  # not every one is rolled up
    assert len(shared) > 20
    for code in shared:
        for change in (-2, 0, 3):
            assert trend(code, change) == metrics[code].trend(change), (code, change)


class FigurePageColourTests(BaseTestCase):
    def test_it_colours_each_change_on_the_figures_page(self) -> None:
        w = self.world
        story = outbreak(w)
        url = reverse("cases:figure_area", args=(w.town_a.pk,)) + f"?day={story.d2.isoformat()}"
        response = self.client_for(w.alice).get(url)
        rows = {f.code: f for _title, group in response.context["groups"] for f in group}
        assert rows["current_close_contact"].change == -1
        assert rows["current_close_contact"].trend == "better"
        self.assertContains(response, '<td class="num better">-1</td>', html=False)
        unchanged = [f for f in rows.values() if f.change == 0]
        assert unchanged and all(f.trend == "" for f in unchanged)
