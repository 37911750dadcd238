"""The recent-trend rules of :mod:`assessment.stats.trend`, applied to every series of a frame at once.

A national build tests some 100,000 series; building Python objects point by point
for each took most of the trend stage's time. Here each rule is one array
operation over all rows (or all series), in the order the rules are listed in
:mod:`assessment.stats.trend`: the first rule a series breaks gives its reason.

Rows come sorted by series, then by period (oldest first), so a series is a run
of rows; ``back`` counts a row's place back from its series' latest period (0 on
the latest). The weighted least-squares test adds up its sums in the same order,
and squares as Python does, so the figures are those of the point-by-point rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Points the test uses, and the chi-squared value for 1 degree of freedom at 99.8% (TrendMarkerCalculator.cs).
POINTS = 5
CHI_SQUARED_998 = 9.54953570608324
CANNOT = "Cannot be calculated"
#: A period this many days long is one year (365 or 366, with slack for publishers' end dates).
ONE_YEAR_DAYS = (360, 370)


@dataclass(slots=True)
class SeriesRows:
    """A frame's rows sorted by series then period, one array entry a row."""

    #: Whether the row starts a new series (the first row always does).
    new_series: np.ndarray
    period: np.ndarray
    value_type: np.ndarray
    polarity: np.ndarray
    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    count: np.ndarray
    denominator: np.ndarray
    suppressed: np.ndarray
    #: Length of the period in days (NaN when its dates are unknown).
    days: np.ndarray
    #: Whether the series' next period starts the day after this one ends (give or take 3 days).
    follows: np.ndarray


class _Verdicts:
    """Each series' trend and reason, filled rule by rule; a series keeps the first reason it is given."""

    def __init__(self, count: int):
        self.trend = np.full(count, CANNOT, dtype=object)
        self.reason = np.full(count, "", dtype=object)
        self.open = np.ones(count, dtype=bool)

    def refuse(self, broken: np.ndarray, why: Callable[[np.ndarray], np.ndarray]) -> None:
        """Give the still-open series where ``broken`` holds the reasons ``why(their numbers)``."""
        hit = np.flatnonzero(self.open & broken)
        if len(hit):
            self.reason[hit] = why(hit)
            self.open[hit] = False


def _text(values: np.ndarray) -> np.ndarray:
    """Numbers as text, in an object array that adds to other text element by element."""
    return np.asarray(values).astype(str).astype(object)


