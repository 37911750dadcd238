"""Recent trends: agreement with a literal port of Fingertips' calculator, the values the live site shows, and each rule."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from assessment.bundles.analysis import ANALYSIS_COLUMNS
from assessment.tidy.frame import new_frame, validate_frame
from assessment.stats import add_intervals, rate_limits, recent_trend, wilson_limits
from assessment.stats.trend import CANNOT, trend_value_types

from tests.support import fingertips_trend_port as port

RNG = np.random.default_rng(20261203)


def _records(points, *, value_type="proportion", polarity="high_is_good", method="ci_overlap_95_998",
             indicator_id="i"):
    """Tidy-frame records from (period label, value, lower, upper, count, denominator) tuples."""
    rows = []
    for period, value, lower, upper, count, denominator in points:
        rows.append(dict(indicator_id=indicator_id, indicator_name="I", source="s", area_code="E06000001",
                         area_name="Hartlepool", area_type="lad", period=period, value=value, lower_ci_95=lower,
                         upper_ci_95=upper, count=count, denominator=denominator, value_type=value_type,
                         multiplier=100 if value_type == "proportion" else 100000, polarity=polarity,
                         comparator_method=method, ci_method="published", suppressed=False))
    return rows


def _rows(points, **kwargs):
    return validate_frame(new_frame(_records(points, **kwargs)))


def _label(frame) -> tuple[str, str]:
    out = recent_trend(frame)
    return out["trend"].item(), out["trend_reason"].item()


def _direction(label: str) -> str:
    return label.split(" and ")[0]


# ------------------------------------------------- agreement with the ported calculator
def _generated_case(rng):
    """One random series: our tidy rows and the port's data points (a missing year is a -1 point)."""
    value_type = rng.choice(["proportion", "crude rate", "directly standardised rate", "life expectancy",
                             "indirectly standardised ratio"], p=[0.4, 0.25, 0.2, 0.1, 0.05])
    n_years = int(rng.integers(4, 9))
    pooled = rng.random() < 0.08
    denominator = float(rng.integers(300, 40_000))
    level = rng.uniform(0.05, 0.6) if value_type == "proportion" else rng.uniform(50, 900)
    drift = rng.normal(0, 0.04) * (rng.random() < 0.7)
    ours, theirs = [], []
    for t in range(n_years):
        year = 2012 + t
        label = f"{year - 2} - {year % 100:02d}" if pooled else str(year)
        point = {"Year": year, "Value": port.NULL_VALUE, "Count": None, "Denominator": 0.0,
                 "LowerCI95": None, "UpperCI95": None}
        defect = rng.random()
        if 0 < t < n_years - 1 and defect < 0.04:  # a year with no row at all
            theirs.append(point)
            continue
        if value_type == "proportion":
            count = float(rng.binomial(int(denominator), min(level * (1 + drift) ** t, 0.999)))
            if defect > 0.985:
                count = denominator  # 100%: the count equals the denominator
            value = count / denominator * 100
            lower, upper = (x[0] * 100 for x in wilson_limits([count], [denominator]))
        elif value_type == "life expectancy":
            count, value = None, 78 + drift * 40 * t + rng.normal(0, 0.2)
            lower, upper = value - 0.5, value + 0.5
        else:
            count = float(rng.poisson(level * (1 + drift) ** t * denominator / 100_000) + 10)
            value = count / denominator * 100_000
            lower, upper = (x[0] for x in rate_limits([count], [denominator], 100_000))
        if 0.04 <= defect < 0.07:  # suppressed: no value, count or interval
            theirs.append(point)
            ours.append((label, np.nan, np.nan, np.nan, np.nan, denominator))
            continue
        if 0.07 <= defect < 0.09 and count is not None:  # a value without its count
            count = None
        point.update(Value=value, Count=count, Denominator=denominator, LowerCI95=lower, UpperCI95=upper)
        theirs.append(point)
        ours.append((label, value, lower, upper, count, denominator))
    return value_type, pooled, ours, theirs


def test_agrees_with_a_port_of_the_fingertips_calculator_on_generated_series():
    records, expected = [], {}
    for case in range(3000):
        value_type, pooled, ours, theirs = _generated_case(RNG)
        polarity = str(RNG.choice(["high_is_good", "low_is_good", "no_judgement"]))
        records += _records(ours, value_type=value_type, polarity=polarity, indicator_id=f"i{case}")
        expected[f"i{case}"] = port.trend_marker(theirs, value_type, year_range=3 if pooled else 1)
    got = recent_trend(validate_frame(new_frame(records))).set_index("indicator_id")
    outcomes = Counter(expected[i] for i in got.index)
    disagreements = [(i, got.loc[i, "trend"], expected[i]) for i in got.index
                     if _direction(got.loc[i, "trend"]) != expected[i]]
    assert not disagreements, disagreements[:3]
    assert ((got["trend_reason"] == "") == (got["trend"] != CANNOT)).all()
    # Every outcome is exercised, so the comparison can fail in each direction.
    assert min(outcomes[k] for k in ("Increasing", "Decreasing", "No significant change", CANNOT)) > 100, outcomes


