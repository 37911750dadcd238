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

import numpy as np
import pandas as pd

from ..inputs.periods import parse_period
from ..tidy.row_numbers import factorize_with_missing
from .compare import comparators_file
from .trend_rules import CANNOT, SeriesRows, series_trends

SERIES_COLUMNS = ["indicator_id", "area_code", "sex", "age", "category_type", "category"]
#: The figures a point is made of.
NUMBER_COLUMNS = ("value", "lower_ci_95", "upper_ci_95", "count", "denominator")
NO_CHANGE = "No significant change"


def trend_value_types() -> tuple[str, ...]:
    """Value types that have a recent trend (``recent_trend: value_types`` in comparators.yaml)."""
    return tuple(comparators_file()["recent_trend"]["value_types"])


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
    _, keys, trends, reasons = _series_trends(frame)
    return keys.assign(trend=trends, trend_reason=reasons).reset_index(drop=True)


def trend_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``trend`` and ``trend_reason`` for every row of ``frame`` (its index): filled on each series' latest row.

    The same figures as :func:`recent_trend`, placed by row instead of joined on
    seven text columns (a national frame has over a million rows).
    """
    out = pd.DataFrame({"trend": "", "trend_reason": ""}, index=frame.index, dtype=object)
    rows, _, trends, reasons = _series_trends(frame)
    if len(rows):
        out.loc[rows, "trend"] = trends
        out.loc[rows, "trend_reason"] = reasons
    return out


def _series_trends(frame: pd.DataFrame) -> tuple[pd.Index, pd.DataFrame, np.ndarray, np.ndarray]:
    """(index labels of each series' latest row, those rows' series key and period, trend, reason)."""
    start, end = _period_dates(frame)
    # Only the columns the rules read: sorting a copy of the whole national frame held another gigabyte.
    # The series' own columns are not among them: only each series' latest row is taken from those.
    used = ["period", "value_type", "polarity", *NUMBER_COLUMNS, "suppressed"]
    codes = [_sorted_codes(column) for column in [*(frame[name] for name in SERIES_COLUMNS), end, frame["period"]]]
    order = np.lexsort(codes[::-1])  # the order sort_values by these columns gives, found on whole numbers
    ordered = frame[used].assign(_start=start, _end=end).iloc[order]
    new_series = np.zeros(len(order), dtype=bool)
    new_series[:1] = True
    for column in codes[:len(SERIES_COLUMNS)]:
        new_series[1:] |= column[order][1:] != column[order][:-1]
    del codes  # eight columns of a million whole numbers, not needed from here
    days, follows = _days_and_follows(ordered["_start"], ordered["_end"], ~new_series[1:])
    numbers = {name: ordered[name].astype(float).to_numpy() for name in NUMBER_COLUMNS}
    rows = SeriesRows(new_series, _as_text(ordered["period"]), _as_text(ordered["value_type"]),
                      _as_text(ordered["polarity"]), numbers["value"], numbers["lower_ci_95"],
                      numbers["upper_ci_95"], numbers["count"], numbers["denominator"],
                      ordered["suppressed"].astype(bool).to_numpy(), days, follows)
    latest, trends, reasons = series_trends(rows, _untrended_reason, trend_label)
    keys = frame[SERIES_COLUMNS].iloc[order[latest]].assign(period=rows.period[latest])
    return ordered.index[latest], keys, trends, reasons


def _sorted_codes(column: pd.Series) -> np.ndarray:
    """Each value's place among the column's distinct values in sorted order, missing ones last.

    The codes ``sort_values`` sorts a column by (pandas' lexsort_indexer), found by hashing:
    sorting a million rows by six text columns compared Python strings.
    """
    codes, uniques = pd.factorize(column, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _as_text(column: pd.Series) -> np.ndarray:
    """Each value as ``str`` gives it (a missing one as "nan"), in an object array; converted once per distinct value."""
    codes, uniques = factorize_with_missing(column)
    return np.array([str(value) for value in uniques] or [""], dtype=object)[codes]