def series_trends(rows: SeriesRows, untrended_reason: Callable[[str], str | None],
                  trend_label: Callable[[int, str], str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(latest row of each series, its trend label, the reason it cannot be calculated or "").

    ``untrended_reason(value_type)`` says why a value type has no trend (None when it
    has one); ``trend_label(direction, polarity)`` words a direction (+1, -1 or 0).
    """
    n = len(rows.period)
    starts = np.flatnonzero(rows.new_series)
    verdicts = _Verdicts(len(starts))
    if not n:
        return starts, verdicts.trend, verdicts.reason
    ends = np.append(starts[1:], n) - 1
    sizes = ends - starts + 1
    group = np.repeat(np.arange(len(starts)), sizes)
    back = ends[group] - np.arange(n)
    period = rows.period

    latest_type = rows.value_type[ends]
    type_codes, types = pd.factorize(latest_type, use_na_sentinel=False)
    untrended = np.array([untrended_reason(t) or "" for t in types], dtype=object)[type_codes]
    verdicts.refuse(untrended != "", lambda g: untrended[g])

    latest_days = rows.days[ends]
    verdicts.refuse(np.isnan(latest_days), lambda g: "the dates of period " + period[ends[g]] + " are not known")
    with np.errstate(invalid="ignore"):
        one_year = (rows.days >= ONE_YEAR_DAYS[0]) & (rows.days <= ONE_YEAR_DAYS[1])
    verdicts.refuse(~one_year[ends], lambda g: "the periods are " + _period_kind(latest_days[g])
                    + ": Fingertips calculates recent trends on 1-year periods only")
    verdicts.refuse(sizes < POINTS, lambda g: f"fewer than {POINTS} periods of data (" + _text(sizes[g]) + ")")

    problems = _point_problems(rows, latest_type[group] != "directly standardised rate", back, one_year)
    broken = np.logical_or.reduce(problems)
    run = np.minimum.reduceat(np.where(broken, back, sizes[group]), starts)  # valid points back from the latest
    verdicts.refuse(run < POINTS, lambda g: (
        f"fewer than {POINTS} consecutive years with a valid value, count and denominator ("
        + _text(run[g]) + "): " + _problem_text(problems, period, ends[g] - run[g])))

    none = n + 1
    equal = (rows.count == rows.denominator) & (back < run[group])
    latest_equal = np.minimum.reduceat(np.where(equal, back, none), starts)
    verdicts.refuse(latest_equal < none, lambda g: "the count equals the denominator in "
                    + period[ends[g] - latest_equal[g]])
    flat = ~(rows.upper > rows.lower) & (back < POINTS)
    oldest_flat = np.maximum.reduceat(np.where(flat, back, -1), starts)
    verdicts.refuse(oldest_flat >= 0, lambda g: "the 95% confidence interval of " + period[ends[g] - oldest_flat[g]]
                    + " has no width, so it cannot be weighted")

    tested = np.flatnonzero(verdicts.open)
    points = ends[tested][:, None] - np.arange(POINTS - 1, -1, -1)  # the five latest, oldest first
    directions = _significant_directions(rows.value[points], (rows.upper[points] - rows.lower[points]) / 3.92)
    polarity = rows.polarity[ends[tested]]
    words = {pair: trend_label(*pair) for pair in set(zip(directions.tolist(), polarity.tolist()))}
    verdicts.trend[tested] = [words[pair] for pair in zip(directions.tolist(), polarity.tolist())]
    return ends, verdicts.trend, verdicts.reason


def _period_kind(days: np.ndarray) -> np.ndarray:
    """What a period of ``days`` is instead of one year: "3-year pooled, not single years" or "shorter than a year"."""
    span = np.round(days / 365.25)  # halves to even, as Python's round
    pooled = _text(span.astype(np.int64)) + "-year pooled, not single years"
    return np.where(span > 1, pooled, "shorter than a year").astype(object)


def _point_problems(rows: SeriesRows, needs_denominator: np.ndarray, back: np.ndarray,
                    one_year: np.ndarray) -> list[np.ndarray]:
    """Why each row cannot enter the test, as masks in the order the rules check them.

    A directly standardised rate's denominator (the population) only says the figure
    exists; FingertipsNext does not publish it, so a DSR point without one is still valid.
    """
    missing = np.isnan(rows.denominator) & ~needs_denominator
    return [rows.suppressed | np.isnan(rows.value),
            np.isnan(rows.count) | ~((rows.denominator > 0) | missing),
            np.isnan(rows.lower) | np.isnan(rows.upper),
            (back > 0) & ~rows.follows,  # a missing year breaks the run as an invalid point does
            ~one_year]


def _problem_text(problems: list[np.ndarray], period: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The words of the first problem of each row ``at`` (a row that breaks its series' run)."""
    after = period[np.minimum(at + 1, len(period) - 1)]  # the period after a gap, the run's oldest
    here = period[at]
    texts = [here + " has no value", here + " has no count or denominator",
             here + " has no 95% confidence interval",
             after + " does not follow " + here + " (the years are not consecutive)",
             here + " is not a single year"]
    return np.select([mask[at] for mask in problems], texts, default="").astype(object)


def _significant_directions(values: np.ndarray, errors: np.ndarray) -> np.ndarray:
    """+1 or -1 where a series' five points (a row each, oldest first) trend significantly, 0 where they do not.

    Weights 1/SE^2; chi-squared = (slope / beta)^2 > 9.5495, and the slope's sign must
    survive dropping each point in turn (a zero slope counts as rising).
    """
    x = np.arange(1, POINTS + 1, dtype=float)
    weights = 1 / (errors * errors)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope, chi_squared = _weighted_slope(x, values, weights)
        signs = [_sign(slope)]
        for drop in range(POINTS):
            keep = [n for n in range(POINTS) if n != drop]
            signs.append(_sign(_weighted_slope(x[keep], values[:, keep], weights[:, keep])[0]))
    signs_array = np.column_stack(signs)
    agree = ~np.isnan(signs_array).any(axis=1) & (signs_array == signs_array[:, :1]).all(axis=1)
    significant = (chi_squared > CHI_SQUARED_998) & agree
    return np.where(significant, np.where(slope > 0, 1, -1), 0)


def _weighted_slope(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slope and its chi-squared, (slope / beta)^2, of a weighted least-squares line through each row's points."""
    s1 = _total(weight)
    s2 = _total(weight * y * x)
    s3 = _total(weight * x)
    s4 = _total(weight * y)
    s5 = _total(weight * x * x)
    spread = s1 * s5 - _square(s3)
    slope = (s1 * s2 - s3 * s4) / spread
    return slope, _square(slope) * spread / s1  # beta^2 = s1 / spread


def _total(numbers: np.ndarray) -> np.ndarray:
    """Each row's sum, added left to right from 0.0 (as a Python loop adds; numpy's sum pairs them)."""
    total = np.zeros(len(numbers))
    for column in range(numbers.shape[1]):
        total = total + numbers[:, column]
    return total


def _square(numbers: np.ndarray) -> np.ndarray:
    """``x ** 2`` as Python's float power gives it (the C library's pow, which in about 1 case in
    1,000 differs in the last bit from numpy's x * x), so the test's figures are those it always gave."""
    return np.array([number ** 2 for number in numbers.tolist()], dtype=float)


def _sign(slope: np.ndarray) -> np.ndarray:
    """+1 or -1 (a zero slope counts as rising); NaN for NaN."""
    return np.where(slope < 0, -1.0, np.where(slope >= 0, 1.0, np.nan))
