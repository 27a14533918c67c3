"""Reading a dashboard's choice from the query: what is known is kept in order, the rest refused
naming its parameter — for any text (hypothesis)."""

from __future__ import annotations

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from epigrid.dashboards import choices
from epigrid.reporting.metrics import by_code
from epigrid.reporting.reading import BadQueryError

CODES = sorted(by_code())
code_lists = st.lists(st.sampled_from(CODES), min_size=1, max_size=choices.MAX_TREND)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


class ChoiceTests(SimpleTestCase):
    def test_it_chooses_the_defaults_when_told_nothing(self) -> None:
        choice = choices.parse_choice({})
        self.assertEqual([m.code for m in choice.figures], list(choices.DEFAULT_FIGURES))
        self.assertEqual([m.code for m in choice.trend], list(choices.DEFAULT_TREND))
        self.assertEqual((choice.days, choice.map_by, choice.map_key), (14, None, "risk"))
        self.assertEqual((choice.day - choice.first_day).days, 13)

    def test_it_asks_again_for_the_same_choice(self) -> None:
        choice = choices.parse_choice({"metric": ["tests_done,new_fever"], "days": ["30"],
                                       "trend": ["vehicles"], "map": ["passages_in"]})
        self.assertEqual(choice.query(), "metric=tests_done,new_fever&trend=vehicles&days=30"
                                         "&map=passages_in")
        again = {key: [value] for key, value in
                 (part.split("=") for part in choice.query().split("&"))}
        self.assertEqual(choices.parse_choice(again), choice)

    @given(code_lists, st.booleans())
    def test_it_keeps_known_codes_in_order_once_each_comma_separated_or_repeated(
            self, codes: list[str], repeated: bool) -> None:
        raw = codes if repeated else [", ".join(codes)]
        chosen = choices.parse_metric_list(raw, "trend", choices.DEFAULT_TREND,
                                           choices.MAX_TREND)
        self.assertEqual([m.code for m in chosen], list(dict.fromkeys(codes)))

    @given(st.lists(text, max_size=4))
    def test_any_metric_text_is_either_known_codes_or_refused_naming_the_field(
            self, raw: list[str]) -> None:
        try:
            chosen = choices.parse_metric_list(raw, "metric", choices.DEFAULT_FIGURES,
                                               choices.MAX_FIGURES)
        except BadQueryError as error:
            self.assertEqual(error.field, "metric")
            self.assertTrue(str(error))
        else:
            self.assertTrue(0 < len(chosen) <= choices.MAX_FIGURES)
            self.assertTrue(all(m.code in CODES for m in chosen))

    @given(text)
    def test_any_days_text_is_14_or_30_or_refused_naming_the_field(self, raw: str) -> None:
        try:
            self.assertIn(choices.parse_days(raw), choices.TREND_DAYS)
        except BadQueryError as error:
            self.assertEqual(error.field, "days")

    @given(text)
    def test_any_map_text_is_risk_a_metric_or_refused_naming_the_field(self, raw: str) -> None:
        try:
            metric = choices.parse_map(raw)
        except BadQueryError as error:
            self.assertEqual(error.field, "map")
        else:
            self.assertTrue(metric is None or metric.code in CODES)

    @given(st.one_of(text, st.integers(-10_000, 10_000).map(str)))
    def test_any_refresh_text_is_an_interval_in_bounds_or_refused(self, raw: str) -> None:
        try:
            seconds = choices.parse_refresh(raw)
        except BadQueryError as error:
            self.assertEqual(error.field, "refresh")
        else:
            self.assertTrue(choices.MIN_REFRESH <= seconds <= choices.MAX_REFRESH)

    def test_it_names_why_a_choice_is_refused(self) -> None:
        for query, field, why in (
                ({"metric": ["new_confirmed,nope"]}, "metric", "No metric nope"),
                ({"trend": [",".join(CODES[:7])]}, "trend", "at most 6"),
                ({"days": ["7"]}, "days", "14 or 30"),
                ({"map": ["risky"]}, "map", "“risky”"),
                ({"day": ["2020-02-30"]}, "day", "YYYY-MM-DD")):
            with self.subTest(query=query), self.assertRaises(BadQueryError) as caught:
                choices.parse_choice(query)
            self.assertEqual(caught.exception.field, field)
            self.assertIn(why, str(caught.exception))
