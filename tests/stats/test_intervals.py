"""Confidence intervals against PHStatsMethods and published Fingertips limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.tidy.frame import new_frame, validate_frame
from assessment.stats import (add_intervals, byars_limits, dsr_with_limits, rate_limits,
                              ratio_limits, standardised_rates, wilson_limits)


PHStats = pytest.importorskip("PHStatsMethods")

from PHStatsMethods import confidence_intervals as oracle  # noqa: E402  (GPL: test-only oracle)

RNG = np.random.default_rng(20261122)


# ------------------------------------------------------------------ intervals
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_wilson_matches_phstatsmethods_on_random_cases(confidence):
    n = RNG.integers(1, 50_000, 3000)
    x = np.minimum(RNG.integers(0, 50_000, 3000), n)
    x[:200] = 0
    x[200:400] = n[200:400]
    lower, upper = wilson_limits(x, n, confidence)
    expected_lower = [oracle.wilson_lower(a, b, confidence) for a, b in zip(x, n)]
    expected_upper = [oracle.wilson_upper(a, b, confidence) for a, b in zip(x, n)]
    np.testing.assert_allclose(lower, expected_lower, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(upper, expected_upper, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_byars_and_exact_match_phstatsmethods_on_random_cases(confidence):
    x = np.concatenate([np.arange(0, 10), RNG.integers(10, 100_000, 3000)])
    lower, upper = byars_limits(x, confidence)
    exact = x < 10
    # The oracle returns NaN for the exact lower limit of a zero count; the limit is 0.
    expected_lower = [(0.0 if v == 0 else oracle.exact_lower(v, confidence)) if e else oracle.byars_lower(v, confidence)
                      for v, e in zip(x, exact)]
    expected_upper = [oracle.exact_upper(v, confidence) if e else oracle.byars_upper(v, confidence)
                      for v, e in zip(x, exact)]
    np.testing.assert_allclose(lower, expected_lower, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(upper, expected_upper, rtol=1e-9, atol=1e-12)


def test_dobson_matches_phstatsmethods_dsr():
    ages = 19
    frames, ours = [], []
    for group in range(40):
        observed = RNG.integers(0, 60, ages)
        population = RNG.integers(500, 20_000, ages)
        standard = RNG.integers(1000, 8000, ages).astype(float)
        frames.append(pd.DataFrame({"g": group, "o": observed, "n": population, "w": standard}))
        ours.append((group, *dsr_with_limits(observed, population, standard),
                     *dsr_with_limits(observed, population, standard, confidence=0.998)[1:]))
    expected = PHStats.ph_dsr(pd.concat(frames), "o", "n", "w", group_cols="g", euro_standard_pops=False,
                              confidence=[0.95, 0.998]).sort_values("g")
    got = pd.DataFrame(ours, columns=["g", "value", "l95", "u95", "l998", "u998"]).sort_values("g")
    np.testing.assert_allclose(got["value"], expected["Value"], rtol=1e-9)
    np.testing.assert_allclose(got["l95"], expected["lower_95_ci"], rtol=1e-9)
    np.testing.assert_allclose(got["u998"], expected["upper_99_8_ci"], rtol=1e-9)


def test_dsr_below_ten_events_has_no_value():
    value, lower, upper = dsr_with_limits([1, 2, 3], [1000, 1000, 1000], [1, 1, 1])
    assert np.isnan(value) and np.isnan(lower) and np.isnan(upper)


def test_ratio_limits_are_count_limits_over_expected():
    lower, upper = ratio_limits([50], [40], multiplier=100)
    count_lower, count_upper = byars_limits([50])
    assert lower[0] == pytest.approx(count_lower[0] / 40 * 100) and upper[0] == pytest.approx(count_upper[0] / 40 * 100)


@pytest.mark.shared
def test_published_fingertips_limits_are_reproduced(campylobacter):
    """This 2020 export used Byar's for every count (no exact limits below 10); the published
    limits agree with ours to within 2 in 10,000 (Fingertips rounds its inputs slightly differently)."""
    frame, _ = campylobacter
    rows = frame.dropna(subset=["count", "denominator", "lower_ci_95"])
    lower, upper = rate_limits(rows["count"], rows["denominator"], 100_000, exact_below=0)
    np.testing.assert_allclose(lower, rows["lower_ci_95"], rtol=2e-4)
    np.testing.assert_allclose(upper, rows["upper_ci_95"], rtol=2e-4)
    assert len(rows) > 700
    current = rate_limits(rows["count"], rows["denominator"], 100_000)[0]
    large = rows["count"].to_numpy() >= 10
    np.testing.assert_allclose(current[large], rows["lower_ci_95"].to_numpy()[large], rtol=2e-4)


def test_add_intervals_fills_values_by_method_and_leaves_others():
    frame = new_frame([
        dict(indicator_id="p", indicator_name="P", source="s", area_code="E92000001", area_name="England",
             area_type="england", period="1", count=50, denominator=100, value_type="proportion",
             multiplier=100, ci_method="wilson"),
        dict(indicator_id="r", indicator_name="R", source="s", area_code="E92000001", area_name="England",
             area_type="england", period="1", count=5, denominator=1000, value_type="crude rate",
             multiplier=1000, ci_method="byars"),
        dict(indicator_id="x", indicator_name="X", source="s", area_code="E92000001", area_name="England",
             area_type="england", period="1", value=3.0, lower_ci_95=2.0, upper_ci_95=4.0, count=3,
             denominator=9, value_type="score", ci_method="published"),
        dict(indicator_id="z", indicator_name="Z", source="s", area_code="E92000001", area_name="England",
             area_type="england", period="1", count=5, denominator=0, value_type="proportion",
             multiplier=100, ci_method="wilson"),
    ])
    out = validate_frame(add_intervals(frame)).set_index("indicator_id")
    assert out.loc["p", "value"] == 50 and out.loc["p", "lower_ci_95"] == pytest.approx(40.383, abs=1e-3)
    assert out.loc["r", "value"] == 5 and out.loc["r", "lower_ci_95"] == pytest.approx(1.6235, abs=1e-4)
    assert out.loc["x", "lower_ci_95"] == 2.0
    assert np.isnan(out.loc["z", "value"])


# -------------------------------------------------- exact Poisson and standardised rates
def test_exact_poisson_means_exact_limits_at_every_count():
    counts = [3, 10, 57, 480, 12_000]
    rows = [dict(indicator_id=f"e{c}", indicator_name="E", source="s", area_code="E92000001", area_name="England",
                 area_type="england", period="2023", count=c, denominator=1_000_000, value_type="crude rate",
                 multiplier=100_000, ci_method=method) for c in counts for method in ("exact_poisson", "byars")]
    out = add_intervals(new_frame(rows)).assign(method=[m for _ in counts for m in ("exact_poisson", "byars")])
    exact = out[out["method"] == "exact_poisson"]
    expected = [oracle.exact_lower(c, 0.95) / 1_000_000 * 100_000 for c in counts]
    np.testing.assert_allclose(exact["lower_ci_95"], expected, rtol=1e-9)
    np.testing.assert_allclose(exact["upper_ci_998"],
                               [oracle.exact_upper(c, 0.998) / 10 for c in counts], rtol=1e-9)
    byars = out[out["method"] == "byars"]
    assert byars["lower_ci_95"].iloc[2] == pytest.approx(oracle.byars_lower(57, 0.95) / 10, rel=1e-9)
    assert byars["lower_ci_95"].iloc[2] != pytest.approx(exact["lower_ci_95"].iloc[2], rel=1e-6)


def test_dsr_with_a_missing_age_band_is_refused_with_a_reason_not_nan():
    with pytest.raises(ValueError, match="age band 2 has no population"):
        dsr_with_limits([10, 12, 14], [1000, np.nan, 900], [1, 1, 1])
    # A band with no recorded events counts as none (PHEindicatormethods' rule).
    assert dsr_with_limits([10, np.nan, 14], [1000, 1000, 900], [1, 1, 1])[0] == pytest.approx(
        dsr_with_limits([10, 0, 14], [1000, 1000, 900], [1, 1, 1])[0])
    standard = {"0-34": 40_000.0, "35-64": 38_000.0, "65+": 22_000.0}
    bands = pd.DataFrame({"area": ["A"] * 3 + ["B"] * 2 + ["C"] * 3,
                          "age_band": ["0-34", "35-64", "65+", "0-34", "65+", "0-34", "35-64", "65+"],
                          "count": [20, 30, 40, 20, 40, 1, 2, 3],
                          "denominator": [30_000, 25_000, 9_000, 30_000, 9_000, 30_000, 25_000, 9_000]})
    out = standardised_rates(bands, standard, by=["area"]).set_index("area")
    value, lower, upper = dsr_with_limits([20, 30, 40], [30_000, 25_000, 9_000], list(standard.values()))
    assert out.loc["A", "value"] == pytest.approx(value) and out.loc["A", "upper_ci_95"] == pytest.approx(upper)
    assert np.isnan(out.loc["B", "value"]) and out.loc["B", "value_note"].startswith("No value: age band 35-64 missing")
    assert np.isnan(out.loc["C", "value"]) and out.loc["C", "value_note"] == "No value: fewer than 10 events (6)"


def test_add_intervals_fills_the_rows_of_each_method_and_leaves_its_input_alone():
    rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code, area_type="lad",
                 period="2023", count=count, denominator=1000.0, value_type=kind, multiplier=multiplier,
                 ci_method=method) for code, count, kind, multiplier, method in [
                     ("E06000001", 50.0, "proportion", 100, "wilson"), ("E06000002", 5.0, "crude rate", 1000, "byars"),
                     ("E06000003", 7.0, "count", 1, "exact_poisson"), ("E06000004", 9.0, "proportion", 100, "published")]]
    frame = new_frame(rows)
    before = frame.copy()
    out = add_intervals(frame).set_index("area_code")
    assert out["value"].tolist()[:3] == [5.0, 5.0, 7.0] and pd.isna(out.loc["E06000004", "value"])
    assert out.loc["E06000001", "lower_ci_95"] < 5.0 < out.loc["E06000001", "upper_ci_95"]
    assert out.loc["E06000003", "lower_ci_95"] == pytest.approx(byars_limits([7.0], exact_below=np.inf)[0][0])
    assert pd.isna(out.loc["E06000004", "lower_ci_95"])
    pd.testing.assert_frame_equal(frame, before)
