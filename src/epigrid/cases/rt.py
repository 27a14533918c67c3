"""The effective reproduction number Rt 有效再生数 by Cori et al. (2013), as EpiEstim computes it.

For a window of `window` days ending on day t, with a Gamma(a, b) prior on R (shape a, scale b),
the posterior is Gamma with shape a + sum(I_s) and rate 1/b + sum(Lambda_s) over the window, where
Lambda_s = sum_k I_{s-k} w_k is the infection pressure of the days before s, weighted by the
discrete serial-interval distribution w (w_0 = 0: nobody infects on the day of their own onset).

Pure Python (no NumPy/SciPy on the servers): the Gamma CDF is the regularized lower incomplete
gamma function (series or continued fraction, Numerical Recipes §6.2) and its quantile is found
by bisection, so a window costs microseconds.

The serial interval comes from the setting EPIGRID_SERIAL_INTERVAL: "gamma:MEAN:SD" (a gamma
distribution offset by one day and discretized like EpiEstim's `discr_si`) or a comma list of
daily probabilities starting at day 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

PRIOR_MEAN = 5.0
PRIOR_SD = 5.0
WINDOW = 7
MAX_SI_DAYS = 60
_EPS = 1e-15
_MAX_ITER = 10_000


class SerialIntervalError(ValueError):
    """EPIGRID_SERIAL_INTERVAL (or a given spec) cannot be used: the message says why."""


@dataclass(frozen=True)
class Estimate:
    """Rt for the window ending on day index `end` (0-based) of the incidence series."""

    start: int
    end: int
    mean: float
    lower: float  # 2.5% quantile
    upper: float  # 97.5% quantile
    cases: int  # incidence summed over the window


def _lower_series(a: float, x: float) -> float:
    term = total = 1.0 / a
    n = a
    for _ in range(_MAX_ITER):
        n += 1.0
        term *= x / n
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by Lentz's continued fraction (converges fast for x >= a + 1)."""
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_cdf(x: float, shape: float, scale: float = 1.0) -> float:
    """P(X <= x) for X ~ Gamma(shape, scale)."""
    if shape <= 0 or scale <= 0:
        raise ValueError("shape and scale must be positive")
    if x <= 0:
        return 0.0
    z = x / scale
    if z < shape + 1.0:
        return min(1.0, _lower_series(shape, z))
    return max(0.0, 1.0 - _upper_fraction(shape, z))


def gamma_quantile(p: float, shape: float, scale: float = 1.0) -> float:
    """The x with P(X <= x) = p, by bisection on the CDF (to ~1e-12 relative)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must lie strictly between 0 and 1")
    low, high = 0.0, max(1.0, shape) * scale
    while gamma_cdf(high, shape, scale) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if gamma_cdf(mid, shape, scale) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * high:
            break
    return (low + high) / 2.0


def discretize_gamma(mean: float, sd: float, max_days: int = MAX_SI_DAYS) -> tuple[float, ...]:
    """EpiEstim's `discr_si`: a gamma of mean - 1 and sd `sd`, shifted by one day, discretized.

    w_k = k F(k) + (k-2) F(k-2) - 2(k-1) F(k-1) + a b (2 G(k-1) - G(k-2) - G(k)), with F the
    Gamma(a, b) CDF and G the Gamma(a + 1, b) CDF; w_0 = 0. Stops once the tail is negligible.
    """
    if not (math.isfinite(mean) and math.isfinite(sd)) or mean <= 1 or sd <= 0:
        raise SerialIntervalError("A gamma serial interval needs a mean above 1 day and a "
                                  "positive standard deviation.")
    a = ((mean - 1) / sd) ** 2
    b = sd ** 2 / (mean - 1)

    def f(k: int, shape: float) -> float:
        return gamma_cdf(k, shape, b) if k > 0 else 0.0

    weights = [0.0]
    for k in range(1, max_days + 1):
        w = (k * f(k, a) + (k - 2) * f(k - 2, a) - 2 * (k - 1) * f(k - 1, a)
             + a * b * (2 * f(k - 1, a + 1) - f(k - 2, a + 1) - f(k, a + 1)))
        weights.append(max(0.0, w))
        if k > mean and 1.0 - f(k, a) < 1e-9:
            break
    return tuple(weights)


def parse_serial_interval(spec: str) -> tuple[float, ...]:
    """A serial interval from "gamma:MEAN:SD" or "p0,p1,p2,..." (daily probabilities from 0)."""
    text = spec.strip()
    if not text:
        raise SerialIntervalError("The serial interval is empty.")
    if text.lower().startswith("gamma:"):
        parts = text.split(":")
        if len(parts) != 3:
            raise SerialIntervalError("Write a gamma serial interval as gamma:MEAN:SD, "
                                      "e.g. gamma:4.7:2.9.")
        try:
            mean, sd = float(parts[1]), float(parts[2])
        except ValueError as exc:
            raise SerialIntervalError("The mean and standard deviation of gamma:MEAN:SD must "
                                      "be numbers.") from exc
        return discretize_gamma(mean, sd)
    try:
        weights = tuple(float(part) for part in text.split(","))
    except ValueError as exc:
        raise SerialIntervalError("A serial interval list holds numbers separated by commas."
                                  ) from exc
    if any(not math.isfinite(w) or w < 0 for w in weights):
        raise SerialIntervalError("Serial interval probabilities must be finite and not "
                                  "negative.")
    if weights[0] != 0:
        raise SerialIntervalError("The serial interval's first value (day 0) must be 0.")
    if not 0.99 <= sum(weights) <= 1.01:
        raise SerialIntervalError("Serial interval probabilities must sum to 1 (they sum to "
                                  f"{sum(weights):.3f}).")
    return weights


def configured_serial_interval() -> tuple[float, ...]:
    return parse_serial_interval(settings.CASE_SERIAL_INTERVAL)


def infectivity(incidence: Sequence[int], si: Sequence[float]) -> list[float]:
    """Lambda_t = sum over k >= 1 of I_{t-k} w_k (0 for the first day: nothing came before)."""
    pressure = []
    for t in range(len(incidence)):
        top = min(t, len(si) - 1)
        pressure.append(sum(incidence[t - k] * si[k] for k in range(1, top + 1)))
    return pressure


def estimate(incidence: Sequence[int], si: Sequence[float], window: int = WINDOW,
             prior_mean: float = PRIOR_MEAN, prior_sd: float = PRIOR_SD) -> list[Estimate]:
    """Rt for every window of `window` days that starts on day 1 or later (EpiEstim's default).

    A window where Lambda sums to 0 (no case before it) is left out: its posterior is the prior.
    """
    if window < 1:
        raise ValueError("window must be at least 1 day")
    if any(n < 0 for n in incidence):
        raise ValueError("incidence cannot be negative")
    shape_prior = (prior_mean / prior_sd) ** 2
    scale_prior = prior_sd ** 2 / prior_mean
    pressure = infectivity(incidence, si)
    estimates = []
    for start in range(1, len(incidence) - window + 1):
        end = start + window - 1
        cases = sum(incidence[start:end + 1])
        load = sum(pressure[start:end + 1])
        if load <= 0:
            continue
        shape = shape_prior + cases
        scale = 1.0 / (1.0 / scale_prior + load)
        estimates.append(Estimate(start=start, end=end, mean=shape * scale,
                                  lower=gamma_quantile(0.025, shape, scale),
                                  upper=gamma_quantile(0.975, shape, scale), cases=cases))
    return estimates
