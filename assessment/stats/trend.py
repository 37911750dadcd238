"""The recent trend of a series, following Fingertips' trend-marker rules; otherwise the reason it cannot be given.

Ported rules (ukhsa-collaboration/fingertips-open ``PholioVisualisationWS/Analysis/TrendMarkers``
and its port in dhsc-govuk/FingertipsNext ``trend-analysis/TrendAnalysisApp/Calculator/Legacy``):

- only some value types have a trend (``TrendRequest.IsValid``): proportions and crude rates,
  and directly standardised rates, which the newer Fingertips calculator ported into
  FingertipsNext accepts and the live site shows (its unit test for indicator 40501 is checked
  "as per website"); the list is ``recent_trend: value_types`` in
  ``data_sources/comparators.yaml``. Life expectancy, scores, ratios and counts have none;
- single-year periods only (``YearRange != 1`` is refused): overlapping 3-year pooled windows
  share two years each, so the points are not independent and the test is invalid;
- the most recent points with a valid value, count and denominator > 0, unbroken back from
  the latest one (``TrendRequest.GetValidDataList``); we also need the 95% interval the test
  uses and consecutive years (a missing year breaks the run as an invalid point does, because
  the test spaces the five points one year apart), at least 5 of them, and no point whose count
  equals its denominator (``IsPossibleDivideByZeroErrors``);
- the test on the 5 most recent (``TrendMarkerCalculator.IsSignificant``): a weighted
  least-squares slope on the values with weights 1/SE^2, SE = (UCI95 - LCI95) / 3.92,
  chi-squared = (slope / beta)^2 > 9.5495 (99.8%), and the slope's sign must survive dropping
  each point in turn (6 of 6 slopes agree, ``NoOutliersCheck``; a zero slope counts as rising).
  Fingertips uses its chi-squared test for trend in proportions only for indicators compared by
  SPC limits (ComparatorMethodId 5), a method this tool does not offer, so proportions compared
  by overlapping intervals (methods 1 and 17) get the interval-based test, as on Fingertips.

Where Fingertips' code would quietly say "No significant change" for points it cannot weigh
(no interval, or an interval of zero width), this module says "Cannot be calculated" and why.

>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame
>>> from assessment.stats.intervals import add_intervals
>>> def series(value_type, periods):
...     return add_intervals(new_frame([dict(
...         indicator_id="i", indicator_name="I", source="s", area_code="E92000001", area_name="England",
...         area_type="england", period=p, count=c, denominator=1000, value_type=value_type, multiplier=100,
...         polarity="high_is_good", ci_method="wilson") for p, c in zip(periods, [300, 330, 360, 390, 420])]))
>>> years = ["2018", "2019", "2020", "2021", "2022"]
>>> recent_trend(series("proportion", years))[["trend", "trend_reason"]].values.tolist()
[['Increasing and getting better', '']]
>>> print(recent_trend(series("proportion", ["2014 - 16", "2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20"]))
...       ["trend_reason"].item())
the periods are 3-year pooled, not single years: Fingertips calculates recent trends on 1-year periods only
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.periods import parse_period
from .compare import comparators_file

#: Points the test uses, and the chi-squared value for 1 degree of freedom at 99.8% (TrendMarkerCalculator.cs).
POINTS = 5
CHI_SQUARED_998 = 9.54953570608324
SERIES_COLUMNS = ["indicator_id", "area_code", "sex", "age", "category_type", "category"]
#: The figures a point is made of.
NUMBER_COLUMNS = ("value", "lower_ci_95", "upper_ci_95", "count", "denominator")
CANNOT = "Cannot be calculated"
NO_CHANGE = "No significant change"
#: A period this many days long is one year (365 or 366, with slack for publishers' end dates).
ONE_YEAR_DAYS = (360, 370)


def trend_value_types() -> tuple[str, ...]:
    """Value types that have a recent trend (``recent_trend: value_types`` in comparators.yaml)."""
    return tuple(comparators_file()["recent_trend"]["value_types"])


@dataclass(slots=True)
class Point:
    """One period of a series, as the trend rules see it."""

    period: str
    #: Length of the period in days (NaN when its dates are unknown).
    days: float
    value: float
    lower: float
    upper: float
    count: float
    denominator: float
    suppressed: bool
    #: A directly standardised rate's denominator (the population) only says the figure exists;
    #: FingertipsNext does not publish it, so a DSR point without one is still valid.
    needs_denominator: bool = True
    #: Whether the series' next period starts the day after this one ends (give or take 3 days).
    next_follows: bool = False

    @property
    def is_one_year(self) -> bool:
        return bool(ONE_YEAR_DAYS[0] <= self.days <= ONE_YEAR_DAYS[1])

    def problem(self) -> str | None:
        """Why this point cannot enter the test (None when it can)."""
        if self.suppressed or math.isnan(self.value):
            return f"{self.period} has no value"
        missing = math.isnan(self.denominator) and not self.needs_denominator
        if math.isnan(self.count) or not (self.denominator > 0 or missing):
            return f"{self.period} has no count or denominator"
        if math.isnan(self.lower) or math.isnan(self.upper):
            return f"{self.period} has no 95% confidence interval"
        return None


def _weighted_slope(x: list[float], y: list[float], weight: list[float]) -> tuple[float, float]:
    """Slope and its chi-squared, (slope / beta)^2, of a weighted least-squares line.

    Plain Python on five points (a national build tests some 70,000 series), each
    sum added up in order, as numpy adds up so few numbers, so the figures are the same.
    """
    s1 = _total(weight)
    s2 = _total([w * v * t for w, v, t in zip(weight, y, x)])
    s3 = _total([w * t for w, t in zip(weight, x)])
    s4 = _total([w * v for w, v in zip(weight, y)])
    s5 = _total([w * t * t for w, t in zip(weight, x)])
    spread = s1 * s5 - s3 ** 2
    slope = (s1 * s2 - s3 * s4) / spread
    return slope, slope ** 2 * spread / s1  # beta^2 = s1 / spread


def _total(numbers: list[float]) -> float:
    """The sum of ``numbers`` added left to right (Python 3.12's ``sum`` compensates, numpy's does not)."""
    total = 0.0
    for number in numbers:
        total += number
    return total


def _sign(slope: float) -> float:
    """+1 or -1 (a zero slope counts as rising); NaN for NaN."""
    return -1.0 if slope < 0 else 1.0 if slope >= 0 else math.nan


def _significant_direction(points: list[Point]) -> int:
    """+1 or -1 when the five points trend significantly, 0 when they do not."""
    x = [float(n) for n in range(1, POINTS + 1)]
    y = [p.value for p in points]
    se = [(p.upper - p.lower) / 3.92 for p in points]
    weight = [1 / (e * e) for e in se]
    slope, chi_squared = _weighted_slope(x, y, weight)
    signs = [_sign(slope)]
    for drop in range(POINTS):
        keep = [n for n in range(POINTS) if n != drop]
        signs.append(_sign(_weighted_slope([x[n] for n in keep], [y[n] for n in keep], [weight[n] for n in keep])[0]))
    if not chi_squared > CHI_SQUARED_998 or any(math.isnan(s) for s in signs) or len(set(signs)) > 1:
        return 0
    return 1 if slope > 0 else -1


def trend_label(direction: int, polarity: str) -> str:
    """Fingertips' words for a trend direction (TrendMarkerLabelProvider.cs)."""
    if direction == 0:
        return NO_CHANGE
    word = "Increasing" if direction > 0 else "Decreasing"
    if polarity in ("high_is_good", "low_is_good"):
        better = (direction > 0) == (polarity == "high_is_good")
        return f"{word} and getting {'better' if better else 'worse'}"
    return word


