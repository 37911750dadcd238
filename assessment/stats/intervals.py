"""Confidence intervals, vectorised over whole columns (Fingertips / PHEindicatormethods methods).

- Wilson score intervals for proportions;
- Byar's method for counts and crude rates, with exact Poisson limits below 10 events
  (``ci_method: exact_poisson`` means exact limits at every count);
- Dobson's method for directly standardised rates (no value below 10 events, and none
  without every age band of the standard population);
- indirectly standardised ratios (observed / expected, limits on the observed count).

All functions take NumPy arrays (or anything array-like) and return arrays.

>>> lower, upper = wilson_limits([50], [100])
>>> round(float(lower[0]) * 100, 3), round(float(upper[0]) * 100, 3)
(40.383, 59.617)
>>> byars_limits([12])[0].round(4), byars_limits([5])[0].round(4)
(array([6.1935]), array([1.6235]))
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Two-sided z values used by Fingertips for its two confidence levels: ``scipy.special.ndtri(0.975)`` and
#: ``ndtri(0.999)`` to the last bit (tests/stats/test_intervals.py checks them). Written out, scipy is
#: imported only where an interval needs it: every `jsna` command and report kernel imports this module,
#: and scipy.special took 0.19 s of each one's start.
Z = {0.95: 1.959963984540054, 0.998: 3.090232306167813}
EXACT_BELOW = 10


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile for ``confidence`` (0.95: 1.96)."""
    if confidence in Z:
        return Z[confidence]
    # scipy.special, not scipy.stats: the same quantile functions, and a third of the import time.
    from scipy.special import ndtri

    return float(ndtri(1 - (1 - confidence) / 2))


