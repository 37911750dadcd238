"""Statistics: intervals against PHStatsMethods and published Fingertips limits; comparisons; trends; roll-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.tidy.frame import area_type_for_code, new_frame, validate_frame
from assessment.sources.fingertips.client import IndicatorMeta, parse_csv
from assessment.stats import (add_intervals, aggregate, byars_limits, compare_to, dsr_with_limits, rate_limits,
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


@pytest.fixture(scope="module")
def campylobacter(shared_data):
    text = (shared_data / "fingertips/indicators-CountyUA.data.csv").read_text(encoding="utf-8")
    meta = {"93356": IndicatorMeta("93356", "crude rate", 100000.0, "per 100,000", "low_is_good", "ci_overlap_95")}
    return parse_csv(text, url="indicators-CountyUA.data.csv", metadata=meta), pd.read_csv(
        shared_data / "fingertips/indicators-CountyUA.data.csv")


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


# --------------------------------------------------------------- comparisons
@pytest.mark.shared
def test_reproduces_fingertips_compared_to_england_column(campylobacter):
    frame, raw = campylobacter
    compared = compare_to(frame, "E92000001")
    published = raw.set_index(["Area Code", raw["Time period"].astype(str), raw["Age"],
                               raw["Category Type"].fillna(""), raw["Category"].fillna("")])[
        "Compared to England value or percentiles"]
    ours = compared.set_index(["area_code", "period", "age", "category_type", "category"])["comparison"]
    joined = pd.concat([ours, published.rename("published")], axis=1, join="inner")
    assert len(joined) >= 790
    assert (joined["comparison"] == joined["published"]).mean() == 1.0


@pytest.mark.shared
def test_reproduces_fingertips_compared_to_region_column(campylobacter):
    frame, raw = campylobacter
    parents = dict(zip(raw["Area Code"], raw["Parent Code"]))
    compared = compare_to(frame, frame["area_code"].map(parents))
    published = raw.set_index(["Area Code", raw["Time period"].astype(str), raw["Age"],
                               raw["Category Type"].fillna(""), raw["Category"].fillna("")])[
        "Compared to Region value or percentiles"]
    ours = compared.set_index(["area_code", "period", "age", "category_type", "category"])["comparison"]
    joined = pd.concat([ours, published.rename("published")], axis=1, join="inner").dropna()
    joined = joined[~joined.index.get_level_values(0).str.startswith(("E92", "E12"))]
    assert len(joined) > 700
    assert (joined["comparison"] == joined["published"]).mean() == 1.0


def _frame(values, *, polarity="high_is_good", method="ci_overlap_95_998", ci=None):
    rows = []
    for code, value in values.items():
        lo95, hi95, lo998, hi998 = ci.get(code, (value - 1, value + 1, value - 2, value + 2)) if ci else (
            value - 1, value + 1, value - 2, value + 2)
        rows.append(dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code,
                         area_type=area_type_for_code(code) or "england", period="2023", value=value,
                         lower_ci_95=lo95, upper_ci_95=hi95, lower_ci_998=lo998, upper_ci_998=hi998,
                         value_type="proportion", multiplier=100, polarity=polarity, comparator_method=method,
                         ci_method="published"))
    return new_frame(rows)


@pytest.mark.parametrize(("polarity", "high", "low"), [
    ("high_is_good", "Better (99.8%)", "Worse"),
    ("low_is_good", "Worse (99.8%)", "Better"),
    ("no_judgement", "Higher", "Lower"),
])
def test_polarity_is_applied_in_one_place(polarity, high, low):
    ci = {"E08000001": (12.0, 14.0, 11.0, 15.0), "E08000002": (7.0, 9.5, 6.0, 10.5),
          "E08000003": (9.0, 11.0, 8.0, 12.0)}
    frame = _frame({"E92000001": 10.0, "E08000001": 13.0, "E08000002": 8.0, "E08000003": 10.0},
                   polarity=polarity, ci=ci)
    labels = compare_to(frame, "E92000001").set_index("area_code")["comparison"]
    assert (labels["E08000001"], labels["E08000002"], labels["E08000003"]) == (high, low, "Similar")


def test_not_compared_always_has_a_reason():
    frame = _frame({"E92000001": 10.0, "E08000001": 13.0, "E08000002": 8.0, "E08000003": 9.0})
    frame.loc[frame["area_code"] == "E08000002", ["value", "lower_ci_95", "upper_ci_95", "lower_ci_998",
                                                   "upper_ci_998"]] = np.nan
    frame.loc[frame["area_code"] == "E08000002", "suppressed"] = True
    frame.loc[frame["area_code"] == "E08000003", "polarity"] = "not_applicable"
    out = compare_to(frame, "E92000001").set_index("area_code")
    assert out.loc["E08000002", "comparison"] == "Not compared"
    assert "suppressed" in out.loc["E08000002", "comparison_reason"]
    assert "no polarity" in out.loc["E08000003", "comparison_reason"]
    none_method = compare_to(_frame({"E92000001": 1.0, "E08000001": 5.0}, method="none"), "E92000001")
    assert none_method.set_index("area_code").loc["E08000001", "comparison_reason"]
    assert (out.loc[out["comparison"] == "Not compared", "comparison_reason"] != "").all()


@pytest.mark.parametrize(("polarity", "lowest_label"), [("no_judgement", "Lowest quintile"),
                                                        ("high_is_good", "Worst quintile"),
                                                        ("low_is_good", "Best quintile")])
def test_quintiles_use_interpolated_percentiles(polarity, lowest_label):
    values = {f"E08{i:06d}": float(v) for i, v in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])}
    out = compare_to(_frame(values, polarity=polarity, method="quintiles"), "E92000001").set_index("area_code")
    bounds = np.percentile(list(values.values()), [0, 20, 40, 60, 80, 100], method="linear")
    assert bounds[1] == pytest.approx(2.8)
    assert out.loc["E08000000", "comparison"] == lowest_label  # value 1
    assert out.loc["E08000002", "comparison"] != out.loc["E08000001", "comparison"]  # 3 > 2.8 moves up a bin
    # Fingertips needs five values for quintiles (QuintilesComparerTest: 1, 2, 3, 4 -> category 0).
    few = compare_to(_frame(dict(list(values.items())[:4]), method="quintiles"), "E92000001")
    assert few["comparison"].eq("Not compared").all() and few["comparison_reason"].str.contains("fewer than 5").all()
    quartiles = compare_to(_frame(dict(list(values.items())[:4]), method="quartiles"), "E92000001")
    assert quartiles["comparison"].str.endswith("quartile").all()


@pytest.mark.parametrize(("value", "label"), [(1, "Lowest quintile"), (3, "2nd lowest quintile"),
                                              (5, "Middle quintile"), (7, "2nd highest quintile"),
                                              (9, "Highest quintile"), (10, "Highest quintile")])
def test_no_judgement_quintiles_use_fingertips_words(value, label):
    # QuintilesComparerTest.Test_GetCategories (values 1 to 10) with SignificanceFormatter's labels.
    values = {f"E08{i:06d}": float(v) for i, v in enumerate(range(1, 11))}
    out = compare_to(_frame(values, polarity="no_judgement", method="quintiles"), "E92000001")
    assert out.set_index("value").loc[float(value), "comparison"] == label


@pytest.mark.parametrize(("value", "polarity", "label"), [(1, "high_is_good", "Worst quintile"),
                                                          (9, "high_is_good", "Best quintile"),
                                                          (1, "low_is_good", "Best quintile"),
                                                          (7, "low_is_good", "Worse quintile")])
def test_judged_quintiles_follow_polarity(value, polarity, label):
    # QuintilesComparerTest.Test_GetCategoriesRagHighIsGood / RagLowIsGood: category 1 is the best.
    values = {f"E08{i:06d}": float(v) for i, v in enumerate(range(1, 11))}
    out = compare_to(_frame(values, polarity=polarity, method="quintiles"), "E92000001")
    assert out.set_index("value").loc[float(value), "comparison"] == label


def test_method_17_without_998_limits_is_not_compared():
    ci = {"E08000001": (12.0, 14.0, np.nan, np.nan), "E08000002": (12.0, 14.0, 11.0, 15.0)}
    frame = _frame({"E92000001": 10.0, "E08000001": 13.0, "E08000002": 13.0}, ci=ci)
    out = compare_to(frame, "E92000001").set_index("area_code")
    assert out.loc["E08000001", "comparison"] == "Not compared"
    assert out.loc["E08000001", "comparison_reason"] == "the value has no 99.8% confidence interval"
    assert out.loc["E08000002", "comparison"] == "Better (99.8%)"
    one_level = compare_to(_frame({"E92000001": 10.0, "E08000001": 13.0}, method="ci_overlap_95", ci=ci),
                           "E92000001").set_index("area_code")
    assert one_level.loc["E08000001", "comparison"] == "Better"


# --------------------------------------------------------------------- roll-ups
LOOKUP = pd.DataFrame({"child_code": ["E07000001", "E07000002", "E07000003"], "parent_code": "E23000001",
                       "parent_name": "Force"})


def _districts(counts, denominators, *, value_type="crude rate", ci_method="byars", suppressed=()):
    rows = []
    for i, (c, d) in enumerate(zip(counts, denominators), start=1):
        code = f"E07{i:06d}"
        hidden = code in suppressed
        rows.append(dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code,
                         area_type="lad", period="2023", count=None if hidden else c, denominator=d,
                         value_type=value_type, multiplier=100000, ci_method=ci_method, suppressed=hidden,
                         value_note="Suppressed" if hidden else "", polarity="low_is_good"))
    return add_intervals(new_frame(rows))


def test_force_count_is_the_sum_of_its_districts_and_rates_are_not_averaged():
    districts = _districts([10, 500, 90], [1000, 100000, 20000])
    force = validate_frame(aggregate(districts, LOOKUP, "pfa")).iloc[0]
    assert force["count"] == 600 and force["denominator"] == 121000
    assert force["value"] == pytest.approx(600 / 121000 * 100000)
    assert force["value"] != pytest.approx(districts["value"].mean())
    lower, upper = rate_limits([600], [121000], 100000)
    assert force["lower_ci_95"] == pytest.approx(lower[0])


def test_missing_or_suppressed_district_means_no_force_value_unless_partial():
    districts = _districts([10, 500, 3], [1000, 100000, 20000], suppressed={"E07000003"})
    strict = aggregate(districts, LOOKUP, "pfa").iloc[0]
    assert np.isnan(strict["value"]) and "E07000003" in strict["value_note"]
    partial = aggregate(districts, LOOKUP, "pfa", partial=True).iloc[0]
    assert partial["count"] == 510 and "Partial: excludes districts E07000003" in partial["value_note"]
    missing = aggregate(districts[districts["area_code"] != "E07000002"], LOOKUP, "pfa").iloc[0]
    assert np.isnan(missing["value"]) and "no data for E07000002" in missing["value_note"]


def test_directly_standardised_rates_are_not_aggregable():
    districts = _districts([10, 20, 30], [1000, 1000, 1000], value_type="directly standardised rate",
                           ci_method="dobson")
    out = aggregate(districts, LOOKUP, "pfa").iloc[0]
    assert np.isnan(out["value"]) and out["value_note"].startswith("Not aggregable")


def test_district_split_between_parents_is_not_aggregable():
    lookup = pd.concat([LOOKUP, pd.DataFrame({"child_code": ["E07000003"], "parent_code": ["E23000002"],
                                              "parent_name": ["Other"]})])
    out = aggregate(_districts([1, 2, 3], [10, 10, 10]), lookup, "csp").set_index("area_code")
    assert out.loc["E23000001", "value_note"].startswith("Not aggregable")


@pytest.mark.shared
def test_england_rebuilt_from_regions_equals_published_england(campylobacter):
    frame, _ = campylobacter
    main = frame[frame["category_type"] == ""]
    regions = main[main["area_type"] == "region"]
    lookup = pd.DataFrame({"child_code": sorted(regions["area_code"].unique()), "parent_code": "E92000001",
                           "parent_name": "England"})
    rebuilt = aggregate(regions, lookup, "england").set_index("period")
    published = main[(main["area_code"] == "E92000001") & (main["age"] == "All ages")].set_index("period")
    for period in rebuilt.index:
        if rebuilt.loc[period, "age"] != "All ages":
            continue
        assert rebuilt.loc[period, "count"] == published.loc[period, "count"]
        assert rebuilt.loc[period, "value"] == pytest.approx(published.loc[period, "value"], rel=1e-9)


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