def _untrended_reason(value_type: str) -> str | None:
    """Why a value type has no recent trend (None when it has one)."""
    allowed = trend_value_types()
    if value_type in allowed:
        return None
    kinds = [f"{kind}s" for kind in allowed]
    article = "an" if value_type[:1] in "aeiou" else "a"
    return (f"not calculated for {article} {value_type}: Fingertips calculates recent trends only for "
            f"{', '.join(kinds[:-1])} and {kinds[-1]}")


def trend_in_words(trend: str, reason: str) -> str:
    """The recent trend as a report prints it: the label, or why there is none in a few words.

    The full reason stays in the Excel appendix; the table says enough for a reader to
    know whether more data would help.

    >>> trend_in_words("Increasing", "")
    'Increasing'
    >>> trend_in_words(CANNOT, "fewer than 5 periods of data (2)")
    'Not calculated: fewer than 5 periods of data (2)'
    >>> trend_in_words(CANNOT, "not calculated for a count: Fingertips calculates recent trends only for ...")
    'Not calculated for a count'
    """
    if trend and trend != CANNOT:
        return trend
    brief = str(reason or "").split(": ")[0].strip()
    if not brief:
        return CANNOT
    if brief.startswith("not calculated"):
        return brief[0].upper() + brief[1:]
    return f"Not calculated: {brief}"


