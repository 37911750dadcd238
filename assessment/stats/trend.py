"""The Fingertips recent-trend test on the five most recent points of each series.

Significance is chi-squared > 9.5495 (1 degree of freedom, 99.8%), and the
direction must survive dropping each of the five points in turn. Proportions
with counts use the chi-squared test for trend in proportions; other values a
weighted least-squares slope with weights 1/SE^2, SE = (UCI95 - LCI95) / 3.92.

>>> import pandas as pd
>>> from assessment.frame import new_frame
>>> rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code="E92000001",
...              area_name="England", area_type="england", period=str(y), period_end=f"{y}-12-31",
...              count=c, denominator=1000, value_type="proportion", multiplier=100,
...              polarity="high_is_good", ci_method="wilson")
...         for y, c in zip(range(2018, 2023), [300, 330, 360, 390, 420])]
>>> from assessment.stats.intervals import add_intervals
>>> recent_trend(add_intervals(new_frame(rows)))["trend"].tolist()
['Increasing and getting better']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHI_SQUARED_998 = 9.5495
POINTS = 5
SERIES_COLUMNS = ["indicator_id", "area_code", "sex", "age", "category_type", "category"]
CANNOT = "Cannot be calculated"
NO_CHANGE = "No significant change"


def _wls(x: np.ndarray, y: np.ndarray, se: np.ndarray) -> tuple[float, float]:
    w = 1 / se**2
    xm = (w * x).sum() / w.sum()
    ym = (w * y).sum() / w.sum()
    sxx = (w * (x - xm) ** 2).sum()
    slope = (w * (x - xm) * (y - ym)).sum() / sxx
    return slope, slope**2 * sxx  # chi-squared = slope^2 / var(slope), var = 1/sxx


def _proportion_trend(x: np.ndarray, count: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    total, events = n.sum(), count.sum()
    p = events / total
    sxx = (n * x**2).sum() - (n * x).sum() ** 2 / total
    numerator = (x * (count - n * p)).sum()
    if p <= 0 or p >= 1 or sxx <= 0:
        return np.nan, np.nan
    return numerator / sxx, numerator**2 / (p * (1 - p) * sxx)


def _slope_and_chi2(points: pd.DataFrame, use_counts: bool) -> tuple[float, float]:
    x = np.arange(len(points), dtype=float)
    if use_counts:
        return _proportion_trend(x, points["count"].to_numpy(float), points["denominator"].to_numpy(float))
    se = (points["upper_ci_95"] - points["lower_ci_95"]).to_numpy(float) / 3.92
    if np.any(~(se > 0)):
        return np.nan, np.nan
    return _wls(x, points["value"].to_numpy(float), se)


def trend_label(points: pd.DataFrame, polarity: str) -> str:
    """The recent-trend label for up to five consecutive points (oldest first)."""
    if len(points) < POINTS or points["value"].isna().any():
        return CANNOT
    use_counts = bool(points["ci_method"].eq("wilson").all() and points["count"].notna().all()
                      and points["denominator"].notna().all())
    if use_counts and (points["count"] >= points["denominator"]).any():
        return CANNOT
    slope, chi2 = _slope_and_chi2(points, use_counts)
    if np.isnan(chi2):
        return CANNOT
    if chi2 <= CHI_SQUARED_998:
        return NO_CHANGE
    # The outlier check: every slope with one point dropped must keep the sign.
    for drop in range(len(points)):
        kept = points.drop(points.index[drop])
        x = np.delete(np.arange(len(points), dtype=float), drop)
        if use_counts:
            s, _ = _proportion_trend(x, kept["count"].to_numpy(float), kept["denominator"].to_numpy(float))
        else:
            se = (kept["upper_ci_95"] - kept["lower_ci_95"]).to_numpy(float) / 3.92
            s, _ = _wls(x, kept["value"].to_numpy(float), se)
        if np.sign(s) != np.sign(slope):
            return NO_CHANGE
    direction = "Increasing" if slope > 0 else "Decreasing"
    if polarity == "high_is_good":
        return f"{direction} and getting {'better' if slope > 0 else 'worse'}"
    if polarity == "low_is_good":
        return f"{direction} and getting {'worse' if slope > 0 else 'better'}"
    return direction


def recent_trend(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per series (SERIES_COLUMNS + ``period`` of its latest point) with its ``trend``.

    The five most recent periods of a series must all have values ("unbroken");
    otherwise the trend cannot be calculated.
    """
    ordered = frame.sort_values(SERIES_COLUMNS + ["period_end", "period"])
    records = []
    for key, series in ordered.groupby(SERIES_COLUMNS, sort=False, dropna=False):
        last = series.tail(POINTS)
        label = CANNOT if last["suppressed"].any() else trend_label(last, str(series["polarity"].iloc[-1]))
        records.append((*key, series["period"].iloc[-1], label))
    return pd.DataFrame(records, columns=SERIES_COLUMNS + ["period", "trend"])
