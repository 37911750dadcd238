"""Ethnic disproportionality: each group's rate against the White group's, with its interval.

This is how the Race Disparity Unit (Ethnicity facts and figures) and the Lammy
Review report disparity: the rate (or proportion) for each ethnic group divided
by the rate for the White group, and the same ratio for England and Wales
beside the force's.

Interval (95% by default) of a ratio of two independent rates, on the log scale:

- rates (Poisson counts ``a`` and ``b`` over known denominators; e.g. searches per
  1,000 people, convictions per 100 prosecutions):
  ``SE(ln R) = sqrt(1/a + 1/b)``, the Wald interval for a rate ratio
  (Rothman, Greenland and Lash, *Modern Epidemiology*, 3rd ed., ch. 14);
- proportions (``a`` of ``n_a`` against ``b`` of ``n_b``):
  ``SE(ln R) = sqrt(1/a - 1/n_a + 1/b - 1/n_b)``, the log method for a risk ratio
  (Katz, Baptista, Azen and Pike, *Biometrics* 34:469-474, 1978);

and ``R * exp(+/- z * SE)``. With no count (a published rate only), or a zero
count, the ratio has no interval and significance cannot be judged.

>>> ratio, low, high = ratio_interval([50], [1000], [100], [4000])
>>> round(float(ratio[0]), 3), round(float(low[0]), 4), round(float(high[0]), 4)
(2.0, 1.4243, 2.8084)
>>> ratio, low, high = ratio_interval([50], [1000], [100], [4000], kind="proportion")
>>> round(float(low[0]), 4), round(float(high[0]), 4)
(1.4345, 2.7884)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .intervals import z_value

KINDS = ("rate", "proportion")


def ratio_interval(count, denominator, reference_count, reference_denominator, *, kind: str = "rate",
                   confidence: float = 0.95, value=None, reference_value=None):
    """Ratio of two rates or proportions and its log-scale interval (arrays in, arrays out).

    The ratio is ``value / reference_value`` when published values are given (a
    rate rounded by its publisher stays the publisher's), else count over
    denominator. Limits need both counts (and, for proportions, both denominators).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    a, n_a = np.asarray(count, dtype=float), np.asarray(denominator, dtype=float)
    b, n_b = np.asarray(reference_count, dtype=float), np.asarray(reference_denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if value is not None and reference_value is not None:
            ratio = np.asarray(value, dtype=float) / np.asarray(reference_value, dtype=float)
        else:
            ratio = (a / n_a) / (b / n_b)
        variance = 1 / a + 1 / b
        if kind == "proportion":
            variance = variance - 1 / n_a - 1 / n_b
        spread = z_value(confidence) * np.sqrt(variance)
        usable = (a > 0) & (b > 0) & np.isfinite(variance) & (variance >= 0) & np.isfinite(ratio) & (ratio > 0)
        lower = np.where(usable, ratio * np.exp(-spread), np.nan)
        upper = np.where(usable, ratio * np.exp(spread), np.nan)
    ratio = np.where(np.isfinite(ratio), ratio, np.nan)
    return ratio, lower, upper


def _significance(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    out = np.full(len(lower), "not tested", dtype=object)
    tested = ~np.isnan(lower) & ~np.isnan(upper)
    out[tested & (lower > 1)] = "higher"
    out[tested & (upper < 1)] = "lower"
    out[tested & (lower <= 1) & (upper >= 1)] = "similar"
    return out


def disproportionality(frame: pd.DataFrame, *, group: str = "category", value: str = "value",
                       count: str = "count", denominator: str = "denominator", reference: str = "White",
                       by: Sequence[str] = ("area_code", "period"), kind: str = "rate",
                       national: str | None = "K04000001", area: str = "area_code",
                       confidence: float = 0.95) -> pd.DataFrame:
    """Each group's ratio to the reference group within each ``by`` set (an area in a period).

    ``frame`` is a tidy frame (or any frame with these columns) holding one
    row per group; rows of other groups need not be removed, and a set
    without a reference row gets no ratios. Returns ``by`` and ``group`` with
    ``value``, ``reference_value``, ``ratio``, ``ratio_lower``, ``ratio_upper``,
    ``significance`` ("higher", "lower", "similar", "not tested" when no
    interval can be given, "reference" for the reference group), ``significantly_above_1``, and, when the ``national``
    area is in the frame, ``national_ratio`` with its limits for the same group
    and period, so the force's ratio can be read beside England and Wales's.

    >>> rows = pd.DataFrame({"area_code": ["E23000004"] * 2, "period": ["2023/24"] * 2,
    ...                      "category": ["Black", "White"], "value": [45.1, 33.3],
    ...                      "count": [None, None], "denominator": [None, None]})
    >>> out = disproportionality(rows)
    >>> out[["category", "ratio", "significance"]].round(2).values.tolist()
    [['Black', 1.35, 'not tested'], ['White', 1.0, 'reference']]
    """
    keys = list(by)
    columns = [c for c in (count, denominator) if c not in frame.columns]
    data = frame.assign(**{c: np.nan for c in columns})[keys + [group, value, count, denominator]]
    ref = data[data[group] == reference].drop_duplicates(keys).drop(columns=[group])
    ref = ref.rename(columns={value: "reference_value", count: "_ref_count", denominator: "_ref_den"})
    merged = data.merge(ref, on=keys, how="inner")
    ratio, lower, upper = ratio_interval(merged[count], merged[denominator], merged["_ref_count"],
                                         merged["_ref_den"], kind=kind, confidence=confidence,
                                         value=merged[value], reference_value=merged["reference_value"])
    out = merged[keys + [group, value, "reference_value"]].rename(columns={value: "value"})
    out["ratio"], out["ratio_lower"], out["ratio_upper"] = ratio, lower, upper
    out["significance"] = _significance(lower, upper)
    is_reference = out[group].eq(reference).to_numpy()
    out.loc[is_reference, ["ratio_lower", "ratio_upper"]] = np.nan
    out.loc[is_reference, "significance"] = "reference"
    out["significantly_above_1"] = out["significance"].eq("higher")
    if national and area in keys and (out[area] == national).any():
        rest = [k for k in keys if k != area]
        nat = out[out[area] == national][rest + [group, "ratio", "ratio_lower", "ratio_upper"]]
        nat = nat.rename(columns={"ratio": "national_ratio", "ratio_lower": "national_ratio_lower",
                                  "ratio_upper": "national_ratio_upper"})
        out = out.merge(nat, on=rest + [group], how="left")
    return out.reset_index(drop=True)