def series_trend(points: list[Point], value_type: str, polarity: str) -> tuple[str, str]:
    """(trend label, reason it cannot be calculated or "") for a series' points, oldest first."""
    untrended = _untrended_reason(value_type)
    if untrended:
        return CANNOT, untrended
    latest = points[-1]
    if math.isnan(latest.days):
        return CANNOT, f"the dates of period {latest.period} are not known"
    if not latest.is_one_year:
        span = round(latest.days / 365.25)
        kind = f"{span}-year pooled, not single years" if span > 1 else "shorter than a year"
        return CANNOT, f"the periods are {kind}: Fingertips calculates recent trends on 1-year periods only"
    if len(points) < POINTS:
        return CANNOT, f"fewer than {POINTS} periods of data ({len(points)})"
    run: list[Point] = []
    broken = ""
    for point in reversed(points):
        problem = point.problem()
        if problem is None and run and not point.next_follows:  # run[-1] is the period after this one
            problem = f"{run[-1].period} does not follow {point.period} (the years are not consecutive)"
        if problem is None and not point.is_one_year:
            problem = f"{point.period} is not a single year"
        if problem:
            broken = problem
            break
        run.append(point)
    if len(run) < POINTS:
        return CANNOT, (f"fewer than {POINTS} consecutive years with a valid value, count and denominator "
                        f"({len(run)}): {broken}")
    equal = next((p for p in run if p.count == p.denominator), None)
    if equal is not None:
        return CANNOT, f"the count equals the denominator in {equal.period}"
    recent = run[:POINTS][::-1]
    flat = next((p for p in recent if not p.upper > p.lower), None)
    if flat is not None:
        return CANNOT, f"the 95% confidence interval of {flat.period} has no width, so it cannot be weighted"
    return trend_label(_significant_direction(recent), polarity), ""