def wilson_limits(count, denominator, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of the proportion count/denominator (0-1 scale); NaN where n <= 0."""
    x = np.asarray(count, dtype=float)
    n = np.asarray(denominator, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        lower = (2 * x + z**2 - root) / (2 * (n + z**2))
        upper = (2 * x + z**2 + root) / (2 * (n + z**2))
    bad = ~(n > 0) | (x < 0) | (x > n)
    lower, upper = np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)
    return np.clip(lower, 0, 1), np.clip(upper, 0, 1)


def byars_limits(count, confidence: float = 0.95, exact_below: float = EXACT_BELOW) -> tuple[np.ndarray, np.ndarray]:
    """Limits of a Poisson count: Byar's approximation, exact (chi-squared) below ``exact_below`` (10).

    ``exact_below=0`` gives Byar's for every count, as some older Fingertips exports did;
    ``exact_below=np.inf`` exact limits for every count (``ci_method: exact_poisson``).
    """
    x = np.asarray(count, dtype=float)
    z = z_value(confidence)
    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    exact = x < exact_below
    if exact.any():  # chi-squared quantiles are slow: compute them only where needed
        from scipy.special import gammaincinv

        small = x[exact]
        # The chi-squared quantile with 2k degrees of freedom, halved: chi2.ppf(q, 2k) / 2 == gammaincinv(k, q).
        lower[exact] = np.where(small > 0, gammaincinv(small, alpha / 2), 0.0)
        upper[exact] = gammaincinv(small + 1, 1 - alpha / 2)
    bad = ~(x >= 0)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def rate_limits(count, denominator, multiplier=100_000, confidence: float = 0.95,
                exact_below: float = EXACT_BELOW):
    """Limits of a crude rate count/denominator x multiplier (Byar's / exact)."""
    n = np.asarray(denominator, dtype=float)
    lower, upper = byars_limits(count, confidence, exact_below)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n > 0, np.asarray(multiplier, dtype=float) / n, np.nan)
    return lower * scale, upper * scale


def dsr_problem(observed, population, standard) -> str | None:
    """Why a directly standardised rate cannot be computed from these age bands (None if it can).

    The PHEindicatormethods rule (``calculate_dsr``, R/DSR.R): every band of the standard
    population needs a population above zero and a standard weight; a band with no recorded
    events counts as zero events. Positions are 1-based band numbers.

    >>> print(dsr_problem([5, 7, np.nan], [1000, np.nan, 900], [1, 1, 1]))
    age band 2 has no population
    """
    n = np.asarray(population, dtype=float)
    w = np.asarray(standard, dtype=float)
    o = np.asarray(observed, dtype=float)
    for values, what in ((n, "no population"), (w, "no standard population weight")):
        missing = np.flatnonzero(np.isnan(values)) + 1
        if missing.size == 1:
            return f"age band {missing[0]} has {what}"
        if missing.size:
            return f"age bands {', '.join(map(str, missing))} have {what}"
    if np.any(n <= 0):
        return f"age band {int(np.flatnonzero(n <= 0)[0]) + 1} has a population of zero or less"
    if np.any(o[~np.isnan(o)] < 0):
        return "a negative count of events"
    return None


def dsr_with_limits(observed, population, standard, multiplier=100_000,
                    confidence: float = 0.95) -> tuple[float, float, float]:
    """Directly standardised rate and Dobson limits from age-specific counts and populations.

    Returns ``(nan, nan, nan)`` when the total count is below 10 (Fingertips does
    not publish a DSR from so few events); raises ValueError naming the band when
    a band's population or standard weight is missing (see :func:`dsr_problem`),
    rather than returning NaN silently. A band with no count has no events.

    >>> import numpy as np
    >>> value, lo, hi = dsr_with_limits(np.full(19, 10), np.full(19, 10_000), np.full(19, 100_000 / 19))
    >>> round(value, 1), round(lo, 2), round(hi, 2)
    (100.0, 86.29, 115.28)
    """
    problem = dsr_problem(observed, population, standard)
    if problem:
        raise ValueError(f"cannot standardise: {problem}")
    o = np.nan_to_num(np.asarray(observed, dtype=float), nan=0.0)
    n = np.asarray(population, dtype=float)
    w = np.asarray(standard, dtype=float)
    total = o.sum()
    if total < EXACT_BELOW:
        return float("nan"), float("nan"), float("nan")
    weight_sum = w.sum()
    value = float((w * o / n).sum() / weight_sum)
    variance = float((w**2 * o / n**2).sum() / weight_sum**2)
    lower_o, upper_o = byars_limits([total], confidence)
    spread = np.sqrt(variance / total)
    lower = value + spread * (lower_o[0] - total)
    upper = value + spread * (upper_o[0] - total)
    return value * multiplier, float(lower) * multiplier, float(upper) * multiplier


def ratio_limits(observed, expected, multiplier=100, confidence: float = 0.95):
    """Indirectly standardised ratio limits: Byar's/exact limits of observed over expected."""
    e = np.asarray(expected, dtype=float)
    lower, upper = byars_limits(observed, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(e > 0, np.asarray(multiplier, dtype=float) / e, np.nan)
    return lower * scale, upper * scale


def _is(column: pd.Series):
    """A test of ``column``'s rows for one value, each distinct value compared once (a million rows, a few values)."""
    numbers, distinct = pd.factorize(column.to_numpy(object))
    where = {value: number for number, value in enumerate(distinct)}
    return lambda value: pd.Series(numbers == where.get(value, -2), index=column.index)


def add_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill value and 95%/99.8% limits from count and denominator, by each row's ``ci_method``.

    Rows whose method is "wilson" (proportions), "byars" (counts and crude rates,
    exact below 10 events) or "exact_poisson" (exact at every count) are computed; "published", "dobson" (needs
    age-specific data: see :func:`dsr_with_limits`) and "none" rows, and
    suppressed rows, are left as they are. A zero or missing denominator gives
    no value.
    """
    # Only the value and limit columns change: the rest of a national frame is shared, not copied.
    out = frame.copy(deep=False)
    live = ~out["suppressed"].astype(bool) & out["count"].notna()
    count, denominator = out["count"].to_numpy(float), out["denominator"].to_numpy(float)
    multiplier = out["multiplier"].to_numpy(float)
    method = _is(out["ci_method"])
    wilson = live & method("wilson")
    poisson = live & (method("byars") | method("exact_poisson"))
    exact = (poisson & method("exact_poisson")).to_numpy()
    is_count = poisson & _is(out["value_type"])("count")
    is_rate = poisson & ~is_count
    with np.errstate(divide="ignore", invalid="ignore"):
        proportion = np.where(denominator > 0, count / denominator * multiplier, np.nan)
        rate = np.where(denominator > 0, count / denominator * multiplier, np.nan)
    out.loc[wilson, "value"] = proportion[wilson.to_numpy()]
    out.loc[is_rate, "value"] = rate[is_rate.to_numpy()]
    out.loc[is_count, "value"] = count[is_count.to_numpy()]
    for level, suffix in ((0.95, "95"), (0.998, "998")):
        lo_w, hi_w = wilson_limits(count, denominator, level)
        lo_r, hi_r = rate_limits(count, denominator, multiplier, level)
        lo_c, hi_c = byars_limits(count, level)
        if exact.any():  # exact Poisson limits at every count, not only below 10
            lo_c[exact], hi_c[exact] = byars_limits(count[exact], level, exact_below=np.inf)
            lo_r[exact], hi_r[exact] = rate_limits(count[exact], denominator[exact], multiplier[exact], level,
                                                   exact_below=np.inf)
        lower = np.select([wilson, is_rate, is_count], [lo_w * multiplier, lo_r, lo_c], np.nan)
        upper = np.select([wilson, is_rate, is_count], [hi_w * multiplier, hi_r, hi_c], np.nan)
        computed = (wilson | poisson).to_numpy()
        out.loc[computed, f"lower_ci_{suffix}"] = lower[computed]
        out.loc[computed, f"upper_ci_{suffix}"] = upper[computed]
    return out


def standardised_rates(bands: pd.DataFrame, standard: dict[str, float], *, by: list[str], band: str = "age_band",
                       observed: str = "count", population: str = "denominator",
                       multiplier: float = 100_000) -> pd.DataFrame:
    """Directly standardised rates with Dobson limits, one row per group of the ``by`` columns.

    ``standard`` maps each age band to its standard population (e.g. the European
    Standard Population 2013). A group missing a band of the standard, or with a
    band that has no population, gets no value and a ``value_note`` naming the band,
    instead of a silent NaN; fewer than 10 events gives no value and says so.

    >>> bands = pd.DataFrame({"area": ["A", "A", "B"], "age_band": ["0-49", "50+", "0-49"],
    ...                       "count": [30, 40, 30], "denominator": [10_000, 5_000, 10_000]})
    >>> out = standardised_rates(bands, {"0-49": 60_000, "50+": 40_000}, by=["area"])
    >>> float(round(out.loc[0, "value"], 1)), out.loc[1, "value_note"]
    (500.0, 'No value: age band 50+ missing (a directly standardised rate needs every band of the standard population)')
    """
    weights = pd.Series(standard, dtype=float)
    records = []
    for key, group in bands.groupby(by, sort=False):
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        present = group.set_index(band)
        missing = [b for b in weights.index if b not in present.index]
        note = ""
        value = lower95 = upper95 = lower998 = upper998 = float("nan")
        if missing:
            note = (f"No value: age band{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing "
                    "(a directly standardised rate needs every band of the standard population)")
        else:
            o = present.loc[weights.index, observed].to_numpy(float)
            n = present.loc[weights.index, population].to_numpy(float)
            no_population = [b for b, people in zip(weights.index, n) if not people > 0]
            if no_population:
                note = f"No value: no population for age band(s) {', '.join(no_population)}"
            elif np.nansum(o) < EXACT_BELOW:
                note = f"No value: fewer than {EXACT_BELOW} events ({np.nansum(o):g})"
            else:
                value, lower95, upper95 = dsr_with_limits(o, n, weights.to_numpy(), multiplier, 0.95)
                _, lower998, upper998 = dsr_with_limits(o, n, weights.to_numpy(), multiplier, 0.998)
        records.append({**row, "value": value, "lower_ci_95": lower95, "upper_ci_95": upper95,
                        "lower_ci_998": lower998, "upper_ci_998": upper998,
                        "count": float(np.nansum(group[observed])), "denominator": float(group[population].sum()),
                        "value_note": note})
    return pd.DataFrame(records)