# ------------------------------------------ values shown on the live site (FingertipsNext tests)
# dhsc-govuk/FingertipsNext trend-analysis/TrendAnalysisApp.UnitTests/Calculator/IndicatorTestData.cs
# and TrendCalculatorTests.cs: England (or Yorkshire) values, each test "as per website".
WEBSITE = {
    "241 diabetes prevalence (proportion, no judgement)": (
        "proportion", "no_judgement", "Increasing",
        [(2020, 3455176, 48783947, 7.0826, 7.0754, 7.094), (2021, 3491868, 49122259, 7.1085, 7.1013, 7.1199),
         (2022, 3625401, 49956777, 7.2571, 7.2499, 7.2684), (2023, 3774801, 50649129, 7.4528, 7.4456, 7.4643),
         (2024, 3938080, 51441896, 7.6554, 7.6481, 7.6669)]),
    "30309 MMR one dose, Yorkshire (proportion, high is good)": (
        "proportion", "high_is_good", "Decreasing and getting worse",
        [(2020, 57274, 61834, 92.6254, 92.4168, 92.8288), (2021, 55865, 60511, 92.3221, 92.1072, 92.5315),
         (2022, 53681, 59074, 90.8708, 90.6358, 91.1004), (2023, 51767, 57508, 90.017, 89.7694, 90.2594),
         (2024, 53185, 59028, 90.1013, 89.8578, 90.3396)]),
    "41203 preventable sight loss (crude rate, low is good)": (
        "crude rate", "low_is_good", "Increasing and getting worse",
        [(2020, 1416, 48246126, 2.935, 2.7841, 3.0919), (2021, 935, 48440507, 1.93028, 1.8085, 2.058),
         (2022, 1344, 48753376, 2.7567, 2.6113, 2.9082), (2023, 1415, 49300918, 2.8701, 2.7225, 3.0237),
         (2024, 1502, 49866388, 3.0121, 2.8616, 3.1683)]),
    # The fixture's 2023 value is written "120/7742" (integer division in C#); the interval shows 120.7742.
    "40501 under 75 cancer mortality (1-year DSR, low is good)": (
        "directly standardised rate", "low_is_good", "Decreasing and getting better",
        [(2019, 61807, 51510878, 126.9341, 125.9343, 127.94), (2020, 61740, 51530437, 125.829, 124.8371, 126.8268),
         (2021, 60202, 51653460, 121.5234, 120.5533, 122.4993), (2022, 60192, 51966274, 122.3782, 121.4012, 123.361),
         (2023, 59423, 52380101, 120.7742, 119.8035, 121.7507)]),
    "41101 emergency readmissions (indirectly standardised, not trended)": (
        "indirectly standardised ratio", "low_is_good", CANNOT,
        [(2020, 927525, 6490048, 14.3, 14.3, 14.3), (2021, 772357, 5004131, 15.4, 15.4, 15.5),
         (2022, 861406, 6006520, 14.3, 14.3, 14.4), (2023, 835533, 5892913, 14.2, 14.1, 14.2),
         (2024, 939199, 6340538, 14.8, 14.8, 14.8)]),
}


@pytest.mark.parametrize("case", list(WEBSITE))
def test_reproduces_the_trends_the_fingertips_website_shows(case):
    value_type, polarity, expected, points = WEBSITE[case]
    rows = [(str(y), v, lo, hi, c, n) for y, c, n, v, lo, hi in points]
    label, reason = _label(_rows(rows, value_type=value_type, polarity=polarity))
    assert label == expected
    if expected == CANNOT:
        assert "indirectly standardised ratio" in reason


# ------------------------------------------------------------------- each rule
def _years(values, *, start=2015, width=1.0, count=100.0, denominator=1000.0, pooled=False):
    labels = [f"{y - 2} - {y % 100:02d}" if pooled else str(y) for y in range(start, start + len(values))]
    return [(label, v, v - width, v + width, count, denominator) for label, v in zip(labels, values)]


RISING = [10.0, 12.0, 14.0, 16.0, 18.0, 20.0]


