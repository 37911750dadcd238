"""What FingertipsNext does not publish, derived exactly from what it does.

FingertipsNext gives the value, the count and the 95% limits of each figure,
but not its denominator or its 99.8% limits, which the legacy export has and
the statistics need (roll-ups rebuild from denominators; method 17 compares at
99.8%). Given the interval method Fingertips used, both follow by algebra:

- proportions (Wilson) and crude rates (Byar's, exact below 10 events): the
  denominator is ``count x multiplier / value``, or for a zero count, what puts
  the published upper limit where it is; 99.8% limits are then recomputed;
- crude rates and indirectly standardised ratios scale the count's 99.8%
  Poisson limits by value / count;
- directly standardised rates (Dobson): the spread ``sqrt(var(DSR) / O)`` is read
  off the 95% limits and applied to the count's 99.8% limits;
- symmetric (normal) intervals, e.g. life expectancy: the half-width scales by
  z(99.8%) / z(95%).

A denominator within rounding of a whole number is made whole. Rows that fit
no rule keep their gaps.

>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame
>>> from assessment.stats.intervals import wilson_limits
>>> lo, hi = wilson_limits([50], [400], 0.95)
>>> row = dict(indicator_id="i", indicator_name="I", source="s", area_code="E92000001", area_name="England",
...            area_type="england", period="2023", value=12.5, count=50, lower_ci_95=lo[0] * 100,
...            upper_ci_95=hi[0] * 100, value_type="proportion", multiplier=100, ci_method="published")
>>> out = fill_unpublished(new_frame([row]), methods={"i": "wilson"})
>>> float(out["denominator"][0]), round(float(out["upper_ci_998"][0]), 4)  # Wilson 99.8% for 50 of 400
(400.0, 18.4996)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...stats.intervals import Z, byars_limits, rate_limits, wilson_limits

#: The interval method Fingertips uses for each value type, when the catalogue does not say.
CI_METHOD_BY_VALUE_TYPE = {"proportion": "wilson", "crude rate": "byars", "directly standardised rate": "dobson",
                           "indirectly standardised ratio": "byars"}
WHOLE = 1e-6  # relative distance from a whole number still taken as rounding


def _whole(values: np.ndarray) -> np.ndarray:
    rounded = np.round(values)
    close = np.abs(values - rounded) <= WHOLE * np.abs(values) + 1e-3
    return np.where(close, rounded, values)


def _denominators(count, value, upper, multiplier, method: str) -> np.ndarray:
    """The denominator implied by a published proportion or crude rate."""
    with np.errstate(divide="ignore", invalid="ignore"):
        from_value = np.where((count > 0) & (value > 0), count * multiplier / value, np.nan)
        if method == "wilson":
            z2 = Z[0.95] ** 2
            fraction = upper / multiplier
            from_upper = np.where(fraction > 0, z2 / fraction - z2, np.nan)  # upper = z^2 / (n + z^2) at 0
        else:
            from_upper = np.where(upper > 0, byars_limits(np.zeros_like(count), 0.95)[1] * multiplier / upper,
                                  np.nan)
    zero = (count == 0) & (value == 0)
    return _whole(np.where(zero, from_upper, from_value))


def fill_unpublished(frame: pd.DataFrame, methods: dict[str, str] | None = None) -> pd.DataFrame:
    """Denominators and 99.8% limits where they are missing and can be derived (see the module).

    ``methods`` gives the interval method by indicator id; by default each
    value type's Fingertips method.
    """
    out = frame.copy()
    given = out["indicator_id"].map(methods or {}).astype(object)
    default = out["value_type"].map(CI_METHOD_BY_VALUE_TYPE).astype(object)
    chosen_method = given.where(given.notna() & given.ne(""), default).fillna("")
    count, value = out["count"].to_numpy(float), out["value"].to_numpy(float)
    lower, upper = out["lower_ci_95"].to_numpy(float), out["upper_ci_95"].to_numpy(float)
    multiplier = out["multiplier"].to_numpy(float)
    kind = out["value_type"].to_numpy(object)
    method = chosen_method.to_numpy(object)
    missing_n = out["denominator"].isna().to_numpy()

    proportion = (kind == "proportion") & (method == "wilson")
    rate = (kind == "crude rate") & np.isin(method, ["byars", "exact_poisson"])
    for rows, name in ((proportion, "wilson"), (rate, "poisson")):
        rows = rows & missing_n
        if rows.any():
            derived = _denominators(count[rows], value[rows], upper[rows], multiplier[rows], name)
            out.loc[rows, "denominator"] = derived
    n = out["denominator"].to_numpy(float)

    with np.errstate(divide="ignore", invalid="ignore"):
        lo_w, hi_w = wilson_limits(count, n, 0.998)
        lo998 = np.where(proportion, lo_w * multiplier, np.nan)
        hi998 = np.where(proportion, hi_w * multiplier, np.nan)
        lo_r, hi_r = rate_limits(count, n, multiplier, 0.998)
        lo998 = np.where(rate, lo_r, lo998)
        hi998 = np.where(rate, hi_r, hi998)
        # Ratios (and rates without a denominator) scale the count's limits by value / count.
        ratio = (((kind == "indirectly standardised ratio") & np.isin(method, ["byars", "exact_poisson"]))
                 | (rate & np.isnan(n))) & (count > 0)
        lo_c998, hi_c998 = byars_limits(count, 0.998)
        lo998 = np.where(ratio, value * lo_c998 / count, lo998)
        hi998 = np.where(ratio, value * hi_c998 / count, hi998)
        # Dobson: DSR + sqrt(var/O) * (O_limit - O), the same spread at both levels.
        dobson = (kind == "directly standardised rate") & (method == "dobson") & (count > 0)
        lo_c95, hi_c95 = byars_limits(count, 0.95)
        spread_lo = (value - lower) / (count - lo_c95)
        spread_hi = (upper - value) / (hi_c95 - count)
        lo998 = np.where(dobson, value - spread_lo * (count - lo_c998), lo998)
        hi998 = np.where(dobson, value + spread_hi * (hi_c998 - count), hi998)
        # A symmetric interval is a normal one: scale its half-width.
        half = (upper - lower) / 2
        symmetric = ~(proportion | rate | ratio | dobson) & (np.abs((upper - value) - (value - lower))
                                                            <= 1e-6 * np.abs(upper - lower) + 1e-9) & (half > 0)
        lo998 = np.where(symmetric, value - half * Z[0.998] / Z[0.95], lo998)
        hi998 = np.where(symmetric, value + half * Z[0.998] / Z[0.95], hi998)
    has95 = ~np.isnan(lower) & ~np.isnan(upper)
    fill_lo = out["lower_ci_998"].isna().to_numpy() & has95 & ~np.isnan(lo998)
    fill_hi = out["upper_ci_998"].isna().to_numpy() & has95 & ~np.isnan(hi998)
    out.loc[fill_lo, "lower_ci_998"] = lo998[fill_lo]
    out.loc[fill_hi, "upper_ci_998"] = hi998[fill_hi]
    return out
