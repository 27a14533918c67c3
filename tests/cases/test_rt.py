"""Rt by Cori et al. (2013): checked against R EpiEstim's published example, and by properties."""

from __future__ import annotations

import math

import pytest
from django.test import SimpleTestCase, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from epigrid.cases import rt

# EpiEstim's example data set Flu2009 (R package EpiEstim, mrc-ide/EpiEstim, data/Flu2009.rda:
# pandemic H1N1 influenza in a school in Pennsylvania, 2009-04-27 to 2009-05-28), as printed
# by `Flu2009$incidence$I` and `Flu2009$si_distr` in R.
FLU2009_INCIDENCE = [1, 1, 0, 2, 5, 3, 3, 3, 6, 2, 5, 9, 13, 12, 13, 11, 12, 6, 6, 6,
                     3, 1, 0, 2, 0, 0, 0, 0, 2, 0, 2, 0]
FLU2009_SI = [0, 0.233, 0.359, 0.198, 0.103, 0.053, 0.027, 0.014, 0.007, 0.003, 0.002, 0.001]


class EpiEstimExampleTests(SimpleTestCase):
    def test_it_matches_epiestim_on_flu2009_first_weekly_window(self) -> None:
        # estimate_R(Flu2009$incidence, method = "non_parametric_si",
        #            config = make_config(list(si_distr = Flu2009$si_distr)))
        # first row (t_start = 2, t_end = 8): Mean(R) = 1.7356089
        first = rt.estimate(FLU2009_INCIDENCE, FLU2009_SI)[0]
        self.assertEqual((first.start + 1, first.end + 1), (2, 8))
        self.assertEqual(f"{first.mean:.7g}", "1.735609")
        self.assertAlmostEqual(first.mean, 1.7356089, places=7)
        self.assertEqual(first.cases, 17)
        self.assertLess(first.lower, first.mean)
        self.assertGreater(first.upper, first.mean)

    def test_it_gives_one_estimate_per_weekly_window(self) -> None:
        estimates = rt.estimate(FLU2009_INCIDENCE, FLU2009_SI)
        # EpiEstim's default windows: t_start = 2..26, t_end = 8..32 (1-based).
        self.assertEqual(len(estimates), 25)
        self.assertEqual(estimates[-1].end, 31)

    def test_it_skips_windows_without_any_earlier_case(self) -> None:
        self.assertEqual(rt.estimate([0] * 10 + [3], FLU2009_SI, window=2), [])


class GammaTests(SimpleTestCase):
    def test_it_matches_chi_square_table_values(self) -> None:
        # chi-square with 10 degrees of freedom is Gamma(5, scale 2).
        self.assertAlmostEqual(rt.gamma_quantile(0.975, 5, 2), 20.4832, places=4)
        self.assertAlmostEqual(rt.gamma_quantile(0.025, 5, 2), 3.24697, places=4)

    def test_it_matches_the_exponential_closed_form(self) -> None:
        for p in (0.025, 0.5, 0.975):
            self.assertAlmostEqual(rt.gamma_quantile(p, 1, 3), -3 * math.log(1 - p), places=9)

    def test_it_refuses_probabilities_outside_zero_one(self) -> None:
        with pytest.raises(ValueError, match="between 0 and 1"):
            rt.gamma_quantile(1.0, 2, 1)


class SerialIntervalTests(SimpleTestCase):
    def test_it_discretizes_a_gamma_keeping_its_mean(self) -> None:
        weights = rt.parse_serial_interval("gamma:4.7:2.9")
        self.assertEqual(weights[0], 0)
        self.assertAlmostEqual(sum(weights), 1, places=5)
        self.assertAlmostEqual(sum(k * w for k, w in enumerate(weights)), 4.7, places=3)

    def test_it_reads_a_list_of_probabilities(self) -> None:
        self.assertEqual(rt.parse_serial_interval("0, 0.5, 0.5"), (0, 0.5, 0.5))

    def test_it_says_why_a_spec_is_refused(self) -> None:
        cases = {"": "empty", "gamma:4.7": "gamma:MEAN:SD", "gamma:x:2": "numbers",
                 "gamma:0.5:2": "above 1 day", "0,a": "numbers separated",
                 "0.1,0.9": "day 0", "0,0.5": "sum to 1", "0,-1,2": "not negative"}
        for spec, why in cases.items():
            with self.subTest(spec=spec), pytest.raises(rt.SerialIntervalError, match=why):
                rt.parse_serial_interval(spec)

    @override_settings(CASE_SERIAL_INTERVAL="0,0.25,0.75")
    def test_it_takes_the_serial_interval_from_the_setting(self) -> None:
        self.assertEqual(rt.configured_serial_interval(), (0, 0.25, 0.75))


incidences = st.lists(st.integers(min_value=0, max_value=500), min_size=8, max_size=40)


@settings(max_examples=60, deadline=None)
@given(incidences)
def test_it_keeps_the_quantiles_around_the_mean(incidence: list[int]) -> None:
    for estimate in rt.estimate(incidence, FLU2009_SI):
        assert 0 < estimate.lower < estimate.mean < estimate.upper


@settings(max_examples=60, deadline=None)
@given(incidences, st.integers(min_value=2, max_value=50))
def test_it_moves_towards_the_data_when_incidence_scales_up(incidence: list[int],
                                                            factor: int) -> None:
    """Scaling every count by k keeps the data's ratio sum(I)/sum(Lambda); the posterior mean
    moves towards it (the prior fades) and its relative spread shrinks."""
    base = {e.end: e for e in rt.estimate(incidence, FLU2009_SI)}
    scaled = {e.end: e for e in rt.estimate([n * factor for n in incidence], FLU2009_SI)}
    assert base.keys() == scaled.keys()
    pressure = rt.infectivity(incidence, FLU2009_SI)
    for end, estimate in scaled.items():
        before = base[end]
        ratio = before.cases / sum(pressure[before.start:end + 1])
        assert abs(estimate.mean - ratio) <= abs(before.mean - ratio) + 1e-9
        if before.cases:
            spread = (estimate.upper - estimate.lower) / estimate.mean
            assert spread < (before.upper - before.lower) / before.mean + 1e-9


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=1.5, max_value=15), st.floats(min_value=0.3, max_value=8))
def test_it_discretizes_any_reasonable_gamma_into_a_distribution(mean: float, sd: float) -> None:
    sd = min(sd, mean - 1)  # serial intervals of real diseases: a spread below the mean
    weights = rt.discretize_gamma(mean, sd)
    assert weights[0] == 0
    assert all(w >= 0 for w in weights)
    assert sum(weights) == pytest.approx(1, abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.05, max_value=200), st.floats(min_value=0.01, max_value=50),
       st.floats(min_value=0.01, max_value=0.99))
def test_it_inverts_the_cdf(shape: float, scale: float, p: float) -> None:
    x = rt.gamma_quantile(p, shape, scale)
    assert rt.gamma_cdf(x, shape, scale) == pytest.approx(p, abs=1e-9)