def test_pooled_three_year_dsr_cannot_be_calculated():
    frame = _rows(_years(RISING, pooled=True), value_type="directly standardised rate", polarity="low_is_good")
    label, reason = _label(frame)
    assert label == CANNOT and "3-year pooled" in reason
    assert port.trend_marker([], "directly standardised rate", year_range=3) == CANNOT
    single = _label(_rows(_years(RISING), value_type="directly standardised rate", polarity="low_is_good"))
    assert single == ("Increasing and getting worse", "")


def test_life_expectancy_and_scores_have_no_trend():
    for value_type in ("life expectancy", "score", "indirectly standardised ratio", "count"):
        label, reason = _label(_rows(_years(RISING), value_type=value_type))
        article = "an" if value_type == "indirectly standardised ratio" else "a"
        assert label == CANNOT and f"not calculated for {article} {value_type}" in reason
    assert trend_value_types() == ("proportion", "crude rate", "directly standardised rate")


def test_non_consecutive_years_break_the_run():
    rows = _years(RISING)
    gapped = rows[:2] + rows[3:]  # 2017 missing: 2015, 2016, 2018, 2019, 2020
    label, reason = _label(_rows(gapped))
    assert label == CANNOT and "not consecutive" in reason and "2018 does not follow 2016" in reason
    ported = [{"Year": int(p), "Value": v, "Count": c, "Denominator": n, "LowerCI95": lo, "UpperCI95": hi}
              for p, v, lo, hi, c, n in gapped] + [{"Year": 2017, "Value": -1.0, "Count": None,
                                                    "Denominator": 0.0, "LowerCI95": None, "UpperCI95": None}]
    assert port.trend_marker(ported, "proportion") == CANNOT
    # Five consecutive years after the gap are enough.
    assert _label(_rows(rows[:2] + rows[3:] + _years([22.0, 24.0], start=2021)))[0] == "Increasing and getting better"


def test_points_need_counts_and_denominators():
    rows = [(p, v, lo, hi, None, None) for p, v, lo, hi, _, _ in _years(RISING)]
    label, reason = _label(_rows(rows))
    assert label == CANNOT and "no count or denominator" in reason


def test_count_equal_to_denominator_cannot_be_calculated():
    rows = _years([96.0, 97.0, 98.0, 99.0, 100.0], width=0.5)
    rows[-1] = ("2019", 100.0, 99.0, 100.0, 1000.0, 1000.0)
    label, reason = _label(_rows(rows))
    assert label == CANNOT and "count equals the denominator in 2019" in reason


def test_method_17_proportions_use_the_interval_test_not_the_counts():
    """Counts rising steadily on large denominators, but published intervals (e.g. survey-based) wide:
    the chi-squared test for trend in proportions would call it, Fingertips' interval test does not."""
    counts = [3000.0, 3060.0, 3120.0, 3180.0, 3240.0]
    rows = [(str(2018 + i), c / 100, c / 100 - 3, c / 100 + 3, c, 10_000.0) for i, c in enumerate(counts)]
    frame = _rows(rows, method="ci_overlap_95_998")
    ported = [{"Year": int(p), "Value": v, "Count": c, "Denominator": n, "LowerCI95": lo, "UpperCI95": hi}
              for p, v, lo, hi, c, n in rows]
    assert _label(frame) == ("No significant change", "")
    assert port.trend_marker(ported, "proportion") == "No significant change"
    # The counts themselves do trend: the same series with its own Wilson intervals is significant.
    own = add_intervals(frame.assign(ci_method="wilson"))
    assert _label(own)[0] == "Increasing and getting better"


def test_an_interval_of_zero_width_is_a_reason_not_a_silent_no_change():
    rows = _years(RISING)
    rows[-1] = ("2020", 20.0, 20.0, 20.0, 100.0, 1000.0)
    label, reason = _label(_rows(rows))
    assert label == CANNOT and "2020 has no width" in reason


def test_outlier_check_rejects_a_trend_made_by_one_point():
    rows = _years([20.0, 19.0, 18.0, 17.0, 60.0], width=0.5)
    assert _label(_rows(rows)) == ("No significant change", "")


def test_only_the_latest_period_carries_the_trend_and_the_reason_is_an_analysis_column():
    assert ANALYSIS_COLUMNS[ANALYSIS_COLUMNS.index("trend") + 1] == "trend_reason"
    out = recent_trend(_rows(_years([30.0, 20.0, 10.0, 12.0, 14.0, 16.0, 18.0])))
    assert out[["period", "trend"]].values.tolist() == [["2021", "Increasing and getting better"]]