def _days_and_follows(start: pd.Series, end: pd.Series, same_series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's length in days (NaN when a date is unknown), and whether the next row starts the day after it ends.

    Rows are a series' periods in order; ``same_series[i]`` says row ``i + 1`` is of
    row ``i``'s series. Whole days, rounded down, as ``Timedelta.days`` counts them.
    """
    day = np.timedelta64(1, "D")
    start_at, end_at = start.to_numpy("datetime64[ns]"), end.to_numpy("datetime64[ns]")
    with np.errstate(invalid="ignore"):  # an unknown date gives nonsense here, masked below
        length = (end_at - start_at) // day + 1
        gap = (start_at[1:] - end_at[:-1]) // day - 1
    days = np.where(np.isnat(start_at) | np.isnat(end_at), np.nan, length.astype(float))
    known = ~np.isnat(start_at[1:]) & ~np.isnat(end_at[:-1])
    follows = np.zeros(len(start_at), dtype=bool)
    follows[:-1] = same_series & known & (np.abs(gap) <= 3)
    return days, follows


def _period_dates(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Start and end of every row's period, parsed from the label where a loader left them out."""
    start, end = frame["period_start"].copy(), frame["period_end"].copy()
    unknown = start.isna() | end.isna()
    if unknown.any():
        parsed = {label: parse_period(label) for label in frame.loc[unknown, "period"].unique()}
        start[unknown] = frame.loc[unknown, "period"].map(lambda label: parsed[label][0])
        end[unknown] = frame.loc[unknown, "period"].map(lambda label: parsed[label][1])
    return pd.to_datetime(start), pd.to_datetime(end)


def recent_trend(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per series (SERIES_COLUMNS + the ``period`` of its latest point) with ``trend`` and ``trend_reason``.

    ``trend_reason`` says why the trend cannot be calculated (empty when it could be).
    """
    records = [(*key, period, label, reason) for _, key, period, label, reason in _series_trends(frame)]
    return pd.DataFrame(records, columns=SERIES_COLUMNS + ["period", "trend", "trend_reason"])


def trend_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``trend`` and ``trend_reason`` for every row of ``frame`` (its index): filled on each series' latest row.

    The same figures as :func:`recent_trend`, placed by row instead of joined on
    seven text columns (a national frame has over a million rows).
    """
    out = pd.DataFrame({"trend": "", "trend_reason": ""}, index=frame.index, dtype=object)
    found = list(_series_trends(frame))
    if found:
        rows = [row for row, *_ in found]
        out.loc[rows, "trend"] = [label for *_, label, _ in found]
        out.loc[rows, "trend_reason"] = [reason for *_, reason in found]
    return out


def _series_trends(frame: pd.DataFrame):
    """(index label of the latest row, series key, latest period, trend, reason) of each series of ``frame``."""
    start, end = _period_dates(frame)
    # Only the columns the rules read: sorting a copy of the whole national frame held another gigabyte.
    used = [*SERIES_COLUMNS, "period", "value_type", "polarity", *NUMBER_COLUMNS, "suppressed"]
    ordered = frame[used].assign(_start=start, _end=end).sort_values(SERIES_COLUMNS + ["_end", "period"])
    groups = ordered.groupby(SERIES_COLUMNS, sort=False, dropna=False)
    series = groups.ngroup().to_numpy()
    days, follows = _days_and_follows(ordered["_start"], ordered["_end"], series[1:] == series[:-1])
    # Plain Python lists, converted once: a national frame has some 100,000 series.
    columns: dict[str, list] = {name: [str(v) for v in ordered[name]] for name in ("period", "value_type", "polarity")}
    columns.update({name: ordered[name].astype(float).tolist() for name in NUMBER_COLUMNS})
    columns["suppressed"] = ordered["suppressed"].astype(bool).tolist()
    columns["days"], columns["follows"] = days.tolist(), follows.tolist()
    labels = ordered.index
    for key, index in groups.indices.items():
        last = index[-1]
        untrended = _untrended_reason(columns["value_type"][last])
        if untrended:  # the value type alone decides: no points to build
            yield labels[last], key, columns["period"][last], CANNOT, untrended
            continue
        needs_denominator = columns["value_type"][last] != "directly standardised rate"
        points = [Point(columns["period"][i], columns["days"][i], columns["value"][i], columns["lower_ci_95"][i],
                        columns["upper_ci_95"][i], columns["count"][i], columns["denominator"][i],
                        columns["suppressed"][i], needs_denominator, columns["follows"][i])
                  for i in index]
        label, reason = series_trend(points, columns["value_type"][last], columns["polarity"][last])
        yield labels[last], key, points[-1].period, label, reason
